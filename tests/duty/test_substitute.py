"""The station head's substitution: the firm's free lawyers first, then others free in the county, nobody
preselected, a reason required, and a confirmation page before anything changes (issue 11, point 4)."""

import re
from datetime import date, time

import pytest
from freezegun import freeze_time

from gongfa.audit.models import AuditEvent
from gongfa.db import db
from gongfa.duty.models import DutySession, RuleKind, SessionStatus
from gongfa.org import services as org
from gongfa.people.models import Role
from tests.conftest import HX, PASSWORD

NOW = "2026-11-23 09:00:00+08:00"
WED = date(2026, 12, 2)
BOOSTED = {**HX, "HX-Boosted": "true"}


def _sitting(world, where, lawyer, on=WED, starts=time(10, 0), ends=time(14, 0)) -> DutySession:
    point = org.point_of(world.units[where])
    kind = RuleKind.WEEKLY if where.startswith("T") else RuleKind.MONTHLY
    s = DutySession(point=point, kind=kind, scheduled_on=on, on=on, starts_at=starts, ends_at=ends,
                    status=SessionStatus.CONFIRMED, lawyer=lawyer)
    db.session.add(s)
    return s


@pytest.fixture
def town(world):
    """小营盘镇's Wednesday sat by ``lawyer``; at the same hours ``lawyer3`` (same firm) is at 吉祥社区;
    ``lawyer2`` (same firm) is free; ``other`` (another firm of 博乐市, at 达勒特镇) is free; ``far`` (a duty
    lawyer at 托里镇, 精河县) is free but works in another county."""
    world.add_multi_unit_people()
    firm3 = org.create_firm(name_zh="新疆天律律师事务所", name_ug="", name_kk="", county=world.units["C1"],
                            licence_no="31650077", phone="", address="博乐市")
    world.person("other", "马天律", Role.LAWYER, "T2", firm=firm3)
    world.person("lawyer3", "忙律师", Role.LAWYER, "T1", firm=world.firm)
    world.person("far", "远律师", Role.LAWYER, "T3", firm=world.firm2)
    world.wednesday = _sitting(world, "T1", world.users["lawyer"])
    _sitting(world, "V2", world.users["lawyer3"], starts=time(11, 0), ends=time(12, 0))
    db.session.commit()
    return world


def _login(client, username):
    assert client.post("/auth/login", data={"username": username, "password": PASSWORD}).status_code == 303


def _select(page: str) -> str:
    found = re.search(r'<select[^>]*name="lawyer_id"[^>]*>(.*?)</select>', page, re.S)
    assert found
    return found.group(1)


