"""My visits (/duty/my) on a phone: what waits for the lawyer first, and every card action leaves her at the
card with a message, with JavaScript (htmx) and without."""

import re
from datetime import date, datetime, time

import pytest
from freezegun import freeze_time

from gongfa.clock import BEIJING
from gongfa.db import db
from gongfa.duty.generation import create_rule, generate_all
from gongfa.duty.holidays import sync_national_holidays
from gongfa.duty.models import DutySession, RuleKind, SessionStatus
from gongfa.org import services as org
from gongfa.worklog.models import Category, Mode, WorkLogEntry
from tests.conftest import HX, hx_target

TODAY = "2026-11-25 09:00:00+08:00"  # a Wednesday: 小营盘镇's duty is today


def card_target(s: DutySession) -> dict:
    """What htmx sends when a button on the session's card swaps the card."""
    return hx_target(f"session-{s.id}")


BOOSTED = {**HX, "HX-Boosted": "true"}  # a form on a full page (decline, propose, swap) inside boosted <main>


@pytest.fixture
def week(world):
    """小营盘镇's Wednesdays and 营盘社区's monthly visit (the 26th), seen on Wednesday 2026-11-25."""
    with freeze_time(TODAY):
        sync_national_holidays([2026])
        create_rule(point=org.point_of(world.units["T1"]), kind=RuleKind.WEEKLY, valid_from=date(2025, 1, 1))
        create_rule(point=org.point_of(world.units["V1"]), kind=RuleKind.MONTHLY, valid_from=date(2025, 1, 1),
                    day_of_month=26)
        generate_all(first=date(2026, 11, 1), weeks=6, months=2)
        db.session.commit()
    return world


def _at(world, key: str, on: date | None = None, kind: RuleKind | None = None) -> DutySession:
    stmt = db.select(DutySession).where(DutySession.point_id == org.point_of(world.units[key]).id)
    if on:
        stmt = stmt.where(DutySession.on == on)
    if kind:
        stmt = stmt.where(DutySession.kind == kind)
    found = db.session.scalars(stmt.order_by(DutySession.on)).first()
    assert found is not None
    return found


def _done(s: DutySession, *, logged: bool) -> None:
    """The session happened (checked in and out); with ``logged``, its work-log entry is written."""
    s.status = SessionStatus.DONE
    s.checked_in_at = datetime.combine(s.on, time(10, 0), tzinfo=BEIJING)
    s.checked_out_at = datetime.combine(s.on, time(13, 0), tzinfo=BEIJING)
    if logged:
        db.session.add(WorkLogEntry(point_id=s.point_id, lawyer_id=s.lawyer_id, session_id=s.id, served_on=s.on,
                                    starts_at=time(10, 0), ends_at=time(11, 0), persons="村民", mode=Mode.ON_SITE,
                                    category=Category("consultation"), content="咨询"))


def section(page: str, heading: str) -> str:
    """The part of the page from the <h2> ``heading`` to the next <h2> (or the end of <main>)."""
    match = re.search(r"<h2[^>]*>\s*" + re.escape(heading) + r"\s*</h2>(.*?)(?=<h2|</main>)", page, re.S)
    assert match, f"no section {heading!r}"
    return match.group(1)


def card(page: str, s: DutySession) -> str:
    """The session's card in the page."""
    match = re.search(rf'<article[^>]*id="session-{s.id}".*?</article>', page, re.S)
    assert match, f"no card for session {s.id}"
    return match.group(0)


def live_region(page: str) -> str:
    """The text of the page's live region (role=status), which a screen reader announces."""
    match = re.search(r'<div id="live"[^>]*role="status"[^>]*>(.*?)</div>', page, re.S)
    assert match, "no live region"
    return match.group(1)


# --- what the page lists, and in which order -------------------------------------------------------------


