"""Hypothesis over made-up counties: firms of 1–4 duty lawyers serving 1–6 townships (each station with its own
share of them), village advisers among them, rules on any weekday and hours, days off and 调休 days, extra
sessions already booked, generated once or twice over overlapping windows. After generation no lawyer sits
two overlapping sessions, every session left without a lawyer is a shortage, and none is left empty while
one of its station's lawyers was free."""

import os
from contextlib import suppress
from datetime import date, time, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongfa.db import db
from gongfa.duty.generation import add_extra_session, create_rule, generate_all
from gongfa.duty.holidays import holidays_between, is_working_day
from gongfa.duty.models import DutySession, ExtraKind, Holiday, HolidayKind, HolidayPolicy, HolidayScope, RuleKind
from gongfa.duty.queries import shortages
from gongfa.errors import ServiceError
from gongfa.org import services as org
from gongfa.org.models import Assignment, AssignmentKind, Unit, UnitLevel
from gongfa.people import services as people
from gongfa.people.models import Membership, Role
from tests.duty.test_clashes import lawyerless, overlapping_pairs

EXAMPLES = int(os.environ.get("GONGFA_CLASH_EXAMPLES", "40"))
SINCE = date(2025, 1, 1)
WINDOW = (date(2026, 9, 1), date(2027, 3, 31))

# Mostly the usual 10:00–14:00 (where clashes happen), else any one to four hours of the working day.
hours = st.one_of(st.just((time(10), time(14))),
                  st.tuples(st.integers(8, 19), st.integers(1, 4)).map(lambda t: (time(t[0]), time(t[0] + t[1]))))
days = st.dates(*WINDOW)


@st.composite
def counties(draw):
    """A county: its firm's lawyers, its townships with their rules, villages, days off and extra sessions."""
    lawyers = draw(st.integers(1, 4))
    towns = []
    for _ in range(draw(st.integers(1, 6))):
        towns.append({
            "pool": draw(st.lists(st.integers(0, lawyers - 1), unique=True, max_size=lawyers)),
            "weekly": draw(st.none() | st.tuples(st.sampled_from([2, 2, 2, 0, 1, 3, 4, 5, 6]), hours,
                                                 st.sampled_from(list(HolidayPolicy)))),
            "villages": draw(st.lists(st.tuples(st.none() | st.integers(0, lawyers - 1), st.integers(1, 28), hours),
                                      max_size=2)),
        })
    return {
        "lawyers": lawyers,
        "towns": towns,
        "days_off": draw(st.dictionaries(days, st.sampled_from(list(HolidayKind)), max_size=8)),
        "extras": draw(st.lists(st.tuples(st.integers(0, lawyers - 1), days, hours), max_size=4)),
        "first": draw(st.dates(date(2026, 10, 1), date(2027, 1, 31))),
        "weeks": draw(st.integers(1, 8)),
        "months": draw(st.integers(1, 3)),
        "again": draw(st.none() | st.integers(1, 40)),  # a second run that many days later
    }


