"""What a person may do to a booking: the buttons a page shows are exactly the POSTs that are carried out.

For each state of a booking, before its session's day and on it, and for each role (and for the resident
holding the receipt), every action is tried on a fresh booking in that state: shown ⇔ done. An action not
shown is refused: 403 when it is never this person's, else with a message and the booking unchanged.
"""

import re
from datetime import date, time

import pytest
from freezegun import freeze_time

from gongfa.audit.models import AuditEvent
from gongfa.db import db
from gongfa.ratings.models import Rating, RatingValue
from gongfa.signup import services
from gongfa.signup.models import Booking, BookingChannel, BookingKind, BookingStatus
from tests.signup.conftest import NOW, WEDNESDAY, session_at

ON_THE_DAY = "2026-11-25 11:00:00+08:00"
MONDAY = date(2026, 11, 23)  # NOW's day, when the residents booked
STAFF_ACTIONS = ("cancel", "attended", "no_show", "rate", "reveal")
SLOTS = [time(10, 0), time(10, 30), time(11, 0), time(11, 30), time(12, 0), time(12, 30), time(13, 0), time(13, 30)]


class Maker:
    """Bookings at the 小营盘镇 Wednesday, each in a state of its own (one slot per booking, one place per slot)."""

    def __init__(self, cal):
        self.cal, self.session, self.n = cal, session_at(cal, "T1", WEDNESDAY), 0

    def _book(self, at: time):
        self.n += 1
        return services.book(self.session, starts_at=at, name=f"居民{self.n}", phone=f"1380000{self.n:04d}",
                             village=None, language="zh_Hans", kind=BookingKind.CONSULTATION, description="",
                             channel=BookingChannel.PUBLIC, today=MONDAY).booking

    def make(self, state: str, slot: int) -> Booking:
        at = SLOTS[slot]
        if state == "waitlisted":
            self._book(at)  # someone took the place first
            return self._book(at)
        booking = self._book(at)
        staff = self.cal.users["head"]
        if state in ("attended", "rated"):
            services.mark(booking, BookingStatus.ATTENDED, actor=staff, today=WEDNESDAY)
        if state == "rated":
            services.rate(booking, value=RatingValue.SATISFIED, comment="")
        if state == "no_show":
            services.mark(booking, BookingStatus.NO_SHOW, actor=staff, today=WEDNESDAY)
        if state == "cancelled":
            services.cancel(booking)
        return booking


def _row(html: str, booking_id: int) -> str:
    found = re.search(rf'<tr id="b{booking_id}">(.*?)</tr>', html, re.S)
    return found.group(1) if found else ""


def _staff_buttons(html: str, booking_id: int) -> set[str]:
    row = _row(html, booking_id)
    # Cancelling is a link to its confirmation page; the others are one-tap forms.
    return {a for a in STAFF_ACTIONS if f'action="/signup/bookings/{booking_id}/{a}"' in row
            or f'href="/signup/bookings/{booking_id}/{a}"' in row}


def _staff_try(client, action: str, booking: Booking) -> tuple[int, bool]:
    """POST one action from the session's list; (status, whether it was carried out)."""
    was = db.session.get(Booking, booking.id).status
    had_rating = db.session.scalar(db.select(Rating.id).where(Rating.booking_id == booking.id)) is not None
    data = {"value": "basic"} if action == "rate" else {"confirm": "1"} if action == "cancel" else {}
    response = client.post(f"/signup/bookings/{booking.id}/{action}", data=data)
    db.session.expire_all()
    now = db.session.get(Booking, booking.id).status
    if action == "rate":
        rated = db.session.scalar(db.select(Rating.id).where(Rating.booking_id == booking.id)) is not None
        return response.status_code, rated and not had_rating
    if action == "reveal":
        looked = db.session.scalar(db.select(AuditEvent.id).where(
            AuditEvent.action == "booking.reveal_phone", AuditEvent.object_id == booking.id)) is not None
        return response.status_code, looked and booking.phone in response.text
    target = {"cancel": BookingStatus.CANCELLED, "attended": BookingStatus.ATTENDED,
              "no_show": BookingStatus.NO_SHOW}[action]
    return response.status_code, was != now == target


