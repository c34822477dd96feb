"""Reading sessions: a lawyer's (and what of hers waits for her now), a place's, the station head's substitution
tasks, the sessions nobody can sit (shortages), what the public page shows."""

import calendar
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from sqlalchemy import and_, case, column, func, or_, select, table
from sqlalchemy.orm import aliased, joinedload

from gongfa.db import db
from gongfa.duty.clashes import HOLDING
from gongfa.duty.models import OPEN_STATUSES, DutySession, RuleKind, SessionChange, SessionStatus
from gongfa.org.models import ServicePoint, Unit
from gongfa.people.models import User


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


# Work-log entries name the session they record. The worklog package builds on this one (it imports the duty
# models), so this module reads the one column it needs by table name instead of importing the model back.
_LOGGED = table("worklog_entries", column("session_id"), column("lawyer_id"))

# Why a session waits for its lawyer now, in the order "My visits" lists them.
WAITING = ("check", "accept", "answer", "propose", "write_up")
MY_PAGE_SIZE = 20


@dataclass
class MyVisits:
    """What the lawyer's phone page shows first: what waits for her now, then the rest of this week and next."""

    waiting: list[DutySession] = field(default_factory=list)  # most urgent first
    why: dict[int, str] = field(default_factory=dict)  # session id → one of WAITING
    soon: list[DutySession] = field(default_factory=list)  # the rest, from today to the end of next week
    soon_last: date | None = None


def _why_waiting(s: DutySession, lawyer: User, today: date, *, horizon: date, logged: set[int]) -> str | None:
    """Why ``s`` needs its lawyer now, or None (one of WAITING)."""
    declined = s.needs_substitute  # she said she cannot come: the station head acts, not she
    if s.status == SessionStatus.CHECKED_IN or (s.status == SessionStatus.CONFIRMED and s.on == today):
        return "check"
    if s.status in (SessionStatus.PLANNED, SessionStatus.PROPOSED) and not declined:
        if s.on < today:  # the month's visit date went by unconfirmed: choose another day of the month
            return "propose" if s.kind == RuleKind.MONTHLY and s.scheduled_on.replace(day=1) == today.replace(
                day=1) else None
        if s.on <= horizon:
            if s.status == SessionStatus.PLANNED:
                return "accept"
            return "answer" if s.proposed_by_id != lawyer.id else None  # the officer's date, hers to accept
    if s.status in (SessionStatus.DONE, SessionStatus.COUNTERSIGNED) and s.id not in logged:
        return "write_up"
    return None


def my_visits(lawyer: User, *, today: date) -> MyVisits:
    """The lawyer's sessions that wait for her (to check in or out today, to accept up to the end of the month
    or of next week, a village date of this month to choose again, a visit of this month or last with no work
    log), then her other sessions of this week and next."""
    soon_last = my_visits_soon_last(today)
    month_last = today.replace(day=calendar.monthrange(today.year, today.month)[1])
    horizon = max(soon_last, month_last)
    first = (today.replace(day=1) - timedelta(days=1)).replace(day=1)  # the first of last month
    sessions = sessions_for_lawyer(lawyer, first=first, last=horizon)
    logged = set(db.session.scalars(select(_LOGGED.c.session_id).where(
        _LOGGED.c.lawyer_id == lawyer.id, _LOGGED.c.session_id.in_([s.id for s in sessions]))))
    visits = MyVisits(soon_last=soon_last)
    for s in sessions:
        why = _why_waiting(s, lawyer, today, horizon=horizon, logged=logged)
        if why is not None:
            visits.why[s.id] = why
            visits.waiting.append(s)
        elif today <= s.on <= soon_last:
            visits.soon.append(s)
    visits.waiting.sort(key=lambda s: (WAITING.index(visits.why[s.id]), s.on, s.starts_at))
    return visits


def my_visits_soon_last(today: date) -> date:
    """The last day My visits lists in full: Sunday of next week."""
    return today + timedelta(days=13 - today.weekday())


def has_log(session: DutySession) -> bool:
    """Whether the session's lawyer has written a work-log entry for it."""
    return db.session.scalar(select(_LOGGED.c.session_id).where(
        _LOGGED.c.session_id == session.id, _LOGGED.c.lawyer_id == session.lawyer_id).limit(1)) is not None


