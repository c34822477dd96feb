"""Reading the trail: the search behind the audit page and its export."""

from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, false, or_, select
from sqlalchemy.orm import joinedload

from gongfa.audit.models import AuditEvent
from gongfa.clock import BEIJING
from gongfa.db import db
from gongfa.org.models import Unit
from gongfa.people.models import Membership, User


def day_start(day: date) -> datetime:
    """00:00 Beijing time on ``day`` (the page's dates are Beijing dates, DESIGN §7)."""
    return datetime.combine(day, time(), tzinfo=BEIJING)


def search(*, paths: set[str] | None, person: str = "", object_type: str = "", object_id: int | None = None,
           action: str = "", date_from: date | None = None, date_to: date | None = None, digest: str = "",
           before_seq: int | None = None, limit: int = 50) -> list[AuditEvent]:
    """Events in reach (``paths`` None: all of them), newest first, at most ``limit`` + 1 (to tell if more follow).

    ``person`` matches the actor, or the account or role an event is about, by username or name; ``digest``
    (``value_digest`` of a number) matches the digest kept next to a masked phone, ID number or booking code.
    """
    stmt = select(AuditEvent).options(joinedload(AuditEvent.actor))
    if paths is not None:
        stmt = stmt.where(or_(*(AuditEvent.unit_path.startswith(p, autoescape=True) for p in sorted(paths)))
                          if paths else false())
    if person:
        people = select(User.id).where(or_(User.username.contains(person.lower(), autoescape=True),
                                           User.full_name.contains(person, autoescape=True),
                                           User.full_name_native.contains(person, autoescape=True)))
        roles = select(Membership.id).where(Membership.user_id.in_(people))
        stmt = stmt.where(or_(AuditEvent.actor_id.in_(people),
                              and_(AuditEvent.object_type == "users", AuditEvent.object_id.in_(people)),
                              and_(AuditEvent.object_type == "memberships", AuditEvent.object_id.in_(roles))))
    if object_type:
        stmt = stmt.where(AuditEvent.object_type == object_type)
    if object_id is not None:
        stmt = stmt.where(AuditEvent.object_id == object_id)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    if date_from:
        stmt = stmt.where(AuditEvent.at >= day_start(date_from))
    if date_to:
        stmt = stmt.where(AuditEvent.at < day_start(date_to + timedelta(days=1)))
    if digest:
        stored = f'"hmac": "{digest}"'  # as json.dumps writes a masked pair
        stmt = stmt.where(or_(AuditEvent.after.contains(stored), AuditEvent.before.contains(stored)))
    if before_seq is not None:
        stmt = stmt.where(AuditEvent.seq < before_seq)
    return list(db.session.scalars(stmt.order_by(AuditEvent.seq.desc()).limit(limit + 1)))


def units_on(paths) -> dict[str, object]:
    """The unit at the end of each path ("/1/5/42/" → unit 42), in one query."""
    ids = {int(p.strip("/").rsplit("/", 1)[-1]) for p in paths if p and p.strip("/")}
    if not ids:
        return {}
    return {u.path: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(ids)))}
