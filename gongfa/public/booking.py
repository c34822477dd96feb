"""Residents book without an account: from the village page (the QR code on the notice board), on a phone.

Staff who are logged in use the same pages to book for someone at the window or on the phone.
"""

from datetime import time

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer

from gongfa import clock
from gongfa.auth.scope import current_scope
from gongfa.db import db
from gongfa.duty.models import DutySession
from gongfa.extensions import limiter
from gongfa.org import services as org_services
from gongfa.org.models import Unit, UnitLevel
from gongfa.ratings.models import RatingValue
from gongfa.signup import services
from gongfa.signup.forms import BookingForm, CancelForm, FindForm, RateForm
from gongfa.signup.models import Booking, BookingChannel, BookingKind, BookingStatus
from gongfa.signup.services import BookingAction
from gongfa.web.forms import new_form_token
from gongfa.web.outcomes import field_error, form_status, refusal_flashed, service_errors
from gongfa.web.rendering import current_locale_code, local_name, render_page

bp = Blueprint("booking", __name__)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="booking-receipt")


def receipt_url(booking: Booking) -> str:
    """The receipt's address: signed, so it cannot be guessed from the code."""
    return url_for("booking.receipt", token=_serializer().dumps(booking.id))


def _booking_from(token: str) -> Booking:
    try:
        booking_id = _serializer().loads(token)
    except BadSignature:
        abort(404)
    return db.session.get(Booking, booking_id) or abort(404)


def _is_staff() -> bool:
    return bool(current_user.is_authenticated)


# Pages that show or take a resident's name, phone and booking code: never kept by a shared phone's browser,
# a village PC's back button or a proxy.
PERSONAL = {"booking.book", "booking.receipt", "booking.cancel", "booking.rate", "booking.find"}


@bp.after_request
def _no_store(response):
    if request.endpoint in PERSONAL:
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/v/<code>/book")
def sessions(code: str):
    """The village's and its township's sessions open for sign-up, with places left."""
    village = org_services.open_village(code[:12]) or abort(404)
    today = clock.today()
    found = services.bookable_sessions(village, today)
    return render_page("signup/public_sessions.html", unit=village, sessions=found,
                       slots=services.slot_views(found))


def _form_for(session: DutySession, village: Unit | None, formdata=None) -> tuple[BookingForm, list]:
    """The form with the session's slots as choices; the slots (places left) come back for the page too."""
    form = BookingForm(formdata=formdata)
    slots = services.slot_views([session])[session.id]
    form.slot.choices = [(s.key, s.key) for s in slots]
    home = village or (session.point.unit if session.point.unit.level == UnitLevel.VILLAGE else None)
    near = services.villages_near(home) if home else services.villages_of(session.point.unit)
    form.village_id.choices = [(None, "—")] + [(u.id, local_name(u)) for u in near]
    if formdata is None:
        form.form_token.data = new_form_token()
        form.language.data = current_locale_code()
        form.village_id.data = home.id if home else None
        free = [s.key for s in slots if s.free]
        form.slot.data = free[0] if free else None
    return form, slots


