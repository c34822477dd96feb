"""Duty pages as people use them: the lawyer on a phone, the officer, the station head, the bureau."""

from datetime import date, datetime
from io import BytesIO

import pytest
from freezegun import freeze_time
from icalendar import Calendar
from openpyxl import load_workbook

from gongfa import clock
from gongfa.db import db
from gongfa.duty.generation import create_rule, generate_all
from gongfa.duty.holidays import sync_national_holidays
from gongfa.duty.models import DutySession, Holiday, RuleKind, SessionStatus
from gongfa.duty.queries import sessions_for_lawyer
from gongfa.org import services as org
from tests.conftest import HX, hx_target
from tests.web.test_pdf import pdftotext

TODAY = date(2026, 11, 23)  # a Monday; Wednesday 2026-11-25


@pytest.fixture
def cal(world):
    """Holidays, a weekly rule at 小营盘镇 and monthly rules at its villages, sessions generated."""
    with freeze_time("2026-11-23 09:00:00+08:00"):
        sync_national_holidays([2026])
        create_rule(point=org.point_of(world.units["T1"]), kind=RuleKind.WEEKLY, valid_from=date(2025, 1, 1))
        create_rule(point=org.point_of(world.units["V1"]), kind=RuleKind.MONTHLY, valid_from=date(2025, 1, 1),
                    day_of_month=26)
        generate_all(first=date(2026, 11, 1), weeks=6, months=2)
        db.session.commit()
    return world


def on_card(s: DutySession) -> dict:
    """The headers htmx sends for a button on the session's card (it swaps the card)."""
    return hx_target(f"session-{s.id}")


def _session(world, key, on=None, kind=None):
    """The first session at ``key``'s point (on a day, of a kind); there must be one."""
    point = org.point_of(world.units[key])
    stmt = db.select(DutySession).where(DutySession.point_id == point.id)
    if on:
        stmt = stmt.where(DutySession.on == on)
    if kind:
        stmt = stmt.where(DutySession.kind == kind)
    found = db.session.scalars(stmt.order_by(DutySession.on)).first()
    assert found is not None, (key, on, kind)
    return found


@freeze_time("2026-11-23 09:00:00+08:00")
def test_my_visits_lists_wednesdays_and_village_visits_in_beijing_time(cal, client, auth):
    auth.login("lawyer")
    page = client.get("/duty/my").text
    assert "2026年11月25日星期三" in page
    assert "北京时间" in page and "10:00–14:00" in page
    assert "营盘社区" in page and "小营盘镇" in page


@freeze_time("2026-11-23 09:00:00+08:00")
def test_accept_with_htmx_returns_only_the_card(cal, client, auth):
    auth.login("lawyer")
    s = _session(cal, "T1", date(2026, 11, 25))
    response = client.post(f"/duty/sessions/{s.id}/accept", data={"version": s.version}, headers=on_card(s))
    assert response.status_code == 200
    assert "<html" not in response.text and f'id="session-{s.id}"' in response.text
    assert "已确认" in response.text
    assert len(response.data) < 3 * 1024 * 4  # uncompressed; the compressed size is measured in bench/


@freeze_time("2026-11-23 09:00:00+08:00")
def test_accept_without_javascript_redirects_back(cal, client, auth):
    auth.login("lawyer")
    s = _session(cal, "T1", date(2026, 11, 25))
    response = client.post(f"/duty/sessions/{s.id}/accept", data={"version": s.version, "next": "/duty/my"})
    assert response.status_code == 303 and response.headers["Location"] == f"/duty/my#session-{s.id}"
    assert db.session.get(DutySession, s.id).status == SessionStatus.CONFIRMED


