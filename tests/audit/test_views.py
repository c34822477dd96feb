"""The audit page: bureau admins and auditors search the trail by person, object, action, dates or a number,
read each change by field name, page through it and take it away as .xlsx (which is audited too)."""

import json
import re
from datetime import UTC, datetime
from io import BytesIO

import pytest
from freezegun import freeze_time
from openpyxl import load_workbook
from sqlalchemy import event as sa_event

from gongfa import clock
from gongfa.audit import services as audit
from gongfa.audit.models import AuditEvent
from gongfa.auth import services as auth_services
from gongfa.db import db
from gongfa.org import services as org
from gongfa.people import services as people
from gongfa.people.models import Role
from tests.conftest import PASSWORD, SINCE


def _county_auditor(world):
    user = people.create_user(username="bole-auditor", full_name="博乐审计员", password=PASSWORD)
    people.add_membership(user=user, point=org.point_of(world.units["C1"]), role=Role.AUDITOR, starts_on=SINCE)
    db.session.commit()
    return user


def _seqs(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<tr id="event-(\d+)">', html)]


def _event_actions(html: str) -> set[str]:
    return set(re.findall(r'<td class="action"[^>]*>[^<]*<small><bdi dir="ltr"[^>]*>([a-z_.]+)</bdi>', html))


def test_the_auditor_sees_the_trail_and_their_home_page_nothing_more(world, client, auth):
    auth.login("auditor")
    home = client.get("/")
    assert home.status_code == 200
    assert re.findall(r'<nav class="nav"[^>]*>(.*?)</nav>', home.text)[0].count("<a ") == 2  # 首页, 审计日志
    assert 'href="/audit/"' in home.text
    assert client.get("/audit/").status_code == 200
    for url in ("/org/units", f"/org/units/{world.units['V1'].id}", "/people/", "/mediation/", "/log/", "/ledger/"):
        assert client.get(url).status_code == 403, url


def test_bureau_admins_find_the_trail_from_their_home_page(world, client, auth):
    auth.login("county")
    assert 'href="/audit/"' in client.get("/").text


def test_the_prefecture_reads_everything_a_county_only_its_own(world, client, auth):
    auth_services.authenticate(username="nobody-here", password="x", ip="203.0.113.9")  # an unknown name: about no unit
    people.set_locale(world.users["head2"], "ug")  # 托里镇, 精河县
    people.set_locale(world.users["officer"], "kk_Arab")  # 营盘社区, 博乐市
    db.session.commit()
    _county_auditor(world)
    auth.login("auditor")
    everything = client.get("/audit/?action=user.locale").text
    assert "托里所长" in everything and "阿依古丽·买买提" in everything
    assert "login.failed" in _event_actions(client.get("/audit/?action=login.failed").text)
    auth.logout()
    for username in ("county", "bole-auditor"):
        auth.login(username)
        own = client.get("/audit/?action=user.locale").text
        assert "阿依古丽·买买提" in own and "托里所长" not in own, username
        assert "login.failed" not in _event_actions(client.get("/audit/?action=login.failed").text)
        assert "精河县" not in client.get("/audit/").text
        auth.logout()


def test_search_by_person_object_action_and_beijing_dates(world, client, auth):
    officer = world.users["officer"]
    # 2026-11-30 17:30 UTC is 12-01 01:30 in Beijing: a December event, however the server's clock runs.
    with freeze_time(datetime(2026, 11, 30, 17, 30, tzinfo=UTC)):
        people.set_locale(officer, "ug")
        db.session.commit()
    with freeze_time(datetime(2026, 12, 2, 15, 59, tzinfo=UTC)):  # 12-02 23:59 Beijing
        people.set_locale(world.users["head"], "ug")
        db.session.commit()
    auth.login("admin")
    dec_1 = client.get("/audit/?date_from=2026-12-01&date_to=2026-12-01").text
    assert len(_seqs(dec_1)) == 1 and "阿依古丽·买买提" in dec_1 and "2026-12-01 01:30:00" in dec_1
    assert len(_seqs(client.get("/audit/?date_from=2026-12-02&date_to=2026-12-02").text)) == 1
    assert _seqs(client.get("/audit/?date_to=2026-11-30&action=user.locale").text) == []
    by_name = client.get("/audit/?person=阿依古丽").text  # done by her, or to her account
    assert {"user.create", "membership.create", "user.locale"} <= _event_actions(by_name)
    assert "李所长" not in by_name
    assert _event_actions(client.get(f"/audit/?object_type=users&object_id={officer.id}").text) == \
        {"user.create", "user.locale"}
    assert _event_actions(client.get("/audit/?person=officer&action=user.locale").text) == {"user.locale"}


def test_a_number_is_found_by_its_digest_though_neither_trail_nor_address_holds_it(world, client, auth):
    user = world.users["head"]
    people.update_user(user, full_name=user.full_name, full_name_native="", phone="13800138000", law_firm=None,
                       licence_no="", is_active=True)
    db.session.commit()
    auth.login("admin")
    sent = client.post("/audit/?action=user.update", data={"number": "138 0013 8000"})
    assert sent.status_code == 303
    address = sent.headers["Location"]
    assert "13800138000" not in address and "action=user.update" in address
    assert f"digest={audit.value_digest('13800138000')}" in address
    found = client.get(address).text
    assert _event_actions(found) == {"user.update"} and "138****8000" in found and "13800138000" not in found
    other = client.post("/audit/", data={"number": "13800138001"}).headers["Location"]
    assert _seqs(client.get(other).text) == []
    refused = client.post("/audit/", data={"number": "12"})
    assert refused.status_code == 422 and 'href="#number"' in refused.text and "请填写4到30位号码" in refused.text


def test_changes_read_as_fields_with_masked_values_not_json(world, client, auth):
    user = world.users["head"]
    people.update_user(user, full_name="李建国", full_name_native="", phone="13800138000", law_firm=None,
                       licence_no="", is_active=True)
    db.session.commit()
    auth.login("admin")
    page = client.get("/audit/?action=user.update").text
    page = page[page.index("<table"):page.index("</table>")]
    assert "<dt>姓名</dt><dd><bdi dir=\"auto\">李所长</bdi> → <bdi dir=\"auto\">李建国</bdi></dd>" in page
    assert "139****5678</bdi> → <bdi dir=\"auto\">138****8000" in page
    assert '{"' not in page and "hmac" not in page


@pytest.mark.parametrize(("query", "field", "message"), [
    ("date_from=2026-13-01", "date_from", "日期格式不对"),
    ("date_from=2026-12-05&date_to=2026-12-01", "date_to", "截止日期不能早于起始日期"),
    ("object_id=abc", "object_id", "请填写整数"),
    ("object_id=-3", "object_id", "请填写正整数"),
    ("action=drop.table", "action", "请从列表中选择"),
    ("digest=13800138000", "digest", "号码摘要不对"),
    ("person=%E2%80%AEnimda", "person", "不能包含文字方向控制字符"),
])
def test_bad_search_terms_get_a_message_next_to_the_field(world, client, auth, query, field, message):
    auth.login("admin")
    for url in (f"/audit/?{query}", f"/audit/export.xlsx?{query}"):
        response = client.get(url)
        assert response.status_code == 422, url
        assert 'class="error-summary"' in response.text and f'href="#{field}"' in response.text
        assert f'id="{field}-error"' in response.text and message in response.text
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "audit.export")) is None