def _groups(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>', _select(page), re.S)


def _events() -> int:
    return db.session.scalar(db.select(db.func.count(AuditEvent.id)))


def _url(s: DutySession) -> str:
    return f"/duty/sessions/{s.id}/substitute"


@freeze_time(NOW)
def test_the_list_offers_the_firms_free_lawyers_first_then_others_free_in_the_county(town, client):
    _login(client, "head")
    page = client.get(_url(town.wednesday)).text
    options = _select(page)
    first = re.search(r"<option([^>]*)>([^<]*)</option>", options)
    assert 'value=""' in first.group(1) and first.group(2) == "请选择"  # a placeholder, not a lawyer
    assert not re.search(r'<option[^>]*value="\d+"[^>]*selected', options)
    groups = _groups(page)
    # The firm's own, then one group per other firm of the county (named by the group: an option holds a name
    # alone, marked with its language), then the busy ones.
    assert len(groups) == 4, groups
    (firm_label, firm), *other_groups, (busy_label, busy) = groups
    others = "".join(options for _label, options in other_groups)
    other_label = "".join(label for label, _options in other_groups)
    assert "新疆博众律师事务所" in firm_label and "王律师" in firm and "马天律" not in firm
    assert "马天律" in others and "王律师" not in others and "新疆精河律师事务所" in other_label
    # Busy lawyers are shown, but cannot be chosen, and say where they are then.
    assert re.search(r'<option[^>]*disabled[^>]*>忙律师</option>', busy)
    assert re.search(r'<li><bdi[^>]*>忙律师</bdi>：已在<bdi[^>]*>吉祥社区[^<]*</bdi>值班 11:00–12:00', page)
    assert "空闲" in firm_label and "空闲" in other_label and busy_label
    assert "远律师" not in options  # another county's lawyer
    assert "叶尔兰" not in options  # the lawyer being replaced
    assert re.search(r'<select[^>]*name="lawyer_id"[^>]*required', page)


@freeze_time(NOW)
def test_the_reason_and_the_lawyer_are_required_and_typed_text_is_kept(town, client):
    _login(client, "head")
    before = _events()
    response = client.post(_url(town.wednesday), data={"version": town.wednesday.version, "lawyer_id": "",
                                                       "reason": ""})
    assert response.status_code == 422
    assert 'id="lawyer_id-error"' in response.text and 'id="reason-error"' in response.text
    assert 'href="#lawyer_id"' in response.text and 'href="#reason"' in response.text
    response = client.post(_url(town.wednesday), data={"version": town.wednesday.version, "lawyer_id": "",
                                                       "reason": "律师住院"})
    assert response.status_code == 422 and 'value="律师住院"' in response.text
    assert _events() == before
    assert db.session.get(DutySession, town.wednesday.id).lawyer_id == town.users["lawyer"].id


@freeze_time(NOW)
def test_submitting_shows_a_confirmation_and_only_its_post_changes_anything(town, client):
    _login(client, "head")
    s, lawyer2 = town.wednesday, town.users["lawyer2"]
    before = _events()
    page = client.post(_url(s), data={"version": s.version, "lawyer_id": lawyer2.id, "reason": "律师住院"})
    assert page.status_code == 200
    text = page.text
    assert "王律师" in text and "叶尔兰·哈布德克" in text and "小营盘镇" in text and "2026年12月2日" in text
    assert "律师住院" in text
    assert re.search(r'<button[^>]*name="confirm"[^>]*>确认', text)
    assert re.search(r'<button[^>]*name="back"[^>]*>返回', text)
    assert _events() == before and db.session.get(DutySession, s.id).lawyer_id == town.users["lawyer"].id

    back = client.post(_url(s), data={"version": s.version, "lawyer_id": lawyer2.id, "reason": "律师住院",
                                      "back": "1"})
    assert back.status_code == 200 and 'value="律师住院"' in back.text
    assert re.search(rf'<option[^>]*selected[^>]*value="{lawyer2.id}"|<option[^>]*value="{lawyer2.id}"[^>]*selected',
                     back.text)
    assert _events() == before

    done = client.post(_url(s), data={"version": s.version, "lawyer_id": lawyer2.id, "reason": "律师住院",
                                      "confirm": "1"})
    assert done.status_code == 303 and done.location.endswith(f"/duty/sessions/{s.id}")
    assert db.session.get(DutySession, s.id).lawyer_id == lawyer2.id
    shown = client.get(done.location).text
    assert "已安排" in shown and "王律师" in shown


@freeze_time(NOW)
def test_a_busy_lawyer_sent_anyway_is_refused_next_to_the_choice(town, client):
    _login(client, "head")
    s = town.wednesday
    for confirm in ({}, {"confirm": "1"}):
        response = client.post(_url(s), data={"version": s.version, "lawyer_id": town.users["lawyer3"].id,
                                              "reason": "律师住院", **confirm})
        assert response.status_code == 422
        assert "吉祥社区" in response.text and 'id="lawyer_id-error"' in response.text
    assert db.session.get(DutySession, s.id).lawyer_id == town.users["lawyer"].id


@freeze_time(NOW)
def test_a_change_by_someone_else_before_the_confirmation_changes_nothing(town, client):
    _login(client, "head")
    s = town.wednesday
    seen = s.version
    s.note = "改过"
    db.session.commit()
    response = client.post(_url(s), data={"version": seen, "lawyer_id": town.users["lawyer2"].id,
                                          "reason": "律师住院", "confirm": "1"})
    assert response.status_code == 422 and "刚刚被别人修改过" in response.text
    assert db.session.get(DutySession, s.id).lawyer_id == town.users["lawyer"].id


@freeze_time(NOW)
@pytest.mark.parametrize("step", ["form", "confirmation", "error", "done"])
def test_with_javascript_on_every_step_is_a_whole_page(town, client, step):
    """A boosted submit (htmx) gets the page with its header, menu and footer, never a bare card."""
    _login(client, "head")
    s = town.wednesday
    data = {"version": s.version, "lawyer_id": town.users["lawyer2"].id, "reason": "律师住院"}
    if step == "form":
        response = client.get(_url(s), headers=BOOSTED)
    elif step == "confirmation":
        response = client.post(_url(s), data=data, headers=BOOSTED)
    elif step == "error":
        response = client.post(_url(s), data={**data, "reason": ""}, headers=BOOSTED)
    else:
        response = client.post(_url(s), data={**data, "confirm": "1"}, headers=BOOSTED, follow_redirects=True)
        assert "已安排" in response.text
    for part in ("<header", 'class="nav', "<footer", "<h1"):
        assert part in response.text, (step, part)
    assert 'id="session-' not in response.text.split("<main", 1)[0]


def test_the_confirmation_needs_the_csrf_token(town, app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    with freeze_time(NOW):
        _login_csrf(client, "head")
        s = town.wednesday
        response = client.post(_url(s), data={"version": s.version, "lawyer_id": town.users["lawyer2"].id,
                                              "reason": "律师住院", "confirm": "1"})
        assert response.status_code == 400
    assert db.session.get(DutySession, s.id).lawyer_id == town.users["lawyer"].id


def _login_csrf(client, username):
    page = client.get("/auth/login").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    assert client.post("/auth/login", data={"username": username, "password": PASSWORD,
                                            "csrf_token": token}).status_code == 303


@freeze_time(NOW)
def test_a_session_nobody_sits_offers_the_firm_serving_the_township_first(town, client):
    """A shortage (no lawyer at all): the firm assigned to the township is "the firm"."""
    empty = _sitting(town, "T1", None, on=date(2026, 12, 9))
    db.session.commit()
    _login(client, "head")
    page = client.get(_url(empty)).text
    (firm_label, firm), *_rest = _groups(page)
    assert "新疆博众律师事务所" in firm_label
    assert "叶尔兰·哈布德克" in firm and "王律师" in firm and "马天律" not in firm
    confirm = client.post(_url(empty), data={"version": empty.version, "lawyer_id": town.users["lawyer2"].id,
                                              "reason": "缺律师"})
    assert confirm.status_code == 200 and "原来没有律师" in confirm.text
