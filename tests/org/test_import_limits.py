"""Uploads that cannot exhaust the server: XML tricks, zip bombs, endless rows, and big imports without
one Argon2 hash per person."""

import re
import time
import zipfile
from io import BytesIO

import pytest
from openpyxl import load_workbook

from gongfa.db import db
from gongfa.people.models import User
from tests.org.test_import import _book, _post

# A sheet and a shared-strings part declaring entities (the billion-laughs shape, kept small).
DOCTYPE = '<!DOCTYPE x [<!ENTITY a "AAAAAAAAAA"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET_WITH_ENTITIES = (f'<?xml version="1.0" encoding="UTF-8"?>{DOCTYPE}<worksheet xmlns="{MAIN}"><sheetData>'
                       '<row r="2"><c r="A2" t="inlineStr"><is><t>&b;</t></is></c></row></sheetData></worksheet>')
SHARED_WITH_ENTITIES = (f'<?xml version="1.0" encoding="UTF-8"?>{DOCTYPE}<sst xmlns="{MAIN}" count="1" '
                        'uniqueCount="1"><si><t>&b;</t></si></sst>')
SHEET_USING_SHARED = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>'
                      '<row r="2"><c r="A2" t="s"><v>0</v></c></row></sheetData></worksheet>')


@pytest.fixture
def admin(world, auth):
    auth.login("county")
    return world


def _rewrite(data: BytesIO, replace: dict[str, str]) -> BytesIO:
    """The same .xlsx with members replaced or added."""
    out = BytesIO()
    with zipfile.ZipFile(data) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        names = src.namelist()
        for name in names:
            dst.writestr(name, replace.get(name, src.read(name)))
        for name, content in replace.items():
            if name not in names:
                dst.writestr(name, content)
    out.seek(0)
    return out


def _with_shared_strings(data: BytesIO, shared: str) -> BytesIO:
    """Add a shared-strings part (openpyxl itself writes inline strings; Excel and WPS write these)."""
    with zipfile.ZipFile(data) as src:
        rels = src.read("xl/_rels/workbook.xml.rels").decode()
        types = src.read("[Content_Types].xml").decode()
    data.seek(0)
    rel = ('<Relationship Id="rIdShared" Target="sharedStrings.xml" Type="http://schemas.openxmlformats.org/'
           'officeDocument/2006/relationships/sharedStrings"/>')
    override = ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                'officedocument.spreadsheetml.sharedStrings+xml"/>')
    return _rewrite(data, {"xl/_rels/workbook.xml.rels": rels.replace("</Relationships>", rel + "</Relationships>"),
                           "[Content_Types].xml": types.replace("</Types>", override + "</Types>"),
                           "xl/sharedStrings.xml": shared, "xl/worksheets/sheet1.xml": SHEET_USING_SHARED})


@pytest.mark.parametrize("part", ["sheet", "shared strings"])
def test_xml_entities_in_a_workbook_get_a_message_not_a_500(admin, client, app, part):
    app.config["PROPAGATE_UNEXPECTED"] = False
    plain = _book([["652701100300", "652701100", "村", "村", "新光村", "", ""]], [])
    if part == "sheet":
        data = _rewrite(plain, {"xl/worksheets/sheet1.xml": SHEET_WITH_ENTITIES})
    else:
        data = _with_shared_strings(plain, SHARED_WITH_ENTITIES)
    response = _post(client, data)
    assert response.status_code == 422
    assert "无法读取这个文件" in response.text


def test_a_workbook_with_shared_strings_still_imports(admin, client):
    """The same kind of file without entities: Excel's and WPS's way of storing text works."""
    shared = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}"><si><t>652701100300</t></si></sst>'
    sheet = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData><row r="2">'
             '<c r="A2" t="s"><v>0</v></c><c r="B2" t="inlineStr"><is><t>652701100</t></is></c>'
             '<c r="C2" t="inlineStr"><is><t>村</t></is></c><c r="E2" t="inlineStr"><is><t>共享村</t></is></c>'
             '</row></sheetData></worksheet>')
    data = _with_shared_strings(_book([], []), shared)
    data = _rewrite(data, {"xl/worksheets/sheet1.xml": sheet})
    assert _post(client, data).status_code == 303
    assert "共享村" in client.get("/org/units?q=共享").text


def _bomb(rows: int) -> BytesIO:
    """A valid .xlsx whose first sheet has ``rows`` tiny rows: a small upload, a huge XML inside."""
    data = _book([["652701100300", "652701100", "村", "村", "新光村", "", ""]], [])
    body = '<row><c t="inlineStr"><is><t>x</t></is></c></row>' * rows  # identical rows compress ~1000:1
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet '
             'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             f"{body}</sheetData></worksheet>")
    return _rewrite(data, {"xl/worksheets/sheet1.xml": sheet})


def test_a_zip_bomb_is_refused_by_its_unpacked_size_before_any_parsing(admin, client):
    bomb = _bomb(2_000_000)  # 100 MB of XML in a few hundred KB
    assert len(bomb.getvalue()) < 500_000
    started = time.perf_counter()
    response = _post(client, bomb)
    elapsed = time.perf_counter() - started
    assert response.status_code == 422
    assert "文件解压后太大" in response.text
    assert elapsed < 5, elapsed  # refused from the zip directory (was 34 s and +560 MB for 4 M rows)


def test_too_many_rows_are_refused_while_reading(admin, client):
    response = _post(client, _bomb(20_000))  # small enough to unpack, far more rows than allowed
    assert response.status_code == 422
    assert "一次最多导入 5000 行" in response.text


def test_eight_hundred_people_import_without_a_password_hash_each_and_activate_with_a_code(admin, client, app):
    people = [[f"p{n:03d}", "张三", "", "", "mediator", "652701100001", "", "2026-01-01", "", ""]
              for n in range(800)]
    started = time.perf_counter()
    response = _post(client, _book([], people))
    elapsed = time.perf_counter() - started
    assert response.status_code == 303, re.findall(r"<td>(.*?)</td>", response.text)[:6]
    print(f"800 people imported in {elapsed:.1f} s")
    assert db.session.scalar(db.select(db.func.count(User.id)).where(User.username.like("p%"),
                                                                     User.password_hash != "")) == 0
    page = client.get("/org/import").text
    assert "/org/import/activations.xlsx" in page
    sheet = load_workbook(BytesIO(client.get("/org/import/activations.xlsx").data)).active
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0]}
    assert len([u for u in rows if u.startswith("p")]) == 800
    code = rows["p042"][3]
    assert re.fullmatch(r"[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}", code)
    person = app.test_client()
    wrong = person.post("/auth/activate", data={"username": "p042", "code": "AAAA-BBBB-CCCC",
                                                "new": "Own.password.42", "confirm": "Own.password.42"})
    assert wrong.status_code == 422 and "启用码" in wrong.text
    done = person.post("/auth/activate", data={"username": "p042", "code": code.lower().replace("-", " "),
                                               "new": "Own.password.42", "confirm": "Own.password.42"})
    assert done.status_code == 303
    assert person.post("/auth/login", data={"username": "p042", "password": "Own.password.42"}).status_code == 303
    again = app.test_client().post("/auth/activate", data={"username": "p042", "code": code,
                                                           "new": "Taken.over.123", "confirm": "Taken.over.123"})
    assert again.status_code == 422  # a code works once
