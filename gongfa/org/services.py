"""Units, service points, law firms, assignments and the staffing check. Services flush, never commit."""

from datetime import date

from sqlalchemy import String, func, literal, or_, select, update
from sqlalchemy.orm import joinedload

from gongfa.audit import services as audit
from gongfa.db import db
from gongfa.errors import ServiceError
from gongfa.i18n import _l
from gongfa.org.hours import OpeningHours
from gongfa.org.models import (
    CHILD_LEVEL,
    POINT_KIND_FOR_LEVEL,
    POINT_TEXT_COLUMNS,
    Assignment,
    AssignmentKind,
    LawFirm,
    PointKind,
    ServicePoint,
    Unit,
    UnitLevel,
)

# --- units ---------------------------------------------------------------------------------


def create_unit(*, code: str, level: UnitLevel, parent: Unit | None, name_zh: str, name_ug: str = "",
                name_kk: str = "", kind: str = "", is_xpcc: bool = False, with_point: bool = True) -> Unit:
    """Add a unit under ``parent`` and, unless it is an XPCC unit, its service point."""
    _check_parent(level, parent)
    if db.session.scalar(select(Unit.id).where(Unit.code == code)):
        raise ServiceError(_l("这个区划代码已经存在。"), "code")
    unit = Unit(code=code, level=level, parent=parent, name_zh=name_zh, name_ug=name_ug or None,
                name_kk=name_kk or None, kind=kind, is_xpcc=is_xpcc)
    db.session.add(unit)
    db.session.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    if with_point and not is_xpcc:
        db.session.add(ServicePoint(unit=unit, kind=POINT_KIND_FOR_LEVEL[level]))
    audit.record("unit.create", unit)
    return unit


def _check_parent(level: UnitLevel, parent: Unit | None) -> None:
    if level == UnitLevel.PREFECTURE:
        if parent is not None:
            raise ServiceError(_l("自治州没有上级单位。"), "parent_id")
        return
    if parent is None or CHILD_LEVEL.get(parent.level) != level:
        raise ServiceError(_l("上级单位的层级不对：村（社区）属于乡镇，乡镇属于县（市）。"), "parent_id")


def update_unit(unit: Unit, *, parent: Unit | None, name_zh: str, name_ug: str, name_kk: str, kind: str,
                is_xpcc: bool, is_active: bool) -> Unit:
    """Edit a unit's names and flags; moving it to another parent moves its whole subtree."""
    with audit.tracking(unit, "unit.update"):
        _edit_unit(unit, parent=parent, name_zh=name_zh, name_ug=name_ug, name_kk=name_kk, kind=kind,
                   is_xpcc=is_xpcc, is_active=is_active)
    return unit


def _edit_unit(unit: Unit, *, parent, name_zh, name_ug, name_kk, kind, is_xpcc, is_active) -> None:
    if parent is not None and parent.id != unit.parent_id:
        _check_parent(unit.level, parent)
        if parent.path.startswith(unit.path):
            raise ServiceError(_l("不能把单位移到它自己的下级。"), "parent_id")
        old, new = unit.path, f"{parent.path}{unit.id}/"
        db.session.execute(
            update(Unit).where(Unit.path.startswith(old, autoescape=True))
            .values(path=literal(new, String) + func.substr(Unit.path, len(old) + 1))
            .execution_options(synchronize_session=False))
        unit.parent = parent
        unit.path = new
    unit.name_zh, unit.name_ug, unit.name_kk = name_zh, name_ug or None, name_kk or None
    unit.kind, unit.is_xpcc, unit.is_active = kind, is_xpcc, is_active


def search_units(scope_filter, *, q: str = "", level: str = "", parent_id: int | None = None,
                 page: int = 1, per_page: int = 50):
    """Units in scope matching a name or code, paginated, with parent and point loaded."""
    stmt = select(Unit).options(joinedload(Unit.parent)).where(scope_filter)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(or_(Unit.name_zh.like(like), Unit.name_ug.like(like), Unit.name_kk.like(like),
                              Unit.code.like(f"{q}%")))
    if level:
        stmt = stmt.where(Unit.level == level)
    if parent_id:
        stmt = stmt.where(Unit.parent_id == parent_id)
    return db.paginate(stmt.order_by(Unit.code), page=page, per_page=per_page, error_out=False)


def units_at(level: UnitLevel, scope_filter=None) -> list[Unit]:
    """Active units of one level (for choices), by code."""
    stmt = select(Unit).where(Unit.level == level, Unit.is_active.is_(True))
    if scope_filter is not None:
        stmt = stmt.where(scope_filter)
    return list(db.session.scalars(stmt.order_by(Unit.code)))


