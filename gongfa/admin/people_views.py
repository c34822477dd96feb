"""Staff accounts: list, create with a first role, edit, add or end roles, reset a password."""


from io import BytesIO

from flask import Blueprint, abort, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from gongfa import clock
from gongfa.admin import importer
from gongfa.admin import services as admin
from gongfa.auth.scope import MANAGERS, current_scope, require_unit, roles_required
from gongfa.db import db
from gongfa.org import services as org_services
from gongfa.org.forms import EndForm
from gongfa.org.models import LawFirm, ServicePoint
from gongfa.people import services
from gongfa.people.display import person_text
from gongfa.people.forms import MembershipForm, NewUserForm, SetPasswordForm, UserForm
from gongfa.people.models import Membership, Role, User
from gongfa.web.outcomes import form_status, service_errors
from gongfa.web.params import page_arg
from gongfa.web.rendering import local_name, render_page

bp = Blueprint("people", __name__, url_prefix="/people")
VIEWERS = (Role.BUREAU_ADMIN, Role.INSPECTOR)


def _choices(form) -> None:
    form.law_firm_id.choices = [("", _("（无）"))] + [(f.id, local_name(f)) for f in org_services.all_firms()]
    if hasattr(form, "point_id"):
        form.point_id.choices = [(p.id, f"{p.unit.code} {local_name(p)}")
                                 for p in org_services.points_in(current_scope().unit_filter(*MANAGERS))]


def _load_user(user_id: int, *roles: Role) -> User:
    user = db.session.get(User, user_id) or abort(404)
    if not services.user_in_scope(user, current_scope().unit_filter(*roles)):
        abort(403)
    return user


def _may_manage(user: User) -> bool:
    return services.may_manage(user, current_scope(), on=clock.today(), actor=current_user)


def _managed_user(user_id: int) -> User:
    """An account the admin may change: every current role of it lies in the admin's scope."""
    user = _load_user(user_id, *MANAGERS)
    if not _may_manage(user):
        abort(403)
    return user


@bp.route("/")
@roles_required(*VIEWERS)
def users():
    """Staff serving in the user's scope, searchable by name, username or phone tail."""
    q = request.args.get("q", "").strip()[:50]
    role = request.args.get("role", "")
    role = role if role in Role._value2member_map_ else ""
    page = services.search_users(current_scope().unit_filter(*VIEWERS), q=q, role=role, page=page_arg())
    return render_page("people/users.html", page=page, q=q, role=role, roles=Role,
                       can_manage=current_scope().has(*MANAGERS), today=clock.today(),
                       fragments={"user-rows": "user_rows"})


