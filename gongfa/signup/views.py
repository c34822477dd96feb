"""Staff pages: a session's sign-ups, walk-ins, who came, ratings, slot settings; the ratings summary."""

from collections import Counter

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from gongfa import clock
from gongfa.auth.scope import current_scope
from gongfa.db import db
from gongfa.duty.models import DutySession
from gongfa.org.models import ServicePoint, Unit, UnitLevel
from gongfa.people.models import Role
from gongfa.ratings.models import RatingValue
from gongfa.signup import bp, services
from gongfa.signup.forms import CancelForm, EmptyForm, RateForm, SlotSettingsForm, WalkInForm
from gongfa.signup.models import Booking, BookingChannel, BookingKind, BookingStatus
from gongfa.signup.services import BookingAction
from gongfa.web.forms import new_form_token
from gongfa.web.outcomes import form_status, refusal_flashed, service_errors
from gongfa.web.rendering import current_locale_code, local_name, render_page

VIEWERS = (*services.BOOKING_STAFF, Role.INSPECTOR)


def _own(session: DutySession) -> bool:
    return session.lawyer_id == current_user.id


def _may_manage(session: DutySession) -> bool:
    """The session's lawyer, and staff of the place (village officer, station head, mediators, bureau)."""
    return services.may_act_for_residents(session, current_user, current_scope())


def _session(session_id: int, *, manage: bool = False) -> DutySession:
    session = db.session.scalar(select(DutySession).options(
        joinedload(DutySession.point).joinedload(ServicePoint.unit).joinedload(Unit.parent),
        joinedload(DutySession.lawyer)).where(DutySession.id == session_id)) or abort(404)
    allowed = _may_manage(session) if manage else (_own(session) or current_scope().covers(session.point.unit,
                                                                                           *VIEWERS))
    if not allowed:
        abort(403)
    return session


def _actions(booking: Booking) -> dict[BookingAction, bool]:
    """What the logged-in person may do to a booking (decided in the services, for buttons and POSTs alike)."""
    return services.booking_actions(booking, user=current_user, scope=current_scope(), today=clock.today())


def _booking(booking_id: int, action: BookingAction) -> Booking:
    """A booking ``action`` is the logged-in person's to take on (else 403); its state is the service's to check."""
    booking = db.session.get(Booking, booking_id) or abort(404)
    if action not in _actions(booking):
        abort(403)
    return booking


def _back_to(booking: Booking):
    """Back to the session's list, at the booking's row."""
    return redirect(url_for("signup.session", session_id=booking.session_id) + f"#b{booking.id}", 303)


def _walk_in_form(session: DutySession, formdata=None) -> WalkInForm:
    form = WalkInForm(formdata=formdata)
    unit = session.point.unit
    villages = services.villages_near(unit) if unit.level == UnitLevel.VILLAGE else services.villages_of(unit)
    form.village_id.choices = [(None, "—")] + [(u.id, local_name(u)) for u in villages]
    if formdata is None:
        form.form_token.data = new_form_token()
        form.language.data = current_locale_code()
        form.village_id.data = unit.id if unit.level == UnitLevel.VILLAGE else None
    return form


def _page(session: DutySession, *, walk_in: WalkInForm | None = None, slots_form: SlotSettingsForm | None = None,
          revealed: int | None = None, status: int = 200, form=None):
    manage = _may_manage(session)
    bookings = services.session_bookings(session)
    return render_page(
        "signup/session.html", s=session, bookings=bookings, manage=manage, revealed=revealed,
        actions={b.id: _actions(b) for b in bookings}, counts=Counter(b.status for b in bookings),
        slots=services.slot_views([session])[session.id], bookable=services.is_bookable(session, clock.today()),
        walk_in=walk_in or (_walk_in_form(session) if manage else None),
        slots_form=slots_form or (SlotSettingsForm(obj=session) if manage else None),
        button=EmptyForm(), rate_form=RateForm(), form=form, status=status,
        can_mediate=current_scope().covers(session.point.unit, Role.OFFICER, Role.MEDIATOR, Role.STATION_HEAD,
                                           Role.BUREAU_ADMIN))


@bp.route("/sessions/<int:session_id>")
@login_required
def session(session_id: int):
    """Who signed up for a session, slot by slot, and who is waiting; phone numbers masked."""
    return _page(_session(session_id))