def test_older_events_page_by_sequence_without_gaps_or_repeats(world, client, auth):
    for i in range(60):
        audit.record("test.step", world.users["officer"], after={"i": i})
    db.session.commit()
    auth.login("admin")
    total = db.session.scalar(db.select(db.func.count(AuditEvent.id)))
    seen, url = [], "/audit/"
    while url:
        page = client.get(url).text
        seqs = _seqs(page)
        assert len(seqs) <= 50
        seen += seqs
        nxt = re.search(r'href="([^"]+)" rel="next"', page)
        url = nxt.group(1).replace("&amp;", "&") if nxt else None
    assert seen == list(range(total, 0, -1))
    officer = world.users["officer"].id
    about = db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(
        AuditEvent.object_type == "users", AuditEvent.object_id == officer))
    filtered = client.get(f"/audit/?object_type=users&object_id={officer}").text
    nxt = re.search(r'href="([^"]+)" rel="next"', filtered).group(1).replace("&amp;", "&")
    assert f"object_id={officer}" in nxt and len(_seqs(client.get(nxt).text)) == about - 50


def test_the_export_has_beijing_times_names_and_masked_values_and_is_audited(world, client, auth):
    with freeze_time(datetime(2026, 11, 30, 17, 30, tzinfo=UTC)):
        people.set_locale(world.users["officer"], "ug")
        db.session.commit()
    auth.login("auditor")
    address = client.post("/audit/?person=officer", data={"number": "13912345678"}).headers["Location"]
    response = client.get(address.replace("/audit/?", "/audit/export.xlsx?"))
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    rows = list(load_workbook(BytesIO(response.data)).active.iter_rows(values_only=True))
    header = rows[2]
    assert header[:5] == ("序号", "时间（北京时间）", "用户名", "姓名", "操作")
    body = [dict(zip(header, r, strict=False)) for r in rows[3:]]
    assert {r["操作代码"] for r in body} == {"user.create"}  # the officer's account, found by its phone digest
    assert all("13912345678" not in str(v) for r in rows for v in r)
    assert any("139****5678" in (r["变更内容"] or "") for r in body)
    export = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "audit.export"))
    after = json.loads(export.after)
    assert export.actor_id == world.users["auditor"].id and after["rows"] == len(body) and after["capped"] is False
    assert after["filters"] == {"person": "officer", "digest": audit.value_digest("13912345678")}
    assert "13912345678" not in export.after


