"""Work-log pages: the lawyer writes on a phone; the officer countersigns; corrections are amendments."""

from datetime import time, timedelta
from io import BytesIO

from flask import abort, current_app, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from gongfa import clock
from gongfa.auth.scope import current_scope
from gongfa.clock import BEIJING
from gongfa.db import db
from gongfa.duty.models import DutySession
from gongfa.org import services as org_services
from gongfa.org.models import PointKind, ServicePoint
from gongfa.people.models import Role
from gongfa.web.forms import new_form_token
from gongfa.web.outcomes import form_status, service_errors
from gongfa.web.params import db_id, safe_next, small_int
from gongfa.web.pdf import render_pdf_in
from gongfa.web.rendering import local_name, render_page
from gongfa.worklog import bp, services
from gongfa.worklog.forms import AmendForm, EntryForm, SignForm
from gongfa.worklog.models import Category, EntryStatus, Mode, Referral, WorkLogEntry
from gongfa.worklog.services import EntryAction

# The entry's hour flags, shown wherever it can be countersigned (list, entry page), before the button.
bp.add_app_template_global(services.entry_flags, "entry_flags")

READERS = (Role.OFFICER, Role.STATION_HEAD, Role.BUREAU_ADMIN, Role.INSPECTOR, Role.MEDIATOR)


def _actions(entry: WorkLogEntry) -> dict[EntryAction, bool]:
    """What the logged-in person may do to the entry (decided in the services, for buttons and POSTs alike)."""
    return services.entry_actions(entry, user=current_user, scope=current_scope())


def _entry(entry_id: int) -> WorkLogEntry:
    entry = services.load(entry_id) or abort(404)
    if entry.lawyer_id != current_user.id and not current_scope().covers(entry.point.unit, *READERS):
        abort(403)
    return entry


@bp.route("/")
@login_required
def index():
    """A lawyer's own entries; for the officer and head, what waits for a countersignature and what was done."""
    today = clock.today()
    first = today - timedelta(days=92)
    sc = current_scope()
    mine = services.entries_at(db.true(), first=first, last=today, lawyer=current_user) if sc.has(Role.LAWYER) \
        else []
    waiting, recent = [], []
    if sc.has(*READERS):
        scoped = services.entries_at(sc.unit_filter(*READERS), first=first, last=today)
        waiting = [e for e in scoped if e.status == EntryStatus.SUBMITTED]
        recent = [e for e in scoped if e.status == EntryStatus.COUNTERSIGNED][:50]
    elif not sc.has(Role.LAWYER):
        abort(403)
    actions = {e.id: _actions(e) for e in waiting}
    # A visit's "countersign all" button, for whoever may countersign any of its entries (it signs those).
    visit_days = {}
    for e in waiting:
        if e.session_id:
            visit_days.setdefault(e.session_id, e.served_on)
    signable = {e.session_id for e in waiting if actions[e.id].get(EntryAction.COUNTERSIGN)}
    return render_page("worklog/index.html", mine=mine, waiting=waiting, recent=recent, today=today,
                       sign=SignForm(), actions=actions, is_lawyer=sc.has(Role.LAWYER),
                       visits=[(sid, day) for sid, day in visit_days.items() if sid in signable])


def _points() -> list[ServicePoint]:
    return org_services.points_in(current_scope().unit_filter(Role.LAWYER), kinds=(PointKind.STUDIO,
                                                                                   PointKind.STATION))


def _entry_form(formdata=None, *, entry: WorkLogEntry | None = None, session: DutySession | None = None):
    form = EntryForm(formdata=formdata, obj=entry)
    points = _points()
    if entry is not None and entry.point not in points:
        points = [entry.point, *points]
    form.point_id.choices = [(p.id, local_name(p)) for p in points]
    if formdata is None and entry is None:
        form.form_token.data = new_form_token()
        form.served_on.data, form.mode.data = clock.today(), Mode.ON_SITE.value
        form.category.data, form.referral.data = Category.CONSULTATION.value, Referral.NONE.value
        if session is not None:  # 一次一记: the visit's day, hours as checked in and out, the place
            form.session_id.data, form.point_id.data = str(session.id), session.point_id
            form.served_on.data = session.on
            start = session.checked_in_at.astimezone(BEIJING).time() if session.checked_in_at else session.starts_at
            end = session.checked_out_at.astimezone(BEIJING).time() if session.checked_out_at else session.ends_at
            form.starts_at.data, form.ends_at.data = start.replace(second=0, microsecond=0), end.replace(
                second=0, microsecond=0)
            form.place.data = local_name(session.point)
        else:
            now = clock.beijing_now().replace(second=0, microsecond=0)
            form.starts_at.data = time(max(now.hour - 1, 0), 0)
            form.ends_at.data = time(now.hour, now.minute)
    if entry is not None and formdata is None:
        form.version.data = str(entry.version)
        form.mode.data, form.category.data, form.referral.data = (entry.mode.value, entry.category.value,
                                                                  entry.referral.value)
    return form


