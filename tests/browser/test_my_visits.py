"""My visits on a 360-px phone: the first screen fits in four phone screens, and every card action (accept,
decline, propose, swap, check in, check out) leaves the person at the card she acted on, with the page whole,
the message in the live region and, with JavaScript, focus on the card's heading; with JavaScript and without.

The tests change sessions, so they run on a server of their own (the demo data, as `bash .ci/serve` has it).
"""

from datetime import datetime, time, timedelta

import pytest
from playwright.sync_api import expect

from bench.liveserver import live_server as bench_live_server
from tests.browser.conftest import SHOTS, choose_language, login

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 640}
SCREENS = 4  # the first screen of My visits, in phone screens (DESIGN: what needs me now, at a glance)
MODES = pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """gunicorn on the demo data, and the database behind it (for the sessions a test needs)."""
    info: dict = {}
    with bench_live_server(tmp_path_factory.mktemp("my-visits"), info=info) as url:
        yield url, info["database_url"]


def _in_app(database_url: str, work):
    """Run ``work()`` against the live server's database and return its result."""
    from gongfa import create_app
    from gongfa.db import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "browser-test"})
    with app.app_context():
        result = work()
        db.session.commit()
        db.session.remove()  # give its connection back before the pool is closed (none left open on PostgreSQL)
        db.engine.dispose()
    return result


def _confirmed_session_now(database_url: str) -> None:
    """A confirmed session at the demo lawyer's station around the present hour (Beijing time), to check in at."""
    from gongfa import clock
    from gongfa.db import db
    from gongfa.duty.models import DutySession, ExtraKind, RuleKind, SessionStatus
    from gongfa.org import services as org
    from gongfa.org.models import Unit
    from gongfa.people.models import User

    def work():
        now = clock.beijing_now()
        lawyer = db.session.scalar(db.select(User).where(User.username == "lawyer"))
        unit = db.session.scalar(db.select(Unit).where(Unit.code == "652701100"))
        start = max(datetime.combine(now.date(), time(0, 0), now.tzinfo), now - timedelta(hours=1))
        end = min(datetime.combine(now.date(), time(23, 59), now.tzinfo), now + timedelta(hours=1))
        db.session.add(DutySession(point=org.point_of(unit), kind=RuleKind.EXTRA, extra_kind=ExtraKind.MOBILE,
                                   scheduled_on=now.date(), on=now.date(), starts_at=start.time().replace(second=0,
                                   microsecond=0), ends_at=end.time().replace(second=0, microsecond=0),
                                   lawyer=lawyer, status=SessionStatus.CONFIRMED))

    _in_app(database_url, work)


def _checked_in_earlier(database_url: str, session_id: int, minutes: int = 30) -> None:
    """Move the check-in back: a check-out in the same minute is refused (nobody serves for under a minute)."""
    from sqlalchemy import update

    from gongfa.db import db
    from gongfa.duty.models import DutySession

    def work():
        s = db.session.get(DutySession, session_id)
        db.session.execute(update(DutySession).where(DutySession.id == session_id)  # the version stays
                           .values(checked_in_at=s.checked_in_at - timedelta(minutes=minutes)))

    _in_app(database_url, work)


def _swappable_session(database_url: str) -> int:
    """An open Wednesday at the demo station that another of its lawyers' days can be swapped with."""
    from gongfa import clock
    from gongfa.db import db
    from gongfa.duty import actions
    from gongfa.duty.models import OPEN_STATUSES, DutySession, RuleKind
    from gongfa.org import services as org
    from gongfa.org.models import Unit

    def work():
        unit = db.session.scalar(db.select(Unit).where(Unit.code == "652701100"))
        today = clock.today()
        for s in db.session.scalars(db.select(DutySession).where(
                DutySession.point_id == org.point_of(unit).id, DutySession.kind == RuleKind.WEEKLY,
                DutySession.status.in_(OPEN_STATUSES), DutySession.lawyer_id.is_not(None),
                DutySession.on > today).order_by(DutySession.on)):
            if actions.swap_candidates(s, today=today):
                return s.id
        raise AssertionError("no Wednesday to swap at 小营盘镇")

    return _in_app(database_url, work)


def _phone(make_page, url: str, username: str, javascript: bool = True, language: str = "ug"):
    w = make_page(width=PHONE["width"], height=PHONE["height"], javascript=javascript, locale="ug-CN")
    login(w, url, username)
    choose_language(w.page, language)
    return w


def _assert_back_at_the_card(w, card_id: str, javascript: bool) -> None:
    """The whole page is there, the card shows what happened, the live region says it, focus is on the card,
    and nothing scrolls sideways."""
    page = w.page
    for part in ("header.top", "nav.nav", "footer.foot", "main h1"):
        expect(page.locator(part)).to_have_count(1)
    notice = page.locator(f"#{card_id} .notice")
    expect(notice).to_be_visible()
    said = notice.inner_text().strip()
    assert said
    expect(page.locator('#live[role="status"][aria-live="polite"]')).to_have_text(said)
    if javascript:
        expect(page.locator(f"#{card_id}-when")).to_be_focused()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert w.errors == []


