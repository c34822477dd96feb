"""Bureau pages: search with htmx fragments, forms with GOV.UK errors, edits audited."""

import json

import pytest

from gongfa.audit.models import AuditEvent
from gongfa.db import db
from gongfa.org import services as org
from gongfa.org.models import LawFirm, Unit
from tests.conftest import HX, hx_target


@pytest.fixture
def admin(world, auth):
    auth.login("county")
    return world


def test_unit_search_finds_by_name_and_code(admin, client):
    page = client.get("/org/units?q=营盘")
    assert "营盘社区" in page.text and "达勒特村" not in page.text
    page = client.get("/org/units?q=652701101")
    assert "达勒特村" in page.text and "营盘社区" not in page.text


def test_unit_search_by_uyghur_name(admin, client):
    assert "营盘社区" in client.get("/org/units?q=يىڭپەن").text


def test_unit_search_answers_htmx_with_the_rows_only(admin, client):
    response = client.get("/org/units?q=营盘", headers=hx_target("unit-rows"))
    assert "<html" not in response.text
    assert "营盘社区" in response.text
    assert "HX-Request" in response.headers["Vary"]
    boosted = client.get("/org/units?q=营盘", headers={**HX, "HX-Boosted": "true"})
    assert "<html" in boosted.text


def test_county_admin_sees_only_own_county(admin, client):
    page = client.get("/org/units?q=基布克")
    assert "基布克村" not in page.text


def test_new_unit_with_errors_keeps_input_and_shows_summary(admin, client):
    data = {"level": "village", "code": "65270110000", "parent_id": str(admin.units["T1"].id),
            "name_zh": "新\u202e村", "name_ug": "يېڭى كەنت", "name_kk": ""}
    response = client.post("/org/units/new", data=data)
    assert response.status_code == 422
    assert 'class="error-summary"' in response.text
    assert "这个层级的区划代码应为12位数字" in response.text
    assert "不能包含文字方向控制字符" in response.text
    assert 'value="65270110000"' in response.text  # what was typed is kept
    assert "يېڭى كەنت" in response.text
    assert 'href="#code"' in response.text  # the summary links to the field


def test_new_village_gets_a_studio_and_an_audit_entry(admin, client):
    data = {"level": "village", "code": "652701100299", "parent_id": str(admin.units["T1"].id),
            "name_zh": "新村", "name_ug": "يېڭى كەنت", "name_kk": "جاڭا قىستاق", "kind": "村"}
    response = client.post("/org/units/new", data=data)
    assert response.status_code == 303
    unit = db.session.scalar(db.select(Unit).where(Unit.code == "652701100299"))
    assert unit.path == f"{admin.units['T1'].path}{unit.id}/"
    assert unit.points[0].kind.value == "studio"
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "unit.create",
                                                          AuditEvent.object_id == unit.id))
    assert event.actor_id == admin.users["county"].id


def test_duplicate_code_is_a_field_error_not_a_500(admin, client):
    data = {"level": "village", "code": "652701100001", "parent_id": str(admin.units["T1"].id), "name_zh": "重复"}
    response = client.post("/org/units/new", data=data)
    assert response.status_code == 422
    assert "这个区划代码已经存在" in response.text


def test_parent_from_another_county_is_refused(admin, client):
    data = {"level": "village", "code": "652722102299", "parent_id": str(admin.units["T3"].id), "name_zh": "越界村"}
    response = client.post("/org/units/new", data=data)
    assert response.status_code == 422  # not among the admin's choices
    assert "请从列表中选择" in response.text


def test_junk_in_select_fields_is_a_message_not_a_500(admin, client):
    response = client.post("/org/units/new", data={"level": "galaxy", "parent_id": "abc", "code": "x"})
    assert response.status_code == 422
    assert "请从列表中选择" in response.text


def test_edit_unit_records_before_and_after(admin, client):
    v1 = admin.units["V1"]
    response = client.post(f"/org/units/{v1.id}/edit", data={
        "parent_id": str(admin.units["T1"].id), "name_zh": "营盘社区", "name_ug": "يىڭپەن مەھەللىسى",
        "name_kk": "يىڭپان اۋماعى", "kind": "社区", "is_active": "y"})
    assert response.status_code == 303
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "unit.update"))
    assert json.loads(event.after) == {"name_kk": "يىڭپان اۋماعى"}
    assert json.loads(event.before) == {"name_kk": "يىڭپان الەۋمەتتىك اۋماعى"}


def test_moving_a_village_moves_its_path(admin, client):
    v1, t2 = admin.units["V1"], admin.units["T2"]
    response = client.post(f"/org/units/{v1.id}/edit", data={
        "parent_id": str(t2.id), "name_zh": "营盘社区", "kind": "社区", "is_active": "y"})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Unit, v1.id).path == f"{t2.path}{v1.id}/"


