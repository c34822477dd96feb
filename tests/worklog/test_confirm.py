"""Countersigning locks an entry: it is asked on a page of its own that shows what is signed (issue 11)."""

import re
from datetime import date, time

import pytest
from freezegun import freeze_time

from gongfa.db import db
from gongfa.duty import generation as duty
from gongfa.duty.models import ExtraKind
from gongfa.org import services as org
from gongfa.worklog import services
from gongfa.worklog.models import Category, EntryStatus, Mode, Referral, WorkLogEntry
from tests.conftest import HX, PASSWORD

NOW = "2026-11-23 15:00:00+08:00"
TODAY = date(2026, 11, 23)
BOOSTED = {**HX, "HX-Boosted": "true"}


def _entry(world, token, *, session=None, persons="阿依古丽·吐尔逊", place="V1"):
    entry, _ = services.create_entry(
        lawyer=world.users["lawyer"], point=org.point_of(world.units[place]), session=session, form_token=token,
        submit=True, today=TODAY, served_on=TODAY, starts_at=time(10, 0), ends_at=time(12, 30),
        place="营盘社区工作室", persons=persons, mode=Mode.ON_SITE, category=Category.CONSULTATION,
        content="土地承包合同到期续签", result="已解答，建议书面续签", referral=Referral.NONE)
    return entry


def _status(entry) -> EntryStatus:
    db.session.expire_all()
    return db.session.get(WorkLogEntry, entry.id).status


def _login(client, username):
    assert client.post("/auth/login", data={"username": username, "password": PASSWORD}).status_code == 303


@freeze_time(NOW)
def test_the_entry_page_leads_to_a_confirmation_that_shows_the_facts_and_changes_nothing(world, client):
    entry = _entry(world, "t" * 32)
    db.session.commit()
    _login(client, "officer")
    show = client.get(f"/log/{entry.id}").text
    assert f'href="/log/{entry.id}/countersign"' in show  # a link to the confirmation, not a one-tap POST
    assert not re.search(rf'<form[^>]+action="/log/{entry.id}/countersign"', show)
    for ask in (client.get(f"/log/{entry.id}/countersign"), client.post(f"/log/{entry.id}/countersign")):
        assert ask.status_code == 200
        for fact in ("土地承包合同到期续签", "阿依古丽·吐尔逊", "已解答，建议书面续签", "叶尔兰·哈布德克",
                     "10:00–12:30"):
            assert fact in ask.text, fact
        assert "不能再修改" in ask.text
        assert re.search(r'<button[^>]*name="confirm"[^>]*>', ask.text)
        assert f'href="/log/{entry.id}"' in ask.text  # 返回
    assert _status(entry) == EntryStatus.SUBMITTED
    done = client.post(f"/log/{entry.id}/countersign", data={"confirm": "1", "version": entry.version})
    assert done.status_code == 303
    assert _status(entry) == EntryStatus.COUNTERSIGNED
    assert "已签字确认" in client.get(done.location).text


@freeze_time(NOW)
def test_an_entry_changed_after_the_confirmation_was_shown_is_not_signed_unseen(world, client):
    entry = _entry(world, "u" * 32)
    db.session.commit()
    seen = entry.version
    services.update_entry(entry, actor=world.users["lawyer"], version=seen, submit=True, today=TODAY,
                          point_id=entry.point_id, served_on=TODAY, starts_at=time(10, 0), ends_at=time(11, 0),
                          place="", persons="改过的人",
                          mode=Mode.PHONE, category=Category.OTHER, content="改过的内容", result="",
                          referral=Referral.NONE)
    db.session.commit()
    _login(client, "officer")
    response = client.post(f"/log/{entry.id}/countersign", data={"confirm": "1", "version": seen})
    assert response.status_code == 409
    assert "改过的内容" in response.text and "刚刚被修改过" in response.text
    assert _status(entry) == EntryStatus.SUBMITTED


@freeze_time(NOW)
def test_the_list_and_a_whole_visit_ask_first_too(world, client):
    visit = duty.add_extra_session(point=org.point_of(world.units["V1"]), extra_kind=ExtraKind.EVENING, on=TODAY,
                                   starts_at=time(9, 0), ends_at=time(13, 0), lawyer=world.users["lawyer"],
                                   place="", actor=world.users["head"])
    db.session.flush()
    a = _entry(world, "a" * 32, session=visit, persons="王秀兰")
    b = _entry(world, "b" * 32, session=visit, persons="马建国")
    db.session.commit()
    _login(client, "officer")
    index = client.get("/log/").text
    assert f'href="/log/{a.id}/countersign' in index and f'href="/log/sessions/{visit.id}/countersign"' in index
    assert not re.search(r'<form[^>]+action="/log/[^"]*countersign"', index)
    ask = client.get(f"/log/sessions/{visit.id}/countersign")
    assert ask.status_code == 200 and "王秀兰" in ask.text and "马建国" in ask.text and "不能再修改" in ask.text
    assert client.post(f"/log/sessions/{visit.id}/countersign").status_code == 200
    assert _status(a) == _status(b) == EntryStatus.SUBMITTED
    seen = re.search(r'name="seen"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="seen"', ask.text)
    seen = seen.group(1) or seen.group(2)
    done = client.post(f"/log/sessions/{visit.id}/countersign", data={"confirm": "1", "seen": seen})
    assert done.status_code == 303
    assert _status(a) == _status(b) == EntryStatus.COUNTERSIGNED


@freeze_time(NOW)
@pytest.mark.parametrize("step", ["ask", "done"])
def test_with_javascript_on_each_step_is_a_whole_page_with_a_message(world, client, step):
    entry = _entry(world, "c" * 32)
    db.session.commit()
    _login(client, "officer")
    if step == "ask":
        response = client.get(f"/log/{entry.id}/countersign", headers=BOOSTED)
    else:
        response = client.post(f"/log/{entry.id}/countersign", data={"confirm": "1", "version": entry.version},
                               headers=BOOSTED, follow_redirects=True)
        assert 'class="flash success"' in response.text
    for part in ("<header", 'class="nav', "<footer", "<h1"):
        assert part in response.text, (step, part)


def test_the_confirmation_needs_the_csrf_token(world, app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    with freeze_time(NOW):
        entry = _entry(world, "d" * 32)
        db.session.commit()
        page = client.get("/auth/login").text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        client.post("/auth/login", data={"username": "officer", "password": PASSWORD, "csrf_token": token})
        response = client.post(f"/log/{entry.id}/countersign", data={"confirm": "1", "version": entry.version})
        assert response.status_code == 400
        assert _status(entry) == EntryStatus.SUBMITTED
