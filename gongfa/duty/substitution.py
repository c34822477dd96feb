"""Who can sit a session in someone's place: the lawyers a station head is offered when substituting.

First the original lawyer's firm (or, for a session nobody sits, the firm serving the township), then other
firms' lawyers working in the same county; each only when free at the session's hours (``clashes``). Lawyers
of those firms who already sit elsewhere then are listed apart, with where, and cannot be chosen: the one-tap
default must never hand a duty to an arbitrary or impossible lawyer (issue 11).
"""

from dataclasses import dataclass, field

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import joinedload

from gongfa.db import db
from gongfa.duty.clashes import HOLDING
from gongfa.duty.models import DutySession
from gongfa.org.models import Assignment, AssignmentKind, LawFirm, ServicePoint, Unit
from gongfa.org.services import county_of
from gongfa.people.models import Membership, Role, User


@dataclass
class Candidates:
    """The lawyers to offer: ``firm`` and ``others`` are free then; ``busy`` pairs a lawyer with where they sit."""

    firms: list[LawFirm]
    firm: list[User] = field(default_factory=list)
    others: list[User] = field(default_factory=list)
    busy: list[tuple[User, DutySession]] = field(default_factory=list)


def _firms(session: DutySession) -> list[LawFirm]:
    """The original lawyer's firm; with nobody on the session, the firms serving its township on that day."""
    if session.lawyer is not None and session.lawyer.law_firm is not None:
        return [session.lawyer.law_firm]
    unit = session.point.unit
    paths = [unit.path, *(unit.path[:i + 1] for i, ch in enumerate(unit.path) if ch == "/")]
    return list(db.session.scalars(
        select(LawFirm).join(Assignment, Assignment.law_firm_id == LawFirm.id).join(Unit, Unit.id == Assignment.unit_id)
        .where(Assignment.kind == AssignmentKind.FIRM_TOWNSHIP, Unit.path.in_(paths),
               Assignment.starts_on <= session.on,
               or_(Assignment.ends_on.is_(None), Assignment.ends_on >= session.on))
        .order_by(LawFirm.id).distinct()))


def candidates(session: DutySession) -> Candidates:
    """The lawyers who could take ``session`` over, grouped as the substitution form offers them (3 queries)."""
    firms = _firms(session)
    firm_ids = {f.id for f in firms}
    county = county_of(session.point.unit).path
    on = session.on
    current = and_(Membership.starts_on <= on, or_(Membership.ends_on.is_(None), Membership.ends_on >= on))
    works_in_county = or_(
        exists().where(Membership.user_id == User.id, Membership.role == Role.LAWYER, current,
                       ServicePoint.id == Membership.point_id, Unit.id == ServicePoint.unit_id,
                       Unit.path.startswith(county, autoescape=True)),
        exists().where(Assignment.lawyer_id == User.id, Assignment.kind == AssignmentKind.ADVISER_VILLAGE,
                       Assignment.starts_on <= on, or_(Assignment.ends_on.is_(None), Assignment.ends_on >= on),
                       Unit.id == Assignment.unit_id, Unit.path.startswith(county, autoescape=True)))
    people = list(db.session.scalars(
        select(User).options(joinedload(User.law_firm))
        .where(User.is_active.is_(True), User.law_firm_id.is_not(None),
               or_(User.law_firm_id.in_(firm_ids or [0]), works_in_county))
        .order_by(User.full_name, User.id)))
    people = [u for u in people if u.id != session.lawyer_id]
    held = {}
    for s in db.session.scalars(
            select(DutySession).options(joinedload(DutySession.point).joinedload(ServicePoint.unit))
            .where(DutySession.lawyer_id.in_([u.id for u in people] or [0]), DutySession.on == on,
                   DutySession.status.in_(HOLDING), DutySession.id != session.id,
                   DutySession.starts_at < session.ends_at, DutySession.ends_at > session.starts_at)
            .order_by(DutySession.starts_at)):
        held.setdefault(s.lawyer_id, s)
    found = Candidates(firms=firms)
    for u in people:
        if u.id in held:
            found.busy.append((u, held[u.id]))
        elif u.law_firm_id in firm_ids:
            found.firm.append(u)
        else:
            found.others.append(u)
    found.others.sort(key=lambda u: (u.law_firm_id, u.full_name, u.id))
    return found