def _values(form) -> dict:
    return {"served_on": form.served_on.data, "starts_at": form.starts_at.data, "ends_at": form.ends_at.data,
            "place": form.place.data, "persons": form.persons.data, "mode": Mode(form.mode.data),
            "category": Category(form.category.data), "content": form.content.data, "result": form.result.data,
            "referral": Referral(form.referral.data)}


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Write an entry, on a phone: from a visit (?session=) or for a matter."""
    if not current_scope().has(Role.LAWYER):
        abort(403)
    session = None
    session_id = request.values.get("session", type=db_id) or request.form.get("session_id", type=db_id)
    if session_id:
        session = db.session.get(DutySession, session_id)
        if session is None or session.lawyer_id != current_user.id:
            abort(404)
    form = _entry_form(request.form if request.method == "POST" else None, session=session)
    if form.validate_on_submit():
        point = db.session.get(ServicePoint, form.point_id.data)
        with service_errors(form, default="content") as done:
            entry, made = services.create_entry(
                lawyer=current_user, point=point, session=session, form_token=form.form_token.data,
                submit=bool(form.submit.data), today=clock.today(), **_values(form))
        if done:
            db.session.commit()
            flash(_("已保存。") if made else _("这条记录已经保存过了（重复提交只算一次）。"), "success")
            return redirect(url_for("worklog.show", entry_id=entry.id, saved=form.form_token.data), 303)
    return render_page("worklog/form.html", form=form, session=session, entry=None, status=form_status(form))


@bp.route("/<int:entry_id>")
@login_required
def show(entry_id: int):
    """One entry, its countersignature and its corrections (the original stays as written)."""
    return _show(_entry(entry_id), amend_form=AmendForm(), saved=request.args.get("saved", "")[:64])


def _show(entry: WorkLogEntry, *, amend_form: AmendForm, saved: str = "", status: int = 200):
    """The entry page; who may edit, sign or correct is decided by the services, not by the template."""
    return render_page("worklog/show.html", e=entry, sign=SignForm(), amend_form=amend_form,
                       form=amend_form if amend_form.errors else None, actions=_actions(entry),
                       slip=services.has_referral_slip(entry), saved=saved, current=services.current, status=status)


@bp.route("/<int:entry_id>/edit", methods=["GET", "POST"])
@login_required
def edit(entry_id: int):
    """Change a draft or a submitted entry (its author), until it is countersigned."""
    entry = _entry(entry_id)
    may = _actions(entry)
    if EntryAction.EDIT not in may:
        abort(403)
    if not may[EntryAction.EDIT]:
        flash(_("已签字确认的记录不能直接修改，请提交更正。"), "error")
        return redirect(url_for("worklog.show", entry_id=entry.id), 303)
    form = _entry_form(request.form if request.method == "POST" else None, entry=entry)
    if form.validate_on_submit():
        with service_errors(form, default="content") as done:
            services.update_entry(entry, actor=current_user, version=request.form.get("version", type=small_int),
                                  submit=bool(form.submit.data), today=clock.today(),
                                  point_id=form.point_id.data, **_values(form))
        if done:
            db.session.commit()
            flash(_("已保存。"), "success")
            return redirect(url_for("worklog.show", entry_id=entry.id), 303)
    return render_page("worklog/form.html", form=form, session=entry.session, entry=entry,
                       status=form_status(form))


def _seen(entries: list[WorkLogEntry]) -> str:
    """What a confirmation page showed: each entry and its version (a change since then shows the page again)."""
    return ",".join(f"{e.id}:{e.version}" for e in sorted(entries, key=lambda e: e.id))


def _next() -> str | None:
    return request.values.get("next")


@bp.route("/<int:entry_id>/countersign", methods=["GET", "POST"])
@login_required
def countersign(entry_id: int):
    """Countersign one entry, on a page that shows it and says it cannot be changed afterwards; only its
    confirm button (a POST) signs."""
    entry = _entry(entry_id)
    if EntryAction.COUNTERSIGN not in _actions(entry):
        abort(403)
    form = SignForm()
    changed = False
    if form.validate_on_submit() and form.confirm.data:
        changed = form.version.data != str(entry.version)
        if not changed:
            done = services.countersign([entry], actor=current_user)
            db.session.commit()
            if done:
                flash(_("已签字确认。"), "success")
            else:
                flash(_("这条记录不需要签字（草稿或已签字）。"), "info")
            return redirect(safe_next(_next(), url_for("worklog.show", entry_id=entry.id)), 303)
    if not _actions(entry)[EntryAction.COUNTERSIGN]:  # signed (or back to a draft) since the link was shown
        flash(_("这条记录不需要签字（草稿或已签字）。"), "info")
        return redirect(url_for("worklog.show", entry_id=entry.id), 303)
    form.version.data = str(entry.version)
    return render_page("worklog/countersign.html", entries=[entry], sign=form, changed=changed, next=_next(),
                       back=safe_next(_next(), url_for("worklog.show", entry_id=entry.id)),
                       current=services.current, status=409 if changed else 200)


@bp.route("/sessions/<int:session_id>/countersign", methods=["GET", "POST"])
@login_required
def countersign_visit(session_id: int):
    """Countersign all entries of one visit at once, on a page that lists them first."""
    session = db.session.get(DutySession, session_id) or abort(404)
    entries = [e for e in services.entries_of_visit(session) if EntryAction.COUNTERSIGN in _actions(e)]
    if not entries:
        abort(403)
    form = SignForm()
    waiting = [e for e in entries if _actions(e)[EntryAction.COUNTERSIGN]]
    changed = False
    if form.validate_on_submit() and form.confirm.data:
        changed = form.seen.data != _seen(waiting)
        if not changed:
            done = services.countersign(waiting, actor=current_user)
            db.session.commit()
            flash(_("已签字确认 %(n)d 条记录。", n=done), "success")
            return redirect(url_for("worklog.index"), 303)
    if not waiting:
        flash(_("这次来村的记录都不需要签字（草稿或已签字）。"), "info")
        return redirect(url_for("worklog.index"), 303)
    form.seen.data = _seen(waiting)
    return render_page("worklog/countersign.html", entries=waiting, sign=form, changed=changed, visit=session,
                       back=url_for("worklog.index"), next=None, current=services.current,
                       status=409 if changed else 200)


@bp.route("/<int:entry_id>/referral.pdf")
@login_required
def referral(entry_id: int):
    """法律援助转介单: the slip the resident takes to the legal-aid centre (?lang=ug for Uyghur)."""
    entry = _entry(entry_id)
    if not services.has_referral_slip(entry):
        abort(404)
    county = org_services.county_of(entry.point.unit)
    pdf = render_pdf_in(request.args.get("lang"), "worklog/pdf_referral.html", e=entry, current=services.current,
                        number=f"{entry.served_on:%Y}-{entry.id:05d}", hotline=current_app.config["HOTLINE"],
                        county=county)
    return send_file(BytesIO(pdf), mimetype="application/pdf", download_name=f"referral-{entry.id}.pdf")


@bp.route("/<int:entry_id>/amend", methods=["POST"])
@login_required
def amend(entry_id: int):
    """A correction to a countersigned entry, with the reason."""
    entry = _entry(entry_id)
    if EntryAction.AMEND not in _actions(entry):
        abort(403)
    form = AmendForm()
    if form.validate_on_submit():
        with service_errors(form, default="new_value") as done:
            services.amend(entry, field=form.field.data, new_value=form.new_value.data, reason=form.reason.data,
                           actor=current_user)
        if done:
            db.session.commit()
            flash(_("更正已记录，原内容保留。"), "success")
            return redirect(url_for("worklog.show", entry_id=entry.id), 303)
    return _show(entry, amend_form=form, status=form_status(form))