def lawyer_sessions_page(lawyer: User, *, later_than: date | None = None, before: date | None = None, page: int = 1):
    """A page of the lawyer's sessions after ``later_than`` (soonest first) or before ``before`` (latest first)."""
    stmt = (select(DutySession).options(joinedload(DutySession.point).joinedload(ServicePoint.unit))
            .where(DutySession.lawyer_id == lawyer.id))
    if later_than is not None:
        stmt = stmt.where(DutySession.on > later_than).order_by(DutySession.on, DutySession.starts_at)
    else:
        stmt = stmt.where(DutySession.on < before).order_by(DutySession.on.desc(), DutySession.starts_at.desc())
    return db.paginate(stmt, page=page, per_page=MY_PAGE_SIZE, error_out=False)


def sessions_at(unit_filter, *, first: date, last: date) -> list[DutySession]:
    """Sessions at points on units in scope between two dates, with places and lawyers."""
    return list(db.session.scalars(
        select(DutySession).join(ServicePoint, ServicePoint.id == DutySession.point_id)
        .join(Unit, Unit.id == ServicePoint.unit_id)
        .options(joinedload(DutySession.point).joinedload(ServicePoint.unit), joinedload(DutySession.lawyer))
        .where(unit_filter, DutySession.on.between(first, last))
        .order_by(DutySession.on, Unit.code)))


# An open Wednesday or village visit with nobody to sit it: no free lawyer when it was generated (the firm has
# fewer duty lawyers than stations at that hour, the adviser is busy all month) or none there at all.
_WITHOUT_LAWYER = and_(DutySession.lawyer_id.is_(None), DutySession.kind != RuleKind.EXTRA,
                       DutySession.status.in_(OPEN_STATUSES))


def substitution_tasks(unit_filter, *, today: date | None = None) -> list[DutySession]:
    """Open sessions a lawyer declined, and those from ``today`` on that have no lawyer, for the station head."""
    without_lawyer = _WITHOUT_LAWYER if today is None else and_(_WITHOUT_LAWYER, DutySession.on >= today)
    return list(db.session.scalars(
        select(DutySession).join(ServicePoint, ServicePoint.id == DutySession.point_id)
        .join(Unit, Unit.id == ServicePoint.unit_id)
        .options(joinedload(DutySession.point).joinedload(ServicePoint.unit), joinedload(DutySession.lawyer))
        .where(unit_filter, DutySession.status.in_(OPEN_STATUSES),
               or_(DutySession.needs_substitute.is_(True), without_lawyer))
        .order_by(DutySession.on, Unit.code)))


@dataclass
class Shortage:
    """Sessions at the same day and hours that nobody sits: ``short`` lawyers are missing then."""

    on: date
    starts_at: time
    ends_at: time
    sessions: list[DutySession]

    @property
    def short(self) -> int:
        """How many lawyers are missing at those hours."""
        return len(self.sessions)


def shortages(unit_filter, *, first: date, last: date | None = None) -> list[Shortage]:
    """Open Wednesdays and village visits in scope with no lawyer, by day and hours (which places, how many
    lawyers short), from ``first`` on."""
    stmt = (select(DutySession).join(ServicePoint, ServicePoint.id == DutySession.point_id)
            .join(Unit, Unit.id == ServicePoint.unit_id)
            .options(joinedload(DutySession.point).joinedload(ServicePoint.unit))
            .where(unit_filter, _WITHOUT_LAWYER, DutySession.on >= first)
            .order_by(DutySession.on, DutySession.starts_at, DutySession.ends_at, Unit.code))
    if last is not None:
        stmt = stmt.where(DutySession.on <= last)
    rows: list[Shortage] = []
    for session in db.session.scalars(stmt):
        if rows and (rows[-1].on, rows[-1].starts_at, rows[-1].ends_at) == (session.on, session.starts_at,
                                                                             session.ends_at):
            rows[-1].sessions.append(session)
        else:
            rows.append(Shortage(session.on, session.starts_at, session.ends_at, [session]))
    return rows


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


