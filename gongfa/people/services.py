"""Creating and editing staff accounts and their memberships. Services flush, never commit."""

from collections import defaultdict
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from gongfa.audit import services as audit
from gongfa.auth import services as auth_services
from gongfa.db import db
from gongfa.errors import ServiceError
from gongfa.i18n import _l
from gongfa.org import services as org_services
from gongfa.org.models import Assignment, AssignmentKind, LawFirm, PointKind, ServicePoint, Unit
from gongfa.people.models import Membership, Role, User

# Which roles fit which kind of place.
ROLE_POINTS = {
    Role.BUREAU_ADMIN: {PointKind.CENTRE},
    Role.INSPECTOR: {PointKind.CENTRE},
    Role.AUDITOR: {PointKind.CENTRE},
    Role.STATION_HEAD: {PointKind.STATION},
    Role.OFFICER: {PointKind.STUDIO},
    Role.LAWYER: {PointKind.STATION, PointKind.CENTRE},
    Role.MEDIATOR: {PointKind.STATION, PointKind.STUDIO},
    Role.OTHER: {PointKind.CENTRE, PointKind.STATION, PointKind.STUDIO},
}


def create_user(*, username: str, full_name: str, full_name_native: str = "", phone: str = "",
                law_firm: LawFirm | None = None, licence_no: str = "", password: str | None = None) -> User:
    """Create a staff account (without a password it cannot log in until one is set)."""
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise ServiceError(_l("这个用户名已被使用。"), "username")
    user = User(username=username, full_name=full_name, full_name_native=full_name_native, phone=phone,
                law_firm=law_firm, licence_no=licence_no)
    db.session.add(user)
    if password:
        user.password_hash = auth_services.hash_password(password)
    audit.record("user.create", user)
    return user


def update_user(user: User, *, full_name: str, full_name_native: str, phone: str, law_firm: LawFirm | None,
                licence_no: str, is_active: bool) -> User:
    """Edit an account; deactivating it ends all its sessions at once."""
    with audit.tracking(user, "user.update"):
        user.full_name, user.full_name_native, user.phone = full_name, full_name_native, phone
        user.law_firm, user.licence_no, user.is_active = law_firm, licence_no, is_active
    if not is_active:
        auth_services.end_all_sessions(user)
    return user


def set_locale(user: User, code: str) -> None:
    """Remember a user's language."""
    if user.locale != code:
        before = {"locale": user.locale}
        user.locale = code
        audit.record("user.locale", user, before=before, after={"locale": code}, actor_id=user.id)


def add_membership(*, user: User, point: ServicePoint, role: Role, starts_on: date, ends_on: date | None = None,
                   position: str = "") -> Membership:
    """Give a person a role at a station, studio or centre for a period."""
    if point.kind not in ROLE_POINTS[role]:
        raise ServiceError(_l("这个角色不能安排在这类服务点。"), "role")
    if ends_on and ends_on < starts_on:
        raise ServiceError(_l("结束日期不能早于开始日期。"), "ends_on")
    if role == Role.LAWYER and user.law_firm_id is None:
        raise ServiceError(_l("律师须先填写所在律师事务所。"), "user_id")
    clash = db.session.scalar(select(Membership.id).where(
        Membership.user_id == user.id, Membership.point_id == point.id, Membership.role == role,
        or_(Membership.ends_on.is_(None), Membership.ends_on >= starts_on),
        *([Membership.starts_on <= ends_on] if ends_on else [])))
    if clash:
        raise ServiceError(_l("此人在这段时间已担任这个角色。"), "starts_on")
    membership = Membership(user=user, point=point, role=role, starts_on=starts_on, ends_on=ends_on,
                            position=position)
    db.session.add(membership)
    audit.record("membership.create", membership)
    return membership


def end_membership(membership: Membership, *, ends_on: date) -> Membership:
    """Close a membership; the history of who served stays."""
    return org_services.end_period(membership, ends_on=ends_on, action="membership.end")


