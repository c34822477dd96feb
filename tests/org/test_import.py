"""Importing units and people from the .xlsx template: all rows or none."""

import re
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from gongfa.db import db
from gongfa.org.models import Assignment, Unit
from gongfa.people.models import User


@pytest.fixture
def admin(world, auth):
    auth.login("county")
    return world


def _book(units, people) -> BytesIO:
    book = Workbook()
    book.active.append(["code"])
    for row in units:
        book.active.append(row)
    sheet = book.create_sheet("人员")
    sheet.append(["username"])
    for row in people:
        sheet.append(row)
    out = BytesIO()
    book.save(out)
    out.seek(0)
    return out


def _post(client, data: BytesIO):
    return client.post("/org/import", data={"file": (data, "staff.xlsx")}, content_type="multipart/form-data")


def test_template_downloads_with_both_sheets_and_instructions(admin, client):
    response = client.get("/org/import/template.xlsx")
    book = load_workbook(BytesIO(response.data))
    assert book.sheetnames == ["单位", "人员", "服务点", "说明"]
    assert [c.value for c in book["人员"][1]][:2] == ["用户名", "姓名"]


def test_template_example_rows_import_cleanly(admin, client):
    response = client.get("/org/import/template.xlsx")
    result = _post(client, BytesIO(response.data))
    assert result.status_code == 303
    assert db.session.scalar(db.select(Unit).where(Unit.code == "652701100299")).name_zh == "示例村"
    assert db.session.scalar(db.select(User).where(User.username == "zhangsan")) is not None


def test_good_file_imports_units_people_and_advisers(admin, client):
    data = _book(
        [["652701100300", "652701100", "村", "村", "新光村", "يېڭى نۇر كەنتى", "جاڭا نۇر قىستاعى"]],
        [["xg-officer", "古丽巴哈尔·努尔", "گۈلباھار نۇر", "13800001111", "officer", "652701100300", "综治专干",
          "2026-01-01", "", "", "Init.password.1"],
         ["xg-lawyer", "王律师", "", "13800002222", "律师", "652701100300", "", "2026-01-01",
          "新疆博众律师事务所", "16527000001", ""]])
    response = _post(client, data)
    assert response.status_code == 303
    village = db.session.scalar(db.select(Unit).where(Unit.code == "652701100300"))
    assert village.parent_id == admin.units["T1"].id
    lawyer = db.session.scalar(db.select(User).where(User.username == "xg-lawyer"))
    adviser = db.session.scalar(db.select(Assignment).where(Assignment.unit_id == village.id))
    assert adviser.lawyer_id == lawyer.id
    page = client.get("/org/staffing").text
    assert "新光村" in page


def test_bad_rows_are_listed_by_number_and_nothing_is_imported(admin, client):
    data = _book(
        [["652701100301", "652701100", "村", "村", "好村", "", ""],
         ["65270110030", "652701100", "村", "村", "代码短", "", ""],
         ["652722102301", "652722102", "村", "村", "别县的村", "", ""]],
        [["ok-person", "张三", "", "13800003333", "mediator", "652701100301", "", "2026-01-01", "", "", ""],
         ["bad-phone", "李四", "", "12345", "mediator", "652701100301", "", "2026-01-01", "", "", ""],
         ["bad-role", "王五", "", "", "president", "652701100301", "", "2026-01-01", "", "", ""],
         ["bad-date", "赵六", "", "", "mediator", "652701100301", "", "腊月廿三", "", "", ""]])
    response = _post(client, data)
    assert response.status_code == 422
    text = response.text
    assert "没有导入任何数据" in text
    for row, message in [(3, "区划代码应为12位数字"), (4, "不存在或不在您的管理范围内"), (3, "请输入11位手机号"),
                         (4, "请从列表中选择"), (5, "日期格式不对")]:
        assert re.search(rf"<td[^>]*>{row}</td><td[^>]*>[^<]*{message}", text), (row, message)
    assert db.session.scalar(db.select(Unit).where(Unit.code == "652701100301")) is None
    assert db.session.scalar(db.select(User).where(User.username == "ok-person")) is None


def test_a_file_that_is_not_xlsx_gets_a_message(admin, client):
    response = _post(client, BytesIO(b"not a spreadsheet"))
    assert response.status_code == 422
    assert "无法读取这个文件" in response.text
    response = client.post("/org/import", data={"file": (BytesIO(b"a,b"), "staff.csv")},
                           content_type="multipart/form-data")
    assert "只能导入 .xlsx 文件" in response.text


def test_chinese_role_and_level_words_work_whatever_the_ui_language(admin, client):
    client.post("/lang", data={"locale": "ug"})
    data = _book([["652701100302", "652701100", "村（社区）", "村", "双语村", "", ""]],
                 [["shuangyu", "马兰", "", "", "人民调解员", "652701100302", "", "2026-01-01", "", "", ""]])
    assert _post(client, data).status_code == 303
    assert db.session.scalar(db.select(User).where(User.username == "shuangyu")) is not None


