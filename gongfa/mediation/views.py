"""Mediation pages: the case list, intake (at the window or from a sign-up), the case and its steps, the file."""

from io import BytesIO

from flask import abort, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError

from gongfa import clock
from gongfa.auth.scope import current_scope, roles_required
from gongfa.db import db
from gongfa.i18n import DEFAULT_LOCALE, LOCALES, _l
from gongfa.mediation import bp, codes, documents, exports, services
from gongfa.mediation.categories import categories, category_title
from gongfa.mediation.forms import (
    AgreementForm,
    CaseActionForm,
    CaseForm,
    CaseRateForm,
    DateForm,
    FollowUpForm,
    RecordForm,
    RefuseForm,
    TerminateForm,
)
from gongfa.mediation.models import AgreementKind, CaseSource, CaseStatus, FollowUp, MediationParty, PartySide
from gongfa.mediation.services import CASE_STAFF, IDENTITY, READERS
from gongfa.org import services as org_services
from gongfa.org.models import PointKind, ServicePoint
from gongfa.people.display import person_text
from gongfa.people.models import User
from gongfa.ratings.models import RatingValue
from gongfa.signup import services as signup_services
from gongfa.signup.models import Booking
from gongfa.web.outcomes import form_status, service_errors
from gongfa.web.params import db_id, small_int
from gongfa.web.pdf import render_pdf_in
from gongfa.web.rendering import current_locale_code, local_name, mask_id, mask_phone, render_page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
bp.add_app_template_global(category_title, "category_title")
for _helper in (codes.ethnicity_title, codes.occupation_title, codes.performance_title, codes.language_title):
    bp.add_app_template_global(_helper)


def _case(case_id: int, step: str | None = None):
    """The case (else 404) if the person reads it, or with ``step``, may take that step on it (else 403)."""
    case = services.load(case_id) or abort(404)
    scope = current_scope()
    if not (services.may(case, step, scope=scope) if step else scope.covers(case.point.unit, *READERS)):
        abort(403)
    return case


def _needs_identity(case) -> bool:
    return services.may(case, "reveal", scope=current_scope())


def _version() -> int | None:
    return request.form.get("version", type=small_int)


@bp.route("/")
@roles_required(*READERS)
def cases():
    """Cases at the committees in scope; those open more than 30 days are flagged."""
    wanted = request.args.get("status", "")
    wanted = wanted if wanted in CaseStatus._value2member_map_ else ""
    found = services.cases_in(current_scope().unit_filter(*READERS), status=CaseStatus(wanted) if wanted else None)
    return render_page("mediation/list.html", cases=found, today=clock.today(), wanted=wanted,
                       statuses=list(CaseStatus), can_open=current_scope().has(*CASE_STAFF))


@bp.route("/cases.xlsx")
@roles_required(*READERS)
def cases_xlsx():
    """The cases in scope (the list's status filter applies) as a workbook: codes beside their titles."""
    wanted = request.args.get("status", "")
    status = CaseStatus(wanted) if wanted in CaseStatus._value2member_map_ else None
    found = services.cases_in(current_scope().unit_filter(*READERS), status=status, limit=5000)
    return send_file(BytesIO(exports.cases_workbook(found)), mimetype=XLSX, download_name="mediation-cases.xlsx")


