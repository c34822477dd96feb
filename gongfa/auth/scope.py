"""Who may see and change what: roles come from current memberships, scope from their units.

A village officer sees only their village, a station head their township, a lawyer the villages
they advise and the stations where they sit (not the other villages of that township: another
lawyer advises those), a bureau admin or inspector their county (or the whole prefecture).
Checked in views and services, never in templates (DESIGN §6).
"""

from dataclasses import dataclass, field
from datetime import date
from functools import wraps

from flask import abort, g
from flask_login import current_user, login_required
from sqlalchemy import or_, select

from gongfa import clock
from gongfa.db import db
from gongfa.org.models import Assignment, AssignmentKind, ServicePoint, Unit
from gongfa.people.models import Membership, Role, User

# Roles that reach only the units they are recorded at, not the units below: a duty lawyer sits at
# the station, which is the township's unit; the township's villages each have their own adviser.
EXACT_ROLES = frozenset({Role.LAWYER})
# Roles that reach no records through their unit: the auditor reads only the audit trail.
NO_RECORDS = frozenset({Role.AUDITOR})


@dataclass
class Scope:
    """The roles a user holds today and the unit paths each role reaches."""

    paths_by_role: dict[Role, set[str]] = field(default_factory=dict)

    @property
    def roles(self) -> set[Role]:
        """Roles held today."""
        return set(self.paths_by_role)

    def has(self, *roles: Role) -> bool:
        """Holds any of ``roles``."""
        return any(r in self.paths_by_role for r in roles)

    def paths(self, *roles: Role) -> set[str]:
        """Unit paths reached through ``roles`` (when none are given, every role that reaches records:
        not the auditor's, which reaches only the audit trail)."""
        wanted = self._wanted(roles)
        return set().union(*(self.paths_by_role.get(r, set()) for r in wanted)) if wanted else set()

    def _wanted(self, roles: tuple[Role, ...]) -> tuple[Role, ...]:
        """``roles``, or when none are given every role held that reaches records."""
        return roles or tuple(r for r in self.paths_by_role if r not in NO_RECORDS)

    def covers(self, unit: Unit | None, *roles: Role) -> bool:
        """Whether ``unit`` is inside (or is) a unit reached through ``roles`` (is one, for EXACT_ROLES)."""
        if unit is None:
            return False
        for role in self._wanted(roles):
            for p in self.paths_by_role.get(role, ()):
                if unit.path == p or (role not in EXACT_ROLES and unit.path.startswith(p)):
                    return True
        return False

    def is_regional(self, *roles: Role) -> bool:
        """Whether a role reaches a top unit (the prefecture), not just a county or below."""
        return any(p.count("/") == 2 for p in self.paths(*roles))

    def within(self, unit: Unit | None, *roles: Role) -> bool:
        """Whether ``unit`` contains a unit in scope (a village officer and their township's station)."""
        return unit is not None and any(p.startswith(unit.path) for p in self.paths(*roles))

    def unit_filter(self, *roles: Role):
        """A SQL condition on Unit.path limiting a query to the scope."""
        wanted = self._wanted(roles)
        subtree = set().union(*(self.paths_by_role.get(r, set()) for r in wanted if r not in EXACT_ROLES))
        exact = set().union(*(self.paths_by_role.get(r, set()) for r in wanted if r in EXACT_ROLES)) - subtree
        if not subtree and not exact:
            return Unit.id.is_(None)
        conditions = [Unit.path.startswith(p, autoescape=True) for p in sorted(subtree)]
        if exact:
            conditions.append(Unit.path.in_(sorted(exact)))
        return or_(*conditions)


def scope_for(user: User, on: date | None = None) -> Scope:
    """Compute a user's scope from memberships and adviser assignments current on ``on`` (two queries)."""
    on = on or clock.today()
    scope = Scope()
    held = db.session.execute(
        select(Membership.role, Unit.path)
        .join(ServicePoint, ServicePoint.id == Membership.point_id).join(Unit, Unit.id == ServicePoint.unit_id)
        .where(Membership.user_id == user.id, Membership.starts_on <= on, ServicePoint.is_active.is_(True),
               or_(Membership.ends_on.is_(None), Membership.ends_on >= on)))
    for role, path in held:
        scope.paths_by_role.setdefault(role, set()).add(path)
    advised = db.session.scalars(
        select(Unit.path).join(Assignment, Assignment.unit_id == Unit.id).where(
            Assignment.lawyer_id == user.id, Assignment.kind == AssignmentKind.ADVISER_VILLAGE,
            Assignment.starts_on <= on, or_(Assignment.ends_on.is_(None), Assignment.ends_on >= on)))
    for path in advised:
        scope.paths_by_role.setdefault(Role.LAWYER, set()).add(path)
    return scope


def current_scope() -> Scope:
    """The logged-in user's scope, computed once per request."""
    if not current_user.is_authenticated:
        return Scope()
    if "scope" not in g:
        g.scope = scope_for(current_user)
    return g.scope


def roles_required(*roles: Role):
    """View decorator: login required, and 403 unless the user holds one of ``roles`` today."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_scope().has(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def require_unit(unit: Unit | None, *roles: Role) -> Unit:
    """404 for a missing unit, 403 unless it is in scope through ``roles``."""
    if unit is None:
        abort(404)
    if not current_scope().covers(unit, *roles):
        abort(403)
    return unit


# Role groups used across views.
MANAGERS = (Role.BUREAU_ADMIN,)
READERS = (Role.BUREAU_ADMIN, Role.INSPECTOR, Role.STATION_HEAD)
