"""Staff accounts: names in every script, phone rules, roles at the right places."""

import re

import pytest

from gongfa.db import db
from gongfa.people.models import Membership, User
from tests.conftest import PASSWORD


@pytest.fixture
def admin(world, auth):
    auth.login("county")
    return world


def _new(admin, **over):
    data = {"full_name": "王建国", "username": "wangjianguo", "password": "Long.enough.1", "phone": "13912345678",
            "role": "mediator", "point_id": str(admin.units["V1"].points[0].id), "starts_on": "2026-01-01",
            "law_firm_id": "", "is_active": "y"}
    data.update(over)
    return data


# A minority name of 52 characters (DESIGN §7: fields hold at least 50), and the longest the form takes.
LONG_NAME = "阿卜杜热合曼·买买提明·艾则孜·司马义·努尔买买提·吐尔逊·阿不都热依木·热合曼·阿卜杜克热木·玉素甫江"
LONGEST = "阿依古丽·" + "买" * 95


@pytest.mark.parametrize("name", [
    "阿依古丽·买买提", "ئايگۈل مەمەت", "ەرلان حابدەك", "巴特尔·额尔德尼", "马小兰",
    pytest.param(LONG_NAME, id="52-chars"), pytest.param(LONGEST, id="100-chars"),
    "𠀾明",  # CJK Extension B
])
def test_names_in_every_script_are_accepted_and_shown(admin, client, name):
    response = client.post("/people/new", data=_new(admin, full_name=name))
    assert response.status_code == 303, response.text
    user = db.session.scalar(db.select(User).where(User.username == "wangjianguo"))
    assert user.full_name == name
    assert name in client.get(f"/people/{user.id}").text


@pytest.mark.parametrize(("typed", "stored"), [
    ("阿依古丽•买买提", "阿依古丽·买买提"),  # U+2022 bullet
    ("阿依古丽・买买提", "阿依古丽·买买提"),  # U+30FB katakana middle dot
    ("阿依古丽 · 买买提", "阿依古丽·买买提"),
    ("张\u200b三", "张三"),  # zero-width space removed
])
def test_look_alike_dots_become_the_middle_dot(admin, client, typed, stored):
    assert client.post("/people/new", data=_new(admin, full_name=typed)).status_code == 303
    assert db.session.scalar(db.select(User.full_name).where(User.username == "wangjianguo")) == stored


@pytest.mark.parametrize(("name", "message"), [
    ("王\u202e国", "文字方向控制字符"),
    ("王国2", "姓名中不能有数字"),
    ("·王国", "“·”只能用在姓名的两个部分之间"),
    ("王<b>国", "姓名中只能有文字"),
    ("王\x00国", "控制字符"),
    ("王" * 101, "不超过100个字"),
])
def test_bad_names_get_a_message_next_to_the_field(admin, client, name, message):
    response = client.post("/people/new", data=_new(admin, full_name=name))
    assert response.status_code == 422
    assert message in response.text
    assert 'id="full_name-error"' in response.text


@pytest.mark.parametrize("phone", ["12345678901", "1391234567", "139123456789", "abc"])
def test_bad_phone_numbers(admin, client, phone):
    response = client.post("/people/new", data=_new(admin, phone=phone))
    assert response.status_code == 422
    assert "请输入11位手机号" in response.text


def test_full_width_and_plus86_phone_is_normalised(admin, client):
    assert client.post("/people/new", data=_new(admin, phone="+86 １３９ １２３４ ５６７８")).status_code == 303
    assert db.session.scalar(db.select(User.phone).where(User.username == "wangjianguo")) == "13912345678"


def test_usernames_are_checked_and_unique(admin, client):
    response = client.post("/people/new", data=_new(admin, username="officer"))
    assert response.status_code == 422
    assert "这个用户名已被使用" in response.text
    response = client.post("/people/new", data=_new(admin, username="王"))
    assert "用户名用3到40个小写字母" in response.text


def test_role_must_fit_the_place(admin, client):
    response = client.post("/people/new", data=_new(admin, role="station_head"))  # at a village studio
    assert response.status_code == 422
    assert "这个角色不能安排在这类服务点" in response.text
    assert db.session.scalar(db.select(User).where(User.username == "wangjianguo")) is None  # nothing half-written


def test_weak_password_is_refused(admin, client):
    response = client.post("/people/new", data=_new(admin, password="short"))
    assert response.status_code == 422
    assert "密码至少要有 10 个字符" in response.text


def test_deactivating_a_user_ends_their_sessions(admin, client, app):
    other = app.test_client()
    other.post("/auth/login", data={"username": "officer", "password": "Test.password.1"})
    assert other.get("/").status_code == 200
    officer = admin.users["officer"]
    response = client.post(f"/people/{officer.id}", data={"full_name": officer.full_name, "phone": "13912345678",
                                                          "law_firm_id": ""})
    assert response.status_code == 303
    assert other.get("/auth/password").status_code == 302


