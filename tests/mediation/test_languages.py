"""Mediation in the parties' languages: coded values (GB/T 3304 ethnicity, occupation, performance method),
parties' names in their own script, and bilingual agreements and case files for a party who chose ug or kk."""

import re

import pytest
from flask_babel import force_locale, get_translations
from freezegun import freeze_time

from gongfa.db import db
from gongfa.mediation import codes, services
from gongfa.mediation.models import CaseSource, MediationCase, PartySide
from gongfa.org import services as org
from tests.mediation.test_cases import APPLICANT_ID, NOW, TODAY, _form
from tests.web.test_pdf import pdftotext

UG_NAME = "ئايگۈل تۇرسۇن"
UG_CLAUSES = "ئۆستەڭنى بىر ھەپتە ئىچىدە تازىلايدۇ\nئىلتىماس قىلغۇچىغا 300 يۈەن تۆلەيدۇ"
UG_FACTS = "ئۆستەڭ توسۇلۇپ قالغان"
# Stand-ins for the lead's catalog entries, so the test sees the page ask the catalog, not echo stored Chinese.
UG_TERMS = {"维吾尔族": "ئۇيغۇر", "汉族": "خەنزۇ", "农民": "دېھقان", "个体工商户": "يەككە تىجارەتچى",
            "现金支付": "نەق پۇل تۆلەش", "维吾尔语": "ئۇيغۇرچە"}


@pytest.fixture
def ug_terms(app, monkeypatch):
    """Uyghur catalog entries for the coded values this file reads back."""
    with app.test_request_context(), force_locale("ug"):
        catalog = get_translations()._catalog
    for msgid, msgstr in UG_TERMS.items():
        monkeypatch.setitem(catalog, msgid, msgstr)


def _parties(language="ug"):
    return [{"side": PartySide.APPLICANT, "name": "阿依古丽·吐尔逊", "name_native": UG_NAME, "language": language,
             "gender": "female", "ethnicity": "05", "age": 41, "occupation": "farmer", "phone": "13912340077",
             "address": "营盘社区3组", "id_number": APPLICANT_ID},
            {"side": PartySide.RESPONDENT, "name": "王建国", "gender": "male", "ethnicity": "01", "age": 52,
             "occupation": "self_employed", "phone": "", "address": "", "id_number": ""}]


def _agreed_case(world, language="ug"):
    officer = world.users["officer"]
    case = services.open_case(point=org.point_of(world.units["V1"]), source=CaseSource.APPLICATION, category="02",
                              summary="排水沟堵塞", requests="", applied_on=TODAY, parties=_parties(language),
                              actor=officer)
    services.accept(case, actor=officer, mediator=world.users["mediator"], version=None, today=TODAY)
    services.add_record(case, held_on=TODAY, place="工作室", present="", content="双方陈述了事实。",
                        content_alt="ئىككى تەرەپ ئەھۋالنى سۆزلىدى" if language != "zh_Hans" else "",
                        actor=officer, version=None)
    services.record_agreement(case, kind=services.AgreementKind.WRITTEN, facts="排水沟堵塞",
                              clauses="被申请人一周内清理排水沟\n被申请人赔偿申请人300元", performance="cash",
                              facts_alt=UG_FACTS if language != "zh_Hans" else "",
                              clauses_alt=UG_CLAUSES if language != "zh_Hans" else "",
                              due=None, effective_on=TODAY, actor=officer, version=None, today=TODAY)
    db.session.commit()
    return case


def test_the_lists_are_complete_and_coded():
    assert len([c for c, _t in codes.ETHNICITIES if int(c) <= 56]) == 56
    assert dict(codes.ETHNICITIES)["05"]._args[0] == "维吾尔族" and dict(codes.ETHNICITIES)["17"]._args[0] == "哈萨克族"
    assert {"97", "98"} <= dict(codes.ETHNICITIES).keys()
    assert {"farmer", "herder", "self_employed", "student", "retired", "unemployed", "1", "8"} <= \
        dict(codes.OCCUPATIONS).keys()
    assert "cash" in dict(codes.PERFORMANCE_METHODS)


@freeze_time(NOW)
def test_intake_takes_codes_and_refuses_typed_chinese_next_to_the_field(world, client, auth):
    auth.login("officer")
    point = org.point_of(world.units["V1"])
    bad = client.post("/mediation/new", data=_form(point_id=point.id, a_ethnicity="维吾尔族", a_occupation="种地",
                                                   a_language="uz", a_name_native=UG_NAME))
    assert bad.status_code == 422
    for name in ("a_ethnicity", "a_occupation", "a_language"):
        assert f'id="{name}-error"' in bad.text
    assert UG_NAME in bad.text and "宅基地边界纠纷" in bad.text  # what was typed is kept
    assert db.session.scalar(db.select(MediationCase)) is None
    ok = client.post("/mediation/new", data=_form(point_id=point.id, a_ethnicity="05", a_occupation="herder",
                                                  a_language="ug", a_name_native=UG_NAME, r_ethnicity="01"))
    assert ok.status_code == 303
    applicant, respondent = db.session.scalar(db.select(MediationCase)).parties
    assert (applicant.ethnicity, applicant.occupation, applicant.language, applicant.name_native) == \
        ("05", "herder", "ug", UG_NAME)
    assert (respondent.ethnicity, respondent.language) == ("01", "zh_Hans")


