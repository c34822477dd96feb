"""Slots inside Xinjiang office hours, no overbooking, the waitlist, one booking per double tap, ratings."""

from datetime import date, time

import pytest
from freezegun import freeze_time

from gongfa.audit.models import AuditEvent
from gongfa.db import db
from gongfa.duty.generation import add_extra_session
from gongfa.duty.models import ExtraKind
from gongfa.errors import ServiceError
from gongfa.ledger import services as ledger
from gongfa.org import services as org
from gongfa.ratings.models import Rating, RatingValue
from gongfa.signup import services
from gongfa.signup.models import Booking, BookingChannel, BookingKind, BookingStatus, Slot
from tests.signup.conftest import NOW, WEDNESDAY, session_at


def _book(session, name="古丽", phone="13800000001", at=time(10, 0), token=None, channel=BookingChannel.PUBLIC):
    return services.book(session, starts_at=at, name=name, phone=phone, village=None, language="ug",
                         kind=BookingKind.CONSULTATION, description="", channel=channel, form_token=token,
                         today=date(2026, 11, 23))


def _hm(slots):
    return [a.strftime("%H:%M") for a, _ in slots]


def test_slots_keep_to_summer_and_winter_office_hours(cal):
    s = session_at(cal, "T1", WEDNESDAY)
    s.starts_at, s.ends_at = time(10, 0), time(18, 0)
    s.on = date(2026, 6, 10)  # summer: 10:00–14:00 and 16:00–20:00
    assert _hm(services.slot_times(s)) == ["10:00", "10:30", "11:00", "11:30", "12:00", "12:30", "13:00", "13:30",
                                           "16:00", "16:30", "17:00", "17:30"]
    s.on = WEDNESDAY  # winter: 10:00–14:00 and 15:30–19:30
    assert _hm(services.slot_times(s))[8:] == ["15:30", "16:00", "16:30", "17:00", "17:30"]
    s.slot_minutes = 45
    assert _hm(services.slot_times(s))[:6] == ["10:00", "10:45", "11:30", "12:15", "13:00", "15:30"]


def test_an_evening_clinic_keeps_its_own_hours(cal):
    with freeze_time(NOW):
        clinic = add_extra_session(point=org.point_of(cal.units["T1"]), extra_kind=ExtraKind.EVENING,
                                   on=date(2026, 11, 27), starts_at=time(19, 0), ends_at=time(21, 0),
                                   lawyer=cal.users["lawyer"], place="", actor=cal.users["head"])
        db.session.flush()
        assert _hm(services.slot_times(clinic)) == ["19:00", "19:30", "20:00", "20:30"]
        home = add_extra_session(point=org.point_of(cal.units["V1"]), extra_kind=ExtraKind.HOME_VISIT,
                                 on=date(2026, 11, 27), starts_at=time(10, 0), ends_at=time(12, 0),
                                 lawyer=cal.users["lawyer"], place="", actor=cal.users["head"])
        assert not services.is_bookable(home, date(2026, 11, 23))  # a home visit is not for sign-up


def test_a_full_slot_waitlists_and_a_cancellation_promotes_the_first_waiting(cal):
    s = session_at(cal, "T1", WEDNESDAY)
    first = _book(s, "甲", "13800000001").booking
    second = _book(s, "乙", "13800000002").booking
    third = _book(s, "丙", "13800000003").booking
    assert [first.status, second.status, third.status] == [BookingStatus.BOOKED, BookingStatus.WAITLISTED,
                                                           BookingStatus.WAITLISTED]
    assert services.waitlist_position(third) == 2
    promoted = services.cancel(first)
    assert promoted == [second] and second.status == BookingStatus.BOOKED and second.promoted_at
    assert services.waitlist_position(third) == 1
    slot = db.session.scalar(db.select(Slot).where(Slot.session_id == s.id, Slot.starts_at == time(10, 0)))
    assert slot.booked == 1 and slot.capacity == 1
    actions = db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.object_type == "bookings")).all()
    assert {"booking.create", "booking.cancel", "booking.promote"} <= set(actions)
    with pytest.raises(ServiceError):
        services.cancel(first)  # twice


def test_a_double_tap_of_one_form_gives_one_booking(cal):
    s = session_at(cal, "T1", WEDNESDAY)
    one = _book(s, token="tok-1")
    again = _book(s, token="tok-1")
    assert not one.repeat and again.repeat and again.booking.id == one.booking.id
    assert db.session.scalar(db.select(db.func.sum(Slot.booked)).where(Slot.session_id == s.id)) == 1


def test_another_form_with_a_phone_that_already_booked_is_refused_and_learns_nothing_of_the_booking(cal):
    s = session_at(cal, "T1", WEDNESDAY)
    one = _book(s, token="tok-1").booking
    with pytest.raises(ServiceError) as refused:
        _book(s, "冒名者", token="tok-2", at=time(11, 0))  # same phone, same session, someone else's form
    assert refused.value.field == "phone"
    message = str(refused.value.message)
    assert one.code not in message and one.name not in message and "11:00" not in message
    assert db.session.scalar(db.select(db.func.count(Booking.id)).where(Booking.session_id == s.id)) == 1
    assert db.session.scalar(db.select(db.func.sum(Slot.booked)).where(Slot.session_id == s.id)) == 1
    services.cancel(one)  # once cancelled, the number may sign up for the session again
    assert not _book(s, token="tok-3").repeat


