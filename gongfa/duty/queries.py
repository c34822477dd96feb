"""Reading sessions: a lawyer's, a place's, the station head's substitution tasks, the sessions nobody can sit
(shortages), what the public page shows."""

from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload

from gongfa.db import db
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
