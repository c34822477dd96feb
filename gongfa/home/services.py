"""What each role's home page shows, gathered in a handful of queries."""

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from gongfa import clock
from gongfa.auth.scope import READERS, Scope
from gongfa.db import db
from gongfa.org.models import Assignment, AssignmentKind, LawFirm, PointKind, ServicePoint, Unit, UnitLevel
from gongfa.people import services as people_services
from gongfa.people.models import Role, User


@dataclass
class HomePanels:
    """The blocks of a home page; empty ones are not shown."""

    roles: list[Role] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # bureau/inspector overview
    short_points: list = field(default_factory=list)  # staffing rows that fall short
    villages: list[tuple[Unit, Assignment | None]] = field(default_factory=list)  # village + adviser
    stations: list[ServicePoint] = field(default_factory=list)
    my_sessions: bool | None = None  # set for lawyers: the "my visits" button
    audit_trail: bool = False  # bureau admins and auditors: the link to the audit trail


def home_panels(user: User, scope: Scope) -> HomePanels:
    """Collect the home page for the roles a user holds today."""
    today = clock.today()
    panels = HomePanels(roles=sorted(scope.roles, key=list(Role).index))
    if scope.has(Role.LAWYER):
        panels.my_sessions = True
    panels.audit_trail = scope.has(Role.BUREAU_ADMIN, Role.AUDITOR)
    if scope.has(*READERS):
        flt = scope.unit_filter(*READERS)
        panels.counts = dict(db.session.execute(
            select(Unit.level, func.count()).where(flt, Unit.is_active.is_(True)).group_by(Unit.level)).all())
        panels.counts = {str(k.value if hasattr(k, "value") else k): v for k, v in panels.counts.items()}
        if scope.has(Role.BUREAU_ADMIN, Role.INSPECTOR):
            panels.counts["firms"] = db.session.scalar(
                select(func.count()).select_from(LawFirm).where(LawFirm.is_active.is_(True)))
        rows = people_services.staffing(flt, today)
        short = [r for r in rows if not r.ok]
        panels.counts["short"] = len(short)
        panels.short_points = short[:10]
        if not scope.has(Role.BUREAU_ADMIN, Role.INSPECTOR):  # a station head: their own station(s)
            panels.stations = [r.point for r in rows if r.point.kind == PointKind.STATION]
    village_filter = scope.unit_filter(Role.OFFICER, Role.LAWYER, Role.MEDIATOR, Role.STATION_HEAD)
    if scope.has(Role.OFFICER, Role.LAWYER, Role.MEDIATOR, Role.STATION_HEAD):
        villages = list(db.session.scalars(
            select(Unit).where(village_filter, Unit.level == UnitLevel.VILLAGE, Unit.is_active.is_(True))
            .order_by(Unit.code).limit(60)))
        advisers = {a.unit_id: a for a in db.session.scalars(
            select(Assignment).options(joinedload(Assignment.lawyer), joinedload(Assignment.law_firm))
            .where(Assignment.unit_id.in_([v.id for v in villages]),
                   Assignment.kind == AssignmentKind.ADVISER_VILLAGE, Assignment.starts_on <= today,
                   (Assignment.ends_on.is_(None)) | (Assignment.ends_on >= today)))}
        panels.villages = [(v, advisers.get(v.id)) for v in villages]
    if scope.has(Role.OFFICER, Role.LAWYER, Role.MEDIATOR) and not scope.has(*READERS):
        panels.stations = list(db.session.scalars(
            select(ServicePoint).join(ServicePoint.unit).options(joinedload(ServicePoint.unit))
            .where(village_filter, ServicePoint.kind == PointKind.STATION).order_by(Unit.code)))
    return panels


def directory() -> list[tuple[Unit, list[tuple[Unit, list[Unit]]]]]:
    """Counties → townships → villages with a studio, for visitors looking for their village page."""
    units = db.session.scalars(
        select(Unit).where(Unit.is_active.is_(True), Unit.is_xpcc.is_(False),
                           Unit.level.in_([UnitLevel.COUNTY, UnitLevel.TOWNSHIP, UnitLevel.VILLAGE]))
        .order_by(Unit.code)).all()
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    return [(county, [(town, children.get(town.id, [])) for town in children.get(county.id, [])])
            for county in units if county.level == UnitLevel.COUNTY]
