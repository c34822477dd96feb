"""Language of parts (WCAG 3.1.2): on Uyghur and Kazakh pages, Chinese only inside an element marked Chinese.

Each role opens every page the access matrix gives it and the pages linked from those (two of each kind), in
Uyghur and in Kazakh, by GET; any run of Han characters in text or in a spoken attribute (title, aria-label,
placeholder, alt, a button's value) outside an element whose ``lang`` is ``zh…`` fails the test, listed with
its pages (helpers in tests/web/langparts.py; the same crawl over the demo data: ``python -m bench.chinese_share``).
"""

from collections import defaultdict

import pytest
from freezegun import freeze_time

from gongfa.db import db
from gongfa.ledger import services as ledger
from gongfa.web import pdf
from tests.conftest import PASSWORD
from tests.test_access_matrix import _ids
from tests.web.langparts import RTL_LOCALES, crawl_pages, inspect
from tests.web.test_print_coverage import NOW, old_records  # noqa: F401 (a fixture)
from tests.web.test_valid_html import _seeds
from tests.web.vnu import CRAWLERS, login, logout


def _report(unmarked: dict[str, list[str]], pages: int) -> str:
    lines = [f"{len(unmarked)} different Chinese runs outside lang=zh over {pages} pages:"]
    for run, where in sorted(unmarked.items(), key=lambda kv: -len(kv[1])):
        lines.append(f"  {len(where):4d}× {run!r}  e.g. {where[0]}")
    return "\n".join(lines)


def test_no_chinese_outside_an_element_marked_chinese_on_uyghur_and_kazakh_pages(world, client):
    ids = _ids(world)
    unmarked: dict[str, list[str]] = defaultdict(list)
    pages = 0
    for role in CRAWLERS:
        if role:
            login(client, role, PASSWORD)
        for (who, locale, url), html in crawl_pages(client, role or "resident", _seeds(role, ids)).items():
            pages += 1
            found = inspect(html, RTL_LOCALES[locale])
            for run, context in zip(found.unmarked, found.context, strict=True):
                unmarked[run].append(f"{who} {locale} {url} in {context}")
        if role:
            logout(client)
    assert pages > 150, pages
    if unmarked:
        pytest.fail(_report(unmarked, pages), pytrace=False)


@pytest.mark.parametrize(("html", "runs"), [
    ('<html lang="ug"><body><p>ئادەم 王秀兰</p></body></html>', ["王秀兰"]),
    ('<html lang="ug"><body><p>ئادەم <bdi lang="zh-Hans">王秀兰</bdi></p></body></html>', []),
    ('<html lang="ug"><body><p lang="zh-Hans">王<b>秀</b>兰</p><p>：</p></body></html>', ["："]),
    ('<html lang="kk-Arab"><body><a title="打印">ب</a><input type="submit" value="提交"></body></html>',
     ["<a title> 打印", "<input value> 提交"]),
    ('<html lang="ug"><body><img alt="图" lang="zh-Hans"><script>var a="中";</script></body></html>', []),
    ('<html lang="zh-Hans"><body><p>王秀兰 <span lang="ug">ئا</span></p></body></html>', []),
])
def test_the_check_finds_chinese_outside_a_chinese_element(html, runs):
    assert inspect(html, "ug").unmarked == runs


PDFS = [
    (None, "/v/{V1code}/notice.pdf"),
    ("officer", "/duty/stations/{T1}/2026/11/roster.pdf"),
    ("officer", "/mediation/{case}/file.pdf"),
    ("officer", "/log/{aid}/referral.pdf"),
    ("officer", "/ledger/villages/{V1}/volume.pdf?year=2026&quarter=4"),
    ("head", "/ledger/stations/{T1}/duty.pdf?year=2026&quarter=4"),
    ("head", "/ledger/statistics/{T1}.pdf?year=2026&quarter=4"),
    ("inspector", "/ledger/inspection/{draw}/volumes.pdf"),
]


@freeze_time(NOW)
@pytest.mark.parametrize("locale", list(RTL_LOCALES))
def test_no_chinese_outside_an_element_marked_chinese_in_uyghur_and_kazakh_pdfs(
        old_records, client, auth, monkeypatch, locale):  # noqa: F811 (the fixture imported above)
    """Every PDF's HTML, as WeasyPrint is given it, in each right-to-left language (the PDF itself is not made)."""
    w = old_records
    drawn = ledger.draw(w.units["P"], year=2026, quarter=4, per_township=2, actor=w.users["inspector"])
    db.session.commit()
    given = []
    monkeypatch.setattr(pdf, "html_to_pdf", lambda html: given.append(html) or b"%PDF-")
    unmarked: dict[str, list[str]] = defaultdict(list)
    for role, url in PDFS:
        auth.logout()
        if role:
            auth.login(role)
        url = url.format(V1code=w.units["V1"].code, V1=w.units["V1"].id, T1=w.units["T1"].id, case=w.case.id,
                         aid=w.entries["aid"].id, draw=drawn.id)
        given.clear()
        response = client.get(url + ("&" if "?" in url else "?") + f"lang={locale}")
        assert response.status_code == 200 and len(given) == 1, url
        found = inspect(given[0], RTL_LOCALES[locale])
        for run, context in zip(found.unmarked, found.context, strict=True):
            unmarked[run].append(f"{url} in {context}")
    if unmarked:
        pytest.fail(_report(unmarked, len(PDFS)), pytrace=False)
