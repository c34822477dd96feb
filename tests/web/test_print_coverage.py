"""Every character that is accepted also prints (DESIGN §2).

At the door: every text field of every form refuses what no print font has, naming it. Mongolian prints.
"""

import importlib
import inspect
import pkgutil
import re
from io import BytesIO

import pytest
from flask_wtf import FlaskForm
from openpyxl import Workbook
from werkzeug.datastructures import MultiDict
from wtforms.fields.core import UnboundField
from wtforms.widgets import TextArea, TextInput

import gongfa
from gongfa.db import db
from gongfa.mediation.models import MediationCase
from gongfa.org import services as org
from gongfa.signup.models import Booking
from gongfa.web.fonts import NO_GLYPH, unprintable
from gongfa.web.forms import BaseForm
from gongfa.web.pdf import embedded_fonts, html_to_pdf
from tests.test_access_matrix import _ids
from tests.web.html_forms import form_to, post_form
from tests.web.test_forms_as_browser import browser_login
from tests.web.test_pdf import BIDI, pdftotext

MONGOLIAN = "ᠪᠠᠲᠤ·ᠮᠥᠩᠬᠡ"  # Batu Möngke
# Solongga, with the vowel separator U+180E before its final a, and Nadmid with a free variation selector.
MONGOLIAN_MVS_FVS = "ᠰᠣᠯᠣᠩᠭ\u180eᠠ·ᠨᠠᠳ\u180bᠮᠢᠳ"
# What people type and must keep typing: Chinese with a rare (Ext-B) character our CJK font has, Uyghur and
# Kazakh letters and an old input method's presentation forms, Mongolian with its joiners and the narrow
# no-break space before a suffix, Latin, digits, the punctuation of three languages, line breaks.
ACCEPTED = ("𠀾明 阿依古丽·买买提 ئادۋوكات ھەر ئايدا ادۆوكات ءبىر رەت ﺋﺎﺩﯞﻭﻛﺎﺕ " + MONGOLIAN_MVS_FVS +
            " ᠮᠥᠩᠬᠡ\u202fᠶᠢᠨ Bortala 2026-12-01 ，。、；：？！“”‘’（）《》【】—…％￥№℃①×÷·،؛؟«»\r\n第二行\t完")
REFUSED = {"👍": "“👍”", "🇨🇳": "“🇨”、“🇳”", "\u2028": "“U+2028”", "\U00020000": "“\U00020000”",
           "\ue000": "“U+E000”", "\u180f": "“U+180F”", "\u0085": "“U+0085”"}


def _form_classes():
    for info in pkgutil.walk_packages(gongfa.__path__, "gongfa."):
        if info.name.endswith(".forms"):
            module = importlib.import_module(info.name)
            for value in vars(module).values():
                if isinstance(value, type) and issubclass(value, FlaskForm) and value.__module__ == info.name:
                    yield value


def test_every_form_of_the_app_derives_from_the_base_form():
    """The print check lives in BaseForm; a form that skipped it would let anything in."""
    forms = list(_form_classes())
    assert len(forms) > 30
    assert [f.__name__ for f in forms if not issubclass(f, BaseForm)] == []


def _typed_fields():
    """(form, field) for every field a person types text into: a text box or a text area (not a password box,
    not a hidden field), read from the form classes themselves."""
    for form_class in _form_classes():
        for name, unbound in inspect.getmembers(form_class, lambda v: isinstance(v, UnboundField)):
            widget = unbound.kwargs.get("widget") or unbound.field_class.widget
            if isinstance(widget, TextArea) or (isinstance(widget, TextInput) and widget.input_type == "text"):
                yield form_class, name


TYPED = list(_typed_fields())


def test_the_forms_have_the_text_fields_expected():
    assert len(TYPED) > 50 and ("EntryForm", "content") in {(f.__name__, n) for f, n in TYPED}


@pytest.mark.parametrize(("form_class", "name"), TYPED, ids=[f"{f.__name__}.{n}" for f, n in TYPED])
def test_every_text_field_refuses_a_character_no_font_prints(app, form_class, name):
    with app.test_request_context():
        form = form_class(formdata=MultiDict({name: "满意👍"}), meta={"csrf": False})
        form.validate()
        assert "“👍”无法打印，请删去或换一种写法。" in form[name].errors
        assert form[name].data == "满意👍"  # what was typed is kept for the page shown again