BEFORE = {"booked": {"cancel", "reveal"}, "waitlisted": {"cancel", "reveal"}, "cancelled": {"reveal"}}
ON_DAY = {"booked": {"cancel", "attended", "no_show", "reveal"},
          "waitlisted": {"cancel", "attended", "no_show", "reveal"},
          "attended": {"rate", "reveal"}, "rated": {"reveal"}, "no_show": {"reveal"}, "cancelled": {"reveal"}}
CASES = [(NOW, state, offered) for state, offered in BEFORE.items()] + \
        [(ON_THE_DAY, state, offered) for state, offered in ON_DAY.items()]


@pytest.mark.parametrize(("when", "state", "offered"), CASES, ids=[f"{'day' if w == ON_THE_DAY else 'before'}-{s}"
                                                                    for w, s, _o in CASES])
@pytest.mark.parametrize("role", ["head", "lawyer", "county", "inspector", "officer"])
def test_the_buttons_on_the_list_are_exactly_the_actions_carried_out(cal, client, auth, role, when, state, offered):
    """Staff of the place and the session's lawyer act; the inspector reads; 营盘社区's officer sees nothing."""
    maker = Maker(cal)
    assert maker.session.lawyer_id == cal.users["lawyer"].id
    bookings = {action: maker.make(state, slot) for slot, action in enumerate(STAFF_ACTIONS)}
    db.session.commit()
    expected = {"inspector": set(), "officer": None}.get(role, offered)
    with freeze_time(when):
        auth.login(role)
        page = client.get(f"/signup/sessions/{maker.session.id}")
        assert page.status_code == (403 if expected is None else 200)
        for action, booking in bookings.items():
            shown = _staff_buttons(page.text, booking.id) if expected is not None else set()
            status, done = _staff_try(client, action, booking)
            assert (action in shown) == done, f"{action}: shown {action in shown}, carried out {done} ({status})"
            assert (action in shown) == (action in (expected or set()))
            if expected is None or role == "inspector":
                assert status == 403  # never theirs
            elif not done:
                assert status == 303  # theirs, not in this state: back to the list with a message


def _ratings(booking: Booking) -> int:
    return db.session.scalar(db.select(db.func.count(Rating.id)).where(Rating.booking_id == booking.id))


RESIDENT = {"booked": {"cancel"}, "waitlisted": {"cancel"}, "attended": {"rate"}, "rated": set(),
            "no_show": set(), "cancelled": set()}


@freeze_time(ON_THE_DAY)
@pytest.mark.parametrize(("state", "offered"), list(RESIDENT.items()))
def test_the_receipt_offers_the_resident_exactly_what_they_can_do(cal, client, state, offered):
    maker = Maker(cal)
    bookings = {action: maker.make(state, slot) for slot, action in enumerate(("cancel", "rate"))}
    db.session.commit()
    for action, booking in bookings.items():
        receipt = client.post("/b/find", data={"code": booking.code, "tail": booking.phone[-4:]}).headers["Location"]
        page = client.get(receipt).text
        shown = {a for a in ("cancel", "rate") if re.search(rf'<(?:form[^>]+action|a[^>]+href)="{receipt}/{a}"', page)}
        was, ratings = booking.status, _ratings(booking)
        response = client.post(f"{receipt}/{action}", data={"value": "basic"} if action == "rate" else {"confirm": "1"})
        db.session.expire_all()
        fresh = db.session.get(Booking, booking.id)
        done = (was != fresh.status == BookingStatus.CANCELLED) if action == "cancel" else \
            _ratings(booking) == ratings + 1
        assert (action in shown) == done == (action in offered), f"{action}: {response.status_code}"


@freeze_time(ON_THE_DAY)
def test_a_walk_in_without_a_phone_number_has_no_number_to_show(cal, client, auth):
    maker = Maker(cal)
    walk_in = services.book(maker.session, starts_at=None, name="来访者", phone="", village=None, language="zh",
                            kind=BookingKind.MEDIATION, description="", channel=BookingChannel.WALK_IN,
                            actor=cal.users["head"], today=WEDNESDAY).booking
    db.session.commit()
    auth.login("head")
    page = client.get(f"/signup/sessions/{maker.session.id}").text
    assert "来访者" in _row(page, walk_in.id) and _staff_buttons(page, walk_in.id) == {"rate"}
    status, done = _staff_try(client, "reveal", walk_in)
    assert (status, done) == (200, False)  # the list again, and no look at a number recorded
