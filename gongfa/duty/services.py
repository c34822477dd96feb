"""Duty calendars: holidays, generating sessions, the lawyer's and officer's actions, compliance.

Services flush and audit; views commit. Every action on a session names the version the person saw:
if someone else changed the session in between, the action is refused with a clear message instead
of silently overwriting (DutySession.version is also SQLAlchemy's version counter).
"""

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from gongfa.audit import services as audit
from gongfa.clock import BEIJING
from gongfa.db import db, utcnow
from gongfa.duty.models import (
    OPEN_STATUSES,
    ChangeKind,
    DutyRule,
    DutySession,
    ExtraKind,
    Holiday,
    HolidayKind,
    HolidayPolicy,
    HolidayScope,
    RuleKind,
    SessionChange,
    SessionStatus,
)
from gongfa.errors import ServiceError
from gongfa.i18n import _l
from gongfa.org import services as org
from gongfa.org.models import PointKind, ServicePoint, Unit, UnitLevel
from gongfa.people.models import Membership, Role, User

# chinese-calendar names its holidays in English; we show the official Chinese names (translated).
HOLIDAY_NAMES = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节", "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节", "National Day": "国庆节", "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}
HOLIDAY_TITLES = {
    "元旦": _l("元旦"), "春节": _l("春节"), "清明节": _l("清明节"), "劳动节": _l("劳动节"), "端午节": _l("端午节"),
    "国庆节": _l("国庆节"), "中秋节": _l("中秋节"), "抗战胜利纪念日": _l("抗战胜利纪念日"), "肉孜节": _l("肉孜节"),
    "古尔邦节": _l("古尔邦节"),
}
# 新疆维吾尔自治区 2025 notice: 肉孜节 3/29–3/31, 古尔邦节 6/6–6/10 (entered from the notice, never computed).
XINJIANG_2025 = [(date(2025, 3, 29), date(2025, 3, 31), "肉孜节"), (date(2025, 6, 6), date(2025, 6, 10), "古尔邦节")]


class StaleSessionError(ServiceError):
    """Someone else changed the session since the page was loaded."""

    def __init__(self):
        super().__init__(_l("这条安排刚刚被别人修改过。下面是最新情况，请确认后再操作。"))


# --- holidays --------------------------------------------------------------------------------


def holiday_title(name: str) -> str:
    """A holiday's name in the user's language."""
    return str(HOLIDAY_TITLES.get(name, name))


def sync_national_holidays(years: list[int]) -> int:
    """Copy national holidays and 调休 make-up days from the chinese-calendar package; returns rows added."""
    import chinese_calendar

    source = "chinese-calendar 1.11.0"
    existing = set(db.session.scalars(select(Holiday.on).where(Holiday.scope == HolidayScope.NATIONAL)))
    added = 0
    for table, kind in ((chinese_calendar.holidays, HolidayKind.HOLIDAY), (chinese_calendar.workdays,
                                                                           HolidayKind.MAKEUP)):
        for day, name in table.items():
            if day.year not in years or day in existing:
                continue
            if kind == HolidayKind.MAKEUP and day.weekday() < 5:
                continue  # only weekend days worked instead count as make-up days
            if kind == HolidayKind.HOLIDAY and day.weekday() >= 5 and name is None:
                continue
            db.session.add(Holiday(on=day, kind=kind, scope=HolidayScope.NATIONAL, source=source,
                                   name=HOLIDAY_NAMES.get(str(name), str(name))))
            added += 1
    db.session.flush()
    if added:
        audit.record("holiday.sync", object_type="holidays", after={"years": years, "added": added})
    return added


def add_holiday(*, first: date, last: date, name: str, scope: HolidayScope, unit: Unit | None = None,
                kind: HolidayKind = HolidayKind.HOLIDAY, source: str = "") -> list[Holiday]:
    """Enter days off (Xinjiang Eid days from the yearly notice, or a local closure)."""
    if last < first:
        raise ServiceError(_l("结束日期不能早于开始日期。"), "last")
    if (last - first).days > 31:
        raise ServiceError(_l("一次最多登记31天。"), "last")
    if scope == HolidayScope.LOCAL and unit is None:
        raise ServiceError(_l("本地停休要选择单位。"), "unit_id")
    rows = []
    day = first
    while day <= last:
        clash = db.session.scalar(select(Holiday).where(Holiday.on == day, Holiday.scope == scope,
                                                        Holiday.unit_id == (unit.id if unit else None)))
        if clash is None:
            row = Holiday(on=day, kind=kind, scope=scope, unit_id=unit.id if unit else None, name=name,
                          source=source)
            db.session.add(row)
            rows.append(row)
        day += timedelta(days=1)
    db.session.flush()
    for row in rows:
        audit.record("holiday.create", row)
    return rows


