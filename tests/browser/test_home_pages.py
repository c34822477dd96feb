"""The officer's, the station head's and the lawyer's home pages on a phone (360 × 640), in Uyghur (right to left).

What waits for the person starts on the first screen; every tap target is at least 44 × 44 px and nothing
scrolls sideways (measured as tests/browser/test_thumb.py does); the demo lawyer's whole home page is at most
two screens high. Full-page screenshots in zh and ug go to ``HOME_SHOTS`` (``GONGFA_HOME_SHOTS``).
"""

import os
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, choose_language, login
from tests.browser.test_thumb import MEASURE_JS, MIN

pytestmark = pytest.mark.browser
SCREEN = 640
HOME_SHOTS = os.environ.get("GONGFA_HOME_SHOTS", str(ROOT / "shots"))


def _problems(page, where: str) -> list[str]:
    found = page.evaluate(MEASURE_JS, MIN)
    problems = [f"{where}: tap target {s}" for s in found["small"]]
    if found["width"] > found["viewport"]:
        problems.append(f"{where}: page {found['width']} px wide on a {found['viewport']} px screen")
    return problems + [f"{where}: cell content spills {s}" for s in found["spills"]]


@pytest.mark.parametrize("who", ["lawyer", "officer", "head"])
def test_home_shows_what_waits_first_and_fits_a_thumb_in_uyghur(live_server, make_page, who):
    os.makedirs(HOME_SHOTS, exist_ok=True)
    w = make_page(width=360, height=SCREEN)
    page = w.page
    login(w, live_server, who)
    problems, heights = [], {}
    try:
        for locale in ("zh_Hans", "ug"):
            page.goto(live_server + "/")
            choose_language(page, locale)
            page.goto(live_server + "/")
            waiting = page.locator("#waiting")
            expect(waiting).to_be_visible()
            # What waits starts on the first screen, before the lists of places.
            assert waiting.bounding_box()["y"] < SCREEN
            heights[locale] = page.evaluate("document.documentElement.scrollHeight")
            problems += _problems(page, f"{locale} {who} /")
            page.screenshot(path=os.path.join(HOME_SHOTS, f"home-{who}-{locale}.png"), full_page=True)
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        print(f"\n{who} home at 360 px: scrollHeight {heights}")  # noqa: T201 (the figure for the report)
        if who == "lawyer":
            assert heights["ug"] <= 2 * SCREEN, heights
            # Each thing waiting links to where she acts on it, and that page answers.
            href = waiting.locator("li a").first.get_attribute("href")
            assert re.match(r"^/(duty/sessions/\d+|log/new\?session=\d+)", href), href
            assert page.goto(live_server + href).ok
    finally:  # the language is saved on the account: leave it as other tests expect it
        page.goto(live_server + "/")
        choose_language(page, "zh_Hans")
    assert not problems, "\n".join(problems)
    assert w.errors == []