def _points_sheet(client):
    book = load_workbook(BytesIO(client.get("/org/import/points.xlsx").data))
    return book, book["服务点"]


def test_point_texts_round_trip_through_the_xlsx_in_three_languages(admin, client):
    from gongfa.org import services as org
    book, sheet = _points_sheet(client)
    assert [c.value for c in sheet[1]][:5] == ["区划代码", "办公时间", "地址（汉文）", "地址（维吾尔文）",
                                               "地址（哈萨克文）"]
    codes = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert "652701100001" in codes and "652722102200" not in codes  # the county admin's points only
    row = codes.index("652701100001") + 2
    texts = ["营盘社区居委会", "يىڭپەن مەھەللە كومىتېتى", "يىڭپان اۋماق كوميتەتى", "律师每月来一次。",
             "ئادۋوكات ھەر ئايدا كېلىدۇ.", "ادۆوكات ايىنا كەلەدى.", "法律咨询\n法治宣传",
             "قانۇن مەسلىھەتى\nقانۇن تەشۋىقاتى", "زاڭ كەڭەسى\nزاڭ ناسىيحاتى"]
    hours = sheet.cell(row=row, column=2).value  # the point's hours as typed Chinese, kept as they are
    for column, value in enumerate(texts, start=3):
        sheet.cell(row=row, column=column, value=value)
    out = BytesIO()
    book.save(out)
    out.seek(0)
    response = _post(client, out)
    assert response.status_code == 303, response.text
    db.session.expire_all()
    point = org.point_of(db.session.scalar(db.select(Unit).where(Unit.code == "652701100001")))
    assert [point.address, point.address_ug, point.address_kk, point.description, point.description_ug,
            point.description_kk, point.services, point.services_ug, point.services_kk] == texts
    # And out again: the export gives back what was imported.
    _book2, again = _points_sheet(client)
    exported = next(r for r in again.iter_rows(min_row=2, values_only=True) if r[0] == "652701100001")
    assert list(exported[2:]) == texts and exported[1] == hours
    assert "يىڭپەن مەھەللە كومىتېتى" in client.get("/v/652701100001", headers={"Accept-Language": "ug-CN"}).text


def test_a_bad_point_row_is_listed_and_nothing_is_imported(admin, client):
    book, sheet = _points_sheet(client)
    sheet.append(["652722102200", "", "精河的点"])  # another county's village
    sheet.append(["652701100001", "", "地址", "ئادرېس\u202e"])  # a bidi control
    out = BytesIO()
    book.save(out)
    out.seek(0)
    response = _post(client, out)
    assert response.status_code == 422
    rows = re.findall(r'<td data-label="行号">(\d+)</td>', response.text)
    last = sheet.max_row
    assert rows == [str(last - 1), str(last)]


def test_a_template_without_the_points_sheet_still_imports(admin, client):
    data = _book([["652701100301", "652701100", "村", "村", "旧模板村", "", ""]], [])
    book = load_workbook(data)
    book.create_sheet("说明").append(["第一个工作表是单位"])
    out = BytesIO()
    book.save(out)
    out.seek(0)
    assert _post(client, out).status_code == 303
    assert db.session.scalar(db.select(Unit).where(Unit.code == "652701100301")) is not None


def test_unit_names_round_trip_through_the_xlsx(admin, client):
    book, _points = _points_sheet(client)
    units = book["单位"]
    rows = {r[0].value: r for r in units.iter_rows(min_row=2)}
    assert "652701100001" in rows and "652701" not in rows  # the county's own row could not come back
    assert [c.value for c in rows["652701100001"]] == ["652701100001", "652701100", "village", "社区", "营盘社区",
                                                       "يىڭپەن مەھەللىسى", "يىڭپان الەۋمەتتىك اۋماعى"]
    rows["652701100001"][5].value = "يىڭپەن ئاھالىلەر مەھەللىسى"
    rows["652701100002"][6].value = None  # emptied: the page then shows the Chinese, marked
    out = BytesIO()
    book.save(out)
    out.seek(0)
    assert _post(client, out).status_code == 303
    db.session.expire_all()
    v1 = db.session.scalar(db.select(Unit).where(Unit.code == "652701100001"))
    v2 = db.session.scalar(db.select(Unit).where(Unit.code == "652701100002"))
    assert v1.name_ug == "يىڭپەن ئاھالىلەر مەھەللىسى" and v1.name_zh == "营盘社区"
    assert v2.name_kk is None and v2.name_ug == "جىشياڭ مەھەللىسى"


def test_an_existing_code_under_another_parent_is_still_refused(admin, client):
    data = _book([["652701100001", "652701101", "村", "社区", "营盘社区", "", ""]], [])
    response = _post(client, data)
    assert response.status_code == 422
    assert "这个区划代码已经存在" in response.text