@freeze_time(NOW)
def test_agreement_performance_method_is_a_code(world, client, auth):
    officer = world.users["officer"]
    case = services.open_case(point=org.point_of(world.units["V1"]), source=CaseSource.APPLICATION, category="02",
                              summary="排水沟堵塞", requests="", applied_on=TODAY, parties=_parties(), actor=officer)
    services.accept(case, actor=officer, mediator=None, version=None, today=TODAY)
    services.add_record(case, held_on=TODAY, place="", present="", content="陈述", actor=officer, version=None)
    db.session.commit()
    auth.login("officer")
    data = {"version": case.version, "kind": "written", "facts": "排水沟", "clauses": "清理\n赔偿",
            "effective_on": "2026-11-23"}
    bad = client.post(f"/mediation/{case.id}/agreement", data={**data, "performance": "现金支付"})
    assert bad.status_code == 422 and 'id="performance-error"' in bad.text
    uneven = client.post(f"/mediation/{case.id}/agreement",
                         data={**data, "performance": "cash", "clauses_alt": "تازىلاش"})
    assert uneven.status_code == 422 and 'id="clauses_alt-error"' in uneven.text  # 2 clauses, 1 translated
    assert "تازىلاش" in uneven.text
    ok = client.post(f"/mediation/{case.id}/agreement", data={**data, "performance": "cash",
                                                               "clauses_alt": "تازىلاش\nتۆلەش"})
    assert ok.status_code == 303
    db.session.refresh(case)
    assert case.performance == "cash" and case.clauses_alt == ["تازىلاش", "تۆلەش"]


@freeze_time(NOW)
def test_a_uyghur_page_shows_the_coded_values_in_uyghur_and_the_party_in_her_script(world, client, auth, ug_terms):
    case = _agreed_case(world)
    auth.login("officer")
    page = client.get(f"/mediation/{case.id}", headers={"Accept-Language": "ug"}).text
    for code in ("维吾尔族", "农民", "现金支付", "个体工商户", "汉族"):
        assert UG_TERMS[code] in page
        assert code not in page
    assert UG_NAME in page
    assert "ئۆستەڭنى بىر ھەپتە ئىچىدە تازىلايدۇ" in page  # the agreement in the party's language
    zh = client.get(f"/mediation/{case.id}", headers={"Accept-Language": "zh-CN"}).text
    assert "维吾尔族" in zh and "现金支付" in zh
    assert re.search(r'<bdi lang="ug" dir="rtl">' + re.escape(UG_NAME), zh)  # her name, marked, beside the Chinese