def test_point_phone_is_validated(admin, client):
    point = admin.units["V1"].points[0]
    response = client.post(f"/org/points/{point.id}/edit", data={"phone": "12345", "is_active": "y"})
    assert response.status_code == 422
    assert "请输入11位手机号" in response.text
    response = client.post(f"/org/points/{point.id}/edit", data={"phone": "０９０９-２２３１３４８", "is_active": "y"})
    assert response.status_code == 303
    assert db.session.get(type(point), point.id).phone == "0909-2231348"  # full-width digits normalised


def test_firm_create_and_duplicate_name(admin, client):
    data = {"name_zh": "博乐市正义律师事务所", "county_id": str(admin.units["C1"].id), "phone": "0909-5321234"}
    assert client.post("/org/firms/new", data=data).status_code == 303
    assert db.session.scalar(db.select(LawFirm).where(LawFirm.name_zh == data["name_zh"])) is not None
    again = client.post("/org/firms/new", data=data)
    assert again.status_code == 422
    assert "已有同名的律师事务所" in again.text


def test_second_adviser_for_the_same_village_is_refused(admin, client):
    response = client.post("/org/assignments/new", data={
        "kind": "adviser_village", "unit_id": str(admin.units["V1"].id),
        "lawyer_id": str(admin.users["lawyer"].id), "starts_on": "2026-01-01"})
    assert response.status_code == 422
    assert "已有法律顾问" in response.text


def test_adviser_change_after_ending_the_old_one(admin, client):
    page = client.get(f"/org/units/{admin.units['V1'].id}")
    assert "叶尔兰·哈布德克" in page.text
    assignment_id = db.session.scalar(db.select(db.text("id FROM assignments WHERE kind='adviser_village'")))
    assert client.post(f"/org/assignments/{assignment_id}/end", data={"ends_on": "2026-12-31"}).status_code == 303
    response = client.post("/org/assignments/new", data={
        "kind": "adviser_village", "unit_id": str(admin.units["V1"].id),
        "lawyer_id": str(admin.users["lawyer"].id), "starts_on": "2027-01-01"})
    assert response.status_code == 303


@pytest.mark.parametrize(("value", "message"), [
    ("腊月廿三", "日期格式不对"), ("民國114年", "日期格式不对"), ("2025-02-30", "日期格式不对"),
    ("12/01/26", "日期格式不对"), ("1447-03-01", "2000年到2099年之间"),
])
def test_dates_other_than_gregorian_iso_get_one_clear_message(admin, client, value, message):
    response = client.post("/org/assignments/new", data={
        "kind": "adviser_village", "unit_id": str(admin.units["V2"].id),
        "lawyer_id": str(admin.users["lawyer"].id), "starts_on": value})
    assert response.status_code == 422
    assert response.text.count(message) == 2  # summary + field, and no "please fill in" as well
    assert "请填写开始日期" not in response.text
    assert f'value="{value}"' in response.text  # kept as typed


def test_staffing_names_exactly_what_is_missing(admin, client):
    page = client.get("/org/staffing").text
    # 小营盘镇 has head, lawyer, one mediator and a firm: one mediator short.
    assert "专职人民调解员 1" in page
    short = client.get("/org/staffing?short=1").text
    assert "达勒特村" in short  # officer only: adviser and mediator missing
    assert "法律顾问律师 1" in short


def test_staffing_exports_to_xlsx(admin, client):
    from io import BytesIO

    from openpyxl import load_workbook

    response = client.get("/org/staffing?format=xlsx")
    sheet = load_workbook(BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "区划代码"
    assert any(r[0] == "652701101209" and r[4] == "未达标" for r in rows)


def test_oversize_body_is_413_page(admin, client, app):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = client.post("/org/firms/new", data={"name_zh": "x" * 5000})
    assert response.status_code == 413


def test_a_county_admin_registers_and_edits_only_their_own_countys_firms(admin, client, auth):
    """博乐's admin: 博乐 firms only; a 精河 firm is 精河's (or the prefecture's) to edit."""
    elsewhere = {"name_zh": "精河县正义律师事务所", "county_id": str(admin.units["C2"].id), "phone": "0909-5321234"}
    refused = client.post("/org/firms/new", data=elsewhere)
    assert refused.status_code == 422 and 'id="county_id-error"' in refused.text
    assert db.session.scalar(db.select(LawFirm).where(LawFirm.name_zh == elsewhere["name_zh"])) is None
    form = client.get("/org/firms/new").text
    assert "精河县" not in form and "（无）" not in form  # neither another county nor "no county" is offered
    jinghe = org.create_firm(name_zh="精河县公正律师事务所", name_ug="", name_kk="", county=admin.units["C2"],
                             licence_no="", phone="", address="")
    db.session.commit()
    assert client.post(f"/org/firms/{jinghe.id}/edit", data={"name_zh": "改名", "county_id": ""}).status_code == 403
    listing = client.get("/org/firms").text
    assert f"/org/firms/{jinghe.id}/edit" not in listing and f"/org/firms/{admin.firm.id}/edit" in listing
    auth.logout()
    auth.login("admin")  # the prefecture's bureau edits any firm
    assert client.get(f"/org/firms/{jinghe.id}/edit").status_code == 200