def seed_xinjiang_2025() -> None:
    """The published 2025 Eid days (肉孜节, 古尔邦节)."""
    for first, last, name in XINJIANG_2025:
        add_holiday(first=first, last=last, name=name, scope=HolidayScope.XINJIANG, source="新疆维吾尔自治区2025年通知")


def _ancestor_ids(unit: Unit) -> list[int]:
    return [int(x) for x in unit.path.strip("/").split("/") if x]


def holidays_between(first: date, last: date, unit: Unit | None = None) -> dict[date, Holiday]:
    """Days off and make-up days that apply to ``unit`` (national, Xinjiang, and its own local ones)."""
    local = _ancestor_ids(unit) if unit is not None else []
    rows = db.session.scalars(select(Holiday).where(
        Holiday.on.between(first, last),
        or_(Holiday.scope != HolidayScope.LOCAL, Holiday.unit_id.in_(local))))
    result: dict[date, Holiday] = {}
    for row in rows:
        # A Xinjiang or local day off wins over a national make-up working day.
        if row.on not in result or row.kind == HolidayKind.HOLIDAY:
            result[row.on] = row
    return result


def is_working_day(day: date, holidays: dict[date, Holiday]) -> bool:
    """Mon–Fri unless a holiday; Sat/Sun only when a 调休 make-up day."""
    row = holidays.get(day)
    if row is not None:
        return row.kind == HolidayKind.MAKEUP
    return day.weekday() < 5


def next_working_day(day: date, holidays: dict[date, Holiday]) -> date:
    """The first working day on or after ``day``."""
    while not is_working_day(day, holidays):
        day += timedelta(days=1)
    return day


# --- rules and generation ----------------------------------------------------------------------


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


def duty_lawyers_of(point: ServicePoint, on: date) -> list[User]:
    """The station's duty lawyers on a date, in a fixed order for the rotation."""
    return list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.point_id == point.id, Membership.role == Role.LAWYER, User.is_active.is_(True),
               Membership.starts_on <= on, or_(Membership.ends_on.is_(None), Membership.ends_on >= on))
        .order_by(Membership.starts_on, Membership.id)))


