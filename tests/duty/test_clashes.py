"""No lawyer in two places at once: generation never double-books, a short firm shows as a shortage, and
accepting, proposing, swapping and substituting refuse a clash."""

import re
import threading
from datetime import date, time
from io import BytesIO

import pytest
from freezegun import freeze_time
from openpyxl import load_workbook
from sqlalchemy import event

from gongfa.db import db
from gongfa.duty.actions import accept, propose, substitute, swap, swap_candidates
from gongfa.duty.generation import add_extra_session, create_rule, generate_all
from gongfa.duty.models import DutySession, ExtraKind, RuleKind, SessionStatus
from gongfa.duty.queries import shortages, substitution_tasks
from gongfa.errors import ServiceError
from gongfa.org import services as org
from gongfa.org.models import AssignmentKind, Unit, UnitLevel
from gongfa.people import services as people
from gongfa.people.models import Membership, Role, User
from tests.conftest import HX, PASSWORD, PG_URL

SINCE = date(2025, 1, 1)


def overlapping_pairs() -> int:
    """Pairs of one lawyer's sessions on the same day whose hours overlap (cancelled ones aside): read
    straight from the table, independently of the code under test."""
    rows = db.session.execute(db.select(DutySession.lawyer_id, DutySession.on, DutySession.starts_at,
                                        DutySession.ends_at)
                              .where(DutySession.lawyer_id.is_not(None),
                                     DutySession.status != SessionStatus.CANCELLED)).all()
    by_day: dict[tuple, list] = {}
    for lawyer_id, on, starts, ends in rows:
        by_day.setdefault((lawyer_id, on), []).append((starts, ends))
    pairs = 0
    for hours in by_day.values():
        for i, (a_start, a_end) in enumerate(hours):
            pairs += sum(1 for b_start, b_end in hours[i + 1:] if a_start < b_end and b_start < a_end)
    return pairs


def element(page: str, element_id: str) -> str:
    """The markup inside the element with ``element_id`` (up to its first closing tag of the same name)."""
    found = re.search(rf'<(\w+)[^>]*\bid="{re.escape(element_id)}"[^>]*>(.*?)</\1>', page, re.S)
    assert found, element_id
    return found.group(2)


def rows(markup: str) -> list[str]:
    """The body rows of the table in ``markup``."""
    body = re.search(r"<tbody>(.*?)</tbody>", markup, re.S)
    return re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S) if body else []


def lawyerless() -> list[DutySession]:
    """Open weekly and monthly sessions nobody sits."""
    return list(db.session.scalars(db.select(DutySession).where(
        DutySession.lawyer_id.is_(None), DutySession.kind != RuleKind.EXTRA,
        DutySession.status.in_([SessionStatus.PLANNED, SessionStatus.PROPOSED, SessionStatus.CONFIRMED]))))


class Firmland:
    """A county whose one firm serves several townships with the same few duty lawyers (the demo's shape)."""

    def __init__(self, *, lawyers: int, townships: int, villages: int = 0, code: str = "652799", prefecture=None):
        pref = prefecture or org.create_unit(code="652700", level=UnitLevel.PREFECTURE, parent=None, name_zh="州")
        self.county = org.create_unit(code=code, level=UnitLevel.COUNTY, parent=pref, name_zh="县")
        self.firm = org.create_firm(name_zh=f"律所{code}", name_ug="", name_kk="", county=self.county, licence_no="1",
                                    phone="", address="")
        self.lawyers = [people.create_user(username=f"l{code}-{i}", full_name=f"律师{i}", law_firm=self.firm)
                        for i in range(lawyers)]
        self.townships, self.villages = [], []
        for t in range(townships):
            town = org.create_unit(code=f"{code}{100 + t}", level=UnitLevel.TOWNSHIP, parent=self.county,
                                   name_zh=f"镇{t}")
            self.townships.append(town)
            org.create_assignment(kind=AssignmentKind.FIRM_TOWNSHIP, unit=town, firm=self.firm, starts_on=SINCE)
            for lawyer in self.lawyers:  # the firm's duty lawyers serve every township it serves
                people.add_membership(user=lawyer, point=org.point_of(town), role=Role.LAWYER, starts_on=SINCE)
            for v in range(villages):
                village = org.create_unit(code=f"{code}{100 + t}{200 + v}", level=UnitLevel.VILLAGE, parent=town,
                                          name_zh=f"村{t}-{v}")
                self.villages.append(village)
                org.create_assignment(kind=AssignmentKind.ADVISER_VILLAGE, unit=village,
                                      lawyer=self.lawyers[(t + v) % lawyers], starts_on=SINCE)

    def weekly_rules(self, starts_at=time(10, 0), ends_at=time(14, 0)):
        return [create_rule(point=org.point_of(t), kind=RuleKind.WEEKLY, valid_from=SINCE, starts_at=starts_at,
                            ends_at=ends_at) for t in self.townships]

    def monthly_rules(self, day_of_month=15):
        return [create_rule(point=org.point_of(v), kind=RuleKind.MONTHLY, valid_from=SINCE,
                            day_of_month=day_of_month) for v in self.villages]