def _intake_form(formdata=None, booking: Booking | None = None, *, with_phone: bool = False):
    form = CaseForm(formdata=formdata)
    points = org_services.points_in(current_scope().unit_filter(*CASE_STAFF), (PointKind.STUDIO, PointKind.STATION))
    form.point_id.choices = [(p.id, local_name(p)) for p in points]
    form.category.choices = [("", "—")] + categories()
    if formdata is None:
        form.applied_on.data = clock.today()
        form.source.data = CaseSource.APPLICATION.value
        if booking is not None:
            form.booking_id.data = str(booking.id)
            form.a_name.data, form.summary.data = booking.name, booking.description
            # The full number only for the committee's own people, and their look is recorded (the bureau may
            # register a case, but asks the committee or the party for the number).
            form.a_phone.data = booking.phone if with_phone else ""
            home = booking.session.point if booking.session.point.kind == PointKind.STUDIO else None
            form.point_id.data = home.id if home else None
        elif points:
            form.point_id.data = points[0].id
    return form


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*CASE_STAFF)
def case_new():
    """Register a case: at the window, or from a resident's mediation sign-up (?booking=)."""
    booking = None
    booking_id = request.values.get("booking", type=db_id) or request.form.get("booking_id", type=db_id)
    if booking_id:
        booking = db.session.get(Booking, booking_id)
        if booking is None or not current_scope().covers(booking.session.point.unit, *CASE_STAFF):
            abort(404)
    with_phone = booking is not None and request.method == "GET" and bool(booking.phone) and \
        current_scope().covers(booking.session.point.unit, *IDENTITY)
    form = _intake_form(request.form if request.method == "POST" else None, booking, with_phone=with_phone)
    if with_phone:
        signup_services.record_phone_shown(booking, actor=current_user, reason="mediation.intake")
        db.session.commit()
    if form.validate_on_submit():
        point = db.session.get(ServicePoint, form.point_id.data)
        parties = [{"side": side, **{k: getattr(form, f"{prefix}_{k}").data for k in services.PARTY_FIELDS}}
                   for prefix, side in (("a", PartySide.APPLICANT), ("r", PartySide.RESPONDENT))]
        with service_errors(form, default="summary") as done:
            case = services.open_case(point=point, source=CaseSource(form.source.data), category=form.category.data,
                                      summary=form.summary.data, requests=form.requests.data,
                                      applied_on=form.applied_on.data, parties=parties, actor=current_user,
                                      booking=booking)
        if done:
            db.session.commit()
            flash(_("已登记：%(number)s", number=case.number), "success")
            return redirect(url_for("mediation.case_show", case_id=case.id), 303)
    return render_page("mediation/new.html", form=form, booking=booking, party_fields=services.PARTY_FIELDS,
                       status=form_status(form))


def _show(case, *, status: int = 200, revealed: int | None = None, **forms):
    today = clock.today()
    actions = services.allowed_actions(case, scope=current_scope())
    accept_form = CaseActionForm(version=case.version)
    accept_form.mediator_id.choices = ([(u.id, person_text(u)) for u in services.mediators_for(case, clock.today())]
                                       if "accept" in actions else [])
    defaults = {
        "record_form": RecordForm(version=case.version, held_on=today),
        "agreement_form": AgreementForm(version=case.version, effective_on=today),
        "date_form": DateForm(version=case.version, on=today),
        "follow_form": FollowUpForm(version=case.version, done_on=today),
        "accept_form": accept_form, "rate_form": CaseRateForm(),
    }
    defaults.update(forms)
    return render_page("mediation/case.html", case=case, actions=actions, revealed=revealed, today=today,
                       rating=services.rating_of(case), status=status, **defaults)


@bp.route("/<int:case_id>")
@login_required
def case_show(case_id: int):
    """The case: parties (numbers masked), its steps so far, what can be done next."""
    return _show(_case(case_id))


# What each step says once it is done (the page it leads back to shows it, with JavaScript on or off).
DONE = {
    services.accept: _l("已受理。"),
    services.party_refuses: _l("已记录一方拒绝调解，案件结束。"),
    services.terminate: _l("已终止调解，并记录已告知当事人可以通过其他途径解决。"),
    services.add_record: _l("调解记录已保存。"),
    services.record_agreement: _l("调解协议已保存。"),
    services.mark_performed: _l("已记录协议履行。"),
    services.close: _l("已结案。"),
}


def _run(case, form, action, values, *, default: str, done_message=None):
    """Run a validated step: done → commit, say so and go back to the case; a refusal → None (the message is next
    to its field, ``default`` when it names none); a change saved meanwhile by someone else → said on the case."""
    try:
        with service_errors(form, default=default) as done:
            action(case, actor=current_user, version=_version(), **values(form))
    except StaleDataError:
        flash(str(services.StaleCaseError().message), "error")
        return redirect(url_for("mediation.case_show", case_id=case.id), 303)
    if not done:
        return None
    db.session.commit()
    flash(str(done_message or DONE[action]), "success")
    return redirect(url_for("mediation.case_show", case_id=case.id), 303)