@bp.route("/book/<int:session_id>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_SIGNUP"], methods=["POST"], exempt_when=_is_staff)
def book(session_id: int):
    """Choose a slot and sign up; a full slot puts you on its waitlist."""
    session = db.session.get(DutySession, session_id) or abort(404)
    village = org_services.unit_by_code(request.args.get("v", "")[:12])
    village = village if village is not None and village.level == UnitLevel.VILLAGE else None
    today = clock.today()
    if not services.is_bookable(session, today):
        return render_page("signup/closed.html", s=session, unit=village, status=410)
    if _is_staff() and not services.may_act_for_residents(session, current_user, current_scope()):
        # A read-only account (inspector), or staff of another place: they book nothing on anyone's behalf.
        if request.method == "POST":
            abort(403)
        return render_page("signup/public_form.html", s=session, form=None, unit=village, on_behalf=False,
                           slots=[], refused=True)
    form, slots = _form_for(session, village, request.form if request.method == "POST" else None)
    if form.validate_on_submit():
        if form.website.data and not _is_staff():  # the bot trap: say nothing useful, book nothing
            abort(400)
        with service_errors(form, default="slot") as done:
            outcome = services.book(
                session, starts_at=time.fromisoformat(form.slot.data), name=form.name.data, phone=form.phone.data,
                village=db.session.get(Unit, form.village_id.data) if form.village_id.data else None,
                language=form.language.data, kind=BookingKind(form.kind.data), description=form.description.data,
                channel=BookingChannel.STAFF if _is_staff() else BookingChannel.PUBLIC,
                actor=current_user if _is_staff() else None, form_token=form.form_token.data, today=today)
        if done:
            db.session.commit()
            booking = outcome.booking
            if outcome.repeat:
                flash(_("这次值班您已经预约过了，下面是原来的预约。"), "info")
            elif booking.status == BookingStatus.WAITLISTED:
                flash(_("这个时段已约满，您已进入候补名单。有人取消时会按顺序递补。"), "info")
            else:
                flash(_("预约成功。请记下预约码。"), "success")
            return redirect(receipt_url(booking), 303)
    return render_page("signup/public_form.html", s=session, form=form, unit=village, on_behalf=_is_staff(),
                       slots=slots, status=form_status(form))


@bp.route("/b/<token>")
def receipt(token: str):
    """The receipt: code, time and place; cancel while it is open, rate once attended. Printable."""
    booking = _booking_from(token)
    actions = _actions(booking)
    return render_page("signup/receipt.html", b=booking, token=token, position=services.waitlist_position(booking),
                       rate_form=RateForm() if actions[BookingAction.RATE] else None, actions=actions)


def _actions(booking: Booking) -> dict[BookingAction, bool]:
    """What the resident holding the receipt may do now: cancel while it is open, rate once after attending."""
    return services.booking_actions(booking, user=None, scope=None, today=clock.today())


@bp.route("/b/<token>/cancel", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOOKUP"], exempt_when=_is_staff)
def cancel(token: str):
    """Cancel from the receipt, asked first on a page of its own; the first person waiting moves up."""
    booking = _booking_from(token)
    form = CancelForm()
    if form.validate_on_submit() and form.confirm.data:
        with refusal_flashed() as done:
            services.cancel(booking)
        if done:
            db.session.commit()
            flash(_("预约已取消。"), "success")
        return redirect(receipt_url(booking), 303)
    if not _actions(booking)[BookingAction.CANCEL]:  # cancelled or over since the receipt was shown
        flash(_("这个预约现在不能取消。"), "info")
        return redirect(receipt_url(booking), 303)
    return render_page("signup/cancel.html", b=booking, form=form, staff=False, back=receipt_url(booking))


@bp.route("/b/<token>/rate", methods=["POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOOKUP"])
def rate(token: str):
    """一事一评 by the resident."""
    booking = _booking_from(token)
    form = RateForm()
    if form.validate_on_submit():
        with service_errors(form, default="value") as done:
            services.rate(booking, value=RatingValue(form.value.data), comment=form.comment.data)
        if done:
            db.session.commit()
            flash(_("谢谢您的评价。"), "success")
            return redirect(receipt_url(booking), 303)
    return render_page("signup/receipt.html", b=booking, token=token, position=services.waitlist_position(booking),
                       rate_form=form, actions=_actions(booking), form=form,
                       status=form_status(form))


@bp.route("/b/find", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOOKUP"], methods=["POST"])
def find():
    """Find a booking with its code and the phone number's last four digits (to see, cancel or rate it)."""
    form = FindForm()
    if form.validate_on_submit():
        booking = services.find(form.code.data, form.tail.data)
        if booking is not None:
            return redirect(receipt_url(booking), 303)
        field_error(form, _("没有找到这个预约，请核对预约码和手机号后四位。"), "code")
    return render_page("signup/find.html", form=form, status=form_status(form))