def test_a_firm_with_two_lawyers_for_five_townships_books_nobody_twice(app):
    """The demo's shape: two duty lawyers rotate over five townships' Wednesday mornings."""
    land = Firmland(lawyers=2, townships=5)
    land.weekly_rules()
    created = generate_all(first=date(2026, 11, 2), weeks=4)
    assert created == 4 * 5  # four Wednesdays (11/4 … 11/25) at five stations
    assert overlapping_pairs() == 0
    seated = [s for s in db.session.scalars(db.select(DutySession)) if s.lawyer_id is not None]
    assert len(seated) == 2 * 4  # both lawyers sit every Wednesday, one station each
    assert len(lawyerless()) == 3 * 4  # three stations a week have nobody


def test_every_lawyerless_week_is_a_shortage_by_day_and_hours(app):
    land = Firmland(lawyers=2, townships=5)
    land.weekly_rules()
    generate_all(first=date(2026, 11, 2), weeks=4)
    rows = shortages(Unit.id.is_not(None), first=date(2026, 11, 2))
    assert [(r.on, r.starts_at, r.ends_at, r.short) for r in rows] == [
        (date(2026, 11, d), time(10, 0), time(14, 0), 3) for d in (4, 11, 18, 25)]
    assert {s.id for r in rows for s in r.sessions} == {s.id for s in lawyerless()}
    # The station head's task list carries them too, and a county's shortage is not another county's.
    assert {s.id for s in substitution_tasks(Unit.id.is_not(None), today=date(2026, 11, 2))} == \
        {s.id for s in lawyerless()}
    assert shortages(Unit.path.startswith("/nowhere/"), first=date(2026, 11, 2)) == []


def test_the_rotation_still_turns_and_a_busy_lawyer_is_passed_over(app):
    """Three lawyers for two stations: each station's Wednesdays rotate, and nobody sits two at once."""
    land = Firmland(lawyers=3, townships=2)
    land.weekly_rules()
    generate_all(first=date(2026, 11, 2), weeks=6)
    assert overlapping_pairs() == 0 and lawyerless() == []
    for town in land.townships:
        sitting = [s.lawyer_id for s in db.session.scalars(
            db.select(DutySession).where(DutySession.point_id == org.point_of(town).id).order_by(DutySession.on))]
        assert len(set(sitting)) >= 2 and all(a != b for a, b in zip(sitting, sitting[1:], strict=False))


def test_a_lawyer_taken_elsewhere_is_freed_by_moving_a_colleague(app):
    """Station A may have x or y, station B only x: B's x is found by giving A y, not by leaving B empty."""
    land = Firmland(lawyers=2, townships=2)
    x, y = land.lawyers
    b_point = org.point_of(land.townships[1])
    only_x = db.session.scalars(db.select(Membership).where(Membership.point_id == b_point.id,
                                                            Membership.user_id == y.id)).one()
    people.end_membership(only_x, ends_on=SINCE)
    land.weekly_rules()
    generate_all(first=date(2026, 11, 2), weeks=4)
    assert overlapping_pairs() == 0 and lawyerless() == []
    assert {s.lawyer_id for s in db.session.scalars(db.select(DutySession).where(
        DutySession.point_id == b_point.id))} == {x.id}


def test_a_village_visit_moves_off_its_advisers_wednesday(app):
    """The adviser sits the station on Wednesday 12/2 10–14; the village's suggested 2nd moves to the 3rd."""
    land = Firmland(lawyers=1, townships=1, villages=1)
    land.weekly_rules()
    land.monthly_rules(day_of_month=2)
    generate_all(first=date(2026, 12, 1), weeks=1, months=1)
    visit = db.session.scalars(db.select(DutySession).where(DutySession.kind == RuleKind.MONTHLY)).one()
    assert visit.lawyer_id == land.lawyers[0].id and visit.on == date(2026, 12, 3)
    assert visit.changes[0].to_on == date(2026, 12, 3) and visit.changes[0].to_lawyer_id == land.lawyers[0].id
    assert overlapping_pairs() == 0


