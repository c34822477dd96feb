"""The day's facts on a 360-px phone in Kazakh (Arabic script, right to left): a check-in tapped too early is
refused with when it opens, with and without JavaScript; the officer sees a visit's hour flag before the
countersign button (gongfa/duty/attendance.py)."""

import time as wall
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from bench.liveserver import live_server as bench_live_server
from gongfa import create_app
from gongfa.clock import BEIJING
from gongfa.db import db
from gongfa.duty.models import DutySession, ExtraKind, RuleKind, SessionStatus
from gongfa.org.models import ServicePoint, Unit
from gongfa.people.models import User
from tests.browser.conftest import SHOTS, choose_language, login

pytestmark = pytest.mark.browser

VILLAGE = "652701100001"  # 营盘社区: the demo lawyer advises it, the demo officer works there
OPENS = 1  # check-in opens one minute before the start on this server: a session a few minutes ahead is "too early"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A server of its own (the check-in window is a setting), and its database for adding a session."""
    info = {}
    with bench_live_server(tmp_path_factory.mktemp("checkin"), db_name="gongfa_live_checkin", info=info,
                           extra_env={"GONGFA_CHECKIN_OPENS_MINUTES": str(OPENS)}) as url:
        yield url, info["database_url"]


def _session_soon(database_url: str) -> tuple[int, str]:
    """A home visit for the demo lawyer starting in five minutes today; returns its id and when check-in opens."""
    now = datetime.now(BEIJING)
    if now.hour == 23 and now.minute >= 50:  # the session must end today: wait for the new day
        wall.sleep((60 - now.minute) * 60 - now.second + 5)
        now = datetime.now(BEIJING)
    start = (now + timedelta(minutes=5)).replace(second=0, microsecond=0)
    app = create_app({"TESTING": True, "SECRET_KEY": "browser-test", "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        lawyer = db.session.scalar(db.select(User).where(User.username == "lawyer"))
        point = db.session.scalar(db.select(ServicePoint).join(Unit).where(Unit.code == VILLAGE))
        session = DutySession(point=point, kind=RuleKind.EXTRA, extra_kind=ExtraKind.HOME_VISIT, lawyer=lawyer,
                              scheduled_on=start.date(), on=start.date(), starts_at=start.time(),
                              ends_at=(start + timedelta(minutes=3)).time(), status=SessionStatus.CONFIRMED)
        db.session.add(session)
        db.session.commit()
        session_id = session.id  # reads the row again: the session holds a connection until removed
        db.session.remove()
        db.engine.dispose()
    return session_id, (start - timedelta(minutes=OPENS)).strftime("%H:%M")


def _kazakh_phone(make_page, url: str, username: str, javascript: bool = True):
    w = make_page(width=360, height=740, javascript=javascript, locale="kk-CN")
    w.page.goto(url + "/auth/login")
    choose_language(w.page, "kk_Arab")
    login(w, url, username)
    return w


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_a_too_early_check_in_is_refused_with_when_it_opens(server, make_page, javascript):
    url, database_url = server
    session_id, opens = _session_soon(database_url)
    w = _kazakh_phone(make_page, url, "lawyer", javascript)
    page = w.page
    page.goto(f"{url}/duty/sessions/{session_id}")
    assert page.locator("html").get_attribute("dir") == "rtl"
    card = page.locator(f"#session-{session_id}")
    check_in = card.locator("form[action$='/check_in'] button")
    check_in.click()
    if not javascript:  # back on the page it came from, at the card
        page.wait_for_url(f"**#session-{session_id}")
    # Either way the card says why (role=alert is read out).
    message = page.locator(f"#session-{session_id} [role=alert]")
    expect(message).to_contain_text(opens)
    expect(page.locator(f"#session-{session_id}")).to_have_class("visit st-confirmed")  # nothing was recorded
    _no_sideways_scroll(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"kk-360-checkin-too-early-{'js' if javascript else 'nojs'}.png"),
                    full_page=True)
    # The refusal is a 409 (the card swapped in with its message), which Chromium logs as a failed load.
    assert [e for e in w.errors if "409 (CONFLICT)" not in e] == []


def test_the_officer_sees_the_short_visit_flagged_before_countersigning(server, make_page):
    url, _database_url = server
    w = _kazakh_phone(make_page, url, "officer")
    page = w.page
    page.goto(url + "/log/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    # The demo's flagged example: last month's visit, checked in and out 35 minutes apart, entries waiting.
    flags = page.locator("table.list .flags").first
    expect(flags).to_be_visible()
    expect(flags).to_contain_text("0:35")
    row = page.locator("table.list tbody tr", has=page.locator(".flags")).first
    button = row.locator("a[href*='/countersign']")  # leads to the confirmation page
    assert flags.bounding_box()["y"] < button.bounding_box()["y"] + button.bounding_box()["height"]
    _no_sideways_scroll(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "kk-360-worklog-flagged.png"), full_page=True)
    entry = row.locator("a[href^='/log/']").first.get_attribute("href")
    page.goto(url + entry)
    expect(page.locator(".flags")).to_contain_text("0:35")
    flag_box = page.locator(".flags").bounding_box()
    assert flag_box["y"] < page.locator("main a[href*='/countersign']").bounding_box()["y"]
    page.screenshot(path=str(SHOTS / "kk-360-worklog-entry-flagged.png"), full_page=True)
    assert w.errors == []