def test_check_in_and_out_on_the_day_computes_hours(cal, client, auth):
    s = _session(cal, "T1", date(2026, 11, 25))
    with freeze_time("2026-11-24 10:00:00+08:00"):
        auth.login("lawyer")
        client.post(f"/duty/sessions/{s.id}/accept", data={"version": s.version})
        early = client.post(f"/duty/sessions/{s.id}/check_in", data={"version": s.version}, headers=on_card(s))
        assert early.status_code == 409 and "只能在值班当天签到" in early.text
    with freeze_time("2026-11-25 10:02:00+08:00"):
        auth.login("lawyer")
        page = client.get("/duty/my").text
        assert "签到" in page
        v = db.session.get(DutySession, s.id).version
        checked_in = client.post(f"/duty/sessions/{s.id}/check_in", data={"version": v}, headers=on_card(s))
        assert checked_in.status_code == 200
    with freeze_time("2026-11-25 14:32:00+08:00"):
        auth.login("lawyer")
        v = db.session.get(DutySession, s.id).version
        response = client.post(f"/duty/sessions/{s.id}/check_out", data={"version": v}, headers=on_card(s))
        assert "4:30" in response.text and "4.5" not in response.text  # h:mm, never decimal hours
    assert db.session.get(DutySession, s.id).hours == 4.5


@freeze_time("2026-11-23 09:00:00+08:00")
def test_decline_puts_a_task_in_front_of_the_head_who_substitutes(cal, client, auth, app):
    from gongfa.people.models import Role

    other = cal.person("lawyer2", "王替班", Role.LAWYER, "T1", firm=cal.firm)
    db.session.commit()
    s = _session(cal, "T1", date(2026, 12, 2))
    auth.login(s.lawyer.username)
    response = client.post(f"/duty/sessions/{s.id}/decline", data={"version": s.version, "reason": "开庭"})
    assert response.status_code == 303
    head = app.test_client()
    head.post("/auth/login", data={"username": "head", "password": "Test.password.1"})
    month = head.get(f"/duty/stations/{cal.units['T1'].id}/2026/12").text
    assert "待安排替班" in month
    target = other if s.lawyer_id != other.id else cal.users["lawyer"]
    response = head.post(f"/duty/sessions/{s.id}/substitute", data={
        "version": db.session.get(DutySession, s.id).version, "lawyer_id": target.id, "reason": "所长安排",
        "confirm": "1"})
    assert response.status_code == 303
    show = head.get(f"/duty/sessions/{s.id}").text
    assert "请求替班" in show and "替班" in show and target.full_name in show


@freeze_time("2026-11-23 09:00:00+08:00")
def test_lawyer_proposes_and_officer_accepts_then_countersigns(cal, client, auth, app):
    s = _session(cal, "V1", kind=RuleKind.MONTHLY)
    auth.login("lawyer")
    page = client.get(f"/duty/sessions/{s.id}").text
    assert 'name="on"' in page
    assert "2026-11-28" not in page  # Saturday: not offered
    response = client.post(f"/duty/sessions/{s.id}/propose", data={"version": s.version, "on": "2026-11-27"})
    assert response.status_code == 303
    officer = app.test_client()
    officer.post("/auth/login", data={"username": "officer", "password": "Test.password.1"})
    village = officer.get(f"/duty/villages/{cal.units['V1'].id}").text
    assert "已提议日期" in village and "2026年11月27日" in village
    v = db.session.get(DutySession, s.id).version
    assert officer.post(f"/duty/sessions/{s.id}/accept", data={"version": v}).status_code == 303
    assert db.session.get(DutySession, s.id).status == SessionStatus.CONFIRMED
    public = app.test_client().get("/v/652701100001").text
    assert "2026年11月27日" in public  # the public page shows the confirmed visit


def test_officer_countersigns_after_the_visit(cal, client, auth):
    s = _session(cal, "V1", kind=RuleKind.MONTHLY)
    s.on, s.status = date(2026, 11, 26), SessionStatus.CONFIRMED
    db.session.commit()
    with freeze_time("2026-11-26 10:00:00+08:00"):
        auth.login("lawyer")
        client.post(f"/duty/sessions/{s.id}/check_in", data={"version": s.version})
    with freeze_time("2026-11-26 13:00:00+08:00"):
        auth.login("lawyer")
        client.post(f"/duty/sessions/{s.id}/check_out", data={"version": db.session.get(DutySession, s.id).version})
        auth.logout()
        auth.login("officer")
        v = db.session.get(DutySession, s.id).version
        assert client.post(f"/duty/sessions/{s.id}/countersign", data={"version": v}).status_code == 303
    s = db.session.get(DutySession, s.id)
    assert s.status == SessionStatus.COUNTERSIGNED and s.countersigned_by.username == "officer"
    assert s.countersigned_at is not None


