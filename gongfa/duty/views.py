"""Duty pages: the lawyer's visits on a phone, the officer's village, the head's month, compliance.

The compliance and holiday functions are imported by name: the pages compliance() and holidays() below
carry their modules' names.
"""

import calendar
from datetime import date, time, timedelta
from io import BytesIO
from urllib.parse import urlsplit

from flask import abort, flash, make_response, redirect, request, send_file, url_for
from flask import session as browser_session
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError

from gongfa import clock
from gongfa.auth.scope import MANAGERS, READERS, current_scope, require_unit, roles_required
from gongfa.db import db
from gongfa.duty import actions, attendance, bp, exports, feeds, generation, queries, substitution
from gongfa.duty.actions import SUPERVISORS
from gongfa.duty.compliance import FLAG_TITLES, lawyer_hours, village_months
from gongfa.duty.forms import (
    ActionForm,
    DeclineForm,
    ExtraSessionForm,
    HolidayForm,
    ProposeForm,
    RuleForm,
    SubstituteForm,
    SwapForm,
)
from gongfa.duty.holidays import add_holiday, holiday_title, holidays_between
from gongfa.duty.models import DutySession, ExtraKind, HolidayPolicy, HolidayScope, RuleKind, SessionStatus
from gongfa.errors import ServiceError
from gongfa.i18n import _l
from gongfa.org import services as org_services
from gongfa.org.models import PointKind, ServicePoint, Unit, UnitLevel
from gongfa.people import services as people_services
from gongfa.people.display import person_text
from gongfa.people.models import Role
from gongfa.web import htmx
from gongfa.web.forms import grouped_choices
from gongfa.web.outcomes import field_error, form_status, service_errors
from gongfa.web.params import page_arg, safe_next, small_int
from gongfa.web.rendering import fmt_date, join_text, local_name, render_page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# A template global (not a context variable) so that imported macros such as the session card see it.
bp.add_app_template_global(holiday_title, "holiday_title")
bp.add_app_template_global(attendance.session_flags, "session_flags")  # shown on the card before countersigning


def _session(session_id: int) -> DutySession:
    session = db.session.get(DutySession, session_id) or abort(404)
    if not (session.lawyer_id == current_user.id or current_scope().covers(session.point.unit)):
        abort(403)
    return session


def _may(session: DutySession, action: str) -> bool:
    """Whether the person may take ``action`` on the session at all (else 403): asked of the actions module."""
    return actions.may(session, action, user=current_user, scope=current_scope())


def actions_for(session: DutySession) -> set[str]:
    """The actions the person can take on the session now: the buttons its card shows."""
    return actions.allowed_actions(session, user=current_user, scope=current_scope(), today=clock.today())


def _version() -> int | None:
    return request.form.get("version", type=small_int)


def _back(default: str) -> str:
    return safe_next(request.form.get("next") or request.args.get("next"), default)


# What the card says after each action (the swap, the decline and a proposed date say more, below).
SAID = {
    "accept": _l("已接受。"),
    "check_in": _l("已签到。"),
    "check_out": _l("已签退。请写本次工作日志。"),
    "countersign": _l("已签字确认。"),
    "substitute": _l("已安排替班。"),
}
_NOTICE = "duty_notice"  # in the browser's session: what to say at the card the next page shows (no JavaScript)


def _tell(session: DutySession, text: str, *, error: bool = False) -> None:
    """Leave a message for the card of ``session`` on the page the person goes back to."""
    browser_session[_NOTICE] = {"id": session.id, "text": str(text), "error": error}


def _notice() -> dict | None:
    """The message left for a card (said once), for pages that show session cards."""
    return browser_session.pop(_NOTICE, None)


def _heading_level(back: str) -> int:
    """Cards sit under the section headings of My visits (h3), directly under a page's h1 elsewhere (h2)."""
    return 3 if urlsplit(back).path == url_for("duty.my") else 2


def _card(session: DutySession, *, status: int = 200, error: str = "", notice: str = ""):
    """The session card alone (an htmx swap), ≤ 3 KB compressed: its new state, what happened (also into the
    page's live region) and focus on its heading."""
    back = _back("")
    return render_page("duty/card.html", s=session, actions=actions_for(session), error=error, notice=notice,
                       back=back, level=_heading_level(back), log=_log_waits(session), today=clock.today(),
                       status=status)