@freeze_time(TODAY)
def test_my_visits_puts_what_waits_for_the_lawyer_first(week, client, auth):
    """To accept, a village date to choose again, today's check-in and an unwritten log come before the week."""
    w = week
    today = _at(w, "T1", date(2026, 11, 25))
    today.status = SessionStatus.CONFIRMED
    unwritten, written = _at(w, "T1", date(2026, 11, 18)), _at(w, "T1", date(2026, 11, 11))
    _done(unwritten, logged=False)
    _done(written, logged=True)
    village = _at(w, "V1", kind=RuleKind.MONTHLY)
    village.on = date(2026, 11, 20)  # its day went by unconfirmed: the lawyer must propose another this month
    next_wed = _at(w, "T1", date(2026, 12, 2))
    db.session.commit()
    auth.login("lawyer")
    page = client.get("/duty/my").text
    assert page.index("等您处理") < page.index("本周和下周")
    waiting = section(page, "等您处理")
    assert f'id="session-{today.id}"' in waiting and "/check_in" in card(waiting, today)
    assert f'id="session-{next_wed.id}"' in waiting and "/accept" in card(waiting, next_wed)
    assert f'id="session-{village.id}"' in waiting and "另选日期" in card(waiting, village)
    assert "/accept" not in card(waiting, village)  # a day gone by is not accepted
    refused = client.post(f"/duty/sessions/{village.id}/accept", data={"version": village.version},
                          headers=card_target(village))
    assert refused.status_code == 409 and db.session.get(DutySession, village.id).status == SessionStatus.PLANNED
    assert f'id="session-{unwritten.id}"' in waiting
    assert f"/log/new?session={unwritten.id}" in card(waiting, unwritten)
    assert f'id="session-{written.id}"' not in page  # its log is written: nothing waits


@freeze_time(TODAY)
def test_the_rest_is_behind_a_link_later_and_past_paginated(week, client, auth):
    w = week
    later = _at(w, "T1", date(2026, 12, 9))  # after next week
    past = _at(w, "T1", date(2026, 11, 4))
    _done(past, logged=True)
    db.session.commit()
    auth.login("lawyer")
    page = client.get("/duty/my").text
    assert f'id="session-{later.id}"' not in page and f'id="session-{past.id}"' not in page
    assert 'href="/duty/my?show=later"' in page and 'href="/duty/my?show=past"' in page
    assert f'id="session-{later.id}"' in client.get("/duty/my?show=later").text
    assert f'id="session-{past.id}"' in client.get("/duty/my?show=past").text
    assert client.get("/duty/my?show=later&page=99").status_code == 200  # past the end: an empty page, no 500
    assert client.get("/duty/my?show=nonsense").status_code == 200


# --- card actions: the lawyer stays at the card and hears what happened ------------------------------------


@freeze_time(TODAY)
def test_one_tap_with_htmx_answers_the_card_focused_with_its_message_in_the_live_region(week, client, auth):
    s = _at(week, "T1", date(2026, 12, 2))
    auth.login("lawyer")
    response = client.post(f"/duty/sessions/{s.id}/accept", data={"version": s.version, "next": "/duty/my"},
                           headers=card_target(s))
    assert response.status_code == 200 and "<html" not in response.text
    answer = card(response.text, s)
    assert "已确认" in answer and "/accept" not in answer
    assert "已接受" in answer  # the message, at the card
    assert re.search(r"<h3[^>]*tabindex=\"-1\"[^>]*autofocus", answer)  # htmx moves focus to the card's heading
    assert re.search(r'<div id="live" data-hx-swap-oob="innerHTML"[^>]*>[^<]*已接受', response.text)


@freeze_time(TODAY)
def test_one_tap_without_javascript_goes_back_to_the_card_with_its_message(week, client, auth):
    s = _at(week, "T1", date(2026, 12, 2))
    auth.login("lawyer")
    response = client.post(f"/duty/sessions/{s.id}/accept", data={"version": s.version, "next": "/duty/my"})
    assert response.status_code == 303 and response.headers["Location"] == f"/duty/my#session-{s.id}"
    page = client.get("/duty/my").text
    assert "已接受" in card(page, s) and "已接受" in live_region(page)
    assert "autofocus" in card(page, s)
    assert "已接受" not in client.get("/duty/my").text  # said once