@freeze_time("2026-11-23 09:00:00+08:00")
def test_two_people_at_once_the_second_gets_a_message_and_the_current_state(cal, app):
    s = _session(cal, "V1", kind=RuleKind.MONTHLY)
    seen = s.version
    lawyer, officer = app.test_client(), app.test_client()
    lawyer.post("/auth/login", data={"username": "lawyer", "password": "Test.password.1"})
    officer.post("/auth/login", data={"username": "officer", "password": "Test.password.1"})
    assert lawyer.post(f"/duty/sessions/{s.id}/propose", data={"version": seen, "on": "2026-11-27"}).status_code == 303
    # The propose form is a page's (boosted) form: its answer takes the officer back to the card, which says why.
    late = officer.post(f"/duty/sessions/{s.id}/propose", data={"version": seen, "on": "2026-11-30"},
                        headers={**HX, "HX-Boosted": "true"})
    assert late.headers["HX-Location"] == f"/duty/sessions/{s.id}#session-{s.id}"
    card = officer.get(f"/duty/sessions/{s.id}").text
    assert "刚刚被别人修改过" in card
    assert "2026年11月27日" in card  # the current state, not the officer's stale view
    assert db.session.get(DutySession, s.id).on == date(2026, 11, 27)


@freeze_time("2026-11-23 09:00:00+08:00")
def test_bad_proposed_date_is_a_field_message(cal, client, auth):
    s = _session(cal, "V1", kind=RuleKind.MONTHLY)
    auth.login("lawyer")
    response = client.post(f"/duty/sessions/{s.id}/propose", data={"version": s.version, "on": "2026-12-25"})
    assert response.status_code == 422 and "请从列表中选择" in response.text


def test_ics_feed_parses_back_into_the_same_sessions(cal, client, auth):
    with freeze_time("2026-11-23 09:00:00+08:00"):
        auth.login("lawyer")
        client.post("/duty/feed")
        page = client.get("/duty/feed").text
        url = page.split('<code dir="ltr">')[1].split("</code>")[0].replace("http://localhost", "")
        feed = client.get(url)
        mine = sessions_for_lawyer(cal.users["lawyer"], first=date(2026, 10, 23), last=date(2027, 3, 23))
        client.post("/duty/feed")  # revoke: a new address
        assert client.get(url).status_code == 404
    events = [e for e in Calendar.from_ical(feed.data).walk("VEVENT")]
    assert {str(e["uid"]) for e in events} == {f"duty-{s.id}@gongfa" for s in mine}
    first = min(mine, key=lambda s: s.on)
    event = next(e for e in events if str(e["uid"]) == f"duty-{first.id}@gongfa")
    assert event.decoded("dtstart") == datetime.combine(first.on, first.starts_at, tzinfo=clock.BEIJING)


@freeze_time("2026-11-23 09:00:00+08:00")
def test_compliance_page_and_excel(cal, client, auth):
    auth.login("county")
    page = client.get("/duty/compliance?month=2026-11").text
    assert "20日前未确认日期" in page  # 23 Nov: no confirmed date yet
    response = client.get("/duty/compliance?month=2026-11&format=xlsx")
    book = load_workbook(BytesIO(response.data))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert any(r[0] == "652701100001" and r[6] == "20日前未确认日期" for r in rows)
    assert book.worksheets[1].cell(1, 1).value == "律师"
    assert client.get("/duty/compliance?month=garbage").status_code == 200


@freeze_time("2026-11-23 09:00:00+08:00")
def test_eid_entered_by_the_bureau_shows_on_the_calendar(cal, client, auth):
    eid = {"first": "2026-03-20", "last": "2026-03-22", "name": "肉孜节", "scope": "xinjiang", "unit_id": "",
           "source": "新政办发"}
    auth.login("county")  # a county's bureau: region-wide days would move every county's sessions
    refused = client.post("/duty/holidays", data=eid)
    assert refused.status_code == 422 and 'id="scope-error"' in refused.text
    assert db.session.scalar(db.select(db.func.count(Holiday.id)).where(Holiday.name == "肉孜节")) == 0
    assert 'value="xinjiang"' not in client.get("/duty/holidays").text
    auth.logout()
    auth.login("admin")  # the prefecture's bureau enters them from the regional notice
    response = client.post("/duty/holidays", data=eid)
    assert response.status_code == 303
    assert "肉孜节" in client.get("/duty/holidays").text
    bad = client.post("/duty/holidays", data={"first": "2026-03-22", "last": "2026-03-20", "name": "x",
                                              "scope": "xinjiang", "unit_id": ""})
    assert bad.status_code == 422 and "结束日期不能早于开始日期" in bad.text


