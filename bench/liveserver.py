"""Start gunicorn on a migrated, demo-seeded database: shared by the benchmarks and the browser tests.

The server is set up the way `bash .ci/serve` and production run it: rate limits in a Redis of its own
(Debian's redis-server), an explicit public address, gunicorn's settings from gongfa/gunicorn_conf.py.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A TCP port on loopback nobody listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url(tmp: Path, name: str = "gongfa_live") -> str:
    """A database of its own: a SQLite file, or (with GONGFA_TEST_DATABASE_URL) a fresh PostgreSQL one.

    On PostgreSQL the name is prefixed with the test database's, so two checkouts testing against one
    cluster (gongfa_test_a, gongfa_test_b) never drop each other's live databases.
    """
    base = os.environ.get("GONGFA_TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp / (name + '.sqlite')}"
    import psycopg

    prefix, test_db = base.rsplit("/", 1)
    test_db = test_db.split("?", 1)[0]
    if test_db != "gongfa_test":
        name = f"{test_db}_{name}"[:63]
    plain = base.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    return prefix + "/" + name


def stop(process: subprocess.Popen) -> None:
    """Ask a server to stop (SIGTERM); kill it if it has not stopped within 10 s."""
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def redis_server():
    """Yield the storage URI of a private redis-server (Debian's) on a unix socket; stop it afterwards.

    Nothing is saved to disk. The socket lives in a short temporary directory (a unix socket path must
    stay under 108 bytes, which pytest's tmp_path can exceed).
    """
    import redis

    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    with tempfile.TemporaryDirectory(prefix="gongfa-redis-") as tmp:
        sock = Path(tmp) / "redis.sock"
        server = subprocess.Popen(
            [binary, "--port", "0", "--unixsocket", str(sock), "--unixsocketperm", "700", "--save", "",
             "--appendonly", "no", "--dir", tmp, "--daemonize", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        try:
            client = redis.Redis(unix_socket_path=str(sock), socket_connect_timeout=1)
            for _ in range(100):
                try:
                    if client.ping():
                        break
                except redis.exceptions.ConnectionError:
                    if server.poll() is not None:
                        raise RuntimeError(f"redis-server exited with {server.returncode}") from None
                    time.sleep(0.05)
            else:
                raise RuntimeError("redis-server did not answer")
            client.close()
            yield f"redis+unix://{sock}"
        finally:
            stop(server)


@contextmanager
def live_server(tmp: Path, *, workers: int = 2, extra_env: dict | None = None, db_name: str = "gongfa_live",
                info: dict | None = None):
    """Yield the base URL of gunicorn serving the demo data; stop it afterwards.

    Rate limits are kept in a private Redis, as `bash .ci/serve` does, unless ``extra_env`` names
    another ``GONGFA_RATELIMIT_STORAGE_URI`` (``memory://`` is only accepted with one worker).
    ``info``, when given, receives the server's ``database_url``, ``storage_uri``, ``port`` and
    ``log_path`` (tests look at the rows and the log themselves).
    """
    extra_env = dict(extra_env or {})
    with _storage(extra_env.get("GONGFA_RATELIMIT_STORAGE_URI")) as storage_uri:
        db_url = database_url(tmp, db_name)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        log_path = tmp / "gunicorn.log"
        if info is not None:
            info.update(database_url=db_url, storage_uri=storage_uri, port=port, log_path=log_path)
        env = {**os.environ, "GONGFA_SQLALCHEMY_DATABASE_URI": db_url, "GONGFA_SECRET_KEY": "live-server",
               "GONGFA_DEMO": "true", "GONGFA_SESSION_COOKIE_SECURE": "false",
               "GONGFA_RATELIMIT_LOGIN": "1000 per minute",
               "GONGFA_PUBLIC_BASE_URL": url, **extra_env, "GONGFA_RATELIMIT_STORAGE_URI": storage_uri}
        flask = [sys.executable, "-m", "flask", "--app", "app"]
        subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
        subprocess.run([*flask, "seed-demo"], cwd=ROOT, env=env, check=True, capture_output=True)
        with log_path.open("w") as log:
            server = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--config", "gongfa/gunicorn_conf.py", "--workers", str(workers),
                 "--bind", f"127.0.0.1:{port}", "app:app"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
            try:
                for _ in range(150):
                    try:
                        urllib.request.urlopen(url + "/auth/login", timeout=1)  # noqa: S310 (loopback only)
                        break
                    except OSError:
                        if server.poll() is not None:
                            break
                        time.sleep(0.1)
                else:
                    raise RuntimeError(log_path.read_text())
                if server.poll() is not None:
                    raise RuntimeError(log_path.read_text())
                yield url
            finally:
                stop(server)


@contextmanager
def _storage(uri: str | None):
    """The given rate-limit storage URI, or a private Redis for the server's lifetime."""
    if uri:
        yield uri
        return
    with redis_server() as started:
        yield started
