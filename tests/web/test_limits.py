"""Rate limits that hold in production: per client address, shared by every gunicorn worker through Redis."""

import http.client
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from bench.liveserver import live_server
from tests.web.test_pdf import pdftotext

NOTICE = "/v/652701100001/notice.pdf"  # a demo village (and one of the test world's)


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "RATELIMIT_PDF": "2 per hour"}])
def test_the_public_notice_pdf_is_limited_per_address(world, app, client, auth):
    def get(address: str) -> int:
        return client.get(NOTICE, environ_base={"REMOTE_ADDR": address}).status_code

    assert [get("10.0.0.1") for _ in range(4)] == [200, 200, 429, 429]
    assert get("10.0.0.2") == 200  # another resident has a bucket of their own
    response = client.get(NOTICE, environ_base={"REMOTE_ADDR": "10.0.0.1"}, headers={"X-Forwarded-For": "10.0.0.9"})
    assert response.status_code == 429  # no proxy configured: a header a client sends is not its address
    assert "操作太频繁" in response.text  # the resident is told to wait, in their language
    auth.login("officer")  # staff printing the notice boards of their villages are not counted
    assert [get("10.0.0.1") for _ in range(3)] == [200, 200, 200]


def _fetch(port: int, source: str, path: str = NOTICE) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=(source, 0))
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def test_four_workers_sharing_redis_let_exactly_the_limit_through(tmp_path):
    """40 requests at once from each of two addresses at a 4-worker gunicorn: 5 PDFs each, the rest 429."""
    limit, fired = 5, 40
    info: dict = {}
    env = {"GONGFA_RATELIMIT_PDF": f"{limit} per hour"}
    with live_server(tmp_path, workers=4, extra_env=env, info=info):
        assert info["storage_uri"].startswith("redis+unix://")
        sources = ["127.0.0.2"] * fired + ["127.0.0.3"] * fired
        start = threading.Barrier(len(sources))

        def fire(source: str) -> tuple[str, int, bytes]:
            start.wait()
            return (source, *_fetch(info["port"], source))

        with ThreadPoolExecutor(len(sources)) as pool:
            results = list(pool.map(fire, sources))
        log = info["log_path"].read_text()
        # The counts live in Redis, where every worker reads them (gthread workers accept unevenly: one
        # worker may well have answered a whole burst, which alone would not show the sharing).
        store = redis.Redis(unix_socket_path=info["storage_uri"].removeprefix("redis+unix://"))
        counted = {k.decode(): int(store.get(k)) for k in store.keys("*") if b"127.0.0." in k}
        store.close()
    for source in ("127.0.0.2", "127.0.0.3"):
        codes = sorted(code for s, code, _ in results if s == source)
        assert codes == [200] * limit + [429] * (fired - limit), (source, codes)
    booted = [line for line in log.splitlines() if "Booting worker with pid" in line]
    assert len(booted) == 4
    assert sorted(counted.values()) == [fired, fired], counted  # one shared counter per address, every hit in it
    pdf = next(body for _, code, body in results if code == 200)
    assert "/v/652701100001" in pdftotext(pdf)