def units_below(scope_filter) -> list[Unit]:
    """Units in scope that have a parent, with it loaded, by code (what an admin's names export lists)."""
    return list(db.session.scalars(select(Unit).options(joinedload(Unit.parent))
                                   .where(scope_filter, Unit.parent_id.isnot(None)).order_by(Unit.code)))


def county_of(unit: Unit) -> Unit:
    """The county (or, above it, the prefecture) a unit belongs to: whose legal-aid centre, whose bureau."""
    while unit.parent is not None and unit.level not in (UnitLevel.COUNTY, UnitLevel.PREFECTURE):
        unit = unit.parent
    return unit


def unit_by_code(code: str) -> Unit | None:
    """A unit by its NBS code."""
    return db.session.scalar(select(Unit).where(Unit.code == code))


def open_village(code: str) -> Unit | None:
    """An active village by its code, with its township: what a resident's link or QR code opens."""
    return db.session.scalar(select(Unit).options(joinedload(Unit.parent)).where(
        Unit.code == code, Unit.level == UnitLevel.VILLAGE, Unit.is_active.is_(True)))


# --- service points ------------------------------------------------------------------------


def update_point(point: ServicePoint, *, phone: str, address: str | None = None, opening_hours: OpeningHours,
                 hours_note: str = "", is_active: bool, address_ug: str | None = None,
                 address_kk: str | None = None, description: str | None = None, description_ug: str | None = None,
                 description_kk: str | None = None, services: str | None = None, services_ug: str | None = None,
                 services_kk: str | None = None) -> ServicePoint:
    """Edit a station's or studio's public contact details, opening hours and what residents read about it
    (address, description, services offered one a line) in Chinese, Uyghur and Kazakh; a text left as None is
    kept."""
    texts = {"address": address, "address_ug": address_ug, "address_kk": address_kk, "description": description,
             "description_ug": description_ug, "description_kk": description_kk, "services": services,
             "services_ug": services_ug, "services_kk": services_kk}
    with audit.tracking(point, "point.update"):
        point.phone, point.is_active = phone, is_active
        point.opening_hours, point.hours_note = opening_hours, hours_note
        _set_texts(point, {k: v for k, v in texts.items() if v is not None})
    return point


def update_point_texts(point: ServicePoint, *, opening_hours: OpeningHours | None = None,
                       **texts: str) -> ServicePoint:
    """Set some of a point's texts in the three languages (address … services_kk), and its hours when given,
    as the .xlsx import gives them; audited like an edit on the form."""
    with audit.tracking(point, "point.update"):
        _set_texts(point, texts)
        if opening_hours is not None:
            point.opening_hours, point.hours_note = opening_hours, ""
    return point


def _set_texts(point: ServicePoint, texts: dict) -> None:
    for name, value in texts.items():
        if name not in POINT_TEXT_COLUMNS:
            raise TypeError(f"not a service-point text: {name}")
        setattr(point, name, value or "")


def point_of(unit: Unit) -> ServicePoint | None:
    """The service point of a unit (station, studio or centre)."""
    return db.session.scalar(select(ServicePoint).where(ServicePoint.unit_id == unit.id))




def points_in(scope_filter, kinds: tuple[PointKind, ...] = tuple(PointKind)) -> list[ServicePoint]:
    """Active service points in scope (for choices), with their units."""
    return list(db.session.scalars(
        select(ServicePoint).join(ServicePoint.unit)
        .options(joinedload(ServicePoint.unit).joinedload(Unit.parent))
        .where(scope_filter, ServicePoint.kind.in_(kinds), ServicePoint.is_active.is_(True))
        .order_by(Unit.code)))


# --- law firms -----------------------------------------------------------------------------


def create_firm(*, name_zh: str, name_ug: str, name_kk: str, county: Unit | None, licence_no: str,
                phone: str, address: str) -> LawFirm:
    """Register a law firm."""
    if db.session.scalar(select(LawFirm.id).where(LawFirm.name_zh == name_zh)):
        raise ServiceError(_l("已有同名的律师事务所。"), "name_zh")
    firm = LawFirm(name_zh=name_zh, name_ug=name_ug or None, name_kk=name_kk or None, county=county,
                   licence_no=licence_no, phone=phone, address=address)
    db.session.add(firm)
    audit.record("firm.create", firm)
    return firm


def update_firm(firm: LawFirm, *, name_zh: str, name_ug: str, name_kk: str, county: Unit | None,
                licence_no: str, phone: str, address: str, is_active: bool) -> LawFirm:
    """Edit a law firm's details."""
    clash = db.session.scalar(select(LawFirm.id).where(LawFirm.name_zh == name_zh, LawFirm.id != firm.id))
    if clash:
        raise ServiceError(_l("已有同名的律师事务所。"), "name_zh")
    with audit.tracking(firm, "firm.update"):
        firm.name_zh, firm.name_ug, firm.name_kk = name_zh, name_ug or None, name_kk or None
        firm.county, firm.licence_no, firm.phone, firm.address, firm.is_active = (
            county, licence_no, phone, address, is_active)
    return firm