@freeze_time(NOW)
def test_the_agreement_prints_chinese_and_uyghur_in_order(world, client, auth):
    case = _agreed_case(world)
    auth.login("officer")
    response = client.get(f"/mediation/{case.id}/agreement.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    text = pdftotext(response.data)
    zh = [text.index("被申请人一周内清理排水沟"), text.index("被申请人赔偿申请人300元")]
    ug = [text.index(line.replace(" ", "")) for line in UG_CLAUSES.splitlines()]
    assert zh == sorted(zh) and ug == sorted(ug)
    assert "人民调解协议书" in text and UG_NAME.replace(" ", "") in text and UG_FACTS.replace(" ", "") in text
    with force_locale("ug"):
        assert str(get_translations().gettext("人民调解协议书")).replace(" ", "") in text  # both headings


@freeze_time(NOW)
def test_the_case_file_is_bilingual_for_a_uyghur_party_and_chinese_only_otherwise(world, client, auth):
    auth.login("officer")
    both = pdftotext(client.get(f"/mediation/{_agreed_case(world).id}/file.pdf").data)
    assert "ئىككىتەرەپئەھۋالنىسۆزلىدى" in both and "双方陈述了事实" in both  # the statements, in both
    assert "ئۆستەڭنىبىرھەپتەئىچىدەتازىلايدۇ" in both and "被申请人一周内清理排水沟" in both
    only = pdftotext(client.get(f"/mediation/{_agreed_case(world, 'zh_Hans').id}/file.pdf").data)
    assert "被申请人一周内清理排水沟" in only
    assert not re.search("[\u0600-\u06ff]", only.replace(UG_NAME.replace(" ", ""), ""))  # only her name


def test_the_migration_maps_typed_values_to_codes():
    from importlib import import_module

    migration = import_module("gongfa.migrations.versions.20261207_e5a1c0d4b2f7_mediation_coded_values_languages")
    assert migration.code_for("ethnicity", "维吾尔族") == "05"
    assert migration.code_for("ethnicity", "哈萨克") == "17"
    assert migration.code_for("ethnicity", " 汉族 ") == "01"
    assert migration.code_for("occupation", "个体") == "self_employed"
    assert migration.code_for("occupation", "农民") == "farmer"
    assert migration.code_for("performance", "现金支付") == "cash"
    assert migration.code_for("occupation", "养蜂") == "养蜂"  # unknown: kept as typed, shown as typed
    assert migration.code_for("ethnicity", "") == ""
    for kind, pairs in (("ethnicity", codes.ETHNICITIES), ("occupation", codes.OCCUPATIONS),
                        ("performance", codes.PERFORMANCE_METHODS)):  # the frozen copy matches the lists
        assert migration.TITLES[kind] == {code: title._args[0] for code, title in pairs}
        assert all(migration.code_for(kind, title._args[0]) == code for code, title in pairs)


@freeze_time(NOW)
def test_the_migration_turns_recorded_words_into_codes_and_keeps_the_rest(world, app):
    from flask_migrate import downgrade, stamp, upgrade
    from sqlalchemy import text

    case = _agreed_case(world, "zh_Hans")
    applicant, respondent = case.parties
    db.session.close()
    stamp()
    downgrade(revision="d31c7b92a76c")  # back to typed words (this migration's downgrade)
    with db.engine.begin() as conn:
        words = conn.execute(text("SELECT ethnicity, occupation FROM mediation_parties ORDER BY id")).all()
        assert [tuple(w) for w in words] == [("维吾尔族", "农民"), ("汉族", "个体工商户")]
        conn.execute(text("UPDATE mediation_parties SET ethnicity = '哈萨克', occupation = '养蜂' WHERE id = :id"),
                     {"id": respondent.id})
        conn.execute(text("UPDATE mediation_cases SET performance = '现金' WHERE id = :id"), {"id": case.id})
    upgrade()
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT ethnicity, occupation, language FROM mediation_parties ORDER BY id")).all()
        performance = conn.execute(text("SELECT performance FROM mediation_cases WHERE id = :id"),
                                   {"id": case.id}).scalar()
    assert [tuple(r) for r in rows] == [("05", "farmer", "zh_Hans"), ("17", "养蜂", "zh_Hans")]
    assert performance == "cash"
    assert applicant.id < respondent.id


@freeze_time(NOW)
def test_the_case_register_workbook_keeps_codes_beside_titles_in_the_readers_language(world, client, auth,
                                                                                   ug_terms):
    from io import BytesIO

    from openpyxl import load_workbook

    case = _agreed_case(world)
    auth.login("officer")
    for accept, ethnic in (("zh-CN", "维吾尔族"), ("ug", "ئۇيغۇر")):
        response = client.get("/mediation/cases.xlsx", headers={"Accept-Language": accept})
        assert response.status_code == 200
        rows = list(load_workbook(BytesIO(response.data)).active.iter_rows(values_only=True))
        header, applicant, respondent = rows[0], rows[1], rows[2]
        assert len(rows) == 3 and applicant[0] == case.number
        got = dict(zip(range(len(header)), applicant, strict=True))
        assert [got[i] for i in (3, 5, 10, 12, 13, 16, 18)] == ["agreement", "02", "ug", "female", "05", "farmer",
                                                                   "cash"]
        assert got[14] == ethnic and got[9] == UG_NAME
        assert (respondent[13], respondent[16]) == ("01", "self_employed")
        assert not any("%%" in str(h) or "{" in str(h) for h in header)  # no catalog escaping left over
        assert APPLICANT_ID not in str(rows) and "13912340077" not in str(rows)  # no numbers in an export


@freeze_time(NOW)
def test_a_kazakh_party_on_a_uyghur_page_is_marked_kazakh(world, client, auth):
    """Same script, another language: the record says which (WCAG 3.1.2), the letters cannot."""
    officer = world.users["officer"]
    parties = _parties("kk_Arab")
    parties[0].update(name="叶尔波拉提·沙吾提", name_native="ەربولات ساۋىت", ethnicity="17")
    case = services.open_case(point=org.point_of(world.units["V1"]), source=CaseSource.APPLICATION, category="10",
                              summary="工资被拖欠", requests="", applied_on=TODAY, parties=parties, actor=officer)
    db.session.commit()
    auth.login("officer")
    page = client.get(f"/mediation/{case.id}", headers={"Accept-Language": "ug"}).text
    assert re.search(r'<span lang="kk-Arab">(<bdi[^>]*>)?ەربولات ساۋىت', page)
    assert case.second_language == "kk_Arab" and case.second_language_tag == "kk-Arab"
