"""The lawyer's flow on a 360-px phone in Uyghur: my visits, accept with one tap, with and without JavaScript."""

import re

import pytest

from tests.browser.conftest import SHOTS, choose_language, login
from tests.browser.test_browser import CJK, UI_TEXT_JS

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_lawyer_accepts_a_wednesday_on_a_phone_in_uyghur(live_server, make_page, javascript):
    w = make_page(width=360, height=740, javascript=javascript, locale="ug-CN")
    page = w.page
    page.goto(live_server + "/auth/login")
    choose_language(page, "ug")
    login(w, live_server, "lawyer")
    page.goto(live_server + "/duty/my")
    assert page.locator("html").get_attribute("dir") == "rtl"
    text = page.evaluate(UI_TEXT_JS)
    assert not CJK.findall(text), "".join(CJK.findall(text))[:40]
    assert "بېيجىڭ ۋاقتى" in text  # every time is labelled Beijing time
    cards = page.locator("article.visit.st-planned")
    card = cards.first
    card_id = card.get_attribute("id")
    accept = card.locator("form[action$='/accept'] button")
    assert accept.count() == 1
    box = accept.bounding_box()
    assert box["x"] + box["width"] <= 360 and box["height"] >= 30  # a finger-sized button on screen
    accept.click()
    confirmed = page.locator(f"#{card_id}.st-confirmed")
    confirmed.wait_for()
    assert re.search(r"/duty/my", page.url)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"ug-360-duty-my-{'js' if javascript else 'nojs'}.png"), full_page=True)
    assert w.errors == []