@freeze_time("2026-12-08 09:00:00+08:00")
def test_a_card_that_leaves_the_list_after_the_tap_is_still_where_she_lands(week, client, auth):
    """Accepting December's visit (the 26th is a Saturday: it moves to a weekday near it) on the 8th: it no longer
    waits and is not this week or next, yet without JavaScript the lawyer lands at that card, with what
    happened, not at a page where it has vanished."""
    s = db.session.scalars(db.select(DutySession).where(
        DutySession.point_id == org.point_of(week.units["V1"]).id, DutySession.on > date(2026, 12, 20))).one()
    auth.login("lawyer")
    assert "/accept" in card(section(client.get("/duty/my").text, "等您处理"), s)
    response = client.post(f"/duty/sessions/{s.id}/accept", data={"version": s.version, "next": "/duty/my"})
    assert response.headers["Location"] == f"/duty/my#session-{s.id}"
    page = client.get("/duty/my").text
    landed = card(section(page, "刚才处理的值班"), s)
    assert "已确认" in landed and "已接受" in landed and "已接受" in live_region(page)
    assert f'id="session-{s.id}"' not in client.get("/duty/my").text  # next time it is behind "later" again


@freeze_time(TODAY)
def test_a_refused_action_says_why_at_the_card_with_and_without_javascript(week, client, auth):
    s = _at(week, "T1", date(2026, 12, 2))
    auth.login("lawyer")
    stale = s.version - 1
    response = client.post(f"/duty/sessions/{s.id}/accept", data={"version": stale, "next": "/duty/my"},
                           headers=card_target(s))
    assert response.status_code == 409 and "刚刚被别人修改过" in card(response.text, s)
    response = client.post(f"/duty/sessions/{s.id}/accept", data={"version": stale, "next": "/duty/my"})
    assert response.headers["Location"] == f"/duty/my#session-{s.id}"
    assert "刚刚被别人修改过" in card(client.get("/duty/my").text, s)


@pytest.mark.parametrize("headers", [BOOSTED, {}], ids=["htmx", "no-js"])
@freeze_time(TODAY)
def test_decline_goes_back_to_the_whole_page_showing_the_new_state(week, client, auth, headers):
    """Declining is a page of its own: with htmx its answer must be a page, never a bare card in its place."""
    s = _at(week, "T1", date(2026, 12, 2))
    auth.login("lawyer")
    form = client.get(f"/duty/sessions/{s.id}/decline?next=/duty/my", headers=headers).text
    assert 'name="next" value="/duty/my"' in form
    response = client.post(f"/duty/sessions/{s.id}/decline", data={"version": s.version, "reason": "开庭",
                                                                    "next": "/duty/my"}, headers=headers)
    if headers:
        assert response.headers.get("HX-Location") == f"/duty/my#session-{s.id}"
        assert "<article" not in response.text
    else:
        assert response.status_code == 303 and response.headers["Location"] == f"/duty/my#session-{s.id}"
    page = client.get("/duty/my", headers=headers).text
    assert "<header" in page and "<footer" in page
    declined = card(page, s)
    assert "待安排替班" in declined and "已请求替班" in declined
    assert "/accept" not in declined and "/decline" not in declined  # no 接受 / 不能来 again


@pytest.mark.parametrize("headers", [BOOSTED, {}], ids=["htmx", "no-js"])
@freeze_time(TODAY)
def test_propose_goes_back_to_the_card_it_came_from(week, client, auth, headers):
    s = _at(week, "V1", kind=RuleKind.MONTHLY)
    auth.login("lawyer")
    page = client.get("/duty/my").text
    link = re.search(r'href="([^"]*)"[^>]*>改日期<', card(page, s)).group(1).replace("&amp;", "&")
    form = client.get(link, headers=headers).text
    assert 'name="next" value="/duty/my"' in form
    response = client.post(f"/duty/sessions/{s.id}/propose", data={"version": s.version, "on": "2026-11-27",
                                                                    "next": "/duty/my"}, headers=headers)
    location = response.headers.get("HX-Location") if headers else response.headers["Location"]
    assert location == f"/duty/my#session-{s.id}"
    assert "<article" not in response.text
    shown = card(client.get("/duty/my").text, s)
    assert "已提议日期" in shown and "等对方确认" in shown


