"""Creating and editing staff accounts and their memberships. Services flush, never commit."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from gongfa.audit import services as audit
from gongfa.db import db
from gongfa.errors import ServiceError
from gongfa.i18n import _l
from gongfa.org import services as org_services
from gongfa.org.models import Assignment, AssignmentKind, LawFirm, PointKind, ServicePoint, Unit
from gongfa.people import passwords
from gongfa.people.models import Membership, NameLang, Position, Role, User

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


def guess_native_lang(name: str) -> NameLang | None:
    """The language of an Arabic-script name by its letters, when nobody said (None for no name).

    Uyghur writes ئ before a word's first vowel and has ې ۈ ۆ ھ; Kazakh Arabic orthography has none of these,
    writes ء and ح and starts words with a bare vowel. A name with none of these (13 of the demo's 54 Kazakh
    names) stays undecided (None): pages then mark it with their own Arabic-script language, never a wrong one.
    """
    if not name:
        return None
    if any(ch in name for ch in "\u0626\u06d0\u06c8\u06c6\u06be"):  # ئ ې ۈ ۆ ھ
        return NameLang.UYGHUR
    if any(ch in name for ch in "\u0621\u062d") or any(w[:1] in "\u0627\u06d5\u0648\u06c7\u0649" for w in name.split()):
        return NameLang.KAZAKH
    return None


def _name_lang(native: str, lang: NameLang | str | None) -> NameLang | None:
    """The recorded language of a native name: the one given, else told by its letters; none without a name."""
    if not native:
        return None
    return NameLang(lang) if lang else guess_native_lang(native)


def create_user(*, username: str, full_name: str, full_name_native: str = "", native_lang: NameLang | str | None = None,
                phone: str = "", law_firm: LawFirm | None = None, licence_no: str = "",
                password: str | None = None) -> User:
    """Create a staff account (without a password it cannot log in until one is set)."""
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise ServiceError(_l("这个用户名已被使用。"), "username")
    user = User(username=username, full_name=full_name, full_name_native=full_name_native,
                native_lang=_name_lang(full_name_native, native_lang), phone=phone, law_firm=law_firm,
                licence_no=licence_no)
    db.session.add(user)
    if password:
        user.password_hash = passwords.hash_password(password)
    audit.record("user.create", user)
    return user


def update_user(user: User, *, full_name: str, full_name_native: str, phone: str, law_firm: LawFirm | None,
                licence_no: str, is_active: bool, native_lang: NameLang | str | None = None) -> User:
    """Edit an account (``gongfa.admin.services.update_account`` also ends a deactivated account's sessions)."""
    with audit.tracking(user, "user.update"):
        user.full_name, user.full_name_native, user.phone = full_name, full_name_native, phone
        user.native_lang = _name_lang(full_name_native, native_lang)
        user.law_firm, user.licence_no, user.is_active = law_firm, licence_no, is_active
    return user


def set_locale(user: User, code: str) -> None:
    """Remember a user's language."""
    if user.locale != code:
        before = {"locale": user.locale}
        user.locale = code
        audit.record("user.locale", user, before=before, after={"locale": code}, actor_id=user.id)


def add_membership(*, user: User, point: ServicePoint, role: Role, starts_on: date, ends_on: date | None = None,
                   position: Position | str | None = None, position_note: str = "") -> Membership:
    """Give a person a role at a station, studio or centre for a period, with their post (a ``Position``)."""
    position = Position(position) if position else None
    position_note = position_note if position == Position.OTHER else ""
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
                            position=position, position_note=position_note)
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


def members_of(point: ServicePoint, on: date) -> list[Membership]:
    """A point's current memberships with their people, by role."""
    return list(db.session.scalars(
        select(Membership).options(joinedload(Membership.user))
        .where(Membership.point_id == point.id, Membership.starts_on <= on,
               or_(Membership.ends_on.is_(None), Membership.ends_on >= on))
        .order_by(Membership.role, Membership.id)))


# --- staffing ------------------------------------------------------------------------------

