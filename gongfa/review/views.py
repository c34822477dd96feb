"""The audit trail's pages: search and read events, export them (bureau admins and auditors, 等保2.0 8.1.4.3).

A prefecture-level admin or auditor reads every event; a county's read the events about their county.
"""

from io import BytesIO

from flask import current_app, redirect, request, send_file, url_for
from flask_babel import gettext as _

from gongfa import clock
from gongfa.audit import services as audit
from gongfa.auth.scope import current_scope, roles_required
from gongfa.db import db, utcnow
from gongfa.people.models import Role
from gongfa.review import bp, exports, readable, services
from gongfa.review.forms import AuditSearchForm, NumberCheckForm
from gongfa.web.outcomes import form_status
from gongfa.web.params import db_id
from gongfa.web.rendering import render_page

READERS = (Role.BUREAU_ADMIN, Role.AUDITOR)
PAGE = 50


def _reach() -> set[str] | None:
    """Unit paths whose events the user reads; None for the prefecture (the top of the tree): everything,
    including events about no unit (a failed login with an unknown name, a national holiday import)."""
    paths = current_scope().paths(*READERS)
    return None if any(p.strip("/").count("/") == 0 for p in paths) else paths


def _form() -> AuditSearchForm:
    form = AuditSearchForm(formdata=request.args)
    if request.args:
        form.validate()
    return form


def _search_args() -> dict:
    """The search as query arguments (for the export link and the next page)."""
    return {k: v for k, v in request.args.items() if k != "before" and v}


@bp.route("/", methods=["GET", "POST"])
@roles_required(*READERS)
def events():
    """The trail, newest first: search by person, object, action, dates or a number; 50 at a time.

    A number to check comes by POST and goes on as its digest: the full number never sits in an address,
    the browser's history or a server log.
    """
    check = NumberCheckForm()
    if check.validate_on_submit():
        return redirect(url_for("audit.events", **{**_search_args(),
                                                   "digest": audit.value_digest(check.number.data)}), 303)
    form = _form()
    before = request.args.get("before", type=db_id)
    found = [] if form.errors else services.search(paths=_reach(), **form.filters(), before_seq=before, limit=PAGE)
    more = len(found) > PAGE
    found = found[:PAGE]
    units = services.units_on({e.unit_path for e in found})
    rows = [(e, e.at.astimezone(clock.BEIJING).strftime("%Y-%m-%d %H:%M:%S"), readable.action_title(e.action),
             readable.object_title(e.object_type), units.get(e.unit_path), readable.changes(e.before, e.after))
            for e in found]
    return render_page("audit/events.html", form=check if check.errors else form, search_form=form, check=check,
                       rows=rows, search=_search_args(),
                       without_digest={k: v for k, v in _search_args().items() if k != "digest"},
                       next_before=found[-1].seq if more else None, first_page=before is None,
                       max_rows=current_app.config["AUDIT_EXPORT_MAX_ROWS"],
                       status=form_status(form, check))


@bp.route("/export.xlsx")
@roles_required(*READERS)
def export():
    """The events the search finds, as a workbook (at most AUDIT_EXPORT_MAX_ROWS); the export is audited."""
    form = _form()
    if form.errors:
        return render_page("audit/events.html", form=form, search_form=form, check=NumberCheckForm(), rows=[],
                           search={}, without_digest={}, next_before=None, first_page=True,
                           max_rows=current_app.config["AUDIT_EXPORT_MAX_ROWS"], status=422)
    cap = current_app.config["AUDIT_EXPORT_MAX_ROWS"]
    found = services.search(paths=_reach(), **form.filters(), limit=cap)
    capped = len(found) > cap
    found = found[:cap]
    workbook = exports.events_workbook(found, services.units_on({e.unit_path for e in found}), capped=capped,
                                      cap=cap, generated=utcnow(), search_url=url_for("audit.events", **_search_args()))
    audit.record_export(filters=form.filters(), rows=len(found), capped=capped)
    db.session.commit()
    stamp = clock.beijing_now().strftime("%Y%m%d-%H%M")
    return send_file(BytesIO(workbook), as_attachment=True, download_name="{}-{}.xlsx".format(_("审计日志"), stamp),
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
