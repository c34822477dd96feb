"""Opening hours and positions are data, shown in the reader's language (issue 12, point 2)."""

import re
from io import BytesIO

import pytest
from flask_babel import force_locale
from openpyxl import Workbook, load_workbook

from gongfa.db import db
from gongfa.org import services as org
from gongfa.org.hours import HoursError, parse_text
from gongfa.org.models import ServicePoint
from gongfa.people import services as people
from gongfa.people.models import Membership, Position, Role
from tests.conftest import CJK_RE

UG, KK = {"Accept-Language": "ug-CN"}, {"Accept-Language": "kk-CN"}


@pytest.fixture
def station(world):
    point = org.point_of(world.units["T1"])
    point.opening_hours = parse_text("周一至周五 10:00–14:00，16:00–20:00")
    db.session.commit()
    return point


def _hours_paragraph(page: str) -> str:
    """The village page's hours line, tags stripped."""
    block = re.search(r"<p>[^<]*(?:办公时间|<)[\s\S]*?</p>", page[page.index("10:00"):] and page)
    start = page.rindex("<p>", 0, page.index("10:00"))
    return re.sub(r"<[^>]+>", "", page[start:page.index("</p>", start)]) if block else ""


def test_village_page_reads_the_hours_from_data_in_chinese(station, client):
    page = client.get("/v/652701100001").text
    assert "周一至周五 " in page and "10:00–14:00" in page and "16:00–20:00" in page
    line = _hours_paragraph(page)
    assert "周一至周五 10:00–14:00、16:00–20:00" in line


@pytest.mark.parametrize(("headers", "monday", "friday"), [(UG, "دۈشەنبە", "جۈمە"), (KK, "دۇيسەنبى", "جۇما")])
def test_village_page_shows_hours_in_uyghur_and_kazakh(station, client, headers, monday, friday):
    page = client.get("/v/652701100001", headers=headers).text
    line = _hours_paragraph(page)
    hours = line[line.index(monday):]
    assert friday in hours and "10:00" in hours and "20:00" in hours
    assert not CJK_RE.search(hours), hours  # no Chinese in the hours themselves
    # each time range is kept left to right and on one line
    assert re.search(r'<bdi dir="ltr" class="nobr">10:00\s?–\s?14:00</bdi>', page)


def test_point_form_saves_periods_per_weekday(world, auth, client):
    auth.login("county")
    point = org.point_of(world.units["T1"])
    response = client.post(f"/org/points/{point.id}/edit", data={
        "hours_wed": "10:00-18:00", "hours_sat": "１０：００－１２：００", "is_active": "y"})
    assert response.status_code == 303
    saved = db.session.get(ServicePoint, point.id).opening_hours
    assert saved.to_json() == {"wed": [["10:00", "18:00"]], "sat": [["10:00", "12:00"]]}
    form = client.get(f"/org/points/{point.id}/edit").text
    assert 'value="10:00-18:00"' in form  # shown again as typed data


def test_bad_hours_get_a_message_next_to_the_day_and_keep_what_was_typed(world, auth, client):
    auth.login("county")
    point = org.point_of(world.units["T1"])
    response = client.post(f"/org/points/{point.id}/edit", data={
        "hours_mon": "14:00-10:00", "hours_tue": "上午开门", "hours_wed": "10:00-18:00", "is_active": "y"})
    assert response.status_code == 422
    page = response.text
    assert 'id="error-summary"' in page
    assert 'id="hours_mon-error"' in page and 'id="hours_tue-error"' in page
    assert 'id="hours_wed-error"' not in page
    assert 'value="14:00-10:00"' in page and 'value="上午开门"' in page
    assert db.session.get(ServicePoint, point.id).opening_hours.to_json() == {}  # nothing saved


def test_point_form_labels_weekdays_in_the_users_language(world, auth, client):
    auth.login("county")
    point = org.point_of(world.units["T1"])
    page = client.get(f"/org/points/{point.id}/edit", headers=UG).text
    assert "دۈشەنبە" in page and "يەكشەنبە" in page