def test_generation_works_around_extra_sessions_already_booked(app):
    land = Firmland(lawyers=2, townships=1)
    x, y = land.lawyers
    add_extra_session(point=org.point_of(land.townships[0]), extra_kind=ExtraKind.LECTURE, on=date(2026, 11, 4),
                      starts_at=time(9, 0), ends_at=time(11, 0), lawyer=x, place="", actor=y)
    add_extra_session(point=org.point_of(land.townships[0]), extra_kind=ExtraKind.LECTURE, on=date(2026, 11, 11),
                      starts_at=time(9, 0), ends_at=time(11, 0), lawyer=y, place="", actor=y)
    land.weekly_rules()
    generate_all(first=date(2026, 11, 2), weeks=2)
    weekly = {s.on: s.lawyer_id for s in db.session.scalars(db.select(DutySession).where(
        DutySession.kind == RuleKind.WEEKLY))}
    assert weekly == {date(2026, 11, 4): y.id, date(2026, 11, 11): x.id}
    assert overlapping_pairs() == 0


def test_reading_is_bounded_whatever_the_number_of_stations(app):
    """What generation reads does not grow with the stations, villages or weeks (no query per session)."""
    small = Firmland(lawyers=2, townships=1, villages=1, code="652798")
    big = Firmland(lawyers=4, townships=6, villages=2, code="652797", prefecture=small.county.parent)
    for land in (small, big):
        land.weekly_rules()
        land.monthly_rules()
    db.session.flush()

    def reads(land, **kwargs):
        statements = []

        def count(conn, cursor, statement, *args):
            if statement.lstrip().upper().startswith("SELECT"):
                statements.append(statement)

        points = org.points_in(Unit.path.startswith(land.county.path))
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            created = generate_all(first=date(2026, 11, 2), points=points, **kwargs)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return created, len(statements)

    few_created, few_reads = reads(small, weeks=1, months=1)
    many_created, many_reads = reads(big, weeks=8, months=3)
    assert many_created > 10 * few_created
    assert many_reads == few_reads


# --- the actions refuse a clash ---------------------------------------------------------------------

WED, THU = date(2026, 12, 2), date(2026, 12, 3)


def _sitting(world, key, lawyer, on, starts_at=time(10, 0), ends_at=time(14, 0), status=SessionStatus.PLANNED):
    """A session at ``key``'s point that ``lawyer`` sits (made directly, as older or imported data would be)."""
    point = org.point_of(world.units[key])
    kind = RuleKind.WEEKLY if point.kind.value == "station" else RuleKind.MONTHLY
    session = DutySession(point=point, kind=kind, scheduled_on=on if kind == RuleKind.WEEKLY else on.replace(day=1),
                          on=on, starts_at=starts_at, ends_at=ends_at, status=status, lawyer=lawyer)
    db.session.add(session)
    db.session.flush()
    return session


@pytest.fixture
def busy(world):
    """``lawyer`` sits 小营盘镇 on Wednesday 12/2 10:00–14:00; lawyer2 (same firm) is free."""
    world.add_multi_unit_people()
    world.wednesday = _sitting(world, "T1", world.users["lawyer"], WED, status=SessionStatus.CONFIRMED)
    db.session.commit()
    return world


@freeze_time("2026-11-23 09:00:00+08:00")  # before that Wednesday: a day gone by is not accepted at all
def test_accepting_a_second_place_at_the_same_hours_is_refused(busy):
    lawyer = busy.users["lawyer"]
    other = _sitting(busy, "T3", lawyer, WED, time(13, 0), time(15, 0))  # an older double booking
    with pytest.raises(ServiceError, match="小营盘镇") as refused:
        accept(other, actor=lawyer, version=other.version)
    assert "叶尔兰·哈布德克" in str(refused.value) and "10:00–14:00" in str(refused.value)
    assert other.status == SessionStatus.PLANNED
    other.status = SessionStatus.CANCELLED
    back_to_back = _sitting(busy, "T3", lawyer, WED, time(14, 0), time(16, 0))
    accept(back_to_back, actor=lawyer, version=back_to_back.version)  # 14:00 ends one, starts the other
    assert back_to_back.status == SessionStatus.CONFIRMED


