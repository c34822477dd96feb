"""What residents read about a service point (address, description, services offered) in their language,
and Chinese in place of a missing translation marked as Chinese (issue 12 point 3)."""

import re

import pytest
import tinyhtml5
from flask_babel import force_locale

from gongfa.db import db
from gongfa.org.models import ServicePoint
from gongfa.web.rendering import untranslated_note
from tests.web.test_pdf import pdftotext

V1 = "652701100001"
UG, KK = {"Accept-Language": "ug-CN"}, {"Accept-Language": "kk-CN"}

STUDIO = {
    "address": "营盘社区居委会一楼", "address_ug": "يىڭپەن مەھەللە ئاھالىلەر كومىتېتى، 1-قەۋەت",
    "address_kk": "يىڭپان تۇرعىندار كوميتەتى، 1-قاباتى",
    "description": "每月律师来社区坐班一次。", "description_ug": "ئادۋوكات ھەر ئايدا بىر قېتىم مەھەللىگە كېلىدۇ.",
    "description_kk": "ادۆوكات ايىنا ءبىر رەت اۋماققا كەلەدى.",
    "services": "法律咨询\n代写法律文书", "services_ug": "قانۇن مەسلىھەتى\nقانۇنىي ھۆججەت يېزىپ بېرىش",
    "services_kk": "زاڭ كەڭەسى\nزاڭدىق قۇجات جازىپ بەرۋ",
}
STATION = {"address": "小营盘镇人民政府院内", "address_ug": "شياۋيىڭپەن بازارلىق ھۆكۈمەت قورۇسى",
           "address_kk": "شياۋيىڭپان قالاشىق ۇكىمەتى اۋلاسى"}


def _set(point: ServicePoint, values: dict) -> None:
    for key, value in values.items():
        setattr(point, key, value)


@pytest.fixture
def texts(world):
    _set(world.units["V1"].points[0], STUDIO)
    _set(world.units["T1"].points[0], STATION)
    db.session.commit()
    return world


def _tree(page: str):
    return tinyhtml5.parse(page, namespace_html_elements=False)


def _text(element) -> str:
    return "".join(element.itertext())


def _notes(element) -> list[str]:
    """The visible "this is Chinese" notes inside ``element``."""
    return [_text(e) for e in element.iter() if "untranslated" in (e.get("class") or "").split()]


def _marked_chinese(page: str, text: str) -> list:
    """Elements marked lang="zh-Hans" whose text is ``text``."""
    return [e for e in _tree(page).iter() if e.get("lang") == "zh-Hans" and _text(e) == text]


def _note(locale: str) -> str:
    with force_locale(locale):
        return str(untranslated_note())


@pytest.mark.parametrize(("headers", "field"), [(UG, "ug"), (KK, "kk")])
def test_village_page_shows_address_description_and_services_in_the_readers_language(texts, client, headers,
                                                                                     field):
    page = client.get(f"/v/{V1}", headers=headers).text
    assert STUDIO[f"address_{field}"] in page
    assert STUDIO[f"description_{field}"] in page
    for line in STUDIO[f"services_{field}"].splitlines():
        assert f"<li>{line}</li>" in page or f">{line}</bdi></li>" in page
    assert STATION[f"address_{field}"] in page
    for chinese in ("营盘社区居委会一楼", "每月律师来社区坐班一次", "代写法律文书", "小营盘镇人民政府院内"):
        assert chinese not in page


def test_village_page_in_chinese_shows_the_chinese_texts(texts, client):
    page = client.get(f"/v/{V1}").text
    for chinese in ("营盘社区居委会一楼", "每月律师来社区坐班一次。", "代写法律文书", "小营盘镇人民政府院内"):
        assert chinese in page
    assert "untranslated" not in page


def test_a_missing_translation_shows_the_chinese_marked_and_said_to_be_chinese(texts, client, app):
    studio = texts.units["V1"].points[0]
    studio.address_ug, studio.services_ug = "", ""
    db.session.commit()
    page = client.get(f"/v/{V1}", headers=UG).text
    assert _marked_chinese(page, "营盘社区居委会一楼")  # lang="zh-Hans" on the Chinese address
    assert _marked_chinese(page, "代写法律文书")
    notes = _notes(_tree(page))
    assert len(notes) == 3 and set(notes) == {_note("ug")}  # address and two services, each marked visibly
    assert STUDIO["description_ug"] in page  # what is translated still shows in Uyghur