# What waits for a place's staff, in the order the home page lists it: a visit or Wednesday to substitute (declined,
# or nobody free to sit it), a date the other side proposed, a session done and not yet confirmed.
STAFF_WAITS = ("substitute", "answer", "countersign")


def waiting_for_staff(unit_filter, *, user_id: int, today: date, supervisor: bool, first_few: int = 5,
                      substitutes: int = 30) -> dict[str, tuple[int, list[DutySession]]]:
    """Sessions at places in scope that wait for their staff, by what they wait for: (how many, the first few).

    ``answer``: a village-visit date proposed by someone else, still open; ``countersign``: done and not yet
    confirmed; with ``supervisor`` (station head, bureau) also ``substitute``: declined or without a lawyer, from
    ``today`` on (up to ``substitutes`` of them, enough to count how many lawyers each day is short). One
    statement: window functions count each group and rank its sessions oldest first.
    """
    answer = and_(DutySession.status == SessionStatus.PROPOSED, DutySession.on >= today,
                  DutySession.proposed_by_id.is_distinct_from(user_id))
    whens = [(answer, "answer"), (DutySession.status == SessionStatus.DONE, "countersign")]
    if supervisor:  # an officer arranges no substitutes: her village's visit without a lawyer is the head's task
        whens.insert(0, (and_(DutySession.status.in_(OPEN_STATUSES), DutySession.on >= today,
                              or_(DutySession.needs_substitute.is_(True), _WITHOUT_LAWYER)), "substitute"))
    reason = case(*whens, else_=None)
    ranked = (select(DutySession.id.label("id"), reason.label("reason"),
                     func.count().over(partition_by=reason).label("n"),
                     func.row_number().over(partition_by=reason, order_by=(DutySession.on, DutySession.starts_at,
                                                                           DutySession.id)).label("rank"))
              .join(ServicePoint, ServicePoint.id == DutySession.point_id).join(Unit, Unit.id == ServicePoint.unit_id)
              .where(unit_filter, reason.is_not(None)).subquery())
    rows = db.session.execute(
        select(DutySession, ranked.c.reason, ranked.c.n).join(ranked, ranked.c.id == DutySession.id)
        .options(joinedload(DutySession.point).joinedload(ServicePoint.unit), joinedload(DutySession.lawyer))
        .where(ranked.c.rank <= case((ranked.c.reason == "substitute", substitutes), else_=first_few))
        .order_by(DutySession.on, DutySession.starts_at, DutySession.id))
    found: dict[str, tuple[int, list[DutySession]]] = {}
    for session, why, n in rows:
        found.setdefault(why, (n, []))[1].append(session)
    return {why: found[why] for why in STAFF_WAITS if why in found}


def clashes_in(unit_filter, *, first: date, limit: int = 20) -> list[tuple[DutySession, DutySession]]:
    """Pairs of sessions from ``first`` on in which one lawyer is in two places at once, at least one of them at a
    place in scope, with their places and lawyer (left by an older roster or an import: generation and the
    actions refuse new ones). One statement."""
    other = aliased(DutySession)
    rows = db.session.execute(
        select(DutySession, other).join(other, and_(
            other.lawyer_id == DutySession.lawyer_id, other.on == DutySession.on, other.id != DutySession.id,
            other.starts_at < DutySession.ends_at, DutySession.starts_at < other.ends_at,
            other.status.in_(HOLDING)))
        .join(ServicePoint, ServicePoint.id == DutySession.point_id).join(Unit, Unit.id == ServicePoint.unit_id)
        .options(joinedload(DutySession.point).joinedload(ServicePoint.unit), joinedload(DutySession.lawyer),
                 joinedload(other.point).joinedload(ServicePoint.unit))
        .where(unit_filter, DutySession.lawyer_id.is_not(None), DutySession.on >= first,
               DutySession.status.in_(HOLDING))
        .order_by(DutySession.on, DutySession.starts_at, DutySession.id).limit(limit * 2)).all()
    seen, pairs = set(), []
    for a, b in rows:  # a pair with both places in scope comes twice, once from each side
        if (b.id, a.id) not in seen:
            seen.add((a.id, b.id))
            pairs.append((a, b))
    return pairs[:limit]

