"""Sign-up pages as residents and staff use them (no JavaScript needed anywhere)."""

import re

import pytest
from freezegun import freeze_time

from gongfa.audit.models import AuditEvent
from gongfa.db import db
from gongfa.signup.models import Booking, BookingStatus
from tests.conftest import CJK_RE
from tests.signup.conftest import NOW, WEDNESDAY, session_at

V1 = "652701100001"


def _form_page(client, session, v=V1):
    page = client.get(f"/book/{session.id}?v={v}")
    assert page.status_code == 200
    token = re.search(r'name="form_token" type="hidden" value="([^"]+)"', page.text).group(1)
    return page, token


def _data(token, **over):
    return {"slot": "10:00", "name": "阿依努尔·吐尔逊", "phone": "13912340077", "village_id": "", "language": "ug",
            "kind": "consultation", "description": "土地承包合同", "form_token": token, **over}


@freeze_time(NOW)
def test_resident_books_from_the_village_page_gets_a_code_and_can_cancel(cal, client):
    village = client.get(f"/v/{V1}").text
    assert f"/v/{V1}/book" in village
    listing = client.get(f"/v/{V1}/book").text
    s = session_at(cal, "T1", WEDNESDAY)
    assert f"/book/{s.id}?v={V1}" in listing and "还可预约 8 人" in listing
    page, token = _form_page(client, s)
    assert "10:00" in page.text and "北京时间" in page.text
    done = client.post(f"/book/{s.id}?v={V1}", data=_data(token))
    assert done.status_code == 303
    receipt = client.get(done.headers["Location"]).text
    booking = db.session.scalar(db.select(Booking))
    assert booking.code in receipt and "已预约" in receipt and "139****0077" in receipt
    assert "13912340077" not in receipt  # masked in the data sent
    # Look it up again with code + phone tail, then cancel.
    assert client.post("/b/find", data={"code": booking.code, "tail": "0078"}).status_code == 422
    found = client.post("/b/find", data={"code": booking.code, "tail": "0077"})
    assert found.headers["Location"] == done.headers["Location"]
    client.post(done.headers["Location"] + "/cancel", data={"confirm": "1"})
    db.session.refresh(booking)
    assert booking.status == BookingStatus.CANCELLED
    assert "已取消" in client.get(done.headers["Location"]).text


@freeze_time(NOW)
def test_bad_phone_keeps_what_was_typed_and_says_so_next_to_the_field(cal, client):
    s = session_at(cal, "T1", WEDNESDAY)
    _, token = _form_page(client, s)
    response = client.post(f"/book/{s.id}?v={V1}", data=_data(token, phone="1391234", slot="03:00"))
    assert response.status_code == 422
    assert 'id="phone-error"' in response.text and "请输入11位手机号码" in response.text
    assert 'id="slot-error"' in response.text and "error-summary" in response.text
    assert "阿依努尔·吐尔逊" in response.text and "土地承包合同" in response.text
    assert db.session.scalar(db.select(db.func.count(Booking.id))) == 0


@freeze_time(NOW)
def test_uyghur_visitor_gets_the_form_in_uyghur(cal, client):
    client.post("/lang", data={"locale": "ug"})
    s = session_at(cal, "T1", WEDNESDAY)
    page, _ = _form_page(client, s)
    assert 'dir="rtl"' in page.text and "يانفون نومۇرى" in page.text
    # No untranslated Chinese: only the lawyer's registered name and 汉语 (Chinese, named in Chinese) remain.
    assert set(CJK_RE.findall(page.text)) <= set("叶尔兰·哈布德克汉语")


@freeze_time(NOW)
def test_a_second_resident_for_a_full_slot_is_waitlisted_and_told(cal, client):
    s = session_at(cal, "T1", WEDNESDAY)
    _, token = _form_page(client, s)
    client.post(f"/book/{s.id}?v={V1}", data=_data(token))
    _, token2 = _form_page(client, s)
    assert "已满，提交后进入候补" in client.get(f"/book/{s.id}?v={V1}").text
    second = client.post(f"/book/{s.id}?v={V1}", data=_data(token2, phone="13912340088"), follow_redirects=True)
    assert "候补中" in second.text and "候补第 1 位" in second.text


@freeze_time(NOW)
def test_the_bot_trap_books_nothing(cal, client):
    s = session_at(cal, "T1", WEDNESDAY)
    _, token = _form_page(client, s)
    assert client.post(f"/book/{s.id}?v={V1}", data=_data(token, website="http://spam")).status_code == 400
    assert db.session.scalar(db.select(db.func.count(Booking.id))) == 0


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "RATELIMIT_SIGNUP": "3 per minute"}])
def test_public_sign_up_is_rate_limited(cal, client):
    # Not under freeze_time: the limiter's memory store expires its counters by the real clock.
    s = session_at(cal, "T1", WEDNESDAY)
    codes = [client.post(f"/book/{s.id}?v={V1}", data=_data("t", phone=f"1391234{i:04d}")).status_code
             for i in range(4)]
    assert codes[-1] == 429 and 429 not in codes[:3]


@freeze_time(NOW)
def test_a_past_session_is_closed_for_sign_up(cal, client):
    s = session_at(cal, "T1")  # the first Wednesday of November is over
    assert s.on < WEDNESDAY
    assert client.get(f"/book/{s.id}").status_code == 410