@bp.route("/sessions/<int:session_id>/walk-in", methods=["POST"])
@login_required
def walk_in(session_id: int):
    """Record a resident who came without booking."""
    session = _session(session_id, manage=True)
    form = _walk_in_form(session, request.form)
    if form.validate_on_submit():
        with service_errors(form, default="name") as done:
            services.book(session, starts_at=None, name=form.name.data, phone=form.phone.data or "",
                          village=db.session.get(Unit, form.village_id.data) if form.village_id.data else None,
                          language=form.language.data, kind=BookingKind(form.kind.data),
                          description=form.description.data, channel=BookingChannel.WALK_IN, actor=current_user,
                          form_token=form.form_token.data)
        if done:
            db.session.commit()
            flash(_("已登记现场来访。"), "success")
            return redirect(url_for("signup.session", session_id=session.id), 303)
    return _page(session, walk_in=form, form=form, status=form_status(form))


@bp.route("/sessions/<int:session_id>/slots", methods=["POST"])
@login_required
def slots(session_id: int):
    """Slot length and people per slot."""
    session = _session(session_id, manage=True)
    form = SlotSettingsForm()
    if form.validate_on_submit():
        with service_errors(form, default="slot_capacity") as done:
            services.set_slots(session, slot_minutes=form.slot_minutes.data, slot_capacity=form.slot_capacity.data,
                               actor=current_user)
        if done:
            db.session.commit()
            flash(_("已保存。"), "success")
            return redirect(url_for("signup.session", session_id=session.id), 303)
    return _page(session, slots_form=form, form=form, status=form_status(form))


@bp.route("/bookings/<int:booking_id>/<any(attended, no_show):action>", methods=["POST"])
@login_required
def booking_action(booking_id: int, action: str):
    """Came or did not come."""
    booking = _booking(booking_id, BookingAction(action))
    if not EmptyForm().validate_on_submit():
        abort(400)
    with refusal_flashed() as done:
        services.mark(booking, BookingStatus(action), actor=current_user)
    if done:
        db.session.commit()
        flash(_("已记下：%(name)s，%(status)s。", name=booking.name, status=booking.status.title), "success")
    return _back_to(booking)


@bp.route("/bookings/<int:booking_id>/cancel", methods=["GET", "POST"])
@login_required
def booking_cancel(booking_id: int):
    """Cancel a resident's booking, asked first on a page of its own; the first person waiting moves up."""
    booking = _booking(booking_id, BookingAction.CANCEL)
    form = CancelForm()
    if form.validate_on_submit() and form.confirm.data:
        promoted = []
        with refusal_flashed() as done:
            promoted = services.cancel(booking, actor=current_user)
        if done:
            db.session.commit()
            flash(_("已取消 %(name)s 的预约。", name=booking.name), "success")
            for p in promoted:
                flash(_("%(name)s 已从候补转为预约，请通知本人。", name=p.name), "info")
        return _back_to(booking)
    if not _actions(booking)[BookingAction.CANCEL]:  # cancelled or over since the list was shown
        flash(_("这个预约现在不能取消。"), "info")
        return _back_to(booking)
    return render_page("signup/cancel.html", b=booking, form=form, staff=True,
                       back=url_for("signup.session", session_id=booking.session_id) + f"#b{booking.id}")


@bp.route("/bookings/<int:booking_id>/reveal", methods=["POST"])
@login_required
def reveal(booking_id: int):
    """Show one resident's full phone number to call them; the look is recorded in the audit trail."""
    booking = _booking(booking_id, BookingAction.REVEAL)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if _actions(booking)[BookingAction.REVEAL]:  # a walk-in without a phone: nothing to show, no look to record
        services.record_phone_shown(booking, actor=current_user, reason="call")
        db.session.commit()
    return _page(db.session.get(DutySession, booking.session_id), revealed=booking.id)


@bp.route("/bookings/<int:booking_id>/rate", methods=["POST"])
@login_required
def rate(booking_id: int):
    """Write down the resident's rating (一事一评) when they give it at the desk or on the phone."""
    booking = _booking(booking_id, BookingAction.RATE)
    form = RateForm()
    if not form.validate_on_submit():
        flash(_("请选择满意、基本满意或不满意。"), "error")
        return _back_to(booking)
    with refusal_flashed() as done:
        services.rate(booking, value=RatingValue(form.value.data), comment=form.comment.data, actor=current_user)
    if done:
        db.session.commit()
        flash(_("评价已记录。"), "success")
    return _back_to(booking)