def _log_waits(session: DutySession) -> bool:
    """The lawyer looking at her session is done there and has not written its work log yet."""
    return (session.lawyer_id == current_user.id and session.status in (SessionStatus.DONE,
                                                                        SessionStatus.COUNTERSIGNED)
            and not queries.has_log(session))


def _after_action(session: DutySession, error: str = "", notice: str = ""):
    """Answer an action so that the person stays at the card she acted on and learns what happened.

    A button on the card (htmx aimed at the card) gets the card alone. Anything else (a page of its own such as
    decline, propose or swap, boosted or not) goes back to the whole page it came from, at the card, which
    then shows the message: with htmx by HX-Location (a redirect followed inside XMLHttpRequest loses the
    #fragment), without JavaScript by a 303.
    """
    card_id = f"session-{session.id}"
    if htmx.targets(card_id):
        return _card(session, status=409 if error else 200, error=error, notice=notice)
    _tell(session, error or notice, error=bool(error))
    url = _back(url_for("duty.session_show", session_id=session.id)).split("#", 1)[0] + "#" + card_id
    if htmx.is_htmx():
        return htmx.add_vary(htmx.hx_location(make_response("", 200), url))
    return redirect(url, 303)


def _run(session: DutySession, action, *, form=None, said: str | None = None, **kwargs):
    """Run one action on the session: the one place in this module where a refusal (a broken rule, or someone
    else's change since the page was loaded) becomes the message on the card, never a 500.

    With ``form``, a refusal that names one of its fields (the lawyer chosen is already on duty elsewhere then)
    goes next to that field instead, and None is returned: the caller shows the form again (422). ``said`` is
    what the card says on success (else the action's entry in SAID).
    """
    try:
        with db.session.begin_nested():  # a refusal undoes the action's work only
            action(session, actor=current_user, version=_version(), **kwargs)
    except StaleDataError:
        error = actions.StaleSessionError()
    except ServiceError as caught:
        error = caught
    else:
        db.session.commit()
        return _after_action(session, notice=said if said is not None else str(SAID.get(action.__name__, "")))
    db.session.refresh(session)  # what is there now, not what the person saw
    if form is not None and error.field in form._fields:
        field_error(form, error.message, error.field)
        return None
    return _after_action(session, str(error.message))


# --- the lawyer --------------------------------------------------------------------------------


@bp.route("/my")
@roles_required(Role.LAWYER)
def my():
    """My visits: first what waits for me now, then this week and next; later and earlier ones behind a link."""
    today = clock.today()
    show = request.args.get("show")
    if show in ("later", "past"):
        page = queries.lawyer_sessions_page(current_user, page=page_arg(), **(
            {"later_than": queries.my_visits_soon_last(today)} if show == "later" else {"before": today}))
        sessions, visits = page.items, None
    else:
        show, page = None, None
        visits = queries.my_visits(current_user, today=today)
        sessions = visits.waiting + visits.soon
    notice, acted = _notice(), None
    if notice and notice["id"] not in {s.id for s in sessions}:
        # The card she just acted on has moved out of this list (accepted for later this month, handed over):
        # without JavaScript she still lands at it and reads what happened, at the top.
        acted = db.session.get(DutySession, notice["id"])
        if acted is not None and (acted.lawyer_id == current_user.id or current_scope().covers(acted.point.unit)):
            sessions = [acted, *sessions]
        else:
            acted = None
    return render_page("duty/my.html", visits=visits, page=page, show=show, today=today, notice=notice,
                       acted=acted, actions={s.id: actions_for(s) for s in sessions})


@bp.route("/sessions/<int:session_id>")
@login_required
def session_show(session_id: int):
    """One session: where, when, who, status, and its whole history."""
    session = _session(session_id)
    return _show_session(session, _propose_form(session) if "propose" in actions_for(session) else None)


def _show_session(session: DutySession, propose_form: ProposeForm | None, *, status: int = 200):
    today = clock.today()
    return render_page("duty/session.html", s=session, actions=actions_for(session), propose_form=propose_form,
                       history=queries.load_history(session), today=today, back=_back(""), notice=_notice(),
                       form=propose_form if propose_form is not None and propose_form.errors else None,
                       may_log=session.lawyer_id == current_user.id and session.on <= today, status=status)


@bp.route("/sessions/<int:session_id>/<any(accept, check_in, check_out, countersign):action>", methods=["POST"])
@login_required
def session_action(session_id: int, action: str):
    """A one-tap action: accept, check in, check out, or countersign (works without JavaScript)."""
    session = _session(session_id)
    if not _may(session, action):
        abort(403)
    if not ActionForm().validate_on_submit():
        abort(400)
    return _run(session, getattr(actions, action))