@bp.route("/export.xlsx")
@roles_required(*MANAGERS)
def users_export():
    """The staff in scope as an .xlsx in the import template's layout (native names and their language kept)."""
    page = services.search_users(current_scope().unit_filter(*MANAGERS), page=1, per_page=importer.MAX_ROWS)
    data = importer.people_workbook(page.items, clock.today())
    return send_file(BytesIO(data), download_name="people.xlsx", as_attachment=True,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def user_new():
    """Create a staff account together with its first role at a service point."""
    form = NewUserForm(starts_on=clock.today())
    _choices(form)
    if form.validate_on_submit():
        point = db.session.get(ServicePoint, form.point_id.data) or abort(404)
        require_unit(point.unit, *MANAGERS)
        with service_errors(form) as done:
            user = services.create_user(
                username=form.username.data, full_name=form.full_name.data,
                full_name_native=form.full_name_native.data or "", native_lang=form.native_lang.data or None,
                phone=form.phone.data or "",
                law_firm=db.session.get(LawFirm, form.law_firm_id.data) if form.law_firm_id.data else None,
                licence_no=form.licence_no.data or "", password=form.password.data)
            services.add_membership(user=user, point=point, role=Role(form.role.data),
                                    starts_on=form.starts_on.data, position=form.position.data or None,
                                    position_note=form.position_note.data or "")
        if done:
            db.session.commit()
            flash(_("已添加 %(name)s。", name=person_text(user)), "success")
            return redirect(url_for("people.user_edit", user_id=user.id), 303)
    return render_page("people/user_form.html", form=form, user=None, status=form_status(form))


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@roles_required(*VIEWERS)
def user_edit(user_id: int):
    """A staff account: details (editable by the bureau admin), roles past and present."""
    user = _load_user(user_id, *VIEWERS)
    can_manage = _may_manage(user)
    form = UserForm(obj=user)
    _choices(form)
    if request.method == "POST":
        if not can_manage:
            abort(403)
        if form.validate_on_submit():
            admin.update_account(
                user, full_name=form.full_name.data, full_name_native=form.full_name_native.data or "",
                native_lang=form.native_lang.data or None,
                phone=form.phone.data or "",
                law_firm=db.session.get(LawFirm, form.law_firm_id.data) if form.law_firm_id.data else None,
                licence_no=form.licence_no.data or "", is_active=form.is_active.data)
            db.session.commit()
            flash(_("已保存。"), "success")
            return redirect(url_for("people.user_edit", user_id=user.id), 303)
    sc = current_scope()
    return render_page("people/user_edit.html", user=user, form=form, can_manage=can_manage,
                       can_add_role=services.user_in_scope(user, sc.unit_filter(*MANAGERS)),
                       may_end={m.id for m in user.memberships if sc.covers(m.point.unit, *MANAGERS)},
                       today=clock.today(), status=form_status(form))


@bp.route("/<int:user_id>/memberships/new", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def membership_new(user_id: int):
    """Give a person another role (a mediator who also joins a village studio, say)."""
    user = _load_user(user_id, *MANAGERS)
    form = MembershipForm(starts_on=clock.today())
    form.point_id.choices = [(p.id, f"{p.unit.code} {local_name(p)}")
                             for p in org_services.points_in(current_scope().unit_filter(*MANAGERS))]
    if form.validate_on_submit():
        point = db.session.get(ServicePoint, form.point_id.data) or abort(404)
        require_unit(point.unit, *MANAGERS)
        with service_errors(form) as done:
            services.add_membership(user=user, point=point, role=Role(form.role.data),
                                    starts_on=form.starts_on.data, ends_on=form.ends_on.data,
                                    position=form.position.data or None,
                                    position_note=form.position_note.data or "")
        if done:
            db.session.commit()
            flash(_("已保存。"), "success")
            return redirect(url_for("people.user_edit", user_id=user.id), 303)
    return render_page("people/membership_form.html", form=form, user=user, status=form_status(form))


@bp.route("/memberships/<int:membership_id>/end", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def membership_end(membership_id: int):
    """End a role on a date; the record of who served stays."""
    membership = db.session.get(Membership, membership_id) or abort(404)
    require_unit(membership.point.unit, *MANAGERS)
    form = EndForm(ends_on=membership.ends_on or clock.today())
    if form.validate_on_submit():
        with service_errors(form) as done:
            services.end_membership(membership, ends_on=form.ends_on.data)
        if done:
            db.session.commit()
            flash(_("已保存。"), "success")
            return redirect(url_for("people.user_edit", user_id=membership.user_id), 303)
    return render_page("org/end_form.html", form=form, thing=membership, status=form_status(form))


@bp.route("/<int:user_id>/password", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def set_password(user_id: int):
    """Set a new password for someone who forgot theirs; their sessions end."""
    user = _managed_user(user_id)
    form = SetPasswordForm()
    if form.validate_on_submit():
        admin.reset_password(user, password=form.password.data, actor_id=current_user.id)
        db.session.commit()
        flash(_("已为 %(name)s 设置新密码。", name=person_text(user)), "success")
        return redirect(url_for("people.user_edit", user_id=user.id), 303)
    return render_page("people/password_form.html", form=form, user=user, status=form_status(form))
