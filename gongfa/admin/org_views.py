"""Bureau pages: units, stations and studios, law firms, assignments, staffing, import."""

from io import BytesIO

from flask import Blueprint, abort, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from gongfa import clock
from gongfa.admin import importer
from gongfa.audit import services as audit
from gongfa.auth.scope import MANAGERS, READERS, current_scope, require_unit, roles_required
from gongfa.db import db
from gongfa.org import services
from gongfa.org.forms import AssignmentForm, EndForm, FirmForm, ImportForm, PointForm, UnitForm, point_text_fields
from gongfa.org.models import CHILD_LEVEL, Assignment, AssignmentKind, LawFirm, ServicePoint, Unit, UnitLevel
from gongfa.people import services as people_services
from gongfa.people.display import person_text
from gongfa.people.models import Role
from gongfa.web.forms import grouped_choices
from gongfa.web.outcomes import field_error, form_status, service_errors
from gongfa.web.params import db_id, page_arg
from gongfa.web.rendering import local_name, render_page

ALL_ROLES = tuple(Role)
bp = Blueprint("org", __name__, url_prefix="/org")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- units ---------------------------------------------------------------------------------


@bp.route("/units")
@roles_required(*READERS)
def units():
    """Search the units in the user's scope (GET form, works without JavaScript)."""
    q = request.args.get("q", "").strip()[:50]
    level = request.args.get("level", "")
    level = level if level in UnitLevel._value2member_map_ else ""
    page = services.search_units(current_scope().unit_filter(*READERS), q=q, level=level, page=page_arg())
    return render_page("org/units.html", page=page, q=q, level=level, levels=UnitLevel,
                       can_manage=current_scope().has(*MANAGERS), fragments={"unit-rows": "unit_rows"})


@bp.route("/units/<int:unit_id>")
@roles_required(*ALL_ROLES)
def unit_show(unit_id: int):
    """One unit: its service point, people, adviser or firm, and the units below it."""
    unit = require_unit(db.session.get(Unit, unit_id))
    point = services.point_of(unit)
    rows = people_services.staffing(Unit.id == unit.id, clock.today()) if point else []
    assignments = services.list_assignments(Unit.id == unit.id, current_on=clock.today(), per_page=20)
    sc = current_scope()
    return render_page("org/unit_show.html", unit=unit, point=point, staffing=rows[0] if rows else None,
                       assignments=assignments.items,
                       members=people_services.members_of(point, clock.today()) if point else [],
                       can_manage=sc.covers(unit, *MANAGERS), titles=people_services.REQUIREMENT_TITLES)


def _parent_choices(form: UnitForm, level: str | None) -> None:
    sc = current_scope().unit_filter(*MANAGERS)
    parent_level = next((p for p, c in CHILD_LEVEL.items() if c == level), None)
    levels = [parent_level] if parent_level else [UnitLevel.PREFECTURE, UnitLevel.COUNTY, UnitLevel.TOWNSHIP]
    choices = [("", _("（无）"))]
    for lvl in levels:
        choices += [(u.id, f"{u.code} {local_name(u)}") for u in services.units_at(lvl, sc)]
    form.parent_id.choices = choices


