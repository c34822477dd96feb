"""Sessions, CSRF, lockout, rate limits, headers."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from freezegun import freeze_time

from gongfa.audit.models import AuditEvent
from gongfa.db import db
from tests.conftest import DEFAULT, PASSWORD


def _csrf(client, url="/auth/login"):
    page = client.get(url).text
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


csrf_on = pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])


@csrf_on
def test_post_without_csrf_token_is_refused_with_a_friendly_page(world, client):
    response = client.post("/auth/login", data={"username": "admin", "password": PASSWORD})
    assert response.status_code == 400
    assert "页面已过期" in response.text


@csrf_on
def test_htmx_request_with_csrf_header_is_accepted(world, client):
    token = _csrf(client)
    response = client.post("/auth/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 303
    page = client.get("/org/units")
    header_token = re.search(r'"X-CSRFToken": "([^"]+)"', page.text).group(1)
    # The language switch is a state change: refused without a token, accepted with the header.
    assert client.post("/lang", data={"locale": "ug"}).status_code == 400
    assert client.post("/lang", data={"locale": "ug"}, headers={"X-CSRFToken": header_token}).status_code == 303


@csrf_on
def test_logout_kills_the_session_on_the_server(world, client, app):
    token = _csrf(client)
    client.post("/auth/login", data={"username": "officer", "password": PASSWORD, "csrf_token": token})
    stolen = client.get_cookie("gongfa_session").value
    assert client.get("/auth/password").status_code == 200
    client.post("/auth/logout", data={"csrf_token": _csrf(client, "/auth/password")})
    replay = app.test_client()
    replay.set_cookie("gongfa_session", stolen)
    response = replay.get("/auth/password")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@csrf_on
def test_password_change_ends_other_sessions_and_keeps_this_one(world, app):
    phone, office = app.test_client(), app.test_client()
    for c in (phone, office):
        c.post("/auth/login", data={"username": "lawyer", "password": PASSWORD, "csrf_token": _csrf(c)})
    new = "New.password.2026"
    response = office.post("/auth/password", data={
        "current": PASSWORD, "new": new, "confirm": new, "csrf_token": _csrf(office, "/auth/password")})
    assert response.status_code == 303
    assert office.get("/auth/password").status_code == 200
    assert phone.get("/auth/password").status_code == 302
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "user.password")) is not None


def _login_cookie(client) -> str:
    response = client.post("/auth/login", data={"username": "officer", "password": PASSWORD})
    assert response.status_code == 303
    return next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("gongfa_session="))


@pytest.mark.parametrize("app_config", [{"SESSION_COOKIE_SECURE": DEFAULT}])
def test_the_login_cookie_is_secure_http_only_and_same_site_by_default(world, client):
    """Out of the box (no setting, as behind HTTPS), the browser never sends the cookie over plain HTTP."""
    cookie = _login_cookie(client).split("; ")
    assert {"Secure", "HttpOnly", "SameSite=Lax"} <= set(cookie)


class TestOnAPlainHttpStationLan:
    """README: GONGFA_SESSION_COOKIE_SECURE=false where a station serves plain HTTP on its LAN."""

    @pytest.fixture
    def app_config(self, monkeypatch):
        monkeypatch.setenv("GONGFA_SESSION_COOKIE_SECURE", "false")
        return {"SESSION_COOKIE_SECURE": DEFAULT}

    def test_the_setting_turns_the_secure_flag_off_and_keeps_the_others(self, world, client):
        cookie = _login_cookie(client).split("; ")
        assert "Secure" not in cookie and {"HttpOnly", "SameSite=Lax"} <= set(cookie)


def test_security_headers_and_csp_without_inline_script(world, client):
    response = client.get("/auth/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_templates_have_no_inline_script_or_event_handlers():
    for path in Path("templates").rglob("*.html"):
        text = path.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), path
        assert not re.search(r"\son[a-z]+=", text), path


def test_personal_pages_are_not_cached(world, client, auth):
    auth.login("officer")
    assert client.get("/").headers["Cache-Control"] == "no-store"


def test_lockout_after_repeated_failures(world, auth, app):
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        response = auth.login("officer", "wrong-password")
        assert response.status_code == 422
        assert "用户名或密码不正确" in response.text
    response = auth.login("officer", "wrong-password")  # the last allowed try says so
    assert response.status_code == 422 and "登录失败次数过多" in response.text
    response = auth.login("officer")  # right password, but locked now (from this address)
    assert response.status_code == 422
    assert "登录失败次数过多" in response.text
    with freeze_time(timedelta(minutes=app.config["LOGIN_LOCK_MINUTES"] + 1)):
        assert auth.login("officer").status_code == 303


def test_unknown_user_and_wrong_password_read_the_same(world, auth):
    a = auth.login("nobody-here", "whatever")
    b = auth.login("officer", "whatever")
    assert a.status_code == b.status_code == 422
    assert "用户名或密码不正确" in a.text and "用户名或密码不正确" in b.text


def test_idle_session_times_out(world, client, auth, app):
    auth.login("head")
    assert client.get("/auth/password").status_code == 200
    with freeze_time(timedelta(minutes=app.config["IDLE_TIMEOUT_MINUTES"] + 1)):
        response = client.get("/auth/password")
    assert response.status_code == 302


def test_expired_session_under_htmx_redirects_the_whole_page(world, client):
    response = client.get("/org/units", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith("/auth/login")


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "RATELIMIT_LOGIN": "3 per minute"}])
def test_login_is_rate_limited(world, client):
    codes = [client.post("/auth/login", data={"username": "x", "password": "y"}).status_code for _ in range(5)]
    assert codes[:3] == [422, 422, 422]
    assert codes[3:] == [429, 429]


def test_open_redirect_after_login_is_refused(world, client):
    response = client.post("/auth/login?next=//evil.example/", data={"username": "admin", "password": PASSWORD})
    assert response.headers["Location"] == "/"