@bp.route("/sessions/<int:session_id>/decline", methods=["GET", "POST"])
@login_required
def session_decline(session_id: int):
    """Decline with a reason; the station head gets a substitution task."""
    session = _session(session_id)
    if not _may(session, "decline"):
        abort(403)
    form = DeclineForm(version=session.version)
    if form.validate_on_submit():
        response = _run(session, actions.decline, form=form, reason=form.reason.data,
                        said=_("已请求替班，司法所会安排其他律师。"))
        if response is not None:
            return response
    return render_page("duty/decline.html", s=session, form=form, back=_back(""), status=form_status(form))


def _propose_form(session: DutySession, formdata=None) -> ProposeForm:
    form = ProposeForm(formdata=formdata, version=session.version)
    form.on.choices = [(d.isoformat(), fmt_date(d, weekday=True)) for d in
                       actions.allowed_days(session, clock.today())]
    return form


@bp.route("/sessions/<int:session_id>/propose", methods=["POST"])
@login_required
def session_propose(session_id: int):
    """Propose the visit date (lawyer or officer); the other side then accepts it."""
    session = _session(session_id)
    if not _may(session, "propose"):
        abort(403)
    form = _propose_form(session, request.form)
    if form.validate_on_submit():
        on = date.fromisoformat(form.on.data)
        response = _run(session, actions.propose, form=form, on=on, today=clock.today(),
                        said=_("已提议%(date)s，等对方确认。", date=fmt_date(on, weekday=True)))
        if response is not None:
            return response
    return _show_session(session, form, status=form_status(form))


@bp.route("/sessions/<int:session_id>/substitute", methods=["GET", "POST"])
@login_required
def session_substitute(session_id: int):
    """The station head puts another lawyer on a session: the firm's free lawyers first, a reason, then a page
    that says who replaces whom where and when; only its 确认 changes anything."""
    session = _session(session_id)
    if not _may(session, "substitute"):
        abort(403)
    form = SubstituteForm(version=session.version)
    offered = substitution.candidates(session)
    form.lawyer_id.choices = _substitute_choices(offered)
    if form.validate_on_submit() and not form.back.data:
        lawyer = db.session.get(people_services.User, form.lawyer_id.data) or abort(404)
        values = {"actor": current_user, "lawyer": lawyer, "reason": form.reason.data, "version": _version()}
        try:
            with service_errors(form, default="lawyer_id") as done:
                (actions.substitute if form.confirm.data else actions.check_substitute)(session, **values)
        except StaleDataError:  # someone saved the session in the same moment
            flash(str(actions.StaleSessionError().message), "error")
            return redirect(url_for("duty.session_show", session_id=session.id), 303)
        if done and form.confirm.data:
            db.session.commit()
            flash(_("已安排 %(new)s 替班，%(new)s 需要接受这次值班。", new=person_text(lawyer)), "success")
            return redirect(url_for("duty.session_show", session_id=session.id), 303)
        if done:
            return render_page("duty/substitute_confirm.html", s=session, form=form, lawyer=lawyer)
        form.version.data = str(session.version)  # a stale version: the next submit is against what is there now
    return render_page("duty/substitute.html", s=session, form=form, busy=offered.busy, status=form_status(form))


def _by_firm(lawyers) -> dict[str, list]:
    """Lawyers by their firm's name in the reader's language ("" for none), in the order given."""
    groups: dict[str, list] = {}
    for u in lawyers:
        groups.setdefault(local_name(u.law_firm) if u.law_firm else "", []).append(u)
    return groups


def _substitute_choices(offered: substitution.Candidates) -> dict:
    """The substitution form's groups: a placeholder, the firm's free lawyers, others free in the county, and
    the busy ones, disabled, each saying where they are then."""
    firm = join_text(local_name(f) for f in offered.firms)
    groups = {"": [("", _("请选择"))]}
    if offered.firm:
        groups[_("%(firm)s：当时空闲的律师", firm=firm) if firm else _("当时空闲的律师")] = [
            (u.id, person_text(u)) for u in offered.firm]
    # Other firms' lawyers grouped by firm: an option holds text only, so a name and a firm in two scripts in one
    # option could not each be marked with its language (WCAG 3.1.2); a group's label names the firm.
    for firm_name, lawyers in _by_firm(offered.others).items():
        label = _("%(firm)s：当时空闲的律师", firm=firm_name) if firm_name else _("本县（市）其他律所当时空闲的律师")
        groups[label] = [(u.id, person_text(u)) for u in lawyers]
    if offered.busy:
        # Where each is then is said below the list (duty/substitute.html), where the name can be marked.
        groups[_("同一时间已在别处值班，不能选")] = [(u.id, person_text(u), {"disabled": True})
                                                 for u, _s in offered.busy]
    return groups