def test_what_people_type_is_accepted_and_prints(app):
    from gongfa.worklog.forms import EntryForm

    with app.test_request_context():
        form = EntryForm(formdata=MultiDict({"content": ACCEPTED, "persons": "王秀兰"}), meta={"csrf": False})
        form.validate()
        assert form.content.errors == [] and form.persons.errors == []
        assert unprintable(ACCEPTED) == []
        html = f'<html lang="zh-Hans"><body><p style="white-space:pre-line">{ACCEPTED}</p></body></html>'
        assert html_to_pdf(html).startswith(b"%PDF-")


@pytest.mark.parametrize(("typed", "named"), REFUSED.items(), ids=[f"U+{ord(k[0]):04X}" for k in REFUSED])
def test_refused_at_the_door_is_exactly_what_a_print_cannot_draw(app, typed, named):
    """One list: the form refuses a character exactly when the strict render would refuse it."""
    from gongfa.web.pdf import PdfFontError
    from gongfa.worklog.forms import EntryForm

    with app.test_request_context():
        form = EntryForm(formdata=MultiDict({"content": f"咨询{typed}完"}), meta={"csrf": False})
        form.validate()
        assert any(f"{named}无法打印" in e for e in form.content.errors)
        with pytest.raises(PdfFontError):
            html_to_pdf(f"<html><body><p>咨询{typed}完</p></body></html>")


def test_characters_that_need_no_glyph_print_without_a_box_or_a_fallback_font(app):
    """fonts.NO_GLYPH is true: each prints as nothing between Chinese, Uyghur and Mongolian letters, bold too."""
    chars = "".join(chr(c) for c in sorted(NO_GLYPH))
    html = (f'<html lang="zh-Hans"><body><p>甲{chars}乙</p><p><b>甲{chars}乙 {MONGOLIAN}</b></p>'
            f'<p lang="ug" dir="rtl">ئا{chars}ئا</p><p>ᠪᠠ{chars}ᠲᠤ</p></body></html>')
    with app.test_request_context():
        pdf = html_to_pdf(html)  # raises on a .notdef box or a font that is not ours
    assert {re.sub(r"^/?[A-Z]{6}\+", "", f) for f in embedded_fonts(pdf)} >= {"App-Mongolian", "App-Mongolian-Bold"}


def test_the_xlsx_import_refuses_what_cannot_print(world, client, auth):
    auth.login("county")
    book = Workbook()
    book.active.append(["code"])
    book.active.append(["652701100299", "652701100", "村", "村", "示例村👍", "", ""])
    book.create_sheet("人员").append(["username"])
    out = BytesIO()
    book.save(out)
    out.seek(0)
    response = client.post("/org/import", data={"file": (out, "units.xlsx")}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "“👍”无法打印" in response.text
    assert org.unit_by_code("652701100299") is None


def _flat(pdf: bytes) -> str:
    return BIDI.sub("", pdftotext(pdf))


def test_a_mongolian_name_from_a_public_booking_prints_in_the_case_file(world, client, tmp_path):
    """A resident signs up under a traditional Mongolian name; the officer opens a case from it; the file prints."""
    ids = _ids(world)
    url = f"/book/{ids['S_V1']}"
    booking_form = form_to(client.get(url).text, url, url)
    response = post_form(client, url, booking_form,
                         choose={"name": MONGOLIAN, "phone": "13700000007", "kind": "mediation",
                                 "description": "草场边界纠纷"})
    assert response.status_code == 303, response.text
    booking = db.session.scalar(db.select(Booking).where(Booking.phone == "13700000007"))
    assert booking.name == MONGOLIAN

    browser_login(client, "officer")
    url = f"/mediation/new?booking={booking.id}"
    intake = form_to(client.get(url).text, url, "/mediation/new")
    response = post_form(client, url, intake, choose={"r_name": MONGOLIAN_MVS_FVS, "category": "03"})
    assert response.status_code == 303, response.text
    case = db.session.scalar(db.select(MediationCase).order_by(MediationCase.id.desc()))
    assert [p.name for p in case.parties] == [MONGOLIAN, MONGOLIAN_MVS_FVS]
    for lang in ("zh_Hans", "ug", "kk_Arab"):
        response = client.get(f"/mediation/{case.id}/file.pdf?lang={lang}")
        assert response.status_code == 200, lang
        (tmp_path / f"casefile-{lang}.pdf").write_bytes(response.data)
        text = _flat(response.data)
        # The text layer gives both names back exactly, vowel separator and variation selector included.
        assert MONGOLIAN in text and MONGOLIAN_MVS_FVS in text, lang
        assert any("App-Mongolian" in f for f in embedded_fonts(response.data))