def test_code_and_phone_tail_must_both_match(cal):
    s = session_at(cal, "T1", WEDNESDAY)
    b = _book(s, phone="13912340077").booking
    assert len(b.code) == 6 and b.code.isdigit()
    assert services.find(b.code, "0077") is b
    assert services.find(b.code, "0078") is None
    assert services.find("000000", "0077") is None


def test_capacity_changes_promote_and_never_drop_below_booked(cal):
    s = session_at(cal, "T1", WEDNESDAY)
    _book(s, "甲", "13800000001")
    waiting = _book(s, "乙", "13800000002").booking
    with pytest.raises(ServiceError, match="不能再改时段长度"):
        services.set_slots(s, slot_minutes=20, slot_capacity=1, actor=cal.users["head"])
    services.set_slots(s, slot_minutes=30, slot_capacity=2, actor=cal.users["head"])
    assert waiting.status == BookingStatus.BOOKED
    with pytest.raises(ServiceError, match="不能少于2"):
        services.set_slots(s, slot_minutes=30, slot_capacity=1, actor=cal.users["head"])


def test_rating_only_after_attending_and_only_once(cal):
    s = session_at(cal, "T1", WEDNESDAY)
    b = _book(s).booking
    with pytest.raises(ServiceError, match="到场"):
        services.rate(b, value=RatingValue.SATISFIED, comment="")
    with freeze_time("2026-11-25 11:00:00+08:00"):
        services.mark(b, BookingStatus.ATTENDED, actor=cal.users["officer"], today=WEDNESDAY)
    services.rate(b, value=RatingValue.BASIC, comment="讲得清楚")
    with pytest.raises(ServiceError, match="已经评价"):
        services.rate(b, value=RatingValue.SATISFIED, comment="")
    summary = ledger.rating_summary(db.true(), first=date(2026, 10, 1), last=date(2026, 12, 31))
    assert [(r.label.full_name, r.total, r.satisfied_share) for r in summary["lawyer"]] == [("叶尔兰·哈布德克", 1, 100)]


def test_walk_ins_are_attended_without_taking_a_slot(cal):
    s = session_at(cal, "T1", WEDNESDAY)
    with pytest.raises(ServiceError):
        _book(s, channel=BookingChannel.WALK_IN)  # the session is still ahead
    b = services.book(s, starts_at=None, name="来访者", phone="", village=None, language="zh",
                      kind=BookingKind.MEDIATION, description="邻里纠纷", channel=BookingChannel.WALK_IN,
                      today=WEDNESDAY).booking
    assert b.status == BookingStatus.ATTENDED and b.slot_id is None


def test_staff_may_book_two_people_who_share_a_family_phone(cal):
    s = session_at(cal, "T1", WEDNESDAY)
    mother = _book(s, "母亲", "13800000009", channel=BookingChannel.STAFF).booking
    son = _book(s, "儿子", "13800000009", at=time(10, 30), channel=BookingChannel.STAFF).booking
    assert mother.id != son.id and son.status == BookingStatus.BOOKED


def test_a_rating_that_loses_a_race_undoes_only_itself_not_what_the_request_did_before(cal):
    """Two ratings of one booking at once: the second is told so, and its request's earlier work stays."""
    s = session_at(cal, "T1", WEDNESDAY)
    b = _book(s).booking
    with freeze_time("2026-11-25 11:00:00+08:00"):
        services.mark(b, BookingStatus.ATTENDED, actor=cal.users["officer"], today=WEDNESDAY)
    db.session.commit()
    assert b.rating is None  # what this request read, before the other rating reached the table
    db.session.execute(db.insert(Rating).values(booking_id=b.id, value=RatingValue.SATISFIED, comment="",
                                                by_resident=True))
    # This request's own work before the rating, flushed: a booking for someone else, a look at a phone number.
    earlier = _book(s, "乙", "13800000002", at=time(10, 30)).booking
    services.record_phone_shown(b, actor=cal.users["officer"], reason="call")
    with pytest.raises(ServiceError, match="已经评价"):
        services.rate(b, value=RatingValue.UNSATISFIED, comment="", actor=cal.users["officer"])
    db.session.commit()
    assert db.session.get(Booking, earlier.id).name == "乙"
    events = [db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == action, AuditEvent.object_id == oid))
              for action, oid in (("booking.create", earlier.id), ("booking.reveal_phone", b.id))]
    assert all(e is not None and e.seq is not None for e in events)  # both kept, and sealed into the chain
    assert db.session.scalars(db.select(Rating.value).where(Rating.booking_id == b.id)).all() == [
        RatingValue.SATISFIED]
