"""Behind Debian's nginx: each resident is known by their own address, for rate limits and the records.

Residents are told apart by the loopback address they connect from (Linux routes all of 127.0.0.0/8 to lo),
so nginx sees 127.0.0.2, 127.0.0.3… as different clients, as it would see different phones.
"""

import http.client
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.parse
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from bench.liveserver import free_port, live_server
from gongfa.audit.models import AuditEvent
from gongfa.auth.models import AuthSession
from gongfa.demo.seed import DEMO_PASSWORD

NOTICE = "/v/652701100001/notice.pdf"
LIMIT = 3

# The location block the README gives for production (HTTPS there; plain HTTP on loopback here).
LOCATION = """
    location / {
        proxy_pass http://127.0.0.1:%(upstream)d;
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
    }
"""


@contextmanager
def nginx(prefix: Path, upstream: int):
    """Debian's nginx in front of ``upstream`` with its own prefix and config; yields its port."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    port = free_port()
    prefix.mkdir()
    user = "user root;" if os.geteuid() == 0 else ""  # nginx's workers must reach the prefix in tmp
    temp = "\n".join(f"    {kind}_temp_path {prefix / kind};" for kind in ("client_body", "proxy", "fastcgi",
                                                                            "uwsgi", "scgi"))
    (prefix / "nginx.conf").write_text(f"""
{user}
worker_processes 1;
pid {prefix / 'nginx.pid'};
error_log {prefix / 'error.log'} warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
{temp}
    server {{
        listen 127.0.0.1:{port};
{LOCATION % {"upstream": upstream}}
    }}
}}
""")
    server = subprocess.Popen([binary, "-p", f"{prefix}/", "-c", str(prefix / "nginx.conf"), "-e",
                               str(prefix / "error.log"), "-g", "daemon off;"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError((prefix / "error.log").read_text()) from None
                time.sleep(0.05)
        yield port
    finally:
        server.terminate()
        server.wait(10)


class Resident:
    """One client with its own source address and cookies."""

    def __init__(self, port: int, address: str):
        self.port, self.address, self.cookies = port, address, {}

    def request(self, method: str, path: str, body: dict | None = None, headers: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60, source_address=(self.address, 0))
        try:
            head = {**(headers or {})}
            if self.cookies:
                head["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            data = None
            if body is not None:
                data = urllib.parse.urlencode(body)
                head["Content-Type"] = "application/x-www-form-urlencoded"
            conn.request(method, path, body=data, headers=head)
            response = conn.getresponse()
            for value in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
            return response.status, response.read().decode("utf-8", "replace")
        finally:
            conn.close()

    def log_in(self, username: str, headers: dict | None = None) -> int:
        _, page = self.request("GET", "/auth/login")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        status, _ = self.request("POST", "/auth/login", {"csrf_token": token, "username": username,
                                                         "password": DEMO_PASSWORD}, headers)
        return status


@pytest.fixture(scope="module")
def behind_nginx(tmp_path_factory):
    """gunicorn (2 workers, Redis) told there is one proxy, and nginx in front of it."""
    tmp = tmp_path_factory.mktemp("proxy")
    info: dict = {}
    env = {"GONGFA_PROXY_COUNT": "1", "GONGFA_RATELIMIT_PDF": f"{LIMIT} per hour"}
    with live_server(tmp, extra_env=env, db_name="gongfa_proxy", info=info), nginx(tmp / "nginx", info["port"]) as port:
        yield port, info


def test_each_resident_behind_nginx_has_a_bucket_of_their_own(behind_nginx):
    port, _ = behind_nginx
    first, second = Resident(port, "127.0.0.2"), Resident(port, "127.0.0.3")
    assert [first.request("GET", NOTICE)[0] for _ in range(LIMIT + 2)] == [200] * LIMIT + [429, 429]
    assert [second.request("GET", NOTICE)[0] for _ in range(LIMIT + 1)] == [200] * LIMIT + [429]
    # Naming another address in X-Forwarded-For gets nobody out of their bucket: nginx appends the real one.
    for forged in ("10.1.2.3", "127.0.0.9", "10.1.2.3, 127.0.0.9"):
        assert first.request("GET", NOTICE, headers={"X-Forwarded-For": forged})[0] == 429
    assert Resident(port, "127.0.0.4").request("GET", NOTICE)[0] == 200


def test_the_records_carry_the_residents_address_not_nginxs(behind_nginx):
    port, info = behind_nginx
    assert Resident(port, "127.0.0.5").log_in("officer") == 303
    assert Resident(port, "127.0.0.6").log_in("lawyer", headers={"X-Forwarded-For": "10.6.6.6"}) == 303
    engine = create_engine(info["database_url"])
    with Session(engine) as db:
        sessions = db.scalars(select(AuthSession.ip)).all()
        logins = db.scalars(select(AuditEvent.ip).where(AuditEvent.action == "login")).all()
    engine.dispose()
    assert sorted(sessions) == ["127.0.0.5", "127.0.0.6"]
    assert sorted(logins) == ["127.0.0.5", "127.0.0.6"]
