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
