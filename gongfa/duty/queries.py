"""Reading sessions: a lawyer's, a place's, the station head's substitution tasks, what the public page shows."""

from datetime import date, timedelta

from sqlalchemy import select
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