def test_proposing_a_day_the_lawyer_is_on_duty_is_refused_next_to_the_date(busy):
    visit = _sitting(busy, "V1", busy.users["lawyer"], THU)
    with pytest.raises(ServiceError) as refused:
        propose(visit, actor=busy.users["officer"], on=WED, version=visit.version, today=date(2026, 11, 23))
    assert refused.value.field == "on" and "小营盘镇" in str(refused.value)
    assert visit.on == THU
    propose(visit, actor=busy.users["officer"], on=date(2026, 12, 4), version=visit.version,
            today=date(2026, 11, 23))
    assert visit.on == date(2026, 12, 4)


def test_substituting_a_lawyer_who_is_elsewhere_then_is_refused_next_to_the_choice(busy):
    visit = _sitting(busy, "V2", busy.users["lawyer2"], WED, time(11, 0), time(12, 0))
    with pytest.raises(ServiceError) as refused:
        substitute(visit, actor=busy.users["head"], lawyer=busy.users["lawyer"], reason="", version=visit.version)
    assert refused.value.field == "lawyer_id" and "小营盘镇" in str(refused.value)
    assert visit.lawyer == busy.users["lawyer2"]


def test_a_swap_that_would_double_book_either_lawyer_is_refused(busy):
    lawyer, lawyer2 = busy.users["lawyer"], busy.users["lawyer2"]
    next_week = _sitting(busy, "T1", lawyer2, date(2026, 12, 9))
    morning = _sitting(busy, "V2", lawyer2, WED, time(9, 0), time(11, 0))  # lawyer2 is at 吉祥社区 then
    with pytest.raises(ServiceError) as refused:
        swap(busy.wednesday, next_week, actor=busy.users["head"], reason="", version=busy.wednesday.version)
    assert refused.value.field == "other_id" and "吉祥社区" in str(refused.value)
    assert busy.wednesday.lawyer == lawyer and next_week.lawyer == lawyer2
    morning.status = SessionStatus.CANCELLED
    lecture = _sitting(busy, "V1", lawyer, date(2026, 12, 16), time(10, 0), time(11, 0))
    later = _sitting(busy, "T1", lawyer2, date(2026, 12, 16))
    with pytest.raises(ServiceError, match="营盘社区"):  # now the other way round: lawyer is busy on 12/16
        swap(busy.wednesday, later, actor=busy.users["head"], reason="", version=busy.wednesday.version)
    lecture.status = SessionStatus.CANCELLED  # a cancelled session holds nobody's hours
    swap(busy.wednesday, later, actor=busy.users["head"], reason="", version=busy.wednesday.version)
    assert busy.wednesday.lawyer == lawyer2 and later.lawyer == lawyer


def test_the_swap_form_offers_only_days_the_two_lawyers_can_exchange(busy):
    lawyer2 = busy.users["lawyer2"]
    next_week = _sitting(busy, "T1", lawyer2, date(2026, 12, 9))
    later = _sitting(busy, "T1", lawyer2, date(2026, 12, 16))
    _sitting(busy, "V2", lawyer2, WED, time(9, 0), time(11, 0))  # lawyer2 is at 吉祥社区 on the morning of 12/2
    # Either swap would put lawyer2 on 12/2 at 10:00 while she is at 吉祥社区: neither is offered.
    assert swap_candidates(busy.wednesday, today=date(2026, 11, 23)) == []
    _sitting(busy, "V2", lawyer2, WED, time(9, 0), time(11, 0)).status = SessionStatus.CANCELLED
    for s in db.session.scalars(db.select(DutySession).where(DutySession.point_id == org.point_of(
            busy.units["V2"]).id)):
        s.status = SessionStatus.CANCELLED
    assert swap_candidates(busy.wednesday, today=date(2026, 11, 23)) == [next_week, later]
    _sitting(busy, "V1", busy.users["lawyer"], date(2026, 12, 16), time(10, 0), time(11, 0))
    assert swap_candidates(busy.wednesday, today=date(2026, 11, 23)) == [next_week]  # lawyer is busy on 12/16


def test_an_extra_session_on_top_of_a_duty_is_refused(busy):
    kwargs = {"point": org.point_of(busy.units["V1"]), "extra_kind": ExtraKind.HOME_VISIT, "on": WED,
              "place": "", "actor": busy.users["head"]}
    with pytest.raises(ServiceError) as refused:
        add_extra_session(starts_at=time(13, 30), ends_at=time(15, 0), lawyer=busy.users["lawyer"], **kwargs)
    assert refused.value.field == "lawyer_id"
    assert add_extra_session(starts_at=time(14, 0), ends_at=time(15, 0), lawyer=busy.users["lawyer"], **kwargs)
    assert add_extra_session(starts_at=time(10, 0), ends_at=time(11, 0), lawyer=None, **kwargs)


