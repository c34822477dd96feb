"""Wrong passwords: counted atomically per account and address, so nobody can lock the owner out."""

import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from http.cookiejar import CookieJar

from freezegun import freeze_time

from bench.liveserver import live_server
from gongfa.demo.seed import DEMO_PASSWORD
from tests.conftest import PASSWORD

ATTACKER = {"REMOTE_ADDR": "10.9.9.9"}
OWNER = {"REMOTE_ADDR": "10.1.1.1"}


def _login(client, username, password, where):
    return client.post("/auth/login", data={"username": username, "password": password}, environ_base=where)


def _password_error(html: str) -> str:
    return re.search(r'id="password-error"[^>]*>(.*?)</p>', html, re.S).group(1)


def test_five_wrong_passwords_from_one_address_lock_that_address_not_the_owner(world, client, app):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert _login(client, "officer", "wrong-password", ATTACKER).status_code == 422
    locked = _login(client, "officer", PASSWORD, ATTACKER)  # even the right password, from there
    assert locked.status_code == 422 and "登录失败次数过多" in locked.text
    owner = app.test_client()
    assert _login(owner, "officer", PASSWORD, OWNER).status_code == 303  # the owner, at her own office
    with freeze_time(timedelta(minutes=app.config["LOGIN_LOCK_MINUTES"] + 1)):
        assert _login(app.test_client(), "officer", PASSWORD, ATTACKER).status_code == 303


def test_a_locked_unknown_name_reads_exactly_like_a_locked_account(world, client, app):
    for name in ("officer", "nobody-here"):
        for _ in range(app.config["LOGIN_MAX_FAILURES"]):
            _login(client, name, "wrong-password", ATTACKER)
    real = _login(client, "officer", "wrong-password", ATTACKER)
    unknown = _login(client, "nobody-here", "wrong-password", ATTACKER)
    assert real.status_code == unknown.status_code == 422
    assert _password_error(real.text) == _password_error(unknown.text)
    assert "登录失败次数过多" in _password_error(real.text)


def test_an_administrators_reset_lifts_the_lock(world, client, app, auth):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        _login(client, "officer", "wrong-password", ATTACKER)
    admin = app.test_client()
    _login(admin, "county", PASSWORD, OWNER)
    assert admin.post(f"/people/{world.users['officer'].id}/password",
                      data={"password": "Brand.new.pass"}).status_code == 303
    assert _login(app.test_client(), "officer", "Brand.new.pass", ATTACKER).status_code == 303


def _try(base: str, password: str) -> tuple[int, str]:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    page = opener.open(base + "/auth/login", timeout=30).read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrf_token": token, "username": "officer", "password": password}).encode()
    try:
        with opener.open(base + "/auth/login", data=data, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_sixteen_simultaneous_wrong_passwords_lock_the_account(tmp_path):
    """Counted in the database in one statement each: no lost updates across four workers."""
    with live_server(tmp_path, workers=4, db_name="gongfa_lockout") as url:
        start = threading.Barrier(16)

        def wrong(_):
            start.wait()
            return _try(url, "wrong-password")

        with ThreadPoolExecutor(16) as pool:
            answers = list(pool.map(wrong, range(16)))
        assert {status for status, _ in answers} == {422}
        status, html = _try(url, DEMO_PASSWORD)
        assert status == 422 and "登录失败次数过多" in html
