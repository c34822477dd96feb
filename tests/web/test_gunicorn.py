"""gongfa/gunicorn_conf.py: instances on one host keep apart, and a server that cannot hold its limits never starts."""

import os
import re
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from gunicorn.ctl.client import ControlClient

from bench.liveserver import ROOT, free_port


def _env(tmp: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "XDG_RUNTIME_DIR"}
    home = tmp / "home"  # gunicorn's default control socket would go under $HOME/.gunicorn
    home.mkdir(exist_ok=True)
    return {**env, "HOME": str(home), "GONGFA_SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'empty.sqlite'}",
            "GONGFA_SECRET_KEY": "gunicorn-test", "GONGFA_PUBLIC_BASE_URL": "http://127.0.0.1", **extra}


@contextmanager
def gunicorn(tmp: Path, name: str, *, workers: int = 1, env: dict | None = None):
    """A gunicorn with the project's config; yields (process, log path, port)."""
    port = free_port()
    log_path = tmp / f"{name}.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "gongfa/gunicorn_conf.py", "--workers", str(workers),
             "--bind", f"127.0.0.1:{port}", "app:app"], cwd=ROOT, env=env or _env(tmp), stdout=log,
            stderr=subprocess.STDOUT)
        try:
            yield server, log_path, port
        finally:
            if server.poll() is None:
                server.terminate()
                server.wait(20)


def _wait_for(log_path: Path, pattern: str, server: subprocess.Popen, seconds: float = 30) -> re.Match:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if m := re.search(pattern, log_path.read_text()):
            return m
        if server.poll() is not None:
            break
        time.sleep(0.1)
    raise AssertionError(f"{pattern!r} not in {log_path.read_text()}")


def _listener(socket_path: str) -> str:
    with ControlClient(socket_path, timeout=10) as client:
        return client.send_command("show listeners")["listeners"][0]["address"]


def _answering(socket_path: str, address: str, seconds: float = 30) -> None:
    """Wait until the control socket answers with ``address`` (it is rebound around a worker's fork)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if _listener(socket_path) == address:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"{socket_path} does not answer with {address}")
        time.sleep(0.1)


def test_two_instances_on_one_host_each_keep_their_control_socket(tmp_path):
    with gunicorn(tmp_path, "a") as (a, a_log, a_port), gunicorn(tmp_path, "b") as (b, b_log, b_port):
        a_sock = _wait_for(a_log, r"Control socket listening at (\S+)", a).group(1)
        b_sock = _wait_for(b_log, r"Control socket listening at (\S+)", b).group(1)
        assert a_sock != b_sock
        assert Path(a_sock).parent == ROOT / "instance"  # beside the instance's database, not in $HOME
        assert _listener(a_sock) == f"http://127.0.0.1:{a_port}"
        assert _listener(b_sock) == f"http://127.0.0.1:{b_port}"
        # A worker restart in A (gunicorn restarts its control server around every fork) leaves B's alone.
        worker = int(_wait_for(a_log, r"Booting worker with pid: (\d+)", a).group(1))
        os.kill(worker, signal.SIGKILL)
        _wait_for(a_log, rf"Booting worker with pid: (?!{worker}\b)\d+", a)
        _answering(a_sock, f"http://127.0.0.1:{a_port}")  # A's control server is back after the fork
        assert _listener(b_sock) == f"http://127.0.0.1:{b_port}"
        b.terminate()
        b.wait(20)
        assert not Path(b_sock).exists()
        assert _listener(a_sock) == f"http://127.0.0.1:{a_port}"  # stopping B took nothing of A's
    assert not Path(a_sock).exists()


def test_several_workers_counting_in_their_own_memory_refuse_to_start(tmp_path):
    env = _env(tmp_path, GONGFA_RATELIMIT_STORAGE_URI="memory://")
    with gunicorn(tmp_path, "memory", workers=2, env=env) as (server, log_path, _):
        assert server.wait(60) != 0
    log = log_path.read_text()
    assert "RATELIMIT_STORAGE_URI is memory:// with 2 workers" in log and "Worker failed to boot" in log


def test_a_rate_limit_store_that_does_not_answer_stops_the_start(tmp_path):
    env = _env(tmp_path, GONGFA_RATELIMIT_STORAGE_URI=f"redis+unix://{tmp_path}/nobody.sock")
    with gunicorn(tmp_path, "dead", workers=2, env=env) as (server, log_path, _):
        assert server.wait(60) != 0
    assert "does not answer" in log_path.read_text()