@bp.route("/sessions/<int:session_id>/swap", methods=["GET", "POST"])
@login_required
def session_swap(session_id: int):
    """The station head exchanges two lawyers' days (换班); both histories keep who was planned."""
    session = _session(session_id)
    if not _may(session, "swap"):
        abort(403)
    form = SwapForm(version=session.version)
    def choices(sessions):
        return [(c.id, f"{fmt_date(c.on, weekday=True)} · {person_text(c.lawyer)}") for c in sessions]

    # Any day of the place's other lawyers is a valid answer (a clash that arose since the form was shown gets
    # its own message from the service); the form offers only the days the two can exchange.
    partners = actions.swap_partners(session, today=clock.today())
    form.other_id.choices = choices(partners)
    if form.validate_on_submit():
        other = db.session.get(DutySession, form.other_id.data) or abort(404)
        response = _run(session, lambda s, **kw: actions.swap(s, other, **kw), form=form,
                        reason=form.reason.data or "",
                        said=_("已换班，这一天由%(name)s值班。", name=person_text(other.lawyer)))
        if response is not None:
            return response
    offered = actions.swap_candidates(session, today=clock.today())
    chosen = [p for p in partners if p.id == form.other_id.data and p not in offered]
    form.other_id.choices = choices(offered + chosen)  # a refused choice stays, with its message beside it
    return render_page("duty/swap.html", s=session, form=form, back=_back(""), status=form_status(form))


# --- the officer and the station head ----------------------------------------------------------------


@bp.route("/villages/<int:unit_id>")
@login_required
def village(unit_id: int):
    """A village's visits: this month's date to accept or change, past visits to countersign."""
    unit = require_unit(db.session.get(Unit, unit_id))
    if unit.level != UnitLevel.VILLAGE:
        abort(404)
    today = clock.today()
    sessions = queries.sessions_at(Unit.id == unit.id, first=today.replace(day=1) - timedelta(days=92),
                                    last=today + timedelta(days=92))
    forms = {s.id: _propose_form(s) for s in sessions if "propose" in actions_for(s)}
    return render_page("duty/village.html", unit=unit, sessions=sessions, today=today, propose_forms=forms,
                       actions={s.id: actions_for(s) for s in sessions}, notice=_notice())


def _month(year: int, month: int) -> date:
    if not (2000 <= year <= 2099 and 1 <= month <= 12):
        abort(404)
    return date(year, month, 1)


@bp.route("/stations/<int:unit_id>/<int:year>/<int:month>")
@roles_required(*READERS)
def station_month(unit_id: int, year: int, month: int):
    """The station's month: Wednesdays and all its villages' visits, with substitution tasks."""
    unit = require_unit(db.session.get(Unit, unit_id), *READERS)
    if unit.level != UnitLevel.TOWNSHIP:
        abort(404)
    first = _month(year, month)
    last = first.replace(day=calendar.monthrange(year, month)[1])
    sessions = queries.sessions_at(Unit.path.startswith(unit.path), first=first, last=last)
    by_day: dict[date, list] = {}
    for s in sessions:
        by_day.setdefault(s.on, []).append(s)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    prev_month = (first - timedelta(days=1)).replace(day=1)
    next_month = last + timedelta(days=1)
    return render_page("duty/station_month.html", unit=unit, first=first, weeks=weeks, by_day=by_day,
                       tasks=queries.substitution_tasks(Unit.path.startswith(unit.path), today=clock.today()),
                       holidays=holidays_between(first, last, unit), prev_month=prev_month,
                       next_month=next_month, today=clock.today())


@bp.route("/stations/<int:unit_id>/<int:year>/<int:month>/roster.pdf")
@login_required
def roster_pdf(unit_id: int, year: int, month: int):
    """The month's duty roster (值班表) for the notice board, in Chinese or the village's language."""
    unit = db.session.get(Unit, unit_id) or abort(404)
    if unit.level != UnitLevel.TOWNSHIP:
        abort(404)
    if not (current_scope().covers(unit) or current_scope().within(unit)):  # its villages print it too
        abort(403)
    first = _month(year, month)
    last = first.replace(day=calendar.monthrange(year, month)[1])
    pdf = exports.roster_pdf(unit, first, last, request.args.get("lang"))
    return send_file(BytesIO(pdf), mimetype="application/pdf",
                     download_name=f"roster-{unit.code}-{year}-{month:02d}.pdf")


