"""Mixed-direction text stays in order, on screen and in PDFs (issue 12, point 5); one date and one date-time
format per language, from Babel's patterns (point 7)."""

import re
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest
from flask import render_template_string
from flask_babel import force_locale
from freezegun import freeze_time

from gongfa.clock import BEIJING
from tests.test_access_matrix import _ids
from tests.web.test_forms_as_browser import browser_login
from tests.web.test_pdf import BIDI, pdftotext
from tests.web.test_print_coverage import NOW, old_records  # noqa: F401 (a fixture)
from tests.web.vnu import switch_language

NAMES = ["古丽巴哈尔·努尔买买提", "傅淑芬", "王秀兰"]


def _render(app, locale: str, source: str, **ctx) -> str:
    with app.test_request_context(), force_locale(locale):
        return render_template_string(source, **ctx)


@pytest.mark.parametrize(("locale", "joined"), [
    ("zh_Hans", "古丽巴哈尔·努尔买买提、傅淑芬和王秀兰"),
    ("ug", "古丽巴哈尔·努尔买买提، 傅淑芬 ۋە 王秀兰"),
    ("kk_Arab", "古丽巴哈尔·努尔买买提، 傅淑芬 جانە 王秀兰"),
])
def test_a_list_is_joined_with_the_languages_own_pattern_and_a_name_with_a_dot_stays_one_item(app, locale, joined):
    html = _render(app, locale, "{{ names|map('ut')|join_list }}", names=NAMES)
    assert re.sub(r"<[^>]+>", "", html) == joined
    # Each name is one isolated element: the "·" inside the first is never taken for a separator.
    assert re.findall(r"<bdi[^>]*>([^<]*)</bdi>", html) == NAMES
    assert "、" not in html or locale == "zh_Hans"


@pytest.mark.parametrize(("locale", "day", "with_weekday", "moment", "month"), [
    ("zh_Hans", "2026年12月2日", "2026年12月2日星期三", "2026年12月1日 23:37", "2026年12月"),
    ("ug", "2026 2-دېكابىر", "2026 2-دېكابىر، چارشەنبە", "2026 1-دېكابىر، 23:37", "2026 دېكابىر"),
    ("kk_Arab", "2026 2-جەلتوقسان", "2026 2-جەلتوقسان، سارسەنبى", "2026 1-جەلتوقسان, 23:37", "2026 جەلتوقسان"),
])
def test_one_date_format_per_language_with_or_without_the_weekday(app, locale, day, with_weekday, moment, month):
    """The same order of year, month and day everywhere (today's Uyghur pages mixed three); a month title by
    CLDR's year-month skeleton (not "2026 十二月")."""
    source = "{{ d|fmt_date }}|{{ d|fmt_date(weekday=True) }}|{{ m|fmt_datetime }}|{{ d|fmt_month }}"
    html = _render(app, locale, source, d=date(2026, 12, 2), m=datetime(2026, 12, 1, 23, 37, tzinfo=BEIJING))
    assert html.split("|") == [day, with_weekday, moment, month]


def test_the_chinese_month_calendar_is_titled_the_chinese_way(world, client):
    browser_login(client, "county")
    page = client.get(f"/duty/stations/{_ids(world)['T1']}/2026/12").text
    assert "2026年12月" in re.search(r"<h1>(.*?)</h1>", page, re.S).group(1)
    assert "十二月" not in page


@pytest.mark.parametrize("locale", ["ug", "kk_Arab"])
def test_rtl_pages_write_dates_year_first_only(world, client, locale):
    """Every date with a month name on the Uyghur and Kazakh pages a resident and an officer see starts with the
    year (no "1-دېكابىر، 2026"), and no date-time is an ISO date ("2026-12-01، 23:37")."""
    switch_language(client, locale)
    ids = _ids(world)
    pages = [client.get(f"/v/{world.units['V1'].code}").text]
    browser_login(client, "county")
    switch_language(client, locale)
    pages += [client.get(url).text for url in ("/", f"/duty/stations/{ids['T1']}/2026/12", "/mediation/",
                                               f"/signup/sessions/{ids['S_V1']}", "/duty/compliance")]
    text = re.sub(r"<[^>]+>", "", "\n".join(pages))
    months = r"[\u0600-\u06ff]+"
    assert re.findall(rf"\d{{1,2}}-{months}، \d{{4}}", text) == []
    assert re.findall(r"\d{4}-\d{2}-\d{2}، \d", text) == []
    assert re.search(rf"\d{{4}} \d{{1,2}}-{months}", text)
    # Time ranges (a session's hours): left to right, on one line.
    assert re.search(r'<bdi dir="ltr" class="nobr">\d\d:\d\d–\d\d:\d\d</bdi>', "".join(pages))


