"""Every character that is accepted also prints (DESIGN §2).

At the door: every text field of every form refuses what no print font has, naming it. Mongolian prints.
Records that hold such a character from before print it as 〓 with a note saying how many, never a 500.
"""

import importlib
import inspect
import pkgutil
import re
from datetime import date, time
from io import BytesIO

import pytest
from flask_wtf import FlaskForm
from freezegun import freeze_time
from openpyxl import Workbook
from werkzeug.datastructures import MultiDict
from wtforms.fields.core import UnboundField
from wtforms.widgets import TextArea, TextInput

import gongfa
from gongfa.db import db
from gongfa.duty.generation import create_rule, generate_all
from gongfa.duty.models import DutySession, RuleKind
from gongfa.ledger import services as ledger
from gongfa.ledger.models import PrintRecord
from gongfa.mediation import services as mediation
from gongfa.mediation.models import CaseSource, MediationCase, PartySide
from gongfa.org import services as org
from gongfa.signup.models import Booking
from gongfa.web.fonts import NO_GLYPH, unprintable
from gongfa.web.forms import BaseForm
from gongfa.web.pdf import embedded_fonts, html_to_pdf, printable_html
from gongfa.worklog import services as worklog
from gongfa.worklog.models import Category, Mode, Referral
from tests.test_access_matrix import _ids
from tests.web.html_forms import form_to, post_form
from tests.web.test_forms_as_browser import browser_login
from tests.web.test_pdf import BIDI, pdftotext

NOW = "2026-11-23 15:00:00+08:00"
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
        assert printable_html(html) == (html, 0)
        assert html_to_pdf(html).startswith(b"%PDF-")


@pytest.mark.parametrize(("typed", "named"), REFUSED.items(), ids=[f"U+{ord(k[0]):04X}" for k in REFUSED])
def test_refused_at_the_door_is_exactly_what_prints_as_the_placeholder(app, typed, named):
    """One list: the form refuses a character exactly when a print would have to replace it."""
    from gongfa.worklog.forms import EntryForm

    with app.test_request_context():
        form = EntryForm(formdata=MultiDict({"content": f"咨询{typed}完"}), meta={"csrf": False})
        form.validate()
        assert any(f"{named}无法打印" in e for e in form.content.errors)
        html, count = printable_html(f"<html><body><p>咨询{typed}完</p></body></html>")
        assert count == len(typed) and "咨询" + "〓" * len(typed) + "完" in html


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
        assert "〓" not in text and "无法打印" not in text
        assert any("App-Mongolian" in f for f in embedded_fonts(response.data))


# --- records from before: a placeholder and a note, never a 500 ---------------------------------------------


def _note_counts(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"以下内容中有(\d+)个字符无法打印", text)]


def _placeholders_accounted_for(text: str) -> int:
    """The notes' counts add up to the 〓 printed (each note shows one 〓 itself); returns that number."""
    counts = _note_counts(text)
    assert counts, "no note on a document with characters that could not be printed"
    assert text.count("〓") - len(counts) == sum(counts)
    return sum(counts)


@pytest.fixture
def old_records(world):
    """Records holding characters no font prints, as old data or an import from before the check would."""
    with freeze_time(NOW):
        lawyer = world.users["lawyer"]
        lawyer.full_name = "叶尔兰👍·哈布德克"
        v1, t1 = org.point_of(world.units["V1"]), org.point_of(world.units["T1"])
        create_rule(point=v1, kind=RuleKind.MONTHLY, valid_from=date(2025, 1, 1), day_of_month=16)
        create_rule(point=t1, kind=RuleKind.WEEKLY, valid_from=date(2025, 1, 1))
        generate_all(first=date(2026, 10, 1), weeks=10, months=2)
        wednesday = db.session.scalar(db.select(DutySession).where(DutySession.point_id == t1.id)
                                      .order_by(DutySession.on))
        made = {}
        for key, point, session, content, referral in (
                ("emoji", v1, None, "土地承包合同咨询👍", Referral.NONE),
                ("aid", v1, None, "工伤赔偿😀申请法律援助", Referral.LEGAL_AID),
                ("station", t1, wednesday, "值班咨询", Referral.NONE)):
            made[key], _ = worklog.create_entry(
                lawyer=lawyer, point=point, session=session, form_token=None, submit=True, today=date(2026, 11, 23),
                served_on=session.on if session else date(2026, 11, 2), starts_at=time(10, 0), ends_at=time(11, 0),
                place="工作室", persons="王秀兰🙏" if session else "王秀兰", mode=Mode.ON_SITE,
                category=Category.CONSULTATION, content=content, result="已解答", referral=referral)
        worklog.countersign(list(made.values()), actor=world.users["officer"])
        worklog.amend(made["emoji"], field="content", new_value="土地承包合同咨询", reason="删去表情符号",
                      actor=lawyer)
        case = mediation.open_case(
            point=v1, source=CaseSource.APPLICATION, category="02", summary="排水沟👍堵塞", requests="",
            applied_on=date(2026, 11, 20), actor=world.users["officer"],
            parties=[{"side": PartySide.APPLICANT, "name": "甲😀"}, {"side": PartySide.RESPONDENT, "name": "乙"}])
        db.session.commit()
        world.entries, world.case = made, case
    return world