@bp.route("/compliance")
@roles_required(*READERS)
def compliance():
    """For each village and month: planned, confirmed, done, countersigned; per lawyer: hours and lectures."""
    today = clock.today()
    try:
        month = date.fromisoformat(request.args.get("month", "") + "-01") if request.args.get("month") else None
    except ValueError:
        month = None
    month = month or today.replace(day=1)
    flt = current_scope().unit_filter(*READERS)
    villages = village_months(flt, month=month, today=today)
    lawyers = lawyer_hours(flt, month=month)
    # This month and the next: about as far as the Wednesdays are generated ahead.
    short_last = (month + timedelta(days=62)).replace(day=1) - timedelta(days=1)
    shortages = queries.shortages(flt, first=month, last=short_last)
    if request.args.get("format") == "xlsx":
        return send_file(BytesIO(exports.compliance_workbook(villages, lawyers, month, shortages)), mimetype=XLSX,
                         as_attachment=True, download_name=f"compliance-{month:%Y-%m}.xlsx")
    return render_page("duty/compliance.html", villages=villages, lawyers=lawyers, month=month,
                       flags=FLAG_TITLES, shortages=shortages, short_last=short_last)


@bp.route("/generate", methods=["POST"])
@roles_required(*SUPERVISORS)
def generate():
    """Generate the coming weeks' and months' sessions for every point in scope (idempotent)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    points = org_services.points_in(current_scope().unit_filter(*SUPERVISORS), (PointKind.STATION, PointKind.STUDIO))
    created = generation.generate_all(first=clock.today(), points=points)
    short = sum(row.short for row in queries.shortages(current_scope().unit_filter(*SUPERVISORS),
                                                       first=clock.today()))
    db.session.commit()
    flash(_("已生成 %(n)d 条新的值班安排；已有的不会重复生成。", n=created), "success")
    if short:
        flash(_("有 %(n)d 次值班没有空闲的律师，已列在“履职情况”的“值班缺律师”中。", n=short), "error")
    return redirect(_back(url_for("home.index")), 303)


@bp.route("/rules/<int:point_id>", methods=["GET", "POST"])
@roles_required(*SUPERVISORS)
def rule_edit(point_id: int):
    """The station's Wednesday rule or the studio's monthly rule: day, hours, what a holiday does."""
    point = db.session.get(ServicePoint, point_id) or abort(404)
    require_unit(point.unit, *SUPERVISORS)
    if point.kind not in (PointKind.STATION, PointKind.STUDIO):
        abort(404)
    rule = generation.rule_of(point)
    kind = RuleKind.WEEKLY if point.kind == PointKind.STATION else RuleKind.MONTHLY
    form = RuleForm(obj=rule) if rule else RuleForm(weekday=2, day_of_month=15, valid_from=clock.today())
    form.weekday.choices = [(i, format_date(date(2026, 11, 23) + timedelta(days=i), "EEEE")) for i in range(7)]
    form.day_of_month.choices = [(d, str(d)) for d in range(1, 29)]
    form.holiday_policy.choices = HolidayPolicy.choices()
    if request.method == "GET" and rule is None:
        form.starts_at.data, form.ends_at.data = time(10, 0), time(14, 0)
    if form.validate_on_submit():
        values = {"weekday": form.weekday.data, "day_of_month": form.day_of_month.data,
                  "starts_at": form.starts_at.data, "ends_at": form.ends_at.data,
                  "holiday_policy": HolidayPolicy(form.holiday_policy.data), "valid_from": form.valid_from.data}
        with service_errors(form, default="starts_at") as done:
            if rule is None:
                generation.create_rule(point=point, kind=kind, **values)
            else:
                generation.update_rule(rule, **values)
        if done:
            db.session.commit()
            flash(_("已保存。新生成的值班会按这条规则安排。"), "success")
            return redirect(url_for("org.unit_show", unit_id=point.unit_id), 303)
    return render_page("duty/rule_form.html", form=form, point=point, kind=kind, status=form_status(form))


@bp.route("/extra/new", methods=["GET", "POST"])
@roles_required(*SUPERVISORS)
def extra_new():
    """Schedule an evening or weekend clinic, a mobile clinic, a home visit or a lecture."""
    form = ExtraSessionForm(on=clock.today() + timedelta(days=7))
    form.extra_kind.choices = ExtraKind.choices()
    form.point_id.choices = [(p.id, f"{p.unit.code} {local_name(p)}") for p in org_services.points_in(
        current_scope().unit_filter(*SUPERVISORS), (PointKind.STATION, PointKind.STUDIO))]
    form.lawyer_id.choices = grouped_choices(_("（无）"), (
        (local_name(u.law_firm) if u.law_firm else "", u.id, person_text(u)) for u in people_services.lawyers()))
    if form.validate_on_submit():
        point = db.session.get(ServicePoint, form.point_id.data) or abort(404)
        require_unit(point.unit, *SUPERVISORS)
        with service_errors(form, default="on") as done:
            session = generation.add_extra_session(
                point=point, extra_kind=ExtraKind(form.extra_kind.data), on=form.on.data,
                starts_at=form.starts_at.data, ends_at=form.ends_at.data,
                lawyer=db.session.get(people_services.User, form.lawyer_id.data) if form.lawyer_id.data else None,
                place=form.place.data or "", actor=current_user)
        if done:
            db.session.commit()
            flash(_("已安排。"), "success")
            return redirect(url_for("duty.session_show", session_id=session.id), 303)
    return render_page("duty/extra_form.html", form=form, status=form_status(form))


# --- holidays ----------------------------------------------------------------------------------


@bp.route("/holidays", methods=["GET", "POST"])
@roles_required(*READERS)
def holidays():
    """Days off this year and next: national (from the package), Xinjiang (from the notice), local."""
    today = clock.today()
    form = HolidayForm()
    # Region-wide days move every county's sessions: only the prefecture's bureau enters them; a county's
    # bureau enters its own local closures.
    regional = current_scope().is_regional(*MANAGERS)
    form.scope.choices = ([(HolidayScope.XINJIANG.value, HolidayScope.XINJIANG.title)] if regional else []) + [
        (HolidayScope.LOCAL.value, HolidayScope.LOCAL.title)]
    form.unit_id.choices = [("", _("（无）"))] + [
        (u.id, local_name(u)) for lvl in (UnitLevel.COUNTY, UnitLevel.TOWNSHIP)
        for u in org_services.units_at(lvl, current_scope().unit_filter(*MANAGERS))]
    can_manage = current_scope().has(*MANAGERS)
    if request.method == "POST":
        if not can_manage:
            abort(403)
        if form.validate_on_submit():
            unit = db.session.get(Unit, form.unit_id.data) if form.unit_id.data else None
            if unit is not None:
                require_unit(unit, *MANAGERS)
            with service_errors(form, default="first") as done:
                add_holiday(first=form.first.data, last=form.last.data, name=form.name.data,
                                     scope=HolidayScope(form.scope.data), unit=unit, source=form.source.data or "")
            if done:
                db.session.commit()
                flash(_("已登记。落在这些日子的值班会按规则顺延或取消。"), "success")
                return redirect(url_for("duty.holidays"), 303)
    days = holidays_between(date(today.year, 1, 1), date(today.year + 1, 12, 31))
    return render_page("duty/holidays.html", form=form, days=sorted(days.values(), key=lambda h: h.on),
                       can_manage=can_manage, title=holiday_title, status=form_status(form))


# --- calendar feeds ------------------------------------------------------------------------------


@bp.route("/feed", methods=["GET", "POST"])
@roles_required(Role.LAWYER)
def feed_manage():
    """The lawyer's private calendar address; a new one makes the old one stop working."""
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        feeds.renew_feed_token(current_user)
        db.session.commit()
        flash(_("已生成新的日历地址，旧地址已失效。"), "success")
        return redirect(url_for("duty.feed_manage"), 303)
    url = url_for("duty.feed", token=current_user.ics_token, _external=True) if current_user.ics_token else None
    return render_page("duty/feed.html", url=url, form=ActionForm())


@bp.route("/feed/<token>.ics")
def feed(token: str):
    """The lawyer's sessions as an iCalendar feed (no login: the unguessable address is the key)."""
    lawyer = feeds.feed_owner(token[:64]) or abort(404)
    today = clock.today()
    sessions = queries.sessions_for_lawyer(lawyer, first=today - timedelta(days=31), last=today + timedelta(days=120))
    return exports.ics_response(sessions)
