"""Duty rules and the sessions they generate: a station's Wednesdays rotating the firm's lawyers, a village's
monthly visit on a suggested day, extra sessions; a session falling on a day off moves or is cancelled as the
rule says, and generating again creates nothing twice."""

import calendar
from datetime import date, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from gongfa.audit import services as audit
from gongfa.db import db
from gongfa.duty.holidays import holidays_between, is_working_day, next_working_day
from gongfa.duty.models import (
    ChangeKind,
    DutyRule,
    DutySession,
    ExtraKind,
    Holiday,
    HolidayPolicy,
    RuleKind,
    SessionStatus,
)
from gongfa.errors import ServiceError
from gongfa.i18n import _l
from gongfa.org import services as org
from gongfa.org.models import PointKind, ServicePoint
from gongfa.people.models import Membership, Role, User


def create_rule(*, point: ServicePoint, kind: RuleKind, valid_from: date, weekday: int = 2, day_of_month: int = 15,
                starts_at: time = time(10, 0), ends_at: time = time(14, 0),
                holiday_policy: HolidayPolicy = HolidayPolicy.MOVE) -> DutyRule:
    """A station's weekly rule (Wednesday by default) or a studio's monthly rule."""
    if ends_at <= starts_at:
        raise ServiceError(_l("结束时间要晚于开始时间。"), "ends_at")
    if kind == RuleKind.WEEKLY and point.kind != PointKind.STATION:
        raise ServiceError(_l("每周值班只能设在乡镇（街道）工作站。"), "kind")
    if kind == RuleKind.MONTHLY and point.kind != PointKind.STUDIO:
        raise ServiceError(_l("每月来村只能设在村（社区）工作室。"), "kind")
    rule = DutyRule(point=point, kind=kind, weekday=weekday, day_of_month=day_of_month, starts_at=starts_at,
                    ends_at=ends_at, holiday_policy=holiday_policy, valid_from=valid_from)
    db.session.add(rule)
    audit.record("rule.create", rule)
    return rule


def update_rule(rule: DutyRule, *, weekday: int, day_of_month: int, starts_at: time, ends_at: time,
                holiday_policy: HolidayPolicy, valid_from: date) -> DutyRule:
    """Change a rule; sessions not yet generated follow it, ones already generated stay as they are."""
    if ends_at <= starts_at:
        raise ServiceError(_l("结束时间要晚于开始时间。"), "ends_at")
    with audit.tracking(rule, "rule.update"):
        rule.weekday, rule.day_of_month, rule.starts_at, rule.ends_at = weekday, day_of_month, starts_at, ends_at
        rule.holiday_policy, rule.valid_from = holiday_policy, valid_from
    return rule


def rule_of(point: ServicePoint) -> DutyRule | None:
    """The point's active weekly or monthly rule."""
    return db.session.scalar(select(DutyRule).where(DutyRule.point_id == point.id, DutyRule.is_active.is_(True),
                                                    DutyRule.kind.in_([RuleKind.WEEKLY, RuleKind.MONTHLY])))


def duty_lawyers_of(point: ServicePoint, on: date) -> list[User]:
    """The station's duty lawyers on a date, in a fixed order for the rotation."""
    return list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.point_id == point.id, Membership.role == Role.LAWYER, User.is_active.is_(True),
               Membership.starts_on <= on, or_(Membership.ends_on.is_(None), Membership.ends_on >= on))
        .order_by(Membership.starts_on, Membership.id)))


def _place_on_calendar(session: DutySession, rule: DutyRule, holidays: dict[date, Holiday]) -> None:
    """Move or cancel a session that falls on a day off, as the rule says, keeping the reason."""
    day = session.on
    if is_working_day(day, holidays):
        return
    holiday = holidays.get(day)
    if rule.kind == RuleKind.MONTHLY:  # a suggested village-visit day: stay inside its month
        session.on = _working_day_in_month(day, holidays)
        return
    if holiday is None:
        session.on = next_working_day(day, holidays)
        return
    session.note = holiday.name
    if rule.holiday_policy == HolidayPolicy.CANCEL:
        session.status = SessionStatus.CANCELLED
        session.log(ChangeKind.CANCELLED, actor_id=None, reason=holiday.name, from_on=day)
        return
    session.on = next_working_day(day, holidays)
    session.log(ChangeKind.MOVED, actor_id=None, reason=holiday.name, from_on=day, to_on=session.on)