@freeze_time("2026-11-23 09:00:00+08:00")
def test_roster_pdf_in_chinese_and_uyghur(cal, client, auth):
    auth.login("officer")
    url = f"/duty/stations/{cal.units['T1'].id}/2026/12/roster.pdf"
    zh = pdftotext(client.get(url).data)
    assert "公共法律服务值班表" in zh and "2026年12月2日星期三" in zh and "叶尔兰·哈布德克" in zh
    ug = pdftotext(client.get(url + "?lang=ug").data)
    assert "شياۋيىڭپەنبازىرى" in ug and "چارشەنبە" in ug


@freeze_time("2026-11-23 09:00:00+08:00")
def test_public_page_shows_this_weeks_duty_lawyer(cal, client):
    page = client.get("/v/652701100001").text
    assert "2026年11月25日星期三" in page and "叶尔兰·哈布德克" in page


@freeze_time("2026-11-23 09:00:00+08:00")
def test_generate_twice_from_the_web_creates_nothing_twice(world, client, auth):
    create_rule(point=org.point_of(world.units["T1"]), kind=RuleKind.WEEKLY, valid_from=date(2025, 1, 1))
    create_rule(point=org.point_of(world.units["V1"]), kind=RuleKind.MONTHLY, valid_from=date(2025, 1, 1),
                day_of_month=26)
    db.session.commit()
    sessions = db.select(db.func.count()).select_from(DutySession)
    auth.login("head")
    first = client.post("/duty/generate", follow_redirects=True)
    made = db.session.scalar(sessions)
    assert made > 0 and f"已生成 {made} 条新的值班安排" in first.text
    second = client.post("/duty/generate", follow_redirects=True)
    assert "已生成 0 条新的值班安排" in second.text
    assert db.session.scalar(sessions) == made


@freeze_time("2026-11-23 09:00:00+08:00")
def test_head_schedules_a_home_visit_and_a_lecture(cal, client, auth):
    auth.login("head")
    point = org.point_of(cal.units["V1"])
    data = {"extra_kind": "home_visit", "point_id": point.id, "on": "2026-12-05", "starts_at": "19:00",
            "ends_at": "18:00", "lawyer_id": cal.users["lawyer"].id, "place": "营盘社区3组12号"}
    bad = client.post("/duty/extra/new", data=data)
    assert bad.status_code == 422 and "结束时间要晚于开始时间" in bad.text
    assert client.post("/duty/extra/new", data={**data, "ends_at": "21:00"}).status_code == 303
    assert client.post("/duty/extra/new", data={**data, "ends_at": "7pm"}).status_code == 422
    extra = db.session.scalars(db.select(DutySession).where(DutySession.kind == RuleKind.EXTRA)).one()
    assert extra.extra_kind.value == "home_visit" and extra.place == "营盘社区3组12号"
    auth.logout()
    auth.login("lawyer")
    assert "上门服务" in client.get("/duty/my").text


@freeze_time("2026-11-23 09:00:00+08:00")
def test_swap_records_both_lawyers_on_both_days(cal, client, auth):
    from gongfa.people.models import Role

    cal.person("lawyer2", "王律师", Role.LAWYER, "T1", firm=cal.firm)
    db.session.commit()
    rule = db.session.scalars(db.select(DutySession.rule_id).where(DutySession.kind == RuleKind.WEEKLY)).first()
    a = db.session.scalars(db.select(DutySession).where(DutySession.rule_id == rule,
                                                        DutySession.on == date(2026, 12, 9))).one()
    b = db.session.scalars(db.select(DutySession).where(DutySession.rule_id == rule,
                                                        DutySession.on == date(2026, 12, 2))).one()
    b.lawyer = cal.users["lawyer2"]
    db.session.commit()
    auth.login("head")
    page = client.get(f"/duty/sessions/{a.id}/swap").text
    assert "王律师" in page
    response = client.post(f"/duty/sessions/{a.id}/swap", data={"version": a.version, "other_id": b.id,
                                                                 "reason": "律师互换"})
    assert response.status_code == 303
    a, b = db.session.get(DutySession, a.id), db.session.get(DutySession, b.id)
    assert a.lawyer.username == "lawyer2" and b.lawyer.username == "lawyer"
    assert a.changes[-1].kind.value == "swapped" and a.changes[-1].from_lawyer.username == "lawyer"