def _step(case, form, action, field_errors_to: str, values, *, done_message=None):
    """Validate a step's form and run it: the one place in this module where a refusal becomes the message next
    to the field (422), and a change someone else saved in the same moment a plain message on the case."""
    if form.validate_on_submit():
        response = _run(case, form, action, values, default="submit", done_message=done_message)
        if response is not None:
            return response
    return _show(case, status=form_status(form), form=form, **{field_errors_to: form})


@bp.route("/<int:case_id>/accept", methods=["POST"])
@login_required
def case_accept(case_id: int):
    """受理, naming the mediator."""
    case = _case(case_id, "accept")
    form = CaseActionForm()
    form.mediator_id.choices = [(u.id, person_text(u)) for u in services.mediators_for(case, clock.today())]
    return _step(case, form, services.accept, "accept_form",
                 lambda f: {"mediator": db.session.get(User, f.mediator_id.data) if f.mediator_id.data in
                            [c for c, _ in f.mediator_id.choices] else None, "today": clock.today()})


def _ending(case, form, action, template: str, values, *, step: str):
    """Refusal or termination, which end the case: their own page with their own reason asks first (a GET, or a
    POST without its confirm button, changes nothing); the confirm POST ends the case."""
    if request.method == "POST" and form.confirm.data and form.validate_on_submit():
        response = _run(case, form, action, values, default="reason")
        if response is not None:
            return response
    elif request.method == "GET":
        form.version.data = str(case.version)
    # A POST without the confirm button (the case page's old one-box form) brings the question up, keeping
    # what was typed; CSRF is checked for every POST before any view runs (CSRFProtect).
    return render_page(template, case=case, form=form, step=step, status=form_status(form))


@bp.route("/<int:case_id>/refuse", methods=["GET", "POST"])
@login_required
def case_refuse(case_id: int):
    """A party refuses mediation (Art. 17): the case ends, asked on a page of its own."""
    case = _case(case_id, "refuse")
    return _ending(case, RefuseForm(), services.party_refuses, "mediation/end.html",
                   lambda f: {"reason": f.reason.data, "today": clock.today()}, step="refuse")


@bp.route("/<int:case_id>/terminate", methods=["GET", "POST"])
@login_required
def case_terminate(case_id: int):
    """Mediation failed (Art. 26): terminated, asked on a page of its own."""
    case = _case(case_id, "terminate")
    return _ending(case, TerminateForm(), services.terminate, "mediation/end.html",
                   lambda f: {"reason": f.reason.data}, step="terminate")


@bp.route("/<int:case_id>/record", methods=["POST"])
@login_required
def case_record(case_id: int):
    """Add a mediation session's record."""
    case = _case(case_id, "record")
    return _step(case, RecordForm(), services.add_record, "record_form",
                 lambda f: {"held_on": f.held_on.data, "place": f.place.data or "", "present": f.present.data or "",
                            "content": f.content.data, "content_alt": f.content_alt.data or ""})


@bp.route("/<int:case_id>/agreement", methods=["POST"])
@login_required
def case_agreement(case_id: int):
    """Record the agreement, written or oral."""
    case = _case(case_id, "agreement")
    return _step(case, AgreementForm(), services.record_agreement, "agreement_form",
                 lambda f: {"kind": AgreementKind(f.kind.data), "facts": f.facts.data, "clauses": f.clauses.data,
                            "facts_alt": f.facts_alt.data or "", "clauses_alt": f.clauses_alt.data or "",
                            "performance": f.performance.data or "", "due": f.due.data,
                            "effective_on": f.effective_on.data, "today": clock.today()})


@bp.route("/<int:case_id>/performed", methods=["POST"])
@login_required
def case_performed(case_id: int):
    """The agreement was carried out."""
    case = _case(case_id, "performed")
    return _step(case, DateForm(), services.mark_performed, "date_form", lambda f: {"on": f.on.data})


