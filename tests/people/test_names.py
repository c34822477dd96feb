"""A person's name in the reader's script: the native name on Uyghur and Kazakh pages and PDFs, the Chinese
form on Chinese ones, and every name in another language than the page marked with its ``lang``."""

import re
from io import BytesIO

import pytest
from freezegun import freeze_time
from openpyxl import Workbook, load_workbook

from gongfa.db import db
from gongfa.people.models import NameLang, User
from tests.ledger.test_ledgers import NOW
from tests.web.test_pdf import pdftotext

UG, KK = {"Accept-Language": "ug-CN"}, {"Accept-Language": "kk-CN"}
LAWYER_ZH, LAWYER_KK = "叶尔兰·哈布德克", "ەرلان حابدەك"
OFFICER_ZH, OFFICER_UG = "阿依古丽·买买提", "ئايگۈل مەمەت"


@pytest.fixture
def named(world):
    """The world's lawyer (Kazakh) and officer (Uyghur) with their names' languages recorded."""
    world.users["lawyer"].native_lang = NameLang.KAZAKH
    world.users["officer"].native_lang = NameLang.UYGHUR
    db.session.commit()
    return world


def _marked(page: str, text: str) -> str | None:
    """The ``lang`` of the element that holds ``text`` whole, or None when it is not in a marked element."""
    m = re.search(r'<(?:bdi|span)[^>]*\blang="([^"]+)"[^>]*>' + re.escape(text) + "<", page)
    return m.group(1) if m else None


@pytest.mark.parametrize(("headers", "page_lang"), [(UG, "ug"), (KK, "kk-Arab")])
def test_the_village_page_names_the_adviser_in_her_own_script_on_uyghur_and_kazakh_pages(named, client, headers,
                                                                                          page_lang):
    page = client.get("/v/652701100001", headers=headers).text
    assert LAWYER_KK in page and LAWYER_ZH not in page
    assert _marked(page, LAWYER_KK) == (None if page_lang == "kk-Arab" else "kk-Arab")


def test_the_village_page_in_chinese_names_the_adviser_in_chinese(named, client):
    page = client.get("/v/652701100001").text
    assert LAWYER_ZH in page and LAWYER_KK not in page


@pytest.mark.parametrize("headers", [UG, KK])
def test_the_header_and_greeting_use_the_native_name(named, client, auth, headers):
    auth.login("lawyer")
    mine = client.get("/duty/my", headers=headers).text
    assert LAWYER_KK in mine.split('class="who"')[1][:200] and LAWYER_ZH not in mine
    home = client.get("/", headers=headers).text
    assert LAWYER_KK in home and LAWYER_ZH not in home


def test_the_header_on_a_chinese_page_uses_the_chinese_form(named, client, auth):
    auth.login("lawyer")
    page = client.get("/duty/my").text
    assert LAWYER_ZH in page.split('class="who"')[1][:200]


def test_a_chinese_only_name_on_a_uyghur_page_is_marked_chinese(named, client, auth):
    auth.login("head")  # 李所长 has no native name
    page = client.get("/", headers=UG).text
    assert _marked(page, "李所长") == "zh-Hans"
    assert "李所长" not in re.sub(r'<(bdi|span)[^>]*lang="zh-Hans"[^>]*>[^<]*</\1>', "", page)


def test_a_name_only_in_arabic_script_on_a_chinese_page_is_marked_with_its_language(named, client, auth):
    user = named.users["mediator"]
    user.full_name, user.full_name_native, user.native_lang = "ەرلان", "", NameLang.KAZAKH
    db.session.commit()
    auth.login("mediator")
    page = client.get("/").text
    assert _marked(page, "ەرلان") == "kk-Arab"


def test_compliance_lists_lawyers_by_their_native_name_on_a_kazakh_page(named, client, auth):
    auth.login("head")
    page = client.get("/duty/compliance?month=2026-11", headers=KK).text
    assert LAWYER_KK in page and LAWYER_ZH not in page
    page = client.get("/duty/compliance?month=2026-11").text
    assert LAWYER_ZH in page


def test_assignments_and_the_new_assignment_form_name_lawyers_natively_on_a_kazakh_page(named, client, auth):
    auth.login("county")
    page = client.get("/org/assignments", headers=KK).text
    assert LAWYER_KK in page and LAWYER_ZH not in page
    form = client.get("/org/assignments/new", headers=KK).text  # the lawyer select's options
    assert re.search(r"<option[^>]*>" + re.escape(LAWYER_KK), form)