def test_cli_generate_and_close_month(cal, runner):
    with freeze_time("2026-12-01 08:00:00+08:00"):
        assert "sessions created" in runner.invoke(args=["duty", "generate"]).output
        result = runner.invoke(args=["duty", "close-month"])
    assert "visits marked missed: 1" in result.output  # 营盘社区's November visit never happened


@freeze_time("2025-09-29 09:00:00+08:00")
def test_national_day_move_shows_on_the_lawyers_list_the_calendar_and_the_public_page(world, client, auth):
    sync_national_holidays([2025])
    create_rule(point=org.point_of(world.units["T1"]), kind=RuleKind.WEEKLY, valid_from=date(2025, 1, 1))
    generate_all(first=date(2025, 9, 29), weeks=3)
    db.session.commit()
    public = client.get("/v/652701100001").text
    assert "2025年10月9日星期四" in public and "因国庆节调整" in public
    auth.login("lawyer")
    mine = client.get("/duty/my").text
    assert "2025年10月9日星期四" in mine and "因国庆节调整" in mine
    auth.logout()
    auth.login("head")
    month = client.get(f"/duty/stations/{world.units['T1'].id}/2025/10").text
    assert "国庆节" in month


def test_head_sets_the_wednesday_rule_hours_and_generation_follows(world, client, auth):
    auth.login("head")
    point = org.point_of(world.units["T1"])
    page = client.get(f"/duty/rules/{point.id}").text
    assert "星期三" in page
    data = {"weekday": 2, "day_of_month": 15, "starts_at": "16:00", "ends_at": "20:00", "holiday_policy": "cancel",
            "valid_from": "2026-01-01"}
    assert client.post(f"/duty/rules/{point.id}", data={**data, "ends_at": "15:00"}).status_code == 422
    assert client.post(f"/duty/rules/{point.id}", data=data).status_code == 303
    with freeze_time("2026-11-23 09:00:00+08:00"):
        auth.login("head")
        assert client.post("/duty/generate").status_code == 303
    s = db.session.scalars(db.select(DutySession).where(DutySession.point_id == point.id)).first()
    assert s.starts_at.hour == 16 and s.on.weekday() == 2


@freeze_time("2026-11-23 09:00:00+08:00")
def test_a_change_saved_between_reading_and_writing_is_the_message_on_the_card_not_a_500(cal, client, auth):
    """The version the page saw still matches when the action starts, but another person's change is saved
    before ours is written (SQLAlchemy's version counter catches it): the card says so, nothing is lost."""
    from sqlalchemy import event, update
    from sqlalchemy.orm import Session

    s = _session(cal, "T1", date(2026, 11, 25))
    auth.login("lawyer")
    landed = []

    def someone_else_saves(session, _context, _instances):
        for obj in session.dirty:
            if isinstance(obj, DutySession) and not landed:
                landed.append(obj.id)
                session.connection().execute(update(DutySession).where(DutySession.id == obj.id)
                                             .values(version=DutySession.version + 1))

    event.listen(Session, "before_flush", someone_else_saves)
    try:
        response = client.post(f"/duty/sessions/{s.id}/accept", data={"version": s.version}, headers=on_card(s))
    finally:
        event.remove(Session, "before_flush", someone_else_saves)
    assert landed == [s.id]
    assert response.status_code == 409 and "刚刚被别人修改过" in response.text
    assert f'id="session-{s.id}"' in response.text and "待确认" in response.text
    assert db.session.get(DutySession, s.id).status == SessionStatus.PLANNED