def test_an_ended_role_stays_on_the_persons_page_with_its_dates(admin, client):
    officer = admin.users["officer"]
    membership = db.session.scalar(db.select(Membership).where(Membership.user_id == officer.id))
    assert "至今" in client.get(f"/people/{officer.id}").text
    assert client.post(f"/people/memberships/{membership.id}/end", data={"ends_on": "2026-01-31"}).status_code == 303
    page = client.get(f"/people/{officer.id}").text
    rows = [re.sub(r"<[^>]+>|\s", "", r) for r in re.findall(r'<tr class="inactive">(.*?)</tr>', page, re.S)]
    assert rows == ["村综治专干营盘社区公共法律服务工作室2025年1月1日–2026年1月31日"]  # the history, greyed out
    assert "至今" not in page
    assert f"/people/memberships/{membership.id}/end" not in page  # ended once, not again


def test_user_list_masks_phone_numbers(admin, client):
    page = client.get("/people/").text
    assert "139****5678" in page
    assert "13912345678" not in page


def test_admin_resets_a_password_and_unlocks(admin, client, app):
    """The officer forgot the password and locked the account trying: the admin's reset lets them in at once."""
    officer, phone = admin.users["officer"], app.test_client()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        phone.post("/auth/login", data={"username": "officer", "password": "Forgotten.1"})
    locked = phone.post("/auth/login", data={"username": "officer", "password": PASSWORD})
    assert locked.status_code == 422 and "登录失败次数过多" in locked.text
    response = client.post(f"/people/{officer.id}/password", data={"password": "Brand.new.pass"})
    assert response.status_code == 303
    assert phone.post("/auth/login", data={"username": "officer", "password": PASSWORD}).status_code == 422
    assert phone.post("/auth/login", data={"username": "officer", "password": "Brand.new.pass"}).status_code == 303


def test_an_adviser_assignment_made_by_a_county_admin_gives_no_hold_on_another_countys_lawyer(admin, client, app):
    """博乐's admin makes 精河's lawyer adviser of a 博乐 village: that grants no password reset, no deactivation."""
    from gongfa.org import services as org
    from gongfa.org.models import AssignmentKind
    from gongfa.people import services as people
    from gongfa.people.models import Role
    from tests.conftest import PASSWORD, SINCE

    jinghe = people.create_user(username="jinghe-lawyer", full_name="精河律师", phone="13900000001",
                                law_firm=admin.firm, password=PASSWORD)
    people.add_membership(user=jinghe, point=org.point_of(admin.units["T3"]), role=Role.LAWYER, starts_on=SINCE)
    db.session.commit()
    made = client.post("/org/assignments/new", data={
        "kind": AssignmentKind.ADVISER_VILLAGE.value, "unit_id": str(admin.units["V2"].id), "lawyer_id": str(jinghe.id),
        "law_firm_id": "", "starts_on": "2026-01-01", "ends_on": "", "note": ""})  # as a browser sends it
    assert made.status_code == 303  # assigning a neighbouring county's lawyer is ordinary work
    assert client.get(f"/people/{jinghe.id}/password").status_code == 403
    assert client.post(f"/people/{jinghe.id}/password", data={"password": "Taken.over.123"}).status_code == 403
    assert client.post(f"/people/{jinghe.id}", data={"full_name": "精河律师", "phone": "", "law_firm_id": ""}
                       ).status_code == 403  # no deactivating (is_active left unticked) either
    page = client.get(f"/people/{jinghe.id}").text
    assert "重设密码" not in page and 'name="is_active"' not in page
    other = app.test_client()
    assert other.post("/auth/login", data={"username": "jinghe-lawyer", "password": "Taken.over.123"}
                      ).status_code == 422
    assert other.post("/auth/login", data={"username": "jinghe-lawyer", "password": PASSWORD}).status_code == 303
    db.session.refresh(jinghe)
    assert jinghe.is_active


def test_a_prefecture_admin_who_once_served_in_the_county_is_not_the_countys_to_manage(admin, client):
    from gongfa.org import services as org
    from gongfa.people import services as people
    from gongfa.people.models import Role
    from tests.conftest import PASSWORD, SINCE

    boss = people.create_user(username="zhou-admin", full_name="州管理员乙", phone="13900000002", password=PASSWORD)
    old = people.add_membership(user=boss, point=org.point_of(admin.units["V1"]), role=Role.OFFICER, starts_on=SINCE)
    people.end_membership(old, ends_on=SINCE.replace(month=6))
    people.add_membership(user=boss, point=org.point_of(admin.units["P"]), role=Role.BUREAU_ADMIN,
                          starts_on=SINCE.replace(month=7))
    db.session.commit()
    assert client.get(f"/people/{boss.id}").status_code == 200  # the county still sees who served there
    assert client.post(f"/people/{boss.id}/password", data={"password": "Taken.over.123"}).status_code == 403
    assert client.post(f"/people/{boss.id}", data={"full_name": "州管理员乙", "phone": "", "law_firm_id": ""}
                       ).status_code == 403
    db.session.refresh(boss)
    assert boss.is_active
    # A former officer of the county with no role anywhere now is the county's to manage (re-hire, reset).
    people.end_membership(admin.users["officer3"].memberships[0], ends_on=SINCE.replace(month=12))
    db.session.commit()
    assert client.get(f"/people/{admin.users['officer3'].id}/password").status_code == 200