def all_firms(active_only: bool = True) -> list[LawFirm]:
    """Law firms by name."""
    stmt = select(LawFirm).order_by(LawFirm.name_zh)
    if active_only:
        stmt = stmt.where(LawFirm.is_active.is_(True))
    return list(db.session.scalars(stmt))


# --- assignments ---------------------------------------------------------------------------


def _overlaps(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    return (a_end is None or a_end >= b_start) and (b_end is None or b_end >= a_start)


def create_assignment(*, kind: AssignmentKind, unit: Unit, starts_on: date, ends_on: date | None = None,
                      firm: LawFirm | None = None, lawyer: "User | None" = None, note: str = "") -> Assignment:  # noqa: F821 (people sits above org)
    """Assign a firm to a township or a lawyer to a village as its legal adviser."""
    if ends_on and ends_on < starts_on:
        raise ServiceError(_l("结束日期不能早于开始日期。"), "ends_on")
    if kind == AssignmentKind.FIRM_TOWNSHIP:
        if unit.level != UnitLevel.TOWNSHIP:
            raise ServiceError(_l("律所只能对接乡镇（街道）。"), "unit_id")
        if firm is None:
            raise ServiceError(_l("请选择律师事务所。"), "law_firm_id")
        lawyer = None
    else:
        if unit.level != UnitLevel.VILLAGE:
            raise ServiceError(_l("法律顾问只能派驻到村（社区）。"), "unit_id")
        if lawyer is None:
            raise ServiceError(_l("请选择律师。"), "lawyer_id")
        firm = lawyer.law_firm
        # 一村一法律顾问: one adviser per village at any time.
        current = db.session.scalars(select(Assignment).where(
            Assignment.unit_id == unit.id, Assignment.kind == AssignmentKind.ADVISER_VILLAGE)).all()
        for other in current:
            if _overlaps(starts_on, ends_on, other.starts_on, other.ends_on):
                raise ServiceError(_l("这个村（社区）在这段时间已有法律顾问，请先给原来的安排填写结束日期。"),
                                   "starts_on")
    assignment = Assignment(kind=kind, unit=unit, law_firm=firm, lawyer=lawyer, starts_on=starts_on,
                            ends_on=ends_on, note=note)
    db.session.add(assignment)
    audit.record("assignment.create", assignment)
    return assignment


def end_period(record, *, ends_on: date, action: str):
    """Close an assignment or membership on a date; the record stays, so history is never lost."""
    if ends_on < record.starts_on:
        raise ServiceError(_l("结束日期不能早于开始日期。"), "ends_on")
    with audit.tracking(record, action):
        record.ends_on = ends_on
    return record


def end_assignment(assignment: Assignment, *, ends_on: date) -> Assignment:
    """Close an assignment on a date (a change of adviser is filed ahead)."""
    return end_period(assignment, ends_on=ends_on, action="assignment.end")


def list_assignments(scope_filter, *, current_on: date | None, page: int = 1, per_page: int = 50):
    """Assignments on units in scope (current ones only when ``current_on`` is given)."""
    stmt = (select(Assignment).join(Assignment.unit)
            .options(joinedload(Assignment.unit), joinedload(Assignment.law_firm), joinedload(Assignment.lawyer))
            .where(scope_filter))
    if current_on:
        stmt = stmt.where(Assignment.starts_on <= current_on,
                          or_(Assignment.ends_on.is_(None), Assignment.ends_on >= current_on))
    return db.paginate(stmt.order_by(Unit.code, Assignment.starts_on.desc()), page=page, per_page=per_page,
                       error_out=False)


def _advisers_on(on: date):
    return (select(Assignment).options(joinedload(Assignment.lawyer), joinedload(Assignment.law_firm))
            .where(Assignment.kind == AssignmentKind.ADVISER_VILLAGE, Assignment.starts_on <= on,
                   or_(Assignment.ends_on.is_(None), Assignment.ends_on >= on)))


def current_adviser(unit: Unit, on: date) -> Assignment | None:
    """The village's legal adviser assignment on a date."""
    return db.session.scalar(_advisers_on(on).where(Assignment.unit_id == unit.id))


def current_advisers(units: list[Unit], on: date) -> dict[int, Assignment]:
    """Several villages' advisers in one query, by unit id."""
    ids = [u.id for u in units]
    return {a.unit_id: a for a in db.session.scalars(_advisers_on(on).where(Assignment.unit_id.in_(ids)))} \
        if ids else {}