@freeze_time(TODAY)
def test_propose_with_a_wrong_date_shows_the_form_again_with_the_error(week, client, auth):
    s = _at(week, "V1", kind=RuleKind.MONTHLY)
    auth.login("lawyer")
    response = client.post(f"/duty/sessions/{s.id}/propose", data={"version": s.version, "on": "2026-11-28",
                                                                    "next": "/duty/my"}, headers=BOOSTED)
    assert response.status_code == 422 and "<html" in response.text and "error-summary" in response.text
    assert 'name="next" value="/duty/my"' in response.text


@pytest.mark.parametrize("headers", [BOOSTED, {}], ids=["htmx", "no-js"])
@freeze_time(TODAY)
def test_swap_goes_back_to_the_session_with_a_message(week, client, auth, headers):
    from gongfa.people.models import Role

    other = week.person("lawyer2", "王律师", Role.LAWYER, "T1", firm=week.firm)
    s, later = _at(week, "T1", date(2026, 12, 2)), _at(week, "T1", date(2026, 12, 9))
    later.lawyer = other if s.lawyer_id != other.id else week.users["lawyer"]
    db.session.commit()
    auth.login("head")
    response = client.post(f"/duty/sessions/{s.id}/swap", data={"version": s.version, "other_id": later.id,
                                                                 "reason": "开庭"}, headers=headers)
    location = response.headers.get("HX-Location") if headers else response.headers["Location"]
    assert location == f"/duty/sessions/{s.id}#session-{s.id}"
    page = client.get(f"/duty/sessions/{s.id}").text
    assert "已换班" in card(page, s) and "已换班" in live_region(page)


def test_check_in_and_out_with_htmx_then_the_card_points_to_the_work_log(week, client, auth):
    s = _at(week, "T1", date(2026, 12, 2))
    s.status = SessionStatus.CONFIRMED
    db.session.commit()
    with freeze_time("2026-12-02 09:58:00+08:00"):
        auth.login("lawyer")
        response = client.post(f"/duty/sessions/{s.id}/check_in", data={"version": s.version, "next": "/duty/my"},
                               headers=card_target(s))
        assert "已签到" in card(response.text, s) and "/check_out" in response.text
    with freeze_time("2026-12-02 13:30:00+08:00"):
        auth.login("lawyer")
        v = db.session.get(DutySession, s.id).version
        response = client.post(f"/duty/sessions/{s.id}/check_out", data={"version": v, "next": "/duty/my"},
                               headers=card_target(s))
        answer = card(response.text, s)
        assert "已签退" in answer and f"/log/new?session={s.id}" in answer
        assert f"/log/new?session={s.id}" in card(client.get("/duty/my").text, s)  # still waiting for its log


@freeze_time(TODAY)
def test_the_officer_proposing_on_the_village_page_goes_back_to_that_card(week, client, auth):
    s = _at(week, "V1", kind=RuleKind.MONTHLY)
    village = f"/duty/villages/{week.units['V1'].id}"
    auth.login("officer")
    assert 'name="next" value="' + village + '"' in client.get(village).text
    response = client.post(f"/duty/sessions/{s.id}/propose", data={"version": s.version, "on": "2026-11-27",
                                                                    "next": village}, headers=BOOSTED)
    assert response.headers["HX-Location"] == f"{village}#session-{s.id}"
    page = client.get(village).text
    assert "等对方确认" in card(page, s) and "等对方确认" in live_region(page)