def test_a_unit_without_a_uyghur_name_is_shown_in_chinese_marked(texts, client):
    village = texts.units["V1"]
    village.name_ug = None
    db.session.commit()
    page = client.get(f"/v/{V1}", headers=UG).text
    tree = _tree(page)
    h1 = tree.find(".//h1")
    assert [e for e in h1.iter() if e.get("lang") == "zh-Hans" and _text(e) == "营盘社区"]
    assert _notes(h1) == [_note("ug")]
    # Named units are not marked: the township has its Uyghur name.
    assert "شياۋيىڭپەن بازىرى" in page
    assert len(_notes(tree)) == 1


def test_notice_pdf_prints_the_address_and_services_in_the_readers_language(texts, client):
    text = pdftotext(client.get(f"/v/{V1}/notice.pdf?lang=ug").data)
    flat = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", "قانۇنىي ھۆججەت") in flat
    assert "代写法律文书" not in text


@pytest.fixture
def admin(world, auth):
    auth.login("county")
    return world


def _inputs(page: str) -> dict:
    """name → (value, lang, dir) of the form's text inputs and text areas."""
    found = {}
    for e in _tree(page).iter():
        if e.tag in ("input", "textarea") and e.get("name"):
            found[e.get("name")] = (e.get("value") if e.tag == "input" else _text(e), e.get("lang"), e.get("dir"))
    return found


def test_the_point_form_edits_the_texts_in_three_languages_typed_in_their_direction(admin, client):
    point = admin.units["V1"].points[0]
    form = _inputs(client.get(f"/org/points/{point.id}/edit").text)
    for base in ("address", "description", "services"):
        assert form[base][1:] == ("zh-Hans", "ltr")
        assert form[f"{base}_ug"][1:] == ("ug", "rtl")
        assert form[f"{base}_kk"][1:] == ("kk-Arab", "rtl")
    response = client.post(f"/org/points/{point.id}/edit", data={**STUDIO, "is_active": "y"})
    assert response.status_code == 303
    db.session.expire_all()
    saved = db.session.get(ServicePoint, point.id)
    for key, value in STUDIO.items():
        assert getattr(saved, key) == value, key
    shown = _inputs(client.get(f"/org/points/{point.id}/edit").text)
    assert shown["services_ug"][0].strip() == STUDIO["services_ug"]


def test_a_bad_value_is_422_and_keeps_all_nine_texts(admin, client):
    point = admin.units["V1"].points[0]
    bad = {**STUDIO, "address_kk": "يىڭپان\u202e" + "ا" * 10, "is_active": "y"}
    response = client.post(f"/org/points/{point.id}/edit", data=bad)
    assert response.status_code == 422
    assert 'id="error-summary"' in response.text and 'id="address_kk-error"' in response.text
    kept = _inputs(response.text)
    for key, value in STUDIO.items():
        if key != "address_kk":
            assert kept[key][0].strip() == value, key
    assert kept["address_kk"][0] == bad["address_kk"]
    db.session.expire_all()
    assert db.session.get(ServicePoint, point.id).address_ug == ""  # nothing saved


def test_too_long_a_uyghur_description_is_a_message_next_to_the_field(admin, client):
    point = admin.units["V1"].points[0]
    response = client.post(f"/org/points/{point.id}/edit",
                           data={**STUDIO, "description_ug": "ئا" * 300, "is_active": "y"})
    assert response.status_code == 422
    assert 'id="description_ug-error"' in response.text


def test_the_error_summary_lists_problems_in_the_order_of_the_page(admin, client):
    point = admin.units["V1"].points[0]
    response = client.post(f"/org/points/{point.id}/edit",
                           data={**STUDIO, "phone": "12345", "services_kk": "ز" * 600, "is_active": "y"})
    assert response.status_code == 422
    page = response.text
    summary = page[page.index('id="error-summary"'):]
    links = re.findall(r'href="#([a-z_]+)"', summary[:summary.index("</div>")])
    fields = [m for m in re.findall(r'<(?:input|textarea)[^>]*\sid="([a-z_]+)"', page) if m in links]
    assert links == fields == ["phone", "services_kk"]


def test_a_firm_without_a_kazakh_name_is_shown_in_chinese_marked_on_the_page_and_the_notice(world, client):
    world.add_multi_unit_people()  # 达勒特村's adviser is from 新疆精河律师事务所, which has no ug/kk name
    page = client.get("/v/652701101209", headers=KK).text
    assert _marked_chinese(page, "新疆精河律师事务所")
    firm_line = next(e for e in _tree(page).iter("p") if "新疆精河律师事务所" in _text(e))
    assert _notes(firm_line) == [_note("kk_Arab")]
    text = pdftotext(client.get("/v/652701101209/notice.pdf?lang=kk_Arab").data)
    line = next(ln for ln in text.splitlines() if "新疆精河律师事务所" in ln)
    assert _note("kk_Arab").strip("()") in line