@bp.route("/units/new", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def unit_new():
    """Add a unit (a new village, say) with its service point."""
    form = UnitForm(level=request.args.get("level", UnitLevel.VILLAGE.value),
                    parent_id=request.args.get("parent", type=db_id))
    _parent_choices(form, form.level.data)
    if form.validate_on_submit():
        parent = db.session.get(Unit, form.parent_id.data) if form.parent_id.data else None
        if parent is not None:
            require_unit(parent, *MANAGERS)
        with service_errors(form) as done:
            unit = services.create_unit(code=form.code.data, level=UnitLevel(form.level.data), parent=parent,
                                        name_zh=form.name_zh.data, name_ug=form.name_ug.data,
                                        name_kk=form.name_kk.data, kind=form.kind.data,
                                        is_xpcc=form.is_xpcc.data)
        if done:
            db.session.commit()
            flash(_("已添加 %(name)s。", name=unit.name_zh), "success")
            return redirect(url_for("org.unit_show", unit_id=unit.id), 303)
    return render_page("org/unit_form.html", form=form, unit=None, status=form_status(form))


@bp.route("/units/<int:unit_id>/edit", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def unit_edit(unit_id: int):
    """Edit a unit's names, flags or parent."""
    unit = require_unit(db.session.get(Unit, unit_id), *MANAGERS)
    form = UnitForm(obj=unit)
    form.level.data = unit.level.value
    form.code.data = unit.code
    _parent_choices(form, unit.level)
    if form.validate_on_submit():
        parent = db.session.get(Unit, form.parent_id.data) if form.parent_id.data else unit.parent
        if parent is not None and parent.id != unit.parent_id:
            require_unit(parent, *MANAGERS)
        with service_errors(form) as done:
            services.update_unit(unit, parent=parent, name_zh=form.name_zh.data, name_ug=form.name_ug.data,
                                 name_kk=form.name_kk.data, kind=form.kind.data, is_xpcc=form.is_xpcc.data,
                                 is_active=form.is_active.data)
        if done:
            db.session.commit()
            flash(_("已保存。"), "success")
            return redirect(url_for("org.unit_show", unit_id=unit.id), 303)
    return render_page("org/unit_form.html", form=form, unit=unit, status=form_status(form))


@bp.route("/points/<int:point_id>/edit", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def point_edit(point_id: int):
    """Edit a station's or studio's public phone, address and hours."""
    point = db.session.get(ServicePoint, point_id) or abort(404)
    require_unit(point.unit, *MANAGERS)
    form = PointForm(obj=point)
    if request.method == "GET":
        form.fill_hours(point.opening_hours)
    if form.validate_on_submit():
        services.update_point(point, phone=form.phone.data or "", opening_hours=form.opening_hours(),
                              hours_note=form.hours_note.data or "", is_active=form.is_active.data,
                              **point_text_fields(form))
        db.session.commit()
        flash(_("已保存。"), "success")
        return redirect(url_for("org.unit_show", unit_id=point.unit_id), 303)
    return render_page("org/point_form.html", form=form, point=point, status=form_status(form))


# --- law firms -----------------------------------------------------------------------------


def _county_choices(form) -> None:
    """Counties the admin manages; a firm without a county only for the prefecture's bureau."""
    sc = current_scope()
    none = [("", _("（无）"))] if sc.is_regional(*MANAGERS) else []
    form.county_id.choices = none + [(u.id, local_name(u))
                                     for u in services.units_at(UnitLevel.COUNTY, sc.unit_filter(*MANAGERS))]


def _may_manage_firm(firm: LawFirm) -> bool:
    sc = current_scope()
    return sc.covers(firm.county, *MANAGERS) if firm.county is not None else sc.is_regional(*MANAGERS)


def _firm(firm_id: int) -> LawFirm:
    """A firm the admin may edit: one registered in their county (the prefecture's bureau: any)."""
    firm = db.session.get(LawFirm, firm_id) or abort(404)
    if not _may_manage_firm(firm):
        abort(403)
    return firm


@bp.route("/firms")
@roles_required(Role.BUREAU_ADMIN, Role.INSPECTOR)
def firms():
    """All law firms (a firm may serve townships of several counties); each admin edits their county's."""
    found = services.all_firms(active_only=False)
    return render_page("org/firms.html", firms=found, can_manage=current_scope().has(*MANAGERS),
                       editable={f.id for f in found if _may_manage_firm(f)})


@bp.route("/firms/new", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def firm_new():
    """Register a law firm."""
    form = FirmForm()
    _county_choices(form)
    if form.validate_on_submit():
        with service_errors(form) as done:
            services.create_firm(name_zh=form.name_zh.data, name_ug=form.name_ug.data, name_kk=form.name_kk.data,
                                 county=db.session.get(Unit, form.county_id.data) if form.county_id.data else None,
                                 licence_no=form.licence_no.data or "", phone=form.phone.data or "",
                                 address=form.address.data or "")
        if done:
            db.session.commit()
            flash(_("已添加 %(name)s。", name=form.name_zh.data), "success")
            return redirect(url_for("org.firms"), 303)
    return render_page("org/firm_form.html", form=form, firm=None, status=form_status(form))


@bp.route("/firms/<int:firm_id>/edit", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def firm_edit(firm_id: int):
    """Edit a law firm of the admin's county."""
    firm = _firm(firm_id)
    form = FirmForm(obj=firm)
    _county_choices(form)
    if form.validate_on_submit():
        with service_errors(form) as done:
            services.update_firm(firm, name_zh=form.name_zh.data, name_ug=form.name_ug.data,
                                 name_kk=form.name_kk.data,
                                 county=db.session.get(Unit, form.county_id.data) if form.county_id.data else None,
                                 licence_no=form.licence_no.data or "", phone=form.phone.data or "",
                                 address=form.address.data or "", is_active=form.is_active.data)
        if done:
            db.session.commit()
            flash(_("已保存。"), "success")
            return redirect(url_for("org.firms"), 303)
    return render_page("org/firm_form.html", form=form, firm=firm, status=form_status(form))


# --- assignments ---------------------------------------------------------------------------


@bp.route("/assignments")
@roles_required(Role.BUREAU_ADMIN, Role.INSPECTOR)
def assignments():
    """Current (or all) firm → township and lawyer → village assignments in scope."""
    show_all = request.args.get("all") == "1"
    page = services.list_assignments(current_scope().unit_filter(Role.BUREAU_ADMIN, Role.INSPECTOR),
                                     current_on=None if show_all else clock.today(), page=page_arg())
    return render_page("org/assignments.html", page=page, show_all=show_all,
                       can_manage=current_scope().has(*MANAGERS))


@bp.route("/assignments/new", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def assignment_new():
    """Assign a firm to a township, or a lawyer to a village as legal adviser."""
    form = AssignmentForm(kind=request.args.get("kind", AssignmentKind.ADVISER_VILLAGE.value),
                          unit_id=request.args.get("unit", type=db_id), starts_on=clock.today())
    sc = current_scope().unit_filter(*MANAGERS)
    form.unit_id.choices = [(u.id, f"{u.code} {local_name(u)}")
                            for lvl in (UnitLevel.TOWNSHIP, UnitLevel.VILLAGE) for u in services.units_at(lvl, sc)]
    form.law_firm_id.choices = [("", _("（无）"))] + [(f.id, local_name(f)) for f in services.all_firms()]
    # By firm: a name and a firm in two scripts in one option could not each be marked with their language.
    form.lawyer_id.choices = grouped_choices(_("（无）"), (
        (local_name(u.law_firm) if u.law_firm else "", u.id, person_text(u)) for u in people_services.lawyers()))
    if form.validate_on_submit():
        unit = require_unit(db.session.get(Unit, form.unit_id.data), *MANAGERS)
        with service_errors(form) as done:
            assignment = services.create_assignment(
                kind=AssignmentKind(form.kind.data), unit=unit, starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
                firm=db.session.get(LawFirm, form.law_firm_id.data) if form.law_firm_id.data else None,
                lawyer=db.session.get(people_services.User, form.lawyer_id.data) if form.lawyer_id.data else None,
                note=form.note.data or "")
        if done:
            db.session.commit()
            flash(_("已保存对接安排。"), "success")
            return redirect(url_for("org.unit_show", unit_id=assignment.unit_id), 303)
    return render_page("org/assignment_form.html", form=form, status=form_status(form))


@bp.route("/assignments/<int:assignment_id>/end", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def assignment_end(assignment_id: int):
    """End an assignment on a date (a change of lawyer is filed ahead)."""
    assignment = db.session.get(Assignment, assignment_id) or abort(404)
    require_unit(assignment.unit, *MANAGERS)
    form = EndForm(ends_on=assignment.ends_on or clock.today())
    if form.validate_on_submit():
        with service_errors(form) as done:
            services.end_assignment(assignment, ends_on=form.ends_on.data)
        if done:
            db.session.commit()
            flash(_("已保存。"), "success")
            return redirect(url_for("org.unit_show", unit_id=assignment.unit_id), 303)
    return render_page("org/end_form.html", form=form, thing=assignment, status=form_status(form))


# --- staffing ------------------------------------------------------------------------------


@bp.route("/staffing")
@roles_required(*READERS)
def staffing():
    """Every station (1+1+2+N) and studio (1+1+1+N) in scope: met, or exactly what is missing."""
    only_short = request.args.get("short") == "1"
    rows = people_services.staffing(current_scope().unit_filter(*READERS), clock.today(), only_short=only_short)
    if request.args.get("format") == "xlsx":
        data = importer.staffing_workbook(rows)
        return send_file(BytesIO(data), mimetype=XLSX, as_attachment=True,
                         download_name=f"staffing-{clock.today().isoformat()}.xlsx")
    return render_page("org/staffing.html", rows=rows, only_short=only_short,
                       titles=people_services.REQUIREMENT_TITLES, requirements=people_services.REQUIREMENTS)


# --- import --------------------------------------------------------------------------------


@bp.route("/import", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def import_():
    """Import units and people from the .xlsx template: all rows or none."""
    form = ImportForm()
    problems = []
    if form.validate_on_submit():
        with db.session.begin_nested() as rows:  # all rows or none: a problem undoes the import's work only
            result = importer.import_workbook(form.file.data.read(), scope=current_scope())
            if result.problems:
                rows.rollback()
        if result.problems:
            problems = result.problems
            field_error(form, _("文件中有 %(n)d 处问题，没有导入任何数据。请修改后重新上传。", n=len(problems)), "file")
        else:
            db.session.commit()
            flash(_("导入完成：单位 %(units)d 个，人员 %(people)d 人。", units=result.counts["units"],
                    people=result.counts["people"]), "success")
            if result.counts["points"]:
                flash(_("已更新 %(n)d 个服务点的地址、简介和服务内容。", n=result.counts["points"]), "success")
            if result.ignored_passwords:
                flash(_("有 %(n)d 行填了初始密码，这一栏已不再使用：请下载启用码表，每人用启用码自己设置密码。",
                        n=result.ignored_passwords), "info")
            return redirect(url_for("org.import_"), 303)
    return render_page("org/import.html", form=form, problems=problems, status=form_status(form),
                       pending=len(_pending_activations()))


def _pending_activations() -> list:
    """Accounts with a working activation code that this admin may manage (and so hand the code to)."""
    sc = current_scope()
    found = people_services.pending_activations(sc.unit_filter(*MANAGERS))
    ok = people_services.manageable(found, sc, on=clock.today(), actor=current_user)
    return [u for u in found if u.id in ok]


@bp.route("/import/activations.xlsx")
@roles_required(*MANAGERS)
def import_activations():
    """The activation code sheet for the accounts still waiting for their owner's first password."""
    users = _pending_activations()
    audit.record("user.activation_export", object_type="users", after={"count": len(users)})
    db.session.commit()
    return send_file(BytesIO(importer.activation_workbook(users)), mimetype=XLSX, as_attachment=True,
                     download_name=f"activation-codes-{clock.today().isoformat()}.xlsx")


@bp.route("/import/points.xlsx")
@roles_required(*MANAGERS)
def import_points():
    """The units and service points the admin manages, their names and texts in three languages, as an
    importable template (units whose parent is outside the admin's scope are left out: they could not be
    imported back)."""
    sc = current_scope()
    manage = sc.unit_filter(*MANAGERS)
    units = [u for u in services.units_below(manage) if sc.covers(u.parent, *MANAGERS)]
    points = services.points_in(manage)
    return send_file(BytesIO(importer.names_and_texts_workbook(units, points)), mimetype=XLSX, as_attachment=True,
                     download_name=f"gongfa-points-{clock.today().isoformat()}.xlsx")


@bp.route("/import/template.xlsx")
@roles_required(*MANAGERS)
def import_template():
    """The empty import template with instructions and an example row."""
    return send_file(BytesIO(importer.template_workbook()), mimetype=XLSX, as_attachment=True,
                     download_name="gongfa-import-template.xlsx")