# What each kind of point needs (DESIGN §1): station 1+1+2+N, studio 1+1+1+N.
REQUIREMENTS = {
    PointKind.STATION: [("station_head", 1), ("lawyer", 1), ("mediator", 2), ("firm", 1)],
    PointKind.STUDIO: [("officer", 1), ("adviser", 1), ("mediator", 1)],
}
REQUIREMENT_TITLES = {
    "station_head": _l("司法所负责人（站长）"),
    "lawyer": _l("值班律师"),
    "mediator": _l("专职人民调解员"),
    "firm": _l("对接律师事务所"),
    "officer": _l("综治专干（具体责任人）"),
    "adviser": _l("法律顾问律师"),
    "other": _l("其他人员"),
}


@dataclass
class StaffingRow:
    """One point's staffing: counts per requirement and what is missing."""

    point: ServicePoint
    counts: dict[str, int] = field(default_factory=dict)
    missing: list[tuple[str, int]] = field(default_factory=list)  # (requirement, how many short)
    positions: dict[Position, int] = field(default_factory=dict)  # current posts, coded (the "+N" among them)

    @property
    def ok(self) -> bool:
        """Whether every requirement is met."""
        return not self.missing

    @property
    def pattern(self) -> str:
        """1+1+2+N or 1+1+1+N as the point actually stands."""
        reqs = REQUIREMENTS[self.point.kind]
        parts = [str(self.counts.get(key, 0)) for key, _n in reqs if key != "firm"]
        return "+".join(parts) + f"+{self.counts.get('other', 0)}"


def staffing(scope_filter, on: date, *, only_short: bool = False) -> list[StaffingRow]:
    """Every station and studio in scope against 1+1+2+N / 1+1+1+N, in three queries."""
    points = org_services.points_in(scope_filter, (PointKind.STATION, PointKind.STUDIO))
    rows = {p.id: StaffingRow(point=p) for p in points}
    unit_to_point = {p.unit_id: p.id for p in points}
    current_m = (Membership.starts_on <= on) & or_(Membership.ends_on.is_(None), Membership.ends_on >= on)
    for point_id, role, n in db.session.execute(
            select(Membership.point_id, Membership.role, func.count())
            .join(User, User.id == Membership.user_id)
            .where(Membership.point_id.in_(rows), current_m, User.is_active.is_(True))
            .group_by(Membership.point_id, Membership.role)):
        key = role.value if role in (Role.STATION_HEAD, Role.LAWYER, Role.MEDIATOR, Role.OFFICER) else "other"
        rows[point_id].counts[key] = rows[point_id].counts.get(key, 0) + n
    for point_id, position, n in db.session.execute(
            select(Membership.point_id, Membership.position, func.count())
            .join(User, User.id == Membership.user_id)
            .where(Membership.point_id.in_(rows), current_m, User.is_active.is_(True),
                   Membership.position.is_not(None))
            .group_by(Membership.point_id, Membership.position).order_by(Membership.position)):
        rows[point_id].positions[position] = n
    current_a = (Assignment.starts_on <= on) & or_(Assignment.ends_on.is_(None), Assignment.ends_on >= on)
    for unit_id, kind, n in db.session.execute(
            select(Assignment.unit_id, Assignment.kind, func.count())
            .where(Assignment.unit_id.in_(unit_to_point), current_a)
            .group_by(Assignment.unit_id, Assignment.kind)):
        key = "firm" if kind == AssignmentKind.FIRM_TOWNSHIP else "adviser"
        rows[unit_to_point[unit_id]].counts[key] = n
    result = []
    for row in rows.values():
        for key, needed in REQUIREMENTS[row.point.kind]:
            have = row.counts.get(key, 0)
            if have < needed:
                row.missing.append((key, needed - have))
        if row.missing or not only_short:
            result.append(row)
    return result


def duty_lawyers(township: Unit, on: date) -> list[User]:
    """The station's duty lawyers (周三见) on a date, by name."""
    return list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id).join(ServicePoint)
        .where(ServicePoint.unit_id == township.id, Membership.role == Role.LAWYER, User.is_active.is_(True),
               Membership.starts_on <= on, or_(Membership.ends_on.is_(None), Membership.ends_on >= on))
        .options(joinedload(User.law_firm)).order_by(User.full_name)))
