"""Duty rules on real 2025–2026 calendars: holidays move sessions, generation is idempotent, actions."""

from datetime import UTC, date, datetime, time

import pytest

from gongfa.auth.scope import scope_for
from gongfa.db import db
from gongfa.duty.actions import (
    StaleSessionError,
    accept,
    allowed_actions,
    allowed_days,
    check_in,
    check_out,
    countersign,
    decline,
    mark_missed,
    propose,
    substitute,
)
from gongfa.duty.compliance import lawyer_hours, village_months
from gongfa.duty.generation import create_rule, generate_sessions
from gongfa.duty.holidays import holidays_between, is_working_day, seed_xinjiang_2025, sync_national_holidays
from gongfa.duty.models import DutySession, HolidayPolicy, HolidayScope, RuleKind, SessionStatus
from gongfa.duty.queries import substitution_tasks
from gongfa.errors import ServiceError
from gongfa.org import services as org


@pytest.fixture
def holidays(world):
    sync_national_holidays([2025, 2026])
    seed_xinjiang_2025()
    db.session.commit()
    return world


def _weekly(world, policy=HolidayPolicy.MOVE):
    return create_rule(point=org.point_of(world.units["T1"]), kind=RuleKind.WEEKLY,
                       valid_from=date(2025, 1, 1), holiday_policy=policy)


def test_national_holidays_and_makeup_days_come_from_the_package(holidays):
    days = holidays_between(date(2025, 9, 28), date(2025, 10, 12))
    assert days[date(2025, 10, 1)].name == "国庆节"
    assert days[date(2025, 9, 28)].kind.value == "makeup_workday"  # Sunday worked (调休)
    assert is_working_day(date(2025, 9, 28), days)
    assert is_working_day(date(2025, 10, 11), days)  # Saturday worked
    assert not is_working_day(date(2025, 10, 8), days)


def test_xinjiang_eid_days_are_entered_not_computed(holidays):
    days = holidays_between(date(2025, 3, 28), date(2025, 6, 11))
    assert {d for d, h in days.items() if h.scope == HolidayScope.XINJIANG} == {
        date(2025, 3, 29), date(2025, 3, 30), date(2025, 3, 31), date(2025, 6, 6), date(2025, 6, 7),
        date(2025, 6, 8), date(2025, 6, 9), date(2025, 6, 10)}


def test_wednesday_in_national_day_week_moves_to_the_next_working_day(holidays):
    rule = _weekly(holidays)
    sessions = generate_sessions(rule, first=date(2025, 9, 22), last=date(2025, 10, 20))
    by_scheduled = {s.scheduled_on: s for s in sessions}
    moved = by_scheduled[date(2025, 10, 1)]
    assert moved.on == date(2025, 10, 9)  # Oct 1–8 off, Thursday Oct 9 is the next working day
    assert moved.note == "国庆节"
    assert [c.kind.value for c in moved.changes] == ["generated", "moved"]
    assert by_scheduled[date(2025, 9, 24)].on == date(2025, 9, 24)


def test_cancel_policy_cancels_with_the_reason(holidays):
    rule = _weekly(holidays, HolidayPolicy.CANCEL)
    session = generate_sessions(rule, first=date(2025, 10, 1), last=date(2025, 10, 1))[0]
    assert session.status == SessionStatus.CANCELLED
    assert session.note == "国庆节"


def test_generating_twice_creates_nothing_twice(holidays):
    rule = _weekly(holidays)
    first = generate_sessions(rule, first=date(2026, 1, 1), last=date(2026, 2, 28))
    again = generate_sessions(rule, first=date(2026, 1, 1), last=date(2026, 3, 31))
    assert len(first) == 8
    assert len(again) == 4  # only March's four Wednesdays are new
    assert db.session.scalar(db.select(db.func.count()).select_from(DutySession)) == 12


def test_weekly_rotation_of_the_firms_duty_lawyers(holidays):
    from gongfa.people.models import Role

    world = holidays
    second = world.person("lawyer2", "王律师", Role.LAWYER, "T1", firm=world.firm)
    rule = _weekly(world)
    sessions = generate_sessions(rule, first=date(2026, 3, 2), last=date(2026, 3, 31))
    lawyers = [s.lawyer.username for s in sessions]
    assert set(lawyers) == {"lawyer", second.username}
    assert all(a != b for a, b in zip(lawyers, lawyers[1:], strict=False))


def test_monthly_visit_suggestion_stays_in_its_month(holidays):
    rule = create_rule(point=org.point_of(holidays.units["V1"]), kind=RuleKind.MONTHLY,
                       valid_from=date(2025, 1, 1), day_of_month=31)
    session = generate_sessions(rule, first=date(2025, 3, 1), last=date(2025, 3, 31))[0]
    assert session.on == date(2025, 3, 28)  # 3/29–3/31 肉孜节 (Sat–Mon): Friday before, not April
    assert session.lawyer.username == "lawyer"


def _monthly_session(world, month=date(2026, 12, 1)):
    rule = create_rule(point=org.point_of(world.units["V1"]), kind=RuleKind.MONTHLY, valid_from=month)
    return generate_sessions(rule, first=month, last=month)[0]