def _build(county) -> list:
    pref = org.create_unit(code="652700", level=UnitLevel.PREFECTURE, parent=None, name_zh="州")
    seat = org.create_unit(code="652799", level=UnitLevel.COUNTY, parent=pref, name_zh="县")
    firm = org.create_firm(name_zh="律所", name_ug="", name_kk="", county=seat, licence_no="1", phone="", address="")
    lawyers = [people.create_user(username=f"l{i}", full_name=f"律师{i}", law_firm=firm)
               for i in range(county["lawyers"])]
    for on, kind in county["days_off"].items():
        db.session.add(Holiday(on=on, kind=kind, scope=HolidayScope.NATIONAL, name="假日"))
    for t, town in enumerate(county["towns"]):
        unit = org.create_unit(code=f"652799{100 + t}", level=UnitLevel.TOWNSHIP, parent=seat, name_zh=f"镇{t}")
        org.create_assignment(kind=AssignmentKind.FIRM_TOWNSHIP, unit=unit, firm=firm, starts_on=SINCE)
        for i in town["pool"]:
            people.add_membership(user=lawyers[i], point=org.point_of(unit), role=Role.LAWYER, starts_on=SINCE)
        if town["weekly"]:
            weekday, (starts_at, ends_at), policy = town["weekly"]
            create_rule(point=org.point_of(unit), kind=RuleKind.WEEKLY, valid_from=SINCE, weekday=weekday,
                        starts_at=starts_at, ends_at=ends_at, holiday_policy=policy)
        for v, (adviser, day, (starts_at, ends_at)) in enumerate(town["villages"]):
            village = org.create_unit(code=f"652799{100 + t}{200 + v}", level=UnitLevel.VILLAGE, parent=unit,
                                      name_zh=f"村{t}-{v}")
            if adviser is not None:
                org.create_assignment(kind=AssignmentKind.ADVISER_VILLAGE, unit=village, lawyer=lawyers[adviser],
                                      starts_on=SINCE)
            create_rule(point=org.point_of(village), kind=RuleKind.MONTHLY, valid_from=SINCE, day_of_month=day,
                        starts_at=starts_at, ends_at=ends_at)
    town_points = [org.point_of(u) for u in db.session.scalars(db.select(Unit).where(
        Unit.level == UnitLevel.TOWNSHIP))]
    for i, on, (starts_at, ends_at) in county["extras"]:
        with suppress(ServiceError):  # an extra session on top of another is refused (see test_clashes.py)
            add_extra_session(point=town_points[0], extra_kind=ExtraKind.MOBILE, on=on, starts_at=starts_at,
                              ends_at=ends_at, lawyer=lawyers[i], place="", actor=lawyers[i])
    return lawyers


def _holds(lawyer_id: int, session: DutySession, on: date) -> bool:
    """Whether the lawyer holds hours overlapping the session's on ``on`` (the session itself aside)."""
    return bool(db.session.scalar(db.select(db.func.count(DutySession.id)).where(
        DutySession.lawyer_id == lawyer_id, DutySession.on == on, DutySession.id != session.id,
        DutySession.status != "cancelled", DutySession.starts_at < session.ends_at,
        DutySession.ends_at > session.starts_at)))


def _nobody_was_free(session: DutySession) -> bool:
    """A Wednesday: every duty lawyer of the station was busy then. A visit: it has no adviser, or the adviser
    was busy on every working day of the month."""
    if session.kind == RuleKind.WEEKLY:
        pool = db.session.scalars(db.select(Membership.user_id).where(
            Membership.point_id == session.point_id, Membership.role == Role.LAWYER)).all()
        return all(_holds(lawyer_id, session, session.on) for lawyer_id in pool)
    adviser = db.session.scalar(db.select(Assignment.lawyer_id).where(Assignment.unit_id == session.point.unit_id))
    if adviser is None:
        return True
    month = session.scheduled_on
    last = (month + timedelta(days=31)).replace(day=1) - timedelta(days=1)
    off = holidays_between(month, last)
    return all(_holds(adviser, session, month + timedelta(days=n)) for n in range((last - month).days + 1)
               if is_working_day(month + timedelta(days=n), off))


@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(county=counties())
def test_generation_never_books_a_lawyer_twice_and_counts_every_gap(app, county):
    try:
        _build(county)
        generate_all(first=county["first"], weeks=county["weeks"], months=county["months"])
        if county["again"] is not None:
            generate_all(first=county["first"] + timedelta(days=county["again"]), weeks=county["weeks"],
                         months=county["months"])
        assert overlapping_pairs() == 0
        gaps = lawyerless()
        counted = [s for row in shortages(Unit.id.is_not(None), first=date(2000, 1, 1)) for s in row.sessions]
        assert sorted(s.id for s in counted) == sorted(s.id for s in gaps)
        for session in gaps:
            assert _nobody_was_free(session), (session.kind, session.on, session.starts_at, session.point_id)
    finally:
        db.session.rollback()  # nothing was committed: the next example starts from the empty schema
        db.session.remove()
