"""Start gunicorn on a migrated, demo-seeded database: shared by the benchmarks and the browser tests."""

import os
import socket
import subprocess
import sys
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
    """A database of its own: a SQLite file, or (with GONGFA_TEST_DATABASE_URL) a fresh PostgreSQL one."""
    base = os.environ.get("GONGFA_TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp / (name + '.sqlite')}"
    import psycopg

    plain = base.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    return base.rsplit("/", 1)[0] + "/" + name


@contextmanager
def live_server(tmp: Path, *, workers: int = 2, extra_env: dict | None = None, db_name: str = "gongfa_live",
                info: dict | None = None):
    """Yield the base URL of gunicorn serving the demo data; stop it afterwards.

    ``info``, when given, receives the server's ``database_url`` (tests look at the rows themselves).
    """
    db_url = database_url(tmp, db_name)
    if info is not None:
        info["database_url"] = db_url
    env = {**os.environ, "GONGFA_SQLALCHEMY_DATABASE_URI": db_url, "GONGFA_SECRET_KEY": "live-server",
           "GONGFA_DEMO": "true",
           "GONGFA_SESSION_COOKIE_SECURE": "false", "GONGFA_RATELIMIT_LOGIN": "1000 per minute",
           **(extra_env or {})}
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*flask, "seed-demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    port = free_port()
    log_path = tmp / "gunicorn.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "gongfa/gunicorn_conf.py", "--workers", str(workers),
             "--bind", f"127.0.0.1:{port}", "app:app"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(150):
                try:
                    urllib.request.urlopen(url + "/auth/login", timeout=1)  # noqa: S310 (loopback only)
                    break
                except OSError:
                    time.sleep(0.1)
            else:
                raise RuntimeError(log_path.read_text())
            yield url
        finally:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