def test_propose_accept_check_in_out_countersign(holidays):
    w = holidays
    s = _monthly_session(w)
    lawyer, officer = w.users["lawyer"], w.users["officer"]
    propose(s, actor=lawyer, on=date(2026, 12, 9), version=s.version, today=date(2026, 11, 23))
    with pytest.raises(ServiceError):
        accept(s, actor=lawyer, version=s.version)  # one's own proposal needs the other side
    accept(s, actor=officer, version=s.version)
    assert s.status == SessionStatus.CONFIRMED
    with pytest.raises(ServiceError, match="当天"):
        check_in(s, actor=lawyer, version=s.version, now=datetime(2026, 12, 8, 3, tzinfo=UTC))
    check_in(s, actor=lawyer, version=s.version, now=datetime(2026, 12, 9, 2, 0, tzinfo=UTC))  # 10:00 BJT
    check_out(s, actor=lawyer, version=s.version, now=datetime(2026, 12, 9, 6, 30, tzinfo=UTC))
    assert s.hours == 4.5
    countersign(s, actor=officer, version=s.version)
    assert s.status == SessionStatus.COUNTERSIGNED
    assert s.countersigned_by.username == "officer"
    assert [c.kind.value for c in s.changes][-5:] == ["proposed", "accepted", "checked_in", "checked_out",
                                                     "countersigned"]


def test_allowed_actions_are_decided_from_plain_values_outside_any_request(world):
    """Who may do what now comes from the user, their scope and the day: no request, no current_user."""
    s = _monthly_session(world)
    lawyer, officer, head = (world.users[name] for name in ("lawyer", "officer", "head"))
    today = date(2026, 11, 23)

    def offered(user, on=today):
        return allowed_actions(s, user=user, scope=scope_for(user, on), today=on)

    assert offered(lawyer) == {"accept", "decline", "propose"}
    assert offered(officer) == {"propose"}
    propose(s, actor=lawyer, on=date(2026, 12, 9), version=s.version, today=today)
    assert offered(lawyer) == {"decline", "propose"}  # their own date waits for the other side
    assert offered(officer) == {"accept", "propose"}
    assert offered(head) == {"accept", "substitute", "swap"}
    accept(s, actor=officer, version=s.version)
    assert "check_in" not in offered(lawyer)
    assert "check_in" in offered(lawyer, date(2026, 12, 9))  # on the day


def test_propose_only_working_days_of_the_month_after_today(holidays):
    s = _monthly_session(holidays, date(2025, 10, 1))
    for bad in (date(2025, 10, 3), date(2025, 10, 18), date(2025, 11, 3), date(2025, 9, 30)):
        with pytest.raises(ServiceError):
            propose(s, actor=holidays.users["lawyer"], on=bad, version=s.version, today=date(2025, 9, 20))
    assert date(2025, 10, 11) in allowed_days(s, date(2025, 9, 20))  # Saturday 调休 is a working day


def test_stale_version_is_refused(holidays):
    s = _monthly_session(holidays)
    seen = s.version
    propose(s, actor=holidays.users["officer"], on=date(2026, 12, 10), version=seen, today=date(2026, 11, 23))
    db.session.flush()
    with pytest.raises(StaleSessionError):
        propose(s, actor=holidays.users["lawyer"], on=date(2026, 12, 11), version=seen,
                today=date(2026, 11, 23))


def test_decline_then_substitute_keeps_who_was_planned(holidays):
    from gongfa.people.models import Role

    w = holidays
    other = w.person("lawyer3", "替班律师", Role.LAWYER, "T1", firm=w.firm)
    rule = _weekly(w)
    s = generate_sessions(rule, first=date(2026, 12, 2), last=date(2026, 12, 2))[0]
    original = s.lawyer
    decline(s, actor=original, reason="开庭", version=s.version)
    assert s.needs_substitute
    tasks = substitution_tasks(org.Unit.id.isnot(None))
    assert tasks == [s]
    substitute(s, actor=w.users["head"], lawyer=other if other != original else w.users["lawyer"],
               reason="所长安排", version=s.version)
    assert not s.needs_substitute
    kinds = [(c.kind.value, c.from_lawyer_id) for c in s.changes]
    assert ("declined", original.id) in kinds and ("substituted", original.id) in kinds


def test_missed_and_flagged_months(holidays):
    w = holidays
    s = _monthly_session(w, date(2026, 10, 1))
    rows = village_months(org.Unit.id == w.units["V1"].id, month=date(2026, 10, 1), today=date(2026, 10, 21))
    assert rows[0].flag == "no_date_by_20th"
    assert mark_missed(today=date(2026, 11, 1)) == 1
    assert s.status == SessionStatus.MISSED


def test_lawyer_hours_against_the_rule(holidays):
    w = holidays
    s = _monthly_session(w)
    s.status, s.on = SessionStatus.DONE, date(2026, 12, 9)
    s.checked_in_at = datetime(2026, 12, 9, 2, tzinfo=UTC)
    s.checked_out_at = datetime(2026, 12, 9, 5, tzinfo=UTC)
    rows = lawyer_hours(org.Unit.id.isnot(None), month=date(2026, 12, 1))
    row = next(r for r in rows if r.lawyer.username == "lawyer")
    assert row.hours == 3.0 and row.required == 4.0  # 营盘社区 is in a town (镇): 4 h a month
    assert not row.ok


def test_rule_times_must_make_sense(holidays):
    with pytest.raises(ServiceError):
        create_rule(point=org.point_of(holidays.units["T1"]), kind=RuleKind.WEEKLY, valid_from=date(2026, 1, 1),
                    starts_at=time(14), ends_at=time(10))
