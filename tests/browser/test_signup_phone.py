"""A resident books on a 360-px phone from the village page: in Chinese without JavaScript, and in Uyghur."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SHOTS, choose_language
from tests.browser.test_browser import CJK, UI_TEXT_JS

pytestmark = pytest.mark.browser
VILLAGE = "652701100001"  # 营盘社区, the demo officer's community


@pytest.mark.parametrize(("lang", "javascript", "phone"), [("zh", False, "13712340001"), ("ug", True, "13712340002")],
                         ids=["zh-no-js", "ug-js"])
def test_resident_books_a_slot_on_a_phone_and_cancels_with_the_code(live_server, make_page, lang, javascript, phone):
    w = make_page(width=360, height=740, javascript=javascript, locale="ug-CN" if lang == "ug" else "zh-CN")
    page = w.page
    page.goto(f"{live_server}/v/{VILLAGE}")
    if lang == "ug":
        choose_language(page, "ug")
    page.locator(f"a[href='/v/{VILLAGE}/book']").first.click()
    page.locator("a[href^='/book/']").first.click()
    page.wait_for_url(re.compile(r"/book/\d+"))
    expect(page.locator("#name")).to_be_visible()
    if lang == "ug":
        assert page.locator("html").get_attribute("dir") == "rtl"
        text = page.evaluate(UI_TEXT_JS)  # names (isolated in <bdi>) aside, nothing Chinese is left
        assert not CJK.findall(text), "".join(CJK.findall(text))[:40]
    page.fill("#name", "阿依努尔·吐尔逊" if lang == "zh" else "ئاينۇر تۇرسۇن")
    page.fill("#phone", phone)
    page.locator("input[name=kind][value=mediation]").check()
    page.fill("#description", "邻里宅基地纠纷")
    submit = page.locator("#submit")
    box = submit.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360  # on screen at phone width, either direction
    submit.click()
    page.wait_for_url(re.compile(r"/b/"))
    code = page.locator(".code").inner_text().strip()
    assert re.fullmatch(r"\d{6}", code)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{lang}-360-booking-receipt.png"), full_page=True)
    # Later, from another phone: find it with the code and the last four digits, and cancel.
    page.goto(f"{live_server}/b/find")
    page.fill("#code", code)
    page.fill("#tail", phone[-4:])
    page.locator("#submit").click()
    page.wait_for_url(re.compile(r"/b/(?!find)"))
    page.locator("main a[href$='/cancel']").click()  # the question first, on a page of its own
    page.wait_for_url(re.compile(r"/cancel$"))
    page.locator("#confirm").click()
    # With JavaScript the page is swapped in by htmx (hx-boost): wait for the new status, not a load.
    expect(page.locator(".receipt .tag")).to_have_text(re.compile("^(已取消|ئەمەلدىن قالدۇرۇلدى)$"))
    assert w.errors == []