def test_the_export_stops_at_its_cap_and_says_so(world, client, auth, app):
    app.config["AUDIT_EXPORT_MAX_ROWS"] = 5
    auth.login("admin")
    rows = list(load_workbook(BytesIO(client.get("/audit/export.xlsx").data)).active.iter_rows(values_only=True))
    assert "只导出了最近的 5 条" in rows[1][0]
    assert len(rows) == 3 + 5
    times = [r[1] for r in rows[3:]]
    assert all(isinstance(t, datetime) for t in times)
    newest = db.session.scalar(db.select(AuditEvent).where(AuditEvent.seq == rows[3][0]))
    assert times[0] == newest.at.astimezone(clock.BEIJING).replace(tzinfo=None, microsecond=times[0].microsecond)


@pytest.mark.parametrize("username", ["admin", "county", "auditor"])
def test_the_page_stays_within_ten_statements(world, client, auth, username):
    for i in range(30):
        audit.record("test.step", world.users["officer"], after={"i": i})
    db.session.commit()
    auth.login(username)
    statements = []
    sa_event.listen(db.engine, "before_cursor_execute", lambda *a, **k: statements.append(a[2]))
    digest = audit.value_digest("13912345678")
    for url in ("/audit/", f"/audit/?person=officer&date_from=2026-01-01&digest={digest}"):
        statements.clear()
        assert client.get(url).status_code == 200
        assert len(statements) <= 10, (url, statements)


def test_walk_ins_and_logins_of_a_township_reach_its_county(world, client, auth):
    """A login is about the person's own unit: a county admin sees their officers log in."""
    client.post("/auth/login", data={"username": "officer", "password": PASSWORD})
    auth.logout()
    auth.login("county")
    page = client.get("/audit/?action=login&person=officer").text
    assert len(_seqs(page)) == 1