def test_the_people_list_gives_officials_both_forms_each_marked(named, client, auth):
    auth.login("county")
    page = client.get("/people/", headers=UG).text
    assert _marked(page, LAWYER_KK) == "kk-Arab" and _marked(page, LAWYER_ZH) == "zh-Hans"
    assert OFFICER_UG in page and _marked(page, OFFICER_ZH) == "zh-Hans"


def test_the_village_volume_in_uyghur_prints_the_native_names(named, client, auth):
    from tests.ledger.test_ledgers import _log

    with freeze_time(NOW):
        _log(named, "V1", 2)
        db.session.commit()
    auth.login("officer")
    v1 = named.units["V1"]
    pdf = client.get(f"/ledger/villages/{v1.id}/volume.pdf?year=2026&quarter=4&lang=ug")
    assert pdf.status_code == 200
    flat = re.sub(r"\s+", "", pdftotext(pdf.data))
    for name in (LAWYER_KK, OFFICER_UG):  # the adviser, the entries' lawyer, who countersigned
        assert name.replace(" ", "") in flat
    assert LAWYER_ZH in flat  # the Chinese form follows, for inspectors


def _people_book(rows) -> BytesIO:
    book = Workbook()
    book.active.append(["code"])
    sheet = book.create_sheet("人员")
    sheet.append(["username"])
    for row in rows:
        sheet.append(row)
    out = BytesIO()
    book.save(out)
    out.seek(0)
    return out


def test_import_records_the_native_names_language_and_the_export_gives_it_back(named, client, auth):
    auth.login("county")
    rows = [["kk-officer", "古丽娜尔·木拉提", "گۇلنار مۇرات", "13800001111", "officer", "652701100002", "",
             "2026-01-01", "", "", "kk-Arab"],
            ["ug-officer", "古丽娜尔·卡德尔", "گۈلنار قادىر", "13800001112", "mediator", "652701100002", "",
             "2026-01-01", "", "", "维吾尔文"],
            ["mn-officer", "巴特尔·宝音", "باتۇر بويان", "13800001113", "mediator", "652701100", "",
             "2026-01-01", "", "", "ug"],
            ["xx-officer", "艾合买提·依明", "ئەخمەت ئىمىن", "13800001114", "mediator", "652701100", "",
             "2026-01-01", "", "", ""]]
    response = client.post("/org/import", data={"file": (_people_book(rows), "staff.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 303, response.text
    users = {u.username: u for u in db.session.scalars(db.select(User).where(User.username.like("%-officer")))}
    assert users["kk-officer"].native_lang == NameLang.KAZAKH
    assert users["ug-officer"].native_lang == NameLang.UYGHUR
    assert users["mn-officer"].native_lang == NameLang.UYGHUR  # a Mongol name in Uyghur letters
    assert users["xx-officer"].native_lang == NameLang.UYGHUR  # left empty: told by its letters (ئ)
    book = load_workbook(BytesIO(client.get("/people/export.xlsx").data))
    sheet = book.worksheets[1]
    header = [c.value for c in sheet[1]]
    exported = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert exported["kk-officer"][header.index("本民族文字姓名")] == "گۇلنار مۇرات"
    assert exported["kk-officer"][header.index("本民族文字姓名文种")] == "kk-Arab"
    again = client.post("/org/import", data={"file": (BytesIO(client.get("/people/export.xlsx").data), "x.xlsx")},
                        content_type="multipart/form-data")
    assert again.status_code == 422 and "这个用户名已被使用" in again.text  # the same rows, read back as rows


def test_the_form_records_the_language_and_refuses_a_native_name_in_chinese(named, client, auth):
    auth.login("county")
    user = named.users["officer"]
    data = {"full_name": OFFICER_ZH, "full_name_native": OFFICER_UG, "native_lang": "kk-Arab",
            "phone": "13912345678", "law_firm_id": "", "licence_no": "", "is_active": "y"}
    assert client.post(f"/people/{user.id}", data=data).status_code == 303
    db.session.refresh(user)
    assert user.native_lang == NameLang.KAZAKH
    bad = client.post(f"/people/{user.id}", data={**data, "full_name_native": "阿依古丽"})
    assert bad.status_code == 422 and "本民族文字姓名须用维吾尔文或哈萨克文字母书写" in bad.text


def test_a_mongol_name_in_the_demo_is_in_arabic_script_for_uyghur_and_kazakh_readers():
    from gongfa.demo import data

    for p in data.PEOPLE:
        if p["ethnicity"] in ("维吾尔族", "哈萨克族", "蒙古族"):
            assert p["native"] and re.search(r"[\u0600-\u06ff]", p["native"]), p["zh"]
            assert p["native_lang"] == ("kk-Arab" if p["ethnicity"] == "哈萨克族" else "ug"), p["zh"]
