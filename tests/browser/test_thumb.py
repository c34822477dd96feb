"""Pages a thumb can use: at 360 px every tap target is at least 44 × 44 px, nothing scrolls sideways, and
tables keep their column names.

Each role's representative pages (the list below: its menu, its home page's links, one record of each kind
it reaches) are opened in Chromium at 360 × 740 with JavaScript on, in Chinese and in Uyghur (right to left).
On each page every link, button, form control (measured with its label when the label wraps it: the label
is then what the thumb taps) and summary must be at least 44 × 44 CSS px, except a link inside a sentence,
as WCAG 2.5.8's inline exception allows; the page must be no wider than the screen; no table cell's
content may spill over its neighbour (the month grid's village names did, in ug and kk); and a table
stacked into cards on the phone shows each value with its column's name ("0 / 4 / 0" said nothing). Full-page
screenshots go to ``SHOTS``; ``GONGFA_THUMB_LOCALES=zh_Hans,ug,kk_Arab`` crawls more languages.
"""

import os
import re
import shutil
import subprocess
import urllib.parse

import pytest

from tests.browser.conftest import SHOTS, choose_language, login

pytestmark = pytest.mark.browser
LOCALES = os.environ.get("GONGFA_THUMB_LOCALES", "zh_Hans,ug").split(",")
VILLAGE = "652701100001"  # 营盘社区, the demo officer's community
MIN = 44

# A path, or (listing, regex): the first link on the listing (itself a path or such a pair) whose path matches.
VILLAGE_VISIT = (("/", r"^/duty/villages/\d+$"), r"^/duty/sessions/\d+$")
STATION_DAY = (("/", r"^/duty/stations/\d+/\d+/\d+$"), r"^/duty/sessions/\d+$")
PAGES = {
    None: ["/", "/auth/login", f"/v/{VILLAGE}", f"/v/{VILLAGE}/book", (f"/v/{VILLAGE}/book", r"^/book/\d+"),
           "/b/find", "/verify/"],
    "lawyer": ["/", "/duty/my", ("/duty/my", r"^/duty/sessions/\d+$"), ("/duty/my", r"/decline$"), "/duty/feed",
               "/log/", "/log/new", ("/log/", r"^/log/\d+$"), "/ledger/", "/auth/password"],
    "officer": ["/", ("/", r"^/duty/villages/\d+$"), VILLAGE_VISIT, (VILLAGE_VISIT, r"^/signup/sessions/\d+$"),
                "/mediation/", "/mediation/new", ("/mediation/", r"^/mediation/\d+$"), "/log/",
                ("/log/", r"^/log/\d+$"), "/ledger/", "/ledger/ratings"],
    "head": ["/", ("/", r"^/duty/stations/\d+/\d+/\d+$"), STATION_DAY, (STATION_DAY, r"/substitute$"),
             (STATION_DAY, r"/swap$"), "/duty/compliance", "/duty/holidays", "/duty/extra/new", "/org/staffing",
             "/ledger/", ("/ledger/", r"^/ledger/quarters/"), "/mediation/"],
    "mediator": ["/", "/mediation/", ("/mediation/", r"^/mediation/\d+$")],
    "bole-admin": ["/", "/org/units", ("/org/units", r"^/org/units/\d+$"), "/org/firms", "/org/firms/new",
                   "/org/assignments", "/org/assignments/new", "/people/", ("/people/", r"^/people/\d+$"),
                   "/people/new", "/org/import", "/duty/compliance", "/ledger/"],
    "inspector": ["/", "/ledger/inspection", "/ledger/", "/org/staffing", "/duty/compliance"],
    "admin": ["/", "/ledger/", "/audit/"],
}