@pytest.mark.parametrize(("typed", "expected"), [
    ("周一至周五 9:30-13:30 16:00-19:30",
     {d: [["09:30", "13:30"], ["16:00", "19:30"]] for d in ("mon", "tue", "wed", "thu", "fri")}),
    ("每周三 10:00–18:00", {"wed": [["10:00", "18:00"]]}),
    ("工作日 10:00-14:00；周六、周日 11:00-13:00（北京时间）",
     {**{d: [["10:00", "14:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
      "sat": [["11:00", "13:00"]], "sun": [["11:00", "13:00"]]}),
    # Afternoon and evening written on the 12-hour clock, as the paper rosters do.
    ("周一至周五 上午10:00-12:00 下午4:00-8:00",
     {d: [["10:00", "12:00"], ["16:00", "20:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}),
    ("周三 中午12:00-2:30，晚上7:00-9:00", {"wed": [["12:00", "14:30"], ["19:00", "21:00"]]}),
    ("周六 下午14:00-18:00", {"sat": [["14:00", "18:00"]]}),
])
def test_typed_chinese_hours_are_read(typed, expected):
    assert parse_text(typed).to_json() == expected


@pytest.mark.parametrize("typed", ["有事电话联系", "10:00-14:00", "周三 14:00-10:00", "周一 10:00-14:00 13:00-15:00",
                                   "周一至周五 25:00-26:00"])
def test_unreadable_hours_are_refused(app, typed):
    with app.test_request_context(), pytest.raises(HoursError):
        parse_text(typed)


def _book(points) -> BytesIO:
    book = Workbook()
    book.active.append(["区划代码"])
    book.create_sheet("人员").append(["用户名"])
    sheet = book.create_sheet("服务点")
    sheet.append(["区划代码", "办公时间"])
    for row in points:
        sheet.append(row)
    out = BytesIO()
    book.save(out)
    out.seek(0)
    return out


def _post(client, data):
    return client.post("/org/import", data={"file": (data, "hours.xlsx")}, content_type="multipart/form-data")


def test_import_reads_typed_chinese_hours(world, auth, client):
    auth.login("county")
    response = _post(client, _book([["652701100", "周一至周五 9:30-13:30 16:00-19:30"],
                                    ["652701100001", "每周三 10:00–18:00"]]))
    assert response.status_code == 303
    assert org.point_of(world.units["T1"]).opening_hours.to_json()["fri"] == [["09:30", "13:30"], ["16:00", "19:30"]]
    assert org.point_of(world.units["V1"]).opening_hours.to_json() == {"wed": [["10:00", "18:00"]]}


def test_import_refuses_unreadable_hours_row_by_row(world, auth, client):
    auth.login("county")
    response = _post(client, _book([["652701100", "周一至周五 9:30-13:30"], ["652701100001", "看情况"]]))
    assert response.status_code == 422
    assert "看情况" in response.text and re.search(r"服务点\D*3", response.text)
    assert not org.point_of(world.units["T1"]).opening_hours  # all or nothing


def test_template_has_the_hours_sheet(world, auth, client):
    auth.login("county")
    book = load_workbook(BytesIO(client.get("/org/import/template.xlsx").data))
    assert [c.value for c in book.worksheets[2][1]][:3] == ["区划代码", "办公时间", "地址（汉文）"]
    assert book.worksheets[2]["B2"].value == "周一至周五 10:00-14:00 16:00-20:00"


# --- positions -----------------------------------------------------------------------------


@pytest.fixture
def grid_worker(world):
    point = org.point_of(world.units["V1"])
    member = people.add_membership(user=world.users["head"], point=point, role=Role.OTHER,
                                   starts_on=world.users["head"].memberships[0].starts_on,
                                   position=Position.GRID_WORKER)
    db.session.commit()
    return member


def test_staffing_shows_positions_translated(world, auth, client):
    mediator = world.users["mediator"].memberships[0]
    mediator.position = Position.FULL_TIME_MEDIATOR
    db.session.commit()
    auth.login("county")
    assert "专职人民调解员" in client.get("/org/staffing").text
    page = client.get("/org/staffing", headers=UG).text
    assert "专职人民调解员" not in page and "full_time_mediator" not in page
    with force_locale("ug"):
        assert Position.FULL_TIME_MEDIATOR.title in page


def test_staffing_xlsx_keeps_the_code_next_to_the_title(grid_worker, auth, client):
    auth.login("county")
    book = load_workbook(BytesIO(client.get("/org/staffing?format=xlsx").data))
    ws = book.active
    headers = [c.value for c in ws[1]]
    code_col, title_col = headers.index("职务代码"), headers.index("职务")
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    row = next(r for r in rows if r[0] == "652701100001")
    assert row[code_col] == "grid_worker 1" and row[title_col] == "网格员 1"


def test_membership_form_offers_the_coded_positions(world, auth, client):
    auth.login("county")
    user = world.users["officer3"]
    page = client.get(f"/people/{user.id}/memberships/new").text
    assert 'value="local_mediator"' in page and "乡贤调解员" in page
    response = client.post(f"/people/{user.id}/memberships/new", data={
        "role": "mediator", "point_id": org.point_of(world.units["V3"]).id, "position": "村长助理",
        "starts_on": "2026-01-01"})
    assert response.status_code == 422  # not a position on the list


def test_import_turns_typed_positions_into_codes(world, auth, client):
    auth.login("county")
    book = Workbook()
    book.active.append(["区划代码"])
    sheet = book.create_sheet("人员")
    sheet.append(["用户名"])
    sheet.append(["wang", "王五", "", "13912345670", "mediator", "652701100001", "乡贤", "2026-01-01"])
    sheet.append(["zhao", "赵六", "", "13912345671", "other", "652701100001", "护林员", "2026-01-01"])
    out = BytesIO()
    book.save(out)
    out.seek(0)
    assert _post(client, out).status_code == 303
    found = {m.user.username: m for m in db.session.scalars(db.select(Membership))}
    assert found["wang"].position == Position.LOCAL_MEDIATOR
    assert found["zhao"].position == Position.OTHER and found["zhao"].position_title == "护林员"


def _migration():
    import importlib.util
    from pathlib import Path

    path = next(Path("gongfa/migrations/versions").glob("*_e5f0a1c2b3d4_*.py"))
    spec = importlib.util.spec_from_file_location("hours_migration", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_migration_turns_the_demos_old_strings_into_data(app):
    migration = _migration()
    with app.test_request_context():
        data, note = migration._hours_as_data("周一至周五 10:00–14:00，16:00–20:00")
        assert note == "" and data["fri"] == [["10:00", "14:00"], ["16:00", "20:00"]] and "sat" not in data
        assert migration._hours_as_data("周一至周五 10:00–14:00") == (
            {d: [["10:00", "14:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}, "")
        assert migration._hours_as_data("节假日另行通知") == ({}, "节假日另行通知")  # kept as a note
    demo_positions = ["法律服务科", "验收小组", "司法所所长", "值班律师", "专职人民调解员", "网格员", "志愿者",
                      "书记员", "综治专干", "乡贤调解员", "村民代表", "审计员", "站长", "专职调解员", "乡贤"]
    assert all(migration.POSITION_WORDS[w] in Position._value2member_map_ for w in demo_positions)


def test_a_units_kind_is_shown_in_the_readers_language(world, auth, client):
    """镇 on the unit page of a Uyghur or Kazakh reader is their word for it, not the Chinese (it is stored as the
    NBS writes it, which imports and exports keep)."""
    auth.login("county")
    town = world.units["T1"]
    assert town.kind == "镇"
    assert re.search(r"（<bdi[^>]*>镇</bdi>）", client.get(f"/org/units/{town.id}").text)
    for headers, word in ((UG, "بازار"), (KK, "قالاشىق")):
        page = client.get(f"/org/units/{town.id}", headers=headers).text
        assert re.search(rf"\(<bdi[^>]*>{word}</bdi>\)", page) and ">镇<" not in page


def test_the_notice_board_prints_the_stations_hours_in_the_readers_language(station, client):
    """The 公示牌 a resident reads on the village wall says when the station is open, in her language, each
    time range whole."""
    from tests.web.test_pdf import pdftotext

    zh = pdftotext(client.get("/v/652701100001/notice.pdf").data)
    assert "工作站办公时间" in zh and "周一至周五" in zh
    ug = pdftotext(client.get("/v/652701100001/notice.pdf?lang=ug").data)
    assert "دۈشەنبە" in ug and "جۈمە" in ug and "周一" not in ug and "办公时间" not in ug
    assert re.search(r"10:00\s?–\s?14:00", ug) and re.search(r"16:00\s?–\s?20:00", ug)