def _working_day_in_month(day: date, holidays: dict[date, Holiday]) -> date:
    """The next working day in the same month, else the previous one."""
    forward = next_working_day(day, holidays)
    if forward.month == day.month:
        return forward
    while not is_working_day(day, holidays):
        day -= timedelta(days=1)
    return day


def generate_sessions(rule: DutyRule, *, first: date, last: date) -> list[DutySession]:
    """Create the rule's sessions between two dates; running it again creates nothing twice."""
    first = max(first, rule.valid_from)
    if rule.valid_until:
        last = min(last, rule.valid_until)
    if last < first:
        return []
    point = rule.point
    holidays = holidays_between(first, last + timedelta(days=45), point.unit)
    have = set(db.session.scalars(select(DutySession.scheduled_on).where(DutySession.rule_id == rule.id)))
    created = []
    for scheduled in _occurrences(rule, first, last):
        if scheduled in have:
            continue
        session = DutySession(rule=rule, point=point, kind=rule.kind, scheduled_on=scheduled, on=scheduled,
                              starts_at=rule.starts_at, ends_at=rule.ends_at, status=SessionStatus.PLANNED)
        if rule.kind == RuleKind.WEEKLY:
            lawyers = duty_lawyers_of(point, scheduled)
            if lawyers:  # rotate the firm's duty lawyers week by week
                session.lawyer = lawyers[((scheduled - rule.valid_from).days // 7) % len(lawyers)]
        else:
            session.on = _suggested_day(rule, scheduled)
            adviser = org.current_adviser(point.unit, scheduled)
            session.lawyer = adviser.lawyer if adviser else None
        session.log(ChangeKind.GENERATED, actor_id=None, to_lawyer_id=session.lawyer.id if session.lawyer else None,
                    to_on=session.on)
        _place_on_calendar(session, rule, holidays)
        db.session.add(session)
        created.append(session)
    db.session.flush()
    if created:
        audit.record("sessions.generate", rule, after={"rule": rule.id, "created": len(created),
                                                       "first": first.isoformat(), "last": last.isoformat()})
    return created


def _occurrences(rule: DutyRule, first: date, last: date):
    if rule.kind == RuleKind.WEEKLY:
        day = first + timedelta(days=(rule.weekday - first.weekday()) % 7)
        while day <= last:
            yield day
            day += timedelta(days=7)
    elif rule.kind == RuleKind.MONTHLY:
        month = date(first.year, first.month, 1)
        while month <= last:
            yield month
            month = (month + timedelta(days=32)).replace(day=1)


def _suggested_day(rule: DutyRule, month: date) -> date:
    last_day = calendar.monthrange(month.year, month.month)[1]
    return month.replace(day=min(rule.day_of_month, last_day))


def generate_all(*, first: date, weeks: int = 8, months: int = 3, points: list[ServicePoint] | None = None) -> int:
    """Generate every active rule's sessions for the coming weeks (weekly) and months (monthly)."""
    stmt = select(DutyRule).options(joinedload(DutyRule.point).joinedload(ServicePoint.unit)).where(
        DutyRule.is_active.is_(True))
    if points is not None:
        stmt = stmt.where(DutyRule.point_id.in_([p.id for p in points]))
    total = 0
    for rule in db.session.scalars(stmt):
        if rule.kind == RuleKind.WEEKLY:
            last = first + timedelta(weeks=weeks)
        else:
            end = first
            for _ in range(months - 1):
                end = (end.replace(day=1) + timedelta(days=32)).replace(day=1)
            last = end.replace(day=calendar.monthrange(end.year, end.month)[1])
        total += len(generate_sessions(rule, first=first, last=last))
    return total


def add_extra_session(*, point: ServicePoint, extra_kind: ExtraKind, on: date, starts_at: time, ends_at: time,
                      lawyer: User | None, place: str, actor: User) -> DutySession:
    """An evening or weekend clinic, a mobile clinic, a home visit or a lecture (常州 seed), as a session."""
    if ends_at <= starts_at:
        raise ServiceError(_l("结束时间要晚于开始时间。"), "ends_at")
    session = DutySession(point=point, kind=RuleKind.EXTRA, extra_kind=extra_kind, lawyer=lawyer, scheduled_on=on,
                          on=on, starts_at=starts_at, ends_at=ends_at, place=place,
                          status=SessionStatus.PLANNED if lawyer else SessionStatus.CONFIRMED)
    session.log(ChangeKind.GENERATED, actor_id=actor.id, to_lawyer_id=lawyer.id if lawyer else None, to_on=on)
    db.session.add(session)
    audit.record("session.extra", session)
    return session