@bp.route("/<int:case_id>/follow-up/<int:follow_id>", methods=["POST"])
@login_required
def case_follow_up(case_id: int, follow_id: int):
    """Write down the follow-up visit."""
    case = _case(case_id, "follow_up")
    follow = db.session.get(FollowUp, follow_id)
    if follow is None or follow.case_id != case.id:
        abort(404)
    return _step(case, FollowUpForm(), lambda c, **kw: services.record_follow_up(follow, **kw), "follow_form",
                 lambda f: {"done_on": f.done_on.data, "content": f.content.data},
                 done_message=_("回访记录已保存。"))


@bp.route("/<int:case_id>/close", methods=["POST"])
@login_required
def case_close(case_id: int):
    """结案."""
    case = _case(case_id, "close")
    form = CaseActionForm()
    form.mediator_id.choices = []
    return _step(case, form, services.close, "accept_form", lambda f: {"today": clock.today()})


@bp.route("/<int:case_id>/rate", methods=["POST"])
@login_required
def case_rate(case_id: int):
    """一事一评 of the closed case, as the party gave it."""
    case = _case(case_id, "rate")
    form = CaseRateForm()
    if not form.validate_on_submit():
        return _show(case, status=form_status(form), form=form, rate_form=form)
    with service_errors(form) as done:
        services.rate(case, value=RatingValue(form.value.data), comment=form.comment.data, actor=current_user)
    if done:
        db.session.commit()
        flash(_("评价已记录。"), "success")
    else:  # rated already, or not closed: the page has no rating form to put the message beside
        flash(str(done.error.message), "error")
    return redirect(url_for("mediation.case_show", case_id=case.id), 303)


@bp.route("/<int:case_id>/parties/<int:party_id>/reveal", methods=["POST"])
@login_required
def party_reveal(case_id: int, party_id: int):
    """Show one party's full phone and ID numbers to the committee's own staff; the look is audited."""
    case = _case(case_id)
    if not services.is_staff(case, scope=current_scope()):
        abort(403)
    party = db.session.get(MediationParty, party_id)
    if party is None or party.case_id != case.id:
        abort(404)
    if not _needs_identity(case):
        abort(403)
    if not CaseActionForm().validate_on_submit():
        abort(400)
    services.reveal(case, party, actor=current_user)
    db.session.commit()
    return _show(case, revealed=party.id)


def _print(case, template: str, download_name: str):
    """A case's document: bilingual (Chinese and the language a party chose) or in the language asked for."""
    identity = _needs_identity(case)
    parties = [{"p": p, "phone": p.phone if identity else mask_phone(p.phone),
                "id_number": p.id_number if identity else mask_id(p.id_number)} for p in case.parties]
    second = case.second_language
    lang = DEFAULT_LOCALE if second else request.args.get("lang")
    lang = lang if lang in LOCALES else current_locale_code()
    pdf = render_pdf_in(lang, template, case=case, parties=parties, rating=services.rating_of(case),
                        **documents.helpers(second, lang))
    services.record_file_print(case, actor=current_user, full_numbers=identity)
    db.session.commit()
    return send_file(BytesIO(pdf), mimetype="application/pdf", download_name=download_name)


@bp.route("/<int:case_id>/file.pdf")
@login_required
def case_file(case_id: int):
    """The case file (卷宗) in the MoJ order: in Chinese and the language a party chose, else in Chinese or the
    language asked for (?lang=ug)."""
    case = _case(case_id)
    return _print(case, "mediation/pdf/file.html", f"mediation-{case.year}-{case.seq}.pdf")


@bp.route("/<int:case_id>/agreement.pdf")
@login_required
def agreement_pdf(case_id: int):
    """The agreement (人民调解协议书) for the parties to sign: bilingual where a party chose Uyghur or Kazakh."""
    case = _case(case_id)
    if case.agreement_kind is None:
        abort(404)
    return _print(case, "mediation/pdf/agreement.html", f"agreement-{case.year}-{case.seq}.pdf")
