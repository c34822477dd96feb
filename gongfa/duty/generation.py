"""Duty rules and the sessions they generate: a station's Wednesdays rotating the firm's lawyers, a village's
monthly visit on a suggested day, extra sessions; a session falling on a day off moves or is cancelled as the
rule says, generating again creates nothing twice, and no lawyer is ever put in two places at once: a
session no lawyer is free for stays without one (a shortage, see ``queries.shortages``)."""

import calendar
from collections import defaultdict
from datetime import date, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from gongfa.audit import services as audit
from gongfa.db import db
from gongfa.duty.clashes import Calendar, refuse_clash
from gongfa.duty.holidays import holidays_of_units, is_working_day, next_working_day
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
from gongfa.org.models import Assignment, AssignmentKind, PointKind, ServicePoint
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
    """Move or cancel a weekly session that falls on a day off, as the rule says, keeping the reason."""
    day = session.on
    if is_working_day(day, holidays):
        return
    holiday = holidays.get(day)
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


def _visit_days(suggested: date, holidays: dict[date, Holiday]) -> list[date]:
    """The working days of the suggested day's month, in the order a visit would rather fall on them: the
    suggested day, then the days after it, then the days before it, nearest first."""
    month = suggested.replace(day=1)
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    after = [suggested + timedelta(days=n) for n in range((last - suggested).days + 1)]
    before = [suggested - timedelta(days=n) for n in range(1, (suggested - month).days + 1)]
    return [day for day in after + before if is_working_day(day, holidays)]