# Every tap target that is too small, the page's width, table cells whose content spills out, and table cells
# shown without their column's name.
MEASURE_JS = r"""(min) => {
  const TARGETS = 'a[href], button, input:not([type=hidden]), select, textarea, summary';
  const SENTENCE_END = /[\u3002\uff01\uff1f!?\u061f\u06d4]|[.](\s|$)/u;
  const block = el => { let p = el.parentElement;
    while (p && getComputedStyle(p).display.startsWith('inline')) p = p.parentElement; return p; };
  // WCAG 2.5.8 exempts a link in a sentence: its block reads as prose once the targets are taken out.
  // A menu, "PDF · Excel", "电话：<a>…</a>" or a table cell's link is not a sentence.
  const inSentence = el => { const copy = block(el).cloneNode(true);
    copy.querySelectorAll(TARGETS + ', label').forEach(t => t.remove());
    return SENTENCE_END.test(copy.textContent); };
  const vw = document.documentElement.clientWidth;
  const small = [];
  for (const el of document.querySelectorAll(TARGETS)) {
    if (!el.checkVisibility({visibilityProperty: true}) || el.closest('[aria-hidden=true]')) continue;
    const target = el.closest('label') || el;  // a label wrapping its control is what the thumb taps
    const r = target.getBoundingClientRect();
    if (r.right <= 0 || r.left >= vw) continue;  // off screen until focused (the skip link)
    if (el.tagName === 'A' && inSentence(el)) continue;
    if (r.width < min - 0.5 || r.height < min - 0.5) {
      small.push(`${target.tagName.toLowerCase()}${el.type ? '[' + el.type + ']' : ''} `
                 + `"${(target.innerText || el.value || el.name || '').trim().slice(0, 24)}" `
                 + `${Math.round(r.width)}x${Math.round(r.height)}`);
    }
  }
  // Content reaching past its cell's edge, on either side (scrollWidth misses a right-to-left spill).
  const spills = [...document.querySelectorAll('td, th')].filter(c => c.checkVisibility()).map(c => {
    const box = c.getBoundingClientRect(), range = document.createRange();
    range.selectNodeContents(c);
    const content = range.getBoundingClientRect();
    const empty = !content.width && !content.height;
    return {c, over: empty ? 0 : Math.max(box.left - content.left, content.right - box.right)};
  }).filter(({over}) => over > 1).map(({c, over}) => `"${c.innerText.trim().slice(0, 24)}" by ${Math.round(over)} px`);
  // A stacked table (its header row hidden on a phone) must name each cell's column beside the value.
  const words = t => t.replace(/\s+/g, ' ').trim();
  const unnamed = [];
  for (const table of document.querySelectorAll('table')) {
    const head = table.tHead;
    if (!head || getComputedStyle(head).display !== 'none' || !table.checkVisibility()) continue;
    const names = [...head.rows[0].cells].map(th => words(th.textContent));
    for (const row of table.tBodies[0] ? table.tBodies[0].rows : []) {
      [...row.cells].forEach((td, i) => {
        if (td.colSpan > 1 || !names[i] || !words(td.textContent) || !td.checkVisibility()) return;
        const shown = getComputedStyle(td, '::before').content;
        if (td.dataset.label !== names[i] || shown === 'none' || shown === 'normal') {
          unnamed.push(`"${words(td.textContent).slice(0, 24)}" (column "${names[i]}")`);
        }
      });
    }
  }
  return {small, width: document.documentElement.scrollWidth, viewport: window.innerWidth, spills, unnamed};
}"""


def _verify_path(page, base: str) -> str:
    """A real verification code: print the officer's village volume and read the code off the PDF."""
    ledger = page.content()
    href = re.search(r'href="(/ledger/villages/\d+/volume\.pdf[^"]*)"', ledger).group(1).replace("&amp;", "&")
    pdf = page.request.get(base + href).body()
    text = subprocess.run([shutil.which("pdftotext") or "pdftotext", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()
    return "/verify/" + re.search(r"/verify/(\w+)", text).group(1)


def _receipt_path(page, base: str, form: str) -> str:
    """A resident's receipt (cancel button, rating): book the first session offered."""
    page.goto(base + form)
    page.fill("#name", "古丽·艾买提")
    page.fill("#phone", "13712340044")
    with page.expect_navigation():
        page.locator("#submit").click()
    assert re.search(r"/b/(?!find)", page.url), page.locator("main").inner_text()[:600]
    return urllib.parse.urlsplit(page.url).path


def _resolve(page, base: str, spec) -> str:
    if isinstance(spec, str):
        return spec
    listing, pattern = spec
    page.goto(base + _resolve(page, base, listing))
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    found = next((h for h in hrefs if re.search(pattern, urllib.parse.urlsplit(h).path)), None)
    assert found, f"no link matching {pattern} on {listing}"
    return found


def _crawl(page, base: str, paths: list[str], locale: str, who: str) -> list[str]:
    problems = []
    for path in paths:
        response = page.goto(base + path)
        assert response.ok, f"{path}: {response.status}"
        found = page.evaluate(MEASURE_JS, MIN)
        where = f"{locale} {who} {path}"
        problems += [f"{where}: tap target {s}" for s in found["small"]]
        if found["width"] > found["viewport"]:
            problems.append(f"{where}: page {found['width']} px wide on a {found['viewport']} px screen")
        problems += [f"{where}: cell content spills {s}" for s in found["spills"]]
        problems += [f"{where}: cell without its column name {s}" for s in found["unnamed"]]
        name = re.sub(r"[^\w-]+", "-", path.strip("/")) or "home"
        page.screenshot(path=str(SHOTS / f"thumb-{locale}-{who}-{name}.png"), full_page=True)
    return problems


@pytest.mark.parametrize("who", list(PAGES), ids=lambda w: w or "visitor")
def test_every_page_fits_a_thumb_at_360_px(live_server, make_page, who):
    SHOTS.mkdir(parents=True, exist_ok=True)
    w = make_page(width=360, height=740)
    page = w.page
    if who:
        login(w, live_server, who)
    paths = [_resolve(page, live_server, spec) for spec in PAGES[who]]
    if who is None:
        paths.append(_receipt_path(page, live_server, paths[4]))
    if who == "officer":
        page.goto(live_server + "/ledger/")
        paths.append(_verify_path(page, live_server))
    problems = []
    try:
        for locale in LOCALES:
            page.goto(live_server + "/auth/login" if not who else live_server + "/")
            choose_language(page, locale)
            problems += _crawl(page, live_server, paths, locale, who or "visitor")
    finally:
        if who:  # the language is saved on the account: leave it as other tests expect it
            choose_language(page, "zh_Hans")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
    assert w.errors == []
