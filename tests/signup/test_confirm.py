"""Cancelling a booking cannot be undone (the place goes to the next person waiting): the resident and the
staff are both asked on a page of their own first (issue 11, point 4); every sign-up action answers with a
whole page and a message, with JavaScript on or off (point 3)."""

import re

import pytest
from freezegun import freeze_time

from gongfa.db import db
from gongfa.signup import services
from gongfa.signup.models import Booking, BookingChannel, BookingKind, BookingStatus
from tests.conftest import HX, PASSWORD
from tests.signup.conftest import NOW, WEDNESDAY, session_at

ON_THE_DAY = "2026-11-25 11:00:00+08:00"
BOOSTED = {**HX, "HX-Boosted": "true"}


def _book(cal, name="阿依努尔·吐尔逊", phone="13912340077") -> Booking:
    from datetime import date, time

    return services.book(session_at(cal, "T1", WEDNESDAY), starts_at=time(10, 0), name=name, phone=phone,
                         village=None, language="ug", kind=BookingKind.CONSULTATION, description="土地",
                         channel=BookingChannel.PUBLIC, today=date(2026, 11, 23)).booking


def _status(booking) -> BookingStatus:
    db.session.expire_all()
    return db.session.get(Booking, booking.id).status


def _receipt(client, booking) -> str:
    return client.post("/b/find", data={"code": booking.code, "tail": booking.phone[-4:]}).headers["Location"]


@freeze_time(NOW)
def test_the_resident_is_asked_on_a_page_of_its_own_before_a_cancel(cal, client):
    booking = _book(cal)
    db.session.commit()
    receipt = _receipt(client, booking)
    page = client.get(receipt).text
    assert f'href="{receipt}/cancel"' in page  # a link to the question, not a one-tap POST
    assert not re.search(r"<form[^>]+/cancel", page)
    for ask in (client.get(f"{receipt}/cancel"), client.post(f"{receipt}/cancel")):
        assert ask.status_code == 200
        assert booking.code in ask.text and "2026年11月25日" in ask.text and "10:00" in ask.text
        assert re.search(r'<button[^>]*name="confirm"[^>]*>', ask.text)
        assert f'href="{receipt}"' in ask.text  # 返回
        assert "no-store" in ask.headers["Cache-Control"]
    assert _status(booking) == BookingStatus.BOOKED
    done = client.post(f"{receipt}/cancel", data={"confirm": "1"})
    assert done.status_code == 303 and _status(booking) == BookingStatus.CANCELLED
    assert "预约已取消" in client.get(done.location).text


def _login(client, username):
    assert client.post("/auth/login", data={"username": username, "password": PASSWORD}).status_code == 303


@freeze_time(NOW)
def test_the_officer_cancelling_for_a_resident_is_asked_first_and_told_who_moved_up(cal, client):
    first = _book(cal)
    waiting = _book(cal, name="马建国", phone="13912340088")
    db.session.commit()
    assert waiting.status == BookingStatus.WAITLISTED
    _login(client, "head")
    listing = client.get(f"/signup/sessions/{first.session_id}").text
    assert f'href="/signup/bookings/{first.id}/cancel"' in listing
    ask = client.get(f"/signup/bookings/{first.id}/cancel")
    assert ask.status_code == 200 and "阿依努尔·吐尔逊" in ask.text and first.code in ask.text
    assert f'href="/signup/sessions/{first.session_id}#b{first.id}"' in ask.text  # 返回
    assert client.post(f"/signup/bookings/{first.id}/cancel").status_code == 200
    assert _status(first) == BookingStatus.BOOKED
    done = client.post(f"/signup/bookings/{first.id}/cancel", data={"confirm": "1"})
    assert done.status_code == 303 and _status(first) == BookingStatus.CANCELLED
    assert _status(waiting) == BookingStatus.BOOKED
    page = client.get(done.location).text
    assert "已取消" in page and "马建国 已从候补转为预约" in page


@freeze_time(ON_THE_DAY)
@pytest.mark.parametrize("action", ["attended", "no_show", "cancel-ask", "cancel", "rate"])
def test_with_javascript_on_every_action_is_a_whole_page_with_a_message(cal, client, action):
    booking = _book(cal)
    if action == "rate":
        services.mark(booking, BookingStatus.ATTENDED, actor=cal.users["head"], today=WEDNESDAY)
    db.session.commit()
    _login(client, "head")
    url = f"/signup/bookings/{booking.id}/{action.split('-')[0]}"
    if action == "cancel-ask":
        response = client.get(url, headers=BOOSTED)
    else:
        data = {"confirm": "1"} if action == "cancel" else {"value": "basic"} if action == "rate" else {}
        response = client.post(url, data=data, headers=BOOSTED, follow_redirects=True)
        assert 'class="flash success"' in response.text, action
    for part in ("<header", 'class="nav', "<footer", "<h1"):
        assert part in response.text, (action, part)


def test_the_cancel_needs_the_csrf_token(cal, app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    with freeze_time(NOW):
        booking = _book(cal)
        db.session.commit()
        receipt = _receipt_csrf(client, booking)
        assert client.post(f"{receipt}/cancel", data={"confirm": "1"}).status_code == 400
        assert _status(booking) == BookingStatus.BOOKED


def _receipt_csrf(client, booking) -> str:
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/b/find").text).group(1)
    return client.post("/b/find", data={"code": booking.code, "tail": booking.phone[-4:],
                                        "csrf_token": token}).headers["Location"]