@freeze_time(NOW)
def test_officer_books_for_a_resident_sees_the_list_masked_and_reveals_one_number_on_record(cal, client, auth):
    s = session_at(cal, "V1")
    auth.login("officer")
    _, token = _form_page(client, s)
    client.post(f"/book/{s.id}?v={V1}", data=_data(token))
    booking = db.session.scalar(db.select(Booking))
    assert booking.channel.value == "staff" and booking.created_by_id == cal.users["officer"].id
    listing = client.get(f"/signup/sessions/{s.id}").text
    assert "139****0077" in listing and "13912340077" not in listing and "工作人员代为预约" in listing
    revealed = client.post(f"/signup/bookings/{booking.id}/reveal").text
    assert "13912340077" in revealed
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "booking.reveal_phone"))
    assert event.actor_id == cal.users["officer"].id and event.object_id == booking.id


def test_on_the_day_staff_record_walk_ins_attendance_and_ratings(cal, client, auth):
    with freeze_time("2026-11-25 11:00:00+08:00"):
        s = session_at(cal, "T1", WEDNESDAY)
        _, token = _form_page(client, s)
        client.post(f"/book/{s.id}?v={V1}", data=_data(token))
        booking = db.session.scalar(db.select(Booking))
        auth.login("head")
        client.post(f"/signup/bookings/{booking.id}/attended")
        client.post(f"/signup/bookings/{booking.id}/rate", data={"value": "satisfied"})
        walk = client.get(f"/signup/sessions/{s.id}").text
        token = re.search(r'name="form_token" type="hidden" value="([^"]+)"', walk).group(1)
        walk_in = {"name": "马明", "phone": "", "village_id": "", "language": "zh_Hans", "kind": "mediation",
                   "description": "邻里纠纷", "form_token": token}
        assert client.post(f"/signup/sessions/{s.id}/walk-in", data=walk_in).status_code == 303
        page = client.get(f"/signup/sessions/{s.id}").text
        assert "马明" in page and "现场来访" in page and "满意" in page
        ratings = client.get("/ledger/ratings").text
        assert "叶尔兰·哈布德克" in ratings and "100%" in ratings
        # a Kazakh reader sees the lawyer by the name in her own script
        ratings = client.get("/ledger/ratings", headers={"Accept-Language": "kk-CN"}).text
        assert "ەرلان حابدەك" in ratings and "叶尔兰" not in ratings


@freeze_time(NOW)
def test_slot_settings_refuse_junk_with_a_message(cal, client, auth):
    s = session_at(cal, "T1", WEDNESDAY)
    auth.login("head")
    response = client.post(f"/signup/sessions/{s.id}/slots", data={"slot_minutes": "半小时", "slot_capacity": "0"})
    assert response.status_code == 422 and "请填写整数" in response.text and "1到50" in response.text
    assert client.post(f"/signup/sessions/{s.id}/slots",
                       data={"slot_minutes": "20", "slot_capacity": "2"}).status_code == 303
    assert "还可预约 24 人" in client.get(f"/v/{V1}/book").text  # 4 hours of 20-minute slots, 2 each


@freeze_time(NOW)
def test_knowing_a_residents_phone_does_not_open_their_booking(cal, client, app):
    """Someone else types a resident's number into the form: no receipt, no code, no cancel button for them."""
    s = session_at(cal, "T1", WEDNESDAY)
    _, token = _form_page(client, s)
    mine = client.post(f"/book/{s.id}?v={V1}", data=_data(token))
    booking = db.session.scalar(db.select(Booking))
    other = app.test_client()  # another phone, no cookies
    _, their_token = _form_page(other, s)
    response = other.post(f"/book/{s.id}?v={V1}", data=_data(their_token, name="冒名者", slot="11:00"))
    assert response.status_code == 422
    assert booking.code not in response.text and "阿依努尔" not in response.text
    assert "/b/" not in response.text.replace("/b/find", "")  # no link to anybody's receipt
    assert 'id="phone-error"' in response.text and "/b/find" in response.text
    assert "冒名者" in response.text  # what they typed is kept
    assert db.session.scalar(db.select(db.func.count(Booking.id))) == 1
    assert client.get(mine.headers["Location"]).status_code == 200  # the resident's own receipt still works


@freeze_time(NOW)
def test_the_receipt_and_the_forms_with_personal_data_are_never_cached(cal, client):
    s = session_at(cal, "T1", WEDNESDAY)
    page, token = _form_page(client, s)
    assert page.headers["Cache-Control"] == "no-store"
    done = client.post(f"/book/{s.id}?v={V1}", data=_data(token))
    receipt = client.get(done.headers["Location"])
    assert receipt.status_code == 200 and receipt.headers["Cache-Control"] == "no-store"
    assert client.get("/b/find").headers["Cache-Control"] == "no-store"


def test_the_list_counts_who_booked_who_waits_and_who_came(cal, client, auth):
    s = session_at(cal, "T1", WEDNESDAY)
    with freeze_time(NOW):
        for n, phone in enumerate(("13912340001", "13912340002", "13912340003")):
            _, token = _form_page(client, s)
            client.post(f"/book/{s.id}?v={V1}", data=_data(token, phone=phone, slot="10:30" if n == 2 else "10:00"))
    first = db.session.scalar(db.select(Booking).where(Booking.phone == "13912340001"))
    with freeze_time("2026-11-25 11:00:00+08:00"):
        auth.login("head")
        client.post(f"/signup/bookings/{first.id}/attended")
        page = client.get(f"/signup/sessions/{s.id}").text
    stats = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", page))
    assert stats == {"已预约": "1/8", "候补中": "1", "已到场": "1"}