def _log(session: DutySession, kind: ChangeKind, *, actor_id: int | None, reason: str = "",
         from_lawyer_id=None, to_lawyer_id=None, from_on=None, to_on=None) -> None:
    session.changes.append(SessionChange(kind=kind, actor_id=actor_id, reason=reason[:200],
                                         from_lawyer_id=from_lawyer_id, to_lawyer_id=to_lawyer_id,
                                         from_on=from_on, to_on=to_on))


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
        _log(session, ChangeKind.CANCELLED, actor_id=None, reason=holiday.name, from_on=day)
        return
    session.on = next_working_day(day, holidays)
    _log(session, ChangeKind.MOVED, actor_id=None, reason=holiday.name, from_on=day, to_on=session.on)


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
        _log(session, ChangeKind.GENERATED, actor_id=None, to_lawyer_id=session.lawyer.id if session.lawyer else None,
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


# --- actions ---------------------------------------------------------------------------------


def _fresh(session: DutySession, version: int | None) -> None:
    if version is not None and version != session.version:
        raise StaleSessionError()


def _require(session: DutySession, *statuses: SessionStatus) -> None:
    if session.status not in statuses:
        raise ServiceError(_l("这条安排现在的状态是“%(status)s”，不能这样操作。", status=session.status.title))


def accept(session: DutySession, *, actor: User, version: int | None) -> DutySession:
    """Accept an assigned session (lawyer), or the other side's proposed date (lawyer or officer)."""
    _fresh(session, version)
    _require(session, SessionStatus.PLANNED, SessionStatus.PROPOSED)
    if session.status == SessionStatus.PROPOSED and session.proposed_by_id == actor.id:
        raise ServiceError(_l("这个日期是您提议的，要等对方确认。"))
    if session.needs_substitute and session.lawyer_id == actor.id:
        session.needs_substitute = False
    with audit.tracking(session, "session.accept"):
        session.status = SessionStatus.CONFIRMED
        _log(session, ChangeKind.ACCEPTED, actor_id=actor.id, to_on=session.on)
    return session


def decline(session: DutySession, *, actor: User, reason: str, version: int | None) -> DutySession:
    """The lawyer cannot come: the station head gets a substitution task; nothing is lost."""
    _fresh(session, version)
    _require(session, *OPEN_STATUSES)
    if not reason.strip():
        raise ServiceError(_l("请写明不能值班的原因。"), "reason")
    with audit.tracking(session, "session.decline"):
        session.status = SessionStatus.PLANNED
        session.needs_substitute = True
        _log(session, ChangeKind.DECLINED, actor_id=actor.id, reason=reason, from_lawyer_id=session.lawyer_id)
    return session


def allowed_days(session: DutySession, today: date) -> list[date]:
    """Working days of the session's month, from tomorrow on, that a visit may be proposed for."""
    month = session.scheduled_on.replace(day=1)
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    first = max(month, today + timedelta(days=1))
    holidays = holidays_between(first, last, session.point.unit)
    days, day = [], first
    while day <= last:
        if is_working_day(day, holidays):
            days.append(day)
        day += timedelta(days=1)
    return days


def propose(session: DutySession, *, actor: User, on: date, version: int | None, today: date) -> DutySession:
    """Propose the month's village-visit date; the other side (officer or lawyer) accepts it."""
    _fresh(session, version)
    _require(session, SessionStatus.PLANNED, SessionStatus.PROPOSED, SessionStatus.CONFIRMED)
    if session.kind != RuleKind.MONTHLY:
        raise ServiceError(_l("只有每月来村的日期可以提议。"), "on")
    if on not in allowed_days(session, today):
        raise ServiceError(_l("请选择本月内今天以后的工作日。"), "on")
    with audit.tracking(session, "session.propose"):
        _log(session, ChangeKind.PROPOSED, actor_id=actor.id, from_on=session.on, to_on=on)
        session.on = on
        session.status = SessionStatus.PROPOSED
        session.proposed_by_id = actor.id
    return session


def check_in(session: DutySession, *, actor: User, version: int | None, now: datetime | None = None) -> DutySession:
    """The lawyer arrives (on the day only)."""
    now = now or utcnow()
    _fresh(session, version)
    _require(session, SessionStatus.CONFIRMED)
    if now.astimezone(BEIJING).date() != session.on:
        raise ServiceError(_l("只能在值班当天签到。"))
    with audit.tracking(session, "session.check_in"):
        session.status = SessionStatus.CHECKED_IN
        session.checked_in_at = now
        _log(session, ChangeKind.CHECKED_IN, actor_id=actor.id)
    return session


def check_out(session: DutySession, *, actor: User, version: int | None, now: datetime | None = None) -> DutySession:
    """The lawyer leaves; the hours are computed from check-in and check-out."""
    now = now or utcnow()
    _fresh(session, version)
    _require(session, SessionStatus.CHECKED_IN)
    with audit.tracking(session, "session.check_out"):
        session.status = SessionStatus.DONE
        session.checked_out_at = now
        _log(session, ChangeKind.CHECKED_OUT, actor_id=actor.id)
    return session


def countersign(session: DutySession, *, actor: User, version: int | None) -> DutySession:
    """The officer (village) or station head confirms the visit happened: name and time recorded."""
    _fresh(session, version)
    _require(session, SessionStatus.DONE)
    with audit.tracking(session, "session.countersign"):
        session.status = SessionStatus.COUNTERSIGNED
        session.countersigned_by_id = actor.id
        session.countersigned_at = utcnow()
        _log(session, ChangeKind.COUNTERSIGNED, actor_id=actor.id)
    return session


def substitute(session: DutySession, *, actor: User, lawyer: User, reason: str, version: int | None) -> DutySession:
    """The station head puts another lawyer on a session; the earlier lawyer stays in the history."""
    _fresh(session, version)
    _require(session, *OPEN_STATUSES)
    if lawyer.law_firm_id is None:
        raise ServiceError(_l("请选择律师。"), "lawyer_id")
    if lawyer.id == session.lawyer_id:
        raise ServiceError(_l("请选择另一位律师。"), "lawyer_id")
    with audit.tracking(session, "session.substitute"):
        _log(session, ChangeKind.SUBSTITUTED, actor_id=actor.id, reason=reason, from_lawyer_id=session.lawyer_id,
             to_lawyer_id=lawyer.id)
        session.lawyer = lawyer
        session.needs_substitute = False
        session.status = SessionStatus.PLANNED
    return session


def mark_missed(*, today: date) -> int:
    """Village visits of past months with no visit done become ``missed``; returns how many."""
    month_start = today.replace(day=1)
    rows = db.session.scalars(select(DutySession).where(
        DutySession.kind == RuleKind.MONTHLY, DutySession.scheduled_on < month_start,
        DutySession.status.in_(OPEN_STATUSES))).all()
    for session in rows:
        with audit.tracking(session, "session.missed"):
            session.status = SessionStatus.MISSED
            _log(session, ChangeKind.MISSED, actor_id=None)
    return len(rows)


# --- queries ---------------------------------------------------------------------------------


def load_history(session: DutySession) -> list[SessionChange]:
    """A session's history with the people named in it, in one query."""
    return list(db.session.scalars(
        select(SessionChange).options(joinedload(SessionChange.actor), joinedload(SessionChange.from_lawyer),
                                      joinedload(SessionChange.to_lawyer))
        .where(SessionChange.session_id == session.id).order_by(SessionChange.id)))


def sessions_for_lawyer(lawyer: User, *, first: date, last: date) -> list[DutySession]:
    """A lawyer's sessions between two dates, with their places."""
    return list(db.session.scalars(
        select(DutySession).options(joinedload(DutySession.point).joinedload(ServicePoint.unit))
        .where(DutySession.lawyer_id == lawyer.id, DutySession.on.between(first, last))
        .order_by(DutySession.on, DutySession.starts_at)))


def sessions_at(unit_filter, *, first: date, last: date) -> list[DutySession]:
    """Sessions at points on units in scope between two dates, with places and lawyers."""
    return list(db.session.scalars(
        select(DutySession).join(ServicePoint, ServicePoint.id == DutySession.point_id)
        .join(Unit, Unit.id == ServicePoint.unit_id)
        .options(joinedload(DutySession.point).joinedload(ServicePoint.unit), joinedload(DutySession.lawyer))
        .where(unit_filter, DutySession.on.between(first, last))
        .order_by(DutySession.on, Unit.code)))


def substitution_tasks(unit_filter) -> list[DutySession]:
    """Open sessions a lawyer declined, for the station head."""
    return list(db.session.scalars(
        select(DutySession).join(ServicePoint, ServicePoint.id == DutySession.point_id)
        .join(Unit, Unit.id == ServicePoint.unit_id)
        .options(joinedload(DutySession.point).joinedload(ServicePoint.unit), joinedload(DutySession.lawyer))
        .where(unit_filter, DutySession.needs_substitute.is_(True), DutySession.status.in_(OPEN_STATUSES))
        .order_by(DutySession.on)))


def next_visit(point: ServicePoint, today: date) -> DutySession | None:
    """A village studio's next confirmed visit (for the public page)."""
    return db.session.scalar(
        select(DutySession).options(joinedload(DutySession.lawyer))
        .where(DutySession.point_id == point.id, DutySession.on >= today, DutySession.status == SessionStatus.CONFIRMED)
        .order_by(DutySession.on).limit(1))


def week_duty(point: ServicePoint, today: date) -> DutySession | None:
    """This week's (or the next) Wednesday duty at a township station."""
    monday = today - timedelta(days=today.weekday())
    return db.session.scalar(
        select(DutySession).options(joinedload(DutySession.lawyer))
        .where(DutySession.point_id == point.id, DutySession.kind == RuleKind.WEEKLY,
               DutySession.on >= monday, DutySession.status != SessionStatus.CANCELLED)
        .order_by(DutySession.on).limit(1))


# --- compliance ------------------------------------------------------------------------------


@dataclass
class VillageMonth:
    """One village's month: what is planned, confirmed, done, countersigned, and any flag."""

    village: Unit
    session: DutySession | None
    flag: str = ""  # "", "no_date_by_20th", "missed"


@dataclass
class LawyerHours:
    """A lawyer's hours in a month at the villages they advise, against the rule."""

    lawyer: User
    hours: float = 0.0
    required: float = 0.0
    weekly_short: list[date] = field(default_factory=list)  # weeks under 2 h (subdistrict villages)
    lectures: int = 0  # this quarter

    @property
    def ok(self) -> bool:
        """Meets the monthly hours, the weekly minimum and one lecture a quarter."""
        return self.hours >= self.required and not self.weekly_short and self.lectures >= 1


FLAG_TITLES = {"no_date_by_20th": _l("20日前未确认日期"), "missed": _l("本月未来村")}


def village_months(unit_filter, *, month: date, today: date) -> list[VillageMonth]:
    """Every village in scope for one month, with its visit and a flag where it falls behind."""
    villages = list(db.session.scalars(
        select(Unit).where(unit_filter, Unit.level == UnitLevel.VILLAGE, Unit.is_active.is_(True))
        .options(joinedload(Unit.parent)).order_by(Unit.code)))
    sessions = {s.point.unit_id: s for s in db.session.scalars(
        select(DutySession).join(ServicePoint, ServicePoint.id == DutySession.point_id)
        .options(joinedload(DutySession.point), joinedload(DutySession.lawyer))
        .where(ServicePoint.unit_id.in_([v.id for v in villages]), DutySession.kind == RuleKind.MONTHLY,
               DutySession.scheduled_on == month))}
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    rows = []
    for village in villages:
        session = sessions.get(village.id)
        status = session.status if session else None
        flag = ""
        done = status in (SessionStatus.DONE, SessionStatus.COUNTERSIGNED, SessionStatus.CHECKED_IN)
        if (today > last and not done) or status == SessionStatus.MISSED:
            flag = "missed"
        elif today >= month.replace(day=20) and status in (None, SessionStatus.PLANNED, SessionStatus.PROPOSED):
            flag = "no_date_by_20th"
        rows.append(VillageMonth(village=village, session=session, flag=flag))
    return rows


def lawyer_hours(unit_filter, *, month: date) -> list[LawyerHours]:
    """Per lawyer advising villages in scope: hours this month against ≥8 h (subdistrict, plus ≥2 h a
    week) or ≥4 h (town), and lectures this quarter (≥1)."""
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    quarter_start = month.replace(month=3 * ((month.month - 1) // 3) + 1)
    quarter_end = (quarter_start + timedelta(days=95)).replace(day=1) - timedelta(days=1)
    advisers = org.list_assignments(unit_filter, current_on=month, per_page=10_000).items
    by_lawyer: dict[int, LawyerHours] = {}
    subdistrict_villages: dict[int, set[int]] = defaultdict(set)
    village_ids: dict[int, set[int]] = defaultdict(set)
    for a in advisers:
        if a.lawyer is None:
            continue
        row = by_lawyer.setdefault(a.lawyer.id, LawyerHours(lawyer=a.lawyer))
        subdistrict = a.unit.parent is not None and a.unit.parent.kind == "街道"
        row.required = max(row.required, 8.0 if subdistrict else 4.0)
        village_ids[a.lawyer.id].add(a.unit_id)
        if subdistrict:
            subdistrict_villages[a.lawyer.id].add(a.unit_id)
    if not by_lawyer:
        return []
    sessions = db.session.scalars(
        select(DutySession).options(joinedload(DutySession.point))
        .where(DutySession.lawyer_id.in_(by_lawyer), DutySession.on.between(quarter_start, quarter_end),
               DutySession.status.in_([SessionStatus.DONE, SessionStatus.COUNTERSIGNED])))
    weekly: dict[tuple[int, date], float] = defaultdict(float)
    for s in sessions:
        row = by_lawyer[s.lawyer_id]
        if s.extra_kind == ExtraKind.LECTURE:
            row.lectures += 1
        if month <= s.on <= last and s.point.unit_id in village_ids[s.lawyer_id]:
            row.hours += s.hours
            weekly[(s.lawyer_id, s.on - timedelta(days=s.on.weekday()))] += s.hours
    for lawyer_id, row in by_lawyer.items():
        row.hours = round(row.hours, 2)
        if subdistrict_villages[lawyer_id]:
            monday = month - timedelta(days=month.weekday())
            while monday <= last:
                if weekly[(lawyer_id, monday)] < 2.0:
                    row.weekly_short.append(monday)
                monday += timedelta(days=7)
    return sorted(by_lawyer.values(), key=lambda r: r.lawyer.full_name)


# --- calendar feed ---------------------------------------------------------------------------


def renew_feed_token(user: User) -> str:
    """Give the lawyer a new private feed address; the old one stops working at once."""
    import secrets

    user.ics_token = secrets.token_urlsafe(24)
    audit.record("user.feed_renew", user, after={"username": user.username}, actor_id=user.id)
    return user.ics_token


def feed_owner(token: str) -> User | None:
    """The active user whose feed this token opens."""
    if not token:
        return None
    return db.session.scalar(select(User).where(User.ics_token == token, User.is_active.is_(True)))


def add_extra_session(*, point: ServicePoint, extra_kind: ExtraKind, on: date, starts_at: time, ends_at: time,
                      lawyer: User | None, place: str, actor: User) -> DutySession:
    """An evening or weekend clinic, a mobile clinic, a home visit or a lecture (常州 seed), as a session."""
    if ends_at <= starts_at:
        raise ServiceError(_l("结束时间要晚于开始时间。"), "ends_at")
    session = DutySession(point=point, kind=RuleKind.EXTRA, extra_kind=extra_kind, lawyer=lawyer, scheduled_on=on,
                          on=on, starts_at=starts_at, ends_at=ends_at, place=place,
                          status=SessionStatus.PLANNED if lawyer else SessionStatus.CONFIRMED)
    _log(session, ChangeKind.GENERATED, actor_id=actor.id, to_lawyer_id=lawyer.id if lawyer else None, to_on=on)
    db.session.add(session)
    audit.record("session.extra", session)
    return session


def swap_candidates(session: DutySession, *, today: date) -> list[DutySession]:
    """Other open sessions at the same place with another lawyer, within two months (for a swap)."""
    return list(db.session.scalars(
        select(DutySession).options(joinedload(DutySession.lawyer))
        .where(DutySession.point_id == session.point_id, DutySession.id != session.id,
               DutySession.lawyer_id.is_not(None), DutySession.lawyer_id != session.lawyer_id,
               DutySession.status.in_(OPEN_STATUSES), DutySession.on.between(today, today + timedelta(days=62)))
        .order_by(DutySession.on)))


def swap(session: DutySession, other: DutySession, *, actor: User, reason: str, version: int | None) -> DutySession:
    """Two lawyers exchange their days (换班); both sessions record the swap."""
    _fresh(session, version)
    _require(session, *OPEN_STATUSES)
    _require(other, *OPEN_STATUSES)
    if other.point_id != session.point_id or other.lawyer_id is None or other.lawyer_id == session.lawyer_id:
        raise ServiceError(_l("只能和同一工作站另一位律师的值班互换。"), "other_id")
    a, b = session.lawyer, other.lawyer
    with audit.tracking(session, "session.swap"), audit.tracking(other, "session.swap"):
        for s, old, new in ((session, a, b), (other, b, a)):
            _log(s, ChangeKind.SWAPPED, actor_id=actor.id, reason=reason, from_lawyer_id=old.id if old else None,
                 to_lawyer_id=new.id if new else None)
            s.lawyer = new
            s.status = SessionStatus.PLANNED  # the new lawyer accepts the new day
            s.needs_substitute = False
    return session


def rule_of(point: ServicePoint) -> DutyRule | None:
    """The point's active weekly or monthly rule."""
    return db.session.scalar(select(DutyRule).where(DutyRule.point_id == point.id, DutyRule.is_active.is_(True),
                                                    DutyRule.kind.in_([RuleKind.WEEKLY, RuleKind.MONTHLY])))


def update_rule(rule: DutyRule, *, weekday: int, day_of_month: int, starts_at: time, ends_at: time,
                holiday_policy: HolidayPolicy, valid_from: date) -> DutyRule:
    """Change a rule; sessions not yet generated follow it, ones already generated stay as they are."""
    if ends_at <= starts_at:
        raise ServiceError(_l("结束时间要晚于开始时间。"), "ends_at")
    with audit.tracking(rule, "rule.update"):
        rule.weekday, rule.day_of_month, rule.starts_at, rule.ends_at = weekday, day_of_month, starts_at, ends_at
        rule.holiday_policy, rule.valid_from = holiday_policy, valid_from
    return rule