# --- what people see -----------------------------------------------------------------------------------


@freeze_time("2026-11-23 09:00:00+08:00")
def test_the_head_substituting_a_busy_lawyer_sees_why_next_to_the_choice(busy, client, auth):
    visit = _sitting(busy, "V2", busy.users["lawyer2"], WED, time(11, 0), time(12, 0))
    db.session.commit()
    auth.login("head")
    response = client.post(f"/duty/sessions/{visit.id}/substitute", data={
        "version": visit.version, "lawyer_id": busy.users["lawyer"].id, "reason": "所长安排"})
    assert response.status_code == 422
    assert "小营盘镇" in element(response.text, "lawyer_id-error")
    assert 'href="#lawyer_id"' in element(response.text, "error-summary")
    assert db.session.get(DutySession, visit.id).lawyer_id == busy.users["lawyer2"].id


@freeze_time("2026-11-23 09:00:00+08:00")
def test_the_head_swapping_into_a_clash_sees_why_next_to_the_choice(busy, client, auth):
    next_week = _sitting(busy, "T1", busy.users["lawyer2"], date(2026, 12, 9))
    _sitting(busy, "V2", busy.users["lawyer2"], WED, time(9, 0), time(11, 0))
    db.session.commit()
    auth.login("head")
    response = client.post(f"/duty/sessions/{busy.wednesday.id}/swap", data={
        "version": busy.wednesday.version, "other_id": next_week.id, "reason": "律师互换"})
    assert response.status_code == 422
    assert "吉祥社区" in element(response.text, "other_id-error")
    assert db.session.get(DutySession, busy.wednesday.id).lawyer_id == busy.users["lawyer"].id


@freeze_time("2026-11-23 09:00:00+08:00")
def test_a_date_proposed_on_a_duty_day_gets_the_reason_next_to_the_date(busy, client, auth):
    visit = _sitting(busy, "V1", busy.users["lawyer"], THU)
    db.session.commit()
    auth.login("officer")
    response = client.post(f"/duty/sessions/{visit.id}/propose", data={"version": visit.version,
                                                                       "on": WED.isoformat()})
    assert response.status_code == 422
    assert "小营盘镇" in element(response.text, "on-error")
    assert db.session.get(DutySession, visit.id).on == THU


@freeze_time("2026-11-23 09:00:00+08:00")
def test_accepting_a_clash_is_the_message_on_the_card_with_and_without_javascript(busy, client, auth):
    other = _sitting(busy, "T3", busy.users["lawyer"], WED, time(13, 0), time(15, 0))
    db.session.commit()
    auth.login("lawyer")
    card = client.post(f"/duty/sessions/{other.id}/accept", data={"version": other.version},
                       headers={**HX, "HX-Target": f"session-{other.id}"})
    assert card.status_code == 409
    message = re.search(r'<p class="error" role="alert"[^>]*>(.*?)</p>', element(card.text, f"session-{other.id}"))
    assert "小营盘镇" in message.group(1)
    plain = client.post(f"/duty/sessions/{other.id}/accept", data={"version": other.version, "next": "/duty/my"})
    assert plain.status_code == 303
    assert "同一时间不能安排在两处" in client.get("/duty/my").text
    assert db.session.get(DutySession, other.id).status == SessionStatus.PLANNED


@pytest.fixture
def short(world):
    """小营盘镇's one duty lawyer also serves 达勒特镇, whose rule came first: 小营盘镇's Wednesdays go short."""
    world.add_multi_unit_people()
    people.end_membership(db.session.scalars(db.select(Membership).where(
        Membership.user_id == world.users["lawyer2"].id, Membership.role == Role.LAWYER)).one(), ends_on=SINCE)
    people.add_membership(user=world.users["lawyer"], point=org.point_of(world.units["T2"]), role=Role.LAWYER,
                          starts_on=SINCE)
    for key in ("T2", "T1"):
        create_rule(point=org.point_of(world.units[key]), kind=RuleKind.WEEKLY, valid_from=SINCE)
    db.session.commit()
    return world