def test_a_uyghur_page_keeps_phone_numbers_whole_and_left_to_right(world, client):
    switch_language(client, "ug")
    page = client.get(f"/v/{world.units['V1'].code}").text
    assert '<bdi dir="ltr" class="nobr">0909-2231348</bdi>' in page  # the complaint phone


def test_a_formula_in_a_uyghur_sentence_reads_left_to_right(world, client):
    """"1+1+2+N" inside RTL text would read "N+2+1+1": it is isolated, left to right."""
    browser_login(client, "county")
    switch_language(client, "ug")
    page = client.get("/org/staffing").text
    assert '<bdi dir="ltr" class="nobr">1+1+2+N</bdi>' in page
    assert '<bdi dir="ltr" class="nobr">1+1+1+N</bdi>' in page


@freeze_time(NOW)
def test_the_history_arrow_points_the_way_the_page_reads(old_records, client):  # noqa: F811
    entry = old_records.entries["emoji"]
    browser_login(client, "lawyer")
    for locale, arrow, other in (("zh_Hans", "→", "←"), ("ug", "←", "→"), ("kk_Arab", "←", "→")):
        switch_language(client, locale)
        history = re.search(r'<ol class="history">(.*?)</ol>', client.get(f"/log/{entry.id}").text, re.S).group(1)
        assert f"</del> {arrow} <ins>" in history and other not in history, locale


def _words(pdf: bytes) -> list[tuple[float, str]]:
    """(line position, word) of each word poppler finds, bidi marks taken out."""
    out = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    found = re.findall(r'<word xMin="[^"]*" yMin="([^"]*)"[^>]*>([^<]*)</word>', out)
    return [(round(float(y)), BIDI.sub("", w)) for y, w in found]


def test_a_uyghur_notice_prints_phone_numbers_whole_and_names_in_their_own_order(world, client):
    pdf = client.get(f"/v/{world.units['V1'].code}/notice.pdf?lang=ug").data
    words = [w for _y, w in _words(pdf)]
    assert "0909-2231348" in words  # one word: neither split at its hyphen nor reordered
    text = pdftotext(pdf)
    assert "、" not in text and "：" not in text


@freeze_time(NOW)
def test_a_uyghur_volume_prints_the_amendment_with_its_arrow_mirrored_and_times_whole(old_records, client, auth):  # noqa: F811
    auth.login("officer")
    v1 = old_records.units["V1"]
    pdf = client.get(f"/ledger/villages/{v1.id}/volume.pdf?year=2026&quarter=4&lang=ug").data
    text = pdftotext(pdf)
    assert "←" in text and "→" not in text
    assert "（" not in text and "：" not in text
    assert "10:00–11:00" in [w for _y, w in _words(pdf)]


@freeze_time(NOW)
def test_a_uyghur_case_file_prints_the_case_number_in_its_own_order(old_records, client, auth):  # noqa: F811
    """The isolate sits inside the element marking the language: WeasyPrint reorders each inline box on its own,
    so an isolate around the element would leave "（2026）" at the far end."""
    auth.login("officer")
    case = old_records.case
    text = pdftotext(client.get(f"/mediation/{case.id}/file.pdf?lang=ug").data)
    assert case.number.startswith("（2026）") and case.number in text


def test_chinese_runs_in_uyghur_text_print_each_isolated_and_marked(app):
    html = _render(app, "ug", "{{ t|isolate }}|{{ n|isolate }}", t="بۇ (村民) ئۈچۈن …第12条。 تامام", n="傅淑芬")
    mixed, name = html.split("|")
    run = '<span lang="zh-Hans" dir="ltr" style="display:inline-block">%s</span>'
    # Each Chinese run is a left-to-right box of its own: its lines stay in order when it wraps.
    assert mixed == "بۇ " + run % "\u2066(村民)\u2069" + " ئۈچۈن …" + run % "\u2066第12条。\u2069" + " تامام"
    assert name == run % "\u2068傅淑芬\u2069"


def test_no_template_writes_chinese_punctuation_outside_its_translated_strings():
    """"：", "、", "，", "（" written between template expressions stay Chinese on a Uyghur page (the booking
    page's "地址：" did, unmarked, where the test data had no address to show): each language's own
    punctuation comes from the colon/paren/join_list helpers, or sits inside a string the catalogs translate."""
    root = Path(__file__).resolve().parents[2] / "templates"
    offenders = []
    for path in root.rglob("*.html"):
        text = re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
        # what the catalogs translate, and the string literals of expressions, are not page text of their own
        text = re.sub(r"""\{\{.*?\}\}|\{%.*?%\}""", "", text, flags=re.DOTALL)
        offenders += [f"{path.relative_to(root)}: {m.group()!r}" for m in re.finditer(r"[：、，（）；]", text)]
    assert not offenders, offenders
