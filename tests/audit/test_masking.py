"""The trail keeps masked values and keyed digests, never a full phone, ID number, booking code or token."""

import json
from datetime import date, time

from gongfa import clock
from gongfa.audit import services as audit
from gongfa.audit.models import AuditEvent
from gongfa.db import db
from gongfa.duty.feeds import renew_feed_token
from gongfa.duty.generation import create_rule, generate_sessions
from gongfa.duty.models import RuleKind
from gongfa.mediation import services as mediation
from gongfa.mediation.models import CaseSource, PartySide
from gongfa.org import services as org
from gongfa.people import services as people
from gongfa.signup import services as signup
from gongfa.signup.models import BookingChannel, BookingKind

PHONE = "13812341234"
ID_NUMBER = "652701198001011234"


def _trail() -> str:
    """Every stored snapshot, as one string."""
    return "\n".join(f"{e.before}\n{e.after}" for e in db.session.scalars(db.select(AuditEvent)))


def _visit(world):
    today = clock.today()
    rule = create_rule(point=org.point_of(world.units["V1"]), kind=RuleKind.MONTHLY, valid_from=date(2025, 1, 1),
                       day_of_month=28)
    return generate_sessions(rule, first=today, last=today.replace(month=12, day=31) if today.month < 12
                             else today.replace(year=today.year + 1, month=2, day=1))[0]


def test_a_booking_leaves_no_phone_code_or_form_token_in_the_trail(world):
    session = _visit(world)
    booking = signup.book(session, starts_at=time(10, 0), name="居民", phone=PHONE, village=None, language="zh_Hans",
                          kind=BookingKind.CONSULTATION, description="", channel=BookingChannel.PUBLIC,
                          form_token="form-token-secret-123", today=session.on).booking
    signup.cancel(booking)
    db.session.commit()
    trail = _trail()
    assert PHONE not in trail and booking.code not in trail and "form-token-secret-123" not in trail
    created = json.loads(db.session.scalar(db.select(AuditEvent.after).where(AuditEvent.action == "booking.create")))
    assert created["phone"] == {"masked": "138****1234", "hmac": audit.value_digest(PHONE)}
    assert created["code"]["masked"] == "****" + booking.code[-2:]
    assert created["code"]["hmac"] == audit.value_digest(booking.code)
    assert created["name"] == "居民"  # what an investigator needs stays readable


def test_a_staff_phone_change_is_seen_as_a_change_but_neither_number_is_kept(world):
    user = world.users["officer"]
    people.update_user(user, full_name=user.full_name, full_name_native=user.full_name_native, phone=PHONE,
                       law_firm=None, licence_no="", is_active=True)
    db.session.commit()
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "user.update"))
    before, after = json.loads(event.before), json.loads(event.after)
    assert before["phone"]["masked"] == "139****5678" and after["phone"]["masked"] == "138****1234"
    assert before["phone"]["hmac"] != after["phone"]["hmac"]
    assert "13912345678" not in _trail() and PHONE not in _trail()


def test_calendar_tokens_and_party_numbers_never_reach_the_trail(world):
    token = renew_feed_token(world.users["lawyer"])
    audit.record("user.check", world.users["lawyer"])  # a full snapshot of the account
    case = mediation.open_case(
        point=org.point_of(world.units["V1"]), source=CaseSource.APPLICATION, category="02", summary="排水沟",
        requests="", applied_on=clock.today(), actor=world.users["officer"],
        parties=[{"side": PartySide.APPLICANT, "name": "甲", "phone": PHONE, "id_number": ID_NUMBER,
                  "address": "达勒特镇哈日布呼村5组12号"},
                 {"side": PartySide.RESPONDENT, "name": "乙"}])
    audit.record("party.check", case.parties[0])
    db.session.commit()
    trail = _trail()
    assert token not in trail and PHONE not in trail and ID_NUMBER not in trail and "哈日布呼村5组12号" not in trail
    party = json.loads(db.session.scalar(db.select(AuditEvent.after).where(AuditEvent.action == "party.check")))
    assert party["id_number"] == {"masked": "6527**********1234", "hmac": audit.value_digest(ID_NUMBER)}
    assert audit.value_digest(ID_NUMBER.lower()) == audit.value_digest(ID_NUMBER)  # a typed x finds the X


def test_public_numbers_of_service_points_and_firms_stay_readable(world):
    point = org.point_of(world.units["V1"])
    audit.record("point.check", point, after={"phone": "0909-2231348"})
    audit.record("firm.check", world.firm)
    db.session.commit()
    assert json.loads(db.session.scalar(db.select(AuditEvent.after).where(AuditEvent.action == "point.check"))) == \
        {"phone": "0909-2231348"}
    assert json.loads(db.session.scalar(db.select(AuditEvent.after).where(
        AuditEvent.action == "firm.check")))["phone"] == "0909-2221234"


def test_the_digest_is_keyed_by_the_secret_key(app, world):
    first = audit.value_digest(PHONE)
    app.config["SECRET_KEY"] = "another"
    assert audit.value_digest(PHONE) != first
    app.config["AUDIT_KEY"] = "test"  # a site that rotated SECRET_KEY keeps the old one here
    assert audit.value_digest(PHONE) == first