def search_users(scope_filter, *, q: str = "", role: str = "", page: int = 1, per_page: int = 50):
    """Staff with a membership or adviser assignment on a unit in scope, by name or username."""
    member_ids = (select(Membership.user_id).join(Membership.point).join(ServicePoint.unit)
                  .where(scope_filter))
    if role:
        member_ids = member_ids.where(Membership.role == role)
    adviser_ids = select(Assignment.lawyer_id).join(Assignment.unit).where(scope_filter)
    ids = member_ids if role and role != Role.LAWYER else member_ids.union(adviser_ids)
    stmt = (select(User).options(joinedload(User.law_firm),
                                 selectinload(User.memberships).joinedload(Membership.point)
                                 .joinedload(ServicePoint.unit))
            .where(User.id.in_(ids)))
    if q:
        like = f"%{q}%"
        stmt = stmt.where(or_(User.full_name.like(like), User.full_name_native.like(like),
                              User.username.like(like), User.phone.like(f"%{q}")))
    return db.paginate(stmt.order_by(User.full_name), page=page, per_page=per_page, error_out=False)


def user_in_scope(user: User, scope_filter) -> bool:
    """Whether a user serves (or served) at a unit in scope."""
    member = select(Membership.id).join(Membership.point).join(ServicePoint.unit).where(
        Membership.user_id == user.id, scope_filter)
    adviser = select(Assignment.id).join(Assignment.unit).where(Assignment.lawyer_id == user.id, scope_filter)
    return bool(db.session.scalar(member.limit(1)) or db.session.scalar(adviser.limit(1)))


def may_manage(user: User, scope, *, on: date, actor: User | None = None) -> bool:
    """Whether a bureau admin with ``scope`` may change this account (details, password, active, roles).

    Authority over an account comes from that account's *current* roles all lying inside the admin's
    scope (DESIGN §7): memberships current on ``on`` and adviser assignments alike. Roles that ended grant
    nothing, and so does an adviser assignment the admin just made for someone else's lawyer: that lawyer's
    own station lies outside. An account with no current role is managed by whoever covers every place it
    ever served. Nobody manages their own account here (they change their password themselves).
    """
    return user.id in manageable([user], scope, on=on, actor=actor)


def manageable(users: list[User], scope, *, on: date, actor: User | None = None) -> set[int]:
    """The ids of ``users`` the admin may manage (see ``may_manage``), in one query."""
    manage = scope.paths(Role.BUREAU_ADMIN)
    ids = [u.id for u in users if actor is None or u.id != actor.id]
    if not manage or not ids:
        return set()
    current = (Membership.starts_on <= on) & or_(Membership.ends_on.is_(None), Membership.ends_on >= on)
    advising = (Assignment.starts_on <= on) & or_(Assignment.ends_on.is_(None), Assignment.ends_on >= on)
    member_paths = select(Membership.user_id, Unit.path, current).select_from(Membership).join(Membership.point) \
        .join(ServicePoint.unit).where(Membership.user_id.in_(ids))
    adviser_paths = select(Assignment.lawyer_id, Unit.path, advising).select_from(Assignment) \
        .join(Assignment.unit).where(Assignment.lawyer_id.in_(ids), Assignment.kind == AssignmentKind.ADVISER_VILLAGE)
    now_held, ever_held = defaultdict(set), defaultdict(set)
    for user_id, path, is_current in db.session.execute(member_paths.union_all(adviser_paths)):
        ever_held[user_id].add(path)
        if is_current:
            now_held[user_id].add(path)
    return {user_id for user_id in ids
            if (paths := now_held[user_id] or ever_held[user_id])
            and all(any(path.startswith(m) for m in manage) for path in paths)}


def pending_activations(scope_filter) -> list[User]:
    """Accounts serving in scope whose activation code still works, with their roles, by username."""
    from gongfa.db import utcnow

    member_ids = select(Membership.user_id).join(Membership.point).join(ServicePoint.unit).where(scope_filter)
    adviser_ids = select(Assignment.lawyer_id).join(Assignment.unit).where(scope_filter)
    return list(db.session.scalars(
        select(User).options(selectinload(User.memberships).joinedload(Membership.point)
                             .joinedload(ServicePoint.unit))
        .where(User.id.in_(member_ids.union(adviser_ids)), User.activation_nonce.is_not(None),
               User.activation_expires_at > utcnow(), User.is_active.is_(True))
        .order_by(User.username)))


def lawyers() -> list[User]:
    """Active accounts with a law firm (for adviser choices)."""
    stmt = select(User).where(User.law_firm_id.is_not(None), User.is_active.is_(True)).order_by(User.full_name)
    return list(db.session.scalars(stmt))