@freeze_time("2026-11-23 09:00:00+08:00")
def test_the_head_and_the_bureau_see_which_stations_and_weeks_are_short(short, client, auth, app):
    auth.login("county")  # 博乐市's bureau generates both stations' next eight Wednesdays (11/25 … 1/13)
    response = client.post("/duty/generate", data={}, follow_redirects=True)
    assert "有 8 次值班没有空闲的律师" in response.text
    assert overlapping_pairs() == 0
    shown = element(client.get("/duty/compliance?month=2026-12").text, "shortages")
    assert len(rows(shown)) == 7  # December and January: 12/2 … 1/13, one station short on each
    assert all("小营盘镇" in r and "1 名" in r for r in rows(shown))
    assert "达勒特镇" not in shown
    head = app.test_client()
    head.post("/auth/login", data={"username": "head", "password": PASSWORD})
    tasks = element(head.get(f"/duty/stations/{short.units['T1'].id}/2026/12").text, "tasks")
    assert "8 次值班没有律师" in tasks and tasks.count(">缺律师<") == 8
    assert len(rows(element(head.get("/duty/compliance?month=2026-12").text, "shortages"))) == len(rows(shown))
    other = app.test_client()
    other.post("/auth/login", data={"username": "county2", "password": PASSWORD})
    elsewhere = element(other.get("/duty/compliance?month=2026-12").text, "shortages")
    assert "每次值班都有律师" in elsewhere and not rows(elsewhere)


@freeze_time("2026-11-23 09:00:00+08:00")
def test_the_clerk_gets_the_shortages_in_excel_and_cron_mails_them(short, client, auth, runner):
    result = runner.invoke(args=["duty", "generate"])  # what cron runs every night
    assert result.exit_code == 0, result.output
    assert "sessions without a free lawyer: 8" in result.output
    assert result.output.count(f"{short.units['T1'].code} ") == 8 and "2026-12-02 10:00-14:00" in result.output
    auth.login("county")
    book = load_workbook(BytesIO(client.get("/duty/compliance?month=2026-12&format=xlsx").data))
    sheet = book["值班缺律师"]
    lines = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(lines) == 7  # the same seven December and January Wednesdays the page lists
    assert all(line[2] == 1 and line[3] == short.units["T1"].code and line[1] == "10:00–14:00" for line in lines)
    assert lines[0][0] == "2026-12-02"


@pytest.mark.parametrize("app_config", [{"DEMO": True}])
def test_the_demo_roster_can_be_kept(runner):
    """The demo (``flask seed-demo``): nobody booked twice; the only gaps are the two it keeps on purpose."""
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert overlapping_pairs() == 0
    gaps = {(s.kind, s.point.unit.code) for row in shortages(Unit.id.is_not(None), first=date(2000, 1, 1))
            for s in row.sessions}
    assert gaps == {(RuleKind.WEEKLY, "652702100"),  # 艾比湖镇 shares 阿拉套街道's one duty lawyer
                    (RuleKind.MONTHLY, "652722100001")}  # 精河镇's first community has no adviser


@pytest.mark.skipif(not PG_URL, reason="SQLite's writers take turns (BEGIN IMMEDIATE): the race is PostgreSQL's")
def test_two_heads_putting_one_lawyer_on_two_places_at_once_book_her_once(busy, app):
    """Two tabs, one moment: both substitute ``lawyer`` (free at 15:00) into a 15:00 visit. The second waits for
    the first to commit, then is refused with the clash; she is not booked twice."""
    visits = [_sitting(busy, key, busy.users["lawyer2"], WED, time(15, 0), time(16, 0)).id for key in ("V1", "V2")]
    ids = {"head": busy.users["head"].id, "lawyer": busy.users["lawyer"].id}
    db.session.commit()
    first_done, answers = threading.Event(), {}

    def request(index: int) -> None:
        with app.app_context():
            if index:
                first_done.wait(10)
            visit = db.session.get(DutySession, visits[index])
            try:
                substitute(visit, actor=db.session.get(User, ids["head"]), lawyer=db.session.get(User, ids["lawyer"]),
                           reason="原律师生病", version=visit.version)
            except ServiceError as refused:
                db.session.rollback()
                answers[index] = str(refused)
                return
            finally:
                first_done.set()
            threading.Event().wait(1.0 if not index else 0)  # the first holds its transaction a moment
            db.session.commit()
            answers[index] = "ok"

    threads = [threading.Thread(target=request, args=(i,)) for i in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert answers[0] == "ok" and "同一时间不能安排在两处" in answers[1], answers
    db.session.expire_all()
    assert overlapping_pairs() == 0