@pytest.mark.parametrize("language", ["zh_Hans", "ug", "kk_Arab"])
def test_the_first_screen_of_my_visits_fits_in_four_phone_screens(server, make_page, language):
    url, _db = server
    w = _phone(make_page, url, "lawyer", language=language)
    w.page.goto(url + "/duty/my")
    height = w.page.evaluate("document.documentElement.scrollHeight")
    SHOTS.mkdir(parents=True, exist_ok=True)
    w.page.screenshot(path=str(SHOTS / f"{language}-360-duty-my-first.png"), full_page=True)
    assert height <= SCREENS * PHONE["height"], f"{height} px"
    assert w.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # What waits comes first; later and earlier sessions are a tap away, not on this page.
    headings = w.page.locator("main h2").all_inner_texts()
    assert len(headings) == 2
    assert w.page.locator("main a[href='/duty/my?show=later']").count() == 1


@MODES
def test_accept_on_my_visits(server, make_page, javascript):
    url, _db = server
    w = _phone(make_page, url, "lawyer", javascript)
    page = w.page
    page.goto(url + "/duty/my")
    card = page.locator("article.visit:has(form[action$='/accept'])").first
    card_id = card.get_attribute("id")
    card.locator("form[action$='/accept'] button").click()
    expect(page.locator(f"#{card_id}.st-confirmed")).to_have_count(1)
    assert "/duty/my" in page.url
    _assert_back_at_the_card(w, card_id, javascript)
    expect(page.locator(f"#{card_id} form[action$='/accept']")).to_have_count(0)


@MODES
def test_decline_with_a_reason_on_my_visits(server, make_page, javascript):
    url, _db = server
    w = _phone(make_page, url, "lawyer", javascript)
    page = w.page
    page.goto(url + "/duty/my")
    card = page.locator("article.visit:has(a[href*='/decline'])").first
    card_id = card.get_attribute("id")
    card.locator("a[href*='/decline']").click()
    page.wait_for_url("**/decline**")
    page.fill("#reason", "开庭")
    page.locator("#submit").click()
    page.wait_for_url(f"**/duty/my#{card_id}")
    declined = page.locator(f"#{card_id}")
    expect(declined.locator(".tag.bad")).to_have_count(1)  # waiting for a substitute
    expect(declined.locator("form[action$='/accept'], a[href*='/decline']")).to_have_count(0)
    _assert_back_at_the_card(w, card_id, javascript)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"ug-360-duty-my-declined-{'js' if javascript else 'nojs'}.png"),
                    full_page=True)


@MODES
def test_propose_a_date_from_my_visits(server, make_page, javascript):
    url, _db = server
    w = _phone(make_page, url, "lawyer", javascript)
    page = w.page
    page.goto(url + "/duty/my?show=later")  # next month's visits: the whole month is open to choose from
    card = page.locator("article.visit:has(a[href*='#propose'])").first
    card_id = card.get_attribute("id")
    card.locator("a[href*='#propose']").click()
    page.wait_for_url("**/duty/sessions/**")
    # The month's last working days: no village visit falls there in the demo (one run takes each), and a day
    # the lawyer is busy elsewhere is refused (tests/duty/test_clashes.py).
    days = page.locator("#propose select option")
    page.locator("#propose select").select_option(index=days.count() - (1 if javascript else 2))
    page.locator("#propose [type=submit]").click()
    page.wait_for_url(f"**/duty/my?show=later#{card_id}")
    expect(page.locator(f"#{card_id}.st-proposed")).to_have_count(1)
    _assert_back_at_the_card(w, card_id, javascript)


@MODES
def test_swap_from_the_session_card(server, make_page, javascript):
    url, database_url = server
    session_id = _swappable_session(database_url)
    w = _phone(make_page, url, "head", javascript)
    page = w.page
    page.goto(url + f"/duty/sessions/{session_id}")
    card_id = f"session-{session_id}"
    page.locator(f"#{card_id} a[href*='/swap']").click()
    page.wait_for_url("**/swap**")
    if page.locator("select[name=other_id]").count():
        page.locator("select[name=other_id]").select_option(index=0)
    else:
        page.locator("input[name=other_id]").first.check()
    page.locator("#submit").click()
    page.wait_for_url(f"**/duty/sessions/{session_id}#{card_id}")
    _assert_back_at_the_card(w, card_id, javascript)


@MODES
def test_check_in_then_check_out_points_to_the_work_log(server, make_page, javascript):
    url, database_url = server
    _confirmed_session_now(database_url)
    w = _phone(make_page, url, "lawyer", javascript)
    page = w.page
    page.goto(url + "/duty/my")
    card = page.locator("article.visit:has(form[action$='/check_in'])").first
    card_id = card.get_attribute("id")
    card.locator("form[action$='/check_in'] button").click()
    expect(page.locator(f"#{card_id}.st-checked_in")).to_have_count(1)
    _assert_back_at_the_card(w, card_id, javascript)
    _checked_in_earlier(database_url, int(card_id.removeprefix("session-")))
    page.locator(f"#{card_id} form[action$='/check_out'] button").click()
    expect(page.locator(f"#{card_id}.st-done")).to_have_count(1)
    _assert_back_at_the_card(w, card_id, javascript)
    log = page.locator(f"#{card_id} a[href$='/log/new?session={card_id.removeprefix('session-')}']")
    expect(log).to_have_count(1)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"ug-360-duty-my-checked-out-{'js' if javascript else 'nojs'}.png"),
                    full_page=True)