class _Planner:
    """Generates sessions for a set of rules over a window with a bounded number of queries: what already
    exists, the holidays, the stations' duty lawyers, the villages' advisers and every lawyer's held hours
    are each read once, and every lawyer is booked into one calendar, so nobody is put in two places at once.

    A weekly session goes to the station's lawyer whose turn it is, else to the next free one in the
    rotation; when all are busy it may take a lawyer from another station's new session that can go to
    someone else instead (an augmenting path, as in bipartite matching), and only then stays without a
    lawyer: a shortage the station head and the bureau see. A village visit keeps its adviser and moves to
    the nearest working day of its month on which the adviser is free.
    """

    def __init__(self, rules: list[DutyRule], first: date, last: date):
        self.rules = rules
        window_first = first.replace(day=1)
        window_last = last + timedelta(days=45)  # a moved Wednesday lands after its week; months end later
        rule_ids = {r.id for r in rules}
        self.have: dict[int, set[date]] = defaultdict(set)
        for rule_id, scheduled in db.session.execute(
                select(DutySession.rule_id, DutySession.scheduled_on)
                .where(DutySession.rule_id.is_not(None), DutySession.scheduled_on.between(window_first, last))):
            if rule_id in rule_ids:
                self.have[rule_id].add(scheduled)
        units = list({r.point.unit_id: r.point.unit for r in rules}.values())
        self.holidays = holidays_of_units(window_first, window_last, units)
        stations = [r.point_id for r in rules if r.kind == RuleKind.WEEKLY]
        self.members: dict[int, list[Membership]] = defaultdict(list)
        if stations:
            for m in db.session.scalars(
                    select(Membership).join(User, User.id == Membership.user_id).options(joinedload(Membership.user))
                    .where(Membership.point_id.in_(stations), Membership.role == Role.LAWYER,
                           User.is_active.is_(True), Membership.starts_on <= window_last,
                           or_(Membership.ends_on.is_(None), Membership.ends_on >= window_first))
                    .order_by(Membership.starts_on, Membership.id)):
                self.members[m.point_id].append(m)
        villages = [r.point.unit_id for r in rules if r.kind == RuleKind.MONTHLY]
        self.advisers: dict[int, list[Assignment]] = defaultdict(list)
        if villages:
            for a in db.session.scalars(
                    select(Assignment).options(joinedload(Assignment.lawyer))
                    .where(Assignment.kind == AssignmentKind.ADVISER_VILLAGE, Assignment.unit_id.in_(villages),
                           Assignment.starts_on <= window_last,
                           or_(Assignment.ends_on.is_(None), Assignment.ends_on >= window_first))
                    .order_by(Assignment.starts_on.desc(), Assignment.id.desc())):
                self.advisers[a.unit_id].append(a)
        self.calendar = Calendar.load(window_first, window_last)
        self.candidates: dict[DutySession, list[User]] = {}  # weekly sessions of this run that may change hands
        self.created: dict[int, list[DutySession]] = defaultdict(list)

    def plan(self, rule: DutyRule, first: date, last: date) -> None:
        """Create the rule's missing sessions between two dates and seat a lawyer on each where one is free."""
        first = max(first, rule.valid_from)
        if rule.valid_until:
            last = min(last, rule.valid_until)
        if last < first:
            return
        holidays = self.holidays[rule.point.unit_id]
        for scheduled in _occurrences(rule, first, last):
            if scheduled in self.have[rule.id]:
                continue
            self.have[rule.id].add(scheduled)
            session = DutySession(rule=rule, point=rule.point, kind=rule.kind, scheduled_on=scheduled,
                                  on=scheduled, starts_at=rule.starts_at, ends_at=rule.ends_at,
                                  status=SessionStatus.PLANNED)
            if rule.kind == RuleKind.WEEKLY:
                session.log(ChangeKind.GENERATED, actor_id=None, to_on=session.on)
                _place_on_calendar(session, rule, holidays)
                self._seat_weekly(rule, session, scheduled)
            else:
                self._seat_monthly(rule, session, scheduled, holidays)
            db.session.add(session)
            self.created[rule.id].append(session)

    def _seat_weekly(self, rule: DutyRule, session: DutySession, scheduled: date) -> None:
        pool = [m.user for m in self.members[rule.point_id] if m.is_current(scheduled)]
        if not pool:
            return
        turn = ((scheduled - rule.valid_from).days // 7) % len(pool)  # the firm's lawyers week by week
        rotation = pool[turn:] + pool[:turn]
        if session.status == SessionStatus.CANCELLED:
            session.lawyer = rotation[0]  # whose turn it would have been; a cancelled day holds nobody's hours
            return
        self.candidates[session] = rotation
        self._seat(session, set())

    def _seat(self, session: DutySession, tried: set[int]) -> bool:
        """Seat a free lawyer of the session's rotation, moving another new session along if that frees one."""
        for lawyer in self.candidates[session]:
            if lawyer.id in tried:
                continue
            tried.add(lawyer.id)
            held = self.calendar.clashes(lawyer.id, session.on, session.starts_at, session.ends_at)
            if not held:
                self.calendar.book(lawyer, session)
                return True
            other = held[0].session if len(held) == 1 else None
            if other is not None and other in self.candidates:
                self.calendar.release(lawyer, other)
                if self._seat(other, tried):
                    self.calendar.book(lawyer, session)
                    return True
                self.calendar.book(lawyer, other)
        return False

    def _seat_monthly(self, rule: DutyRule, session: DutySession, month: date,
                      holidays: dict[date, Holiday]) -> None:
        adviser = next((a.lawyer for a in self.advisers[rule.point.unit_id] if a.is_current(month)), None)
        days = _visit_days(_suggested_day(rule, month), holidays) or [_suggested_day(rule, month)]
        session.on = days[0]
        if adviser is not None:
            free = next((d for d in days if self.calendar.is_free(adviser.id, d, rule.starts_at, rule.ends_at)),
                        None)
            if free is not None:
                session.on = free
                self.calendar.book(adviser, session)
        session.log(ChangeKind.GENERATED, actor_id=None, to_on=session.on)

    def finish(self, first: date, last: date) -> list[DutySession]:
        """Write down who each new session went to, flush, and audit each rule's run."""
        created = []
        for rule in self.rules:
            sessions = self.created.get(rule.id, [])
            for session in sessions:
                session.changes[0].to_lawyer_id = session.lawyer.id if session.lawyer else None
            created += sessions
        db.session.flush()
        for rule in self.rules:
            sessions = self.created.get(rule.id, [])
            if sessions:
                short = sum(1 for s in sessions if s.lawyer is None and s.status != SessionStatus.CANCELLED)
                audit.record("sessions.generate", rule, after={
                    "rule": rule.id, "created": len(sessions), "without_lawyer": short,
                    "first": first.isoformat(), "last": last.isoformat()})
        return created


def generate_sessions(rule: DutyRule, *, first: date, last: date) -> list[DutySession]:
    """Create the rule's sessions between two dates; running it again creates nothing twice."""
    planner = _Planner([rule], first, last)
    planner.plan(rule, first, last)
    return planner.finish(first, last)


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
    """Generate every active rule's sessions for the coming weeks (weekly) and months (monthly), weekly rules
    first (their days are fixed; a village visit can still move within its month); returns how many."""
    stmt = select(DutyRule).options(joinedload(DutyRule.point).joinedload(ServicePoint.unit)).where(
        DutyRule.is_active.is_(True))
    if points is not None:
        stmt = stmt.where(DutyRule.point_id.in_([p.id for p in points]))
    rules = sorted(db.session.scalars(stmt), key=lambda r: (r.kind != RuleKind.WEEKLY, r.id))
    if not rules:
        return 0
    weekly_last = first + timedelta(weeks=weeks)
    end = first
    for _ in range(months - 1):
        end = (end.replace(day=1) + timedelta(days=32)).replace(day=1)
    monthly_last = end.replace(day=calendar.monthrange(end.year, end.month)[1])
    planner = _Planner(rules, first, max(weekly_last, monthly_last))
    for rule in rules:
        planner.plan(rule, first, weekly_last if rule.kind == RuleKind.WEEKLY else monthly_last)
    return len(planner.finish(first, max(weekly_last, monthly_last)))


def add_extra_session(*, point: ServicePoint, extra_kind: ExtraKind, on: date, starts_at: time, ends_at: time,
                      lawyer: User | None, place: str, actor: User) -> DutySession:
    """An evening or weekend clinic, a mobile clinic, a home visit or a lecture (常州 seed), as a session."""
    if ends_at <= starts_at:
        raise ServiceError(_l("结束时间要晚于开始时间。"), "ends_at")
    refuse_clash(lawyer, on, starts_at, ends_at, field="lawyer_id")
    session = DutySession(point=point, kind=RuleKind.EXTRA, extra_kind=extra_kind, lawyer=lawyer, scheduled_on=on,
                          on=on, starts_at=starts_at, ends_at=ends_at, place=place,
                          status=SessionStatus.PLANNED if lawyer else SessionStatus.CONFIRMED)
    session.log(ChangeKind.GENERATED, actor_id=actor.id, to_lawyer_id=lawyer.id if lawyer else None, to_on=on)
    db.session.add(session)
    audit.record("session.extra", session)
    return session