@freeze_time(NOW)
@pytest.mark.parametrize("lang", ["zh_Hans", "ug"])
def test_a_volume_holding_an_emoji_prints_the_original_with_the_placeholder_and_the_amendment(
        old_records, client, auth, app, lang):
    auth.login("officer")
    v1 = old_records.units["V1"]
    entry = old_records.entries["emoji"]
    for quarter in (4, 0):  # the quarter's volume and the year's
        response = client.get(f"/ledger/villages/{v1.id}/volume.pdf?year=2026&quarter={quarter}&lang={lang}")
        assert response.status_code == 200
        text = _flat(response.data)
        assert "叶尔兰〓·哈布德克" in text and "👍" not in text and "删去表情符号" in text
        if lang == "zh_Hans":  # (in a right-to-left page the text layer puts the 〓 before a Chinese run)
            assert "土地承包合同咨询〓" in text  # the original, as countersigned, and its correction
            assert "土地承包合同咨询〓→土地承包合同咨询（原因：删去表情符号）" in text
            # The lawyer's name on the cover, at the two monthly visits and in the two entries; the two
            # contents and the amendment's original.
            assert _placeholders_accounted_for(text) == 8
    # The check values come from the record, not from the print: the verification page still matches it.
    record = ledger.entry_record(entry)
    assert "👍" in record["amendments"][0]["old"]
    printed = db.session.scalars(db.select(PrintRecord).where(PrintRecord.kind == "volume")).all()[-1]
    assert ledger.short(record) in text
    public = app.test_client().get(f"/verify/{printed.code}").text
    assert printed.digest in public and ledger.short(record) in public


@freeze_time(NOW)
@pytest.mark.parametrize(("role", "url"), [
    (None, "/v/652701100001/notice.pdf"),
    ("officer", "/duty/stations/{T1}/2026/11/roster.pdf"),
    ("officer", "/mediation/{case}/file.pdf"),
    ("officer", "/log/{aid}/referral.pdf"),
    ("head", "/ledger/stations/{T1}/duty.pdf?year=2026&quarter=4"),
    ("head", "/ledger/statistics/{T1}.pdf?year=2026&quarter=4"),
    ("inspector", "/ledger/inspection/{draw}/volumes.pdf"),
], ids=["notice", "roster", "case-file", "referral", "duty-ledger", "statistics", "inspection-volumes"])
def test_every_pdf_prints_old_records_with_a_placeholder_and_a_note(old_records, client, auth, role, url):
    w = old_records
    drawn = ledger.draw(w.units["P"], year=2026, quarter=4, per_township=2, actor=w.users["inspector"])
    db.session.commit()
    if role:
        auth.login(role)
    response = client.get(url.format(T1=w.units["T1"].id, case=w.case.id, aid=w.entries["aid"].id, draw=drawn.id))
    assert response.status_code == 200
    text = _flat(response.data)
    assert _placeholders_accounted_for(text) > 0
    assert "👍" not in text and "😀" not in text
    if "inspection" in url:  # each village's volume has its own note: only 营盘社区's holds such characters
        assert len(drawn.villages) == 4 and _note_counts(text) == [8]
        assert text.index("无法打印") < text.index("营盘社区一村一卷") < text.index("吉祥社区一村一卷")


def test_a_note_counts_only_its_own_part_of_the_document(app):
    with app.test_request_context():
        html, total = printable_html("<html><head><title>标题👍</title></head><body><h1>甲👍</h1>"
                                     "<!--gongfa:unprintable-note--><p>乙😀😀</p>"
                                     "<!--gongfa:unprintable-note--><p>丙</p>"
                                     "<!--gongfa:unprintable-note--><p>丁🙏</p></body></html>")
    assert total == 4
    assert "<title>标题👍</title>" in html  # metadata needs no font and keeps the original
    assert _note_counts(re.sub(r"<[^>]+>|\s", "", html)) == [3, 1]  # nothing to say for the part with 丙
    assert html.index("以下内容中有 3 个") < html.index("乙〓〓") < html.index("以下内容中有 1 个") < html.index("丁〓")


def test_a_case_file_draws_the_placeholder_in_our_font_without_failing(old_records, client, auth):
    """The placeholder itself is in the CJK font: the render stays strict (no .notdef, no fallback)."""
    auth.login("officer")
    pdf = client.get(f"/mediation/{old_records.case.id}/file.pdf").data
    assert {re.sub(r"^/?[A-Z]{6}\+", "", f) for f in embedded_fonts(pdf)} <= {
        "App-CJK", "App-CJK-Bold", "App-Arabic", "App-Arabic-Bold", "App-Mongolian", "App-Mongolian-Bold"}
    assert "甲〓" in _flat(pdf) and "排水沟〓堵塞" in _flat(pdf)
