"""Work logs on a weak link (360-px phone): a half-written entry survives the network dropping and a reload;
a form sent again after a timeout makes one entry; the officer countersigns it in Uyghur."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SHOTS, choose_language, login

pytestmark = pytest.mark.browser
CONTENT = "断网测试：土地承包合同到期续签咨询"


def test_a_draft_survives_the_link_dropping_and_a_resubmit_makes_one_entry(live_server, make_page):
    w = make_page(width=360, height=740)
    page = w.page
    login(w, live_server, "lawyer")
    page.goto(live_server + "/log/new")
    page.fill("#starts_at", "10:00")
    page.fill("#ends_at", "11:30")
    page.fill("#persons", "王秀兰（断网那天）")  # a name no other browser test writes
    page.fill("#content", CONTENT)  # half written: no result yet
    page.context.set_offline(True)  # the link drops in the field
    with page.expect_event("requestfailed", lambda r: r.method == "POST"):  # the send fails before the link is back
        page.locator("#submit").click()
    page.context.set_offline(False)
    page.reload()  # back online, the page comes back empty from the server ...
    page.locator(".draft-note").wait_for()  # ... and the draft is put back
    assert page.input_value("#content") == CONTENT and page.input_value("#persons") == "王秀兰（断网那天）"
    page.fill("#result", "已解答")
    # The server gets the form, but the answer is lost on the way back (a timeout on a slow link).
    lost = {"n": 0}

    def drop_answer(route):
        if route.request.method == "POST" and lost["n"] == 0:
            lost["n"] += 1
            route.fetch()  # it reaches the server ...
            route.abort("timedout")  # ... and the phone never hears back
        else:
            route.continue_()

    page.route(re.compile(r".*/log/new$"), drop_answer)
    with page.expect_event("requestfailed", lambda r: r.method == "POST"):  # the server saved it; the phone timed out
        page.locator("#submit").click()
    page.locator("#submit").click()  # the lawyer taps again
    page.wait_for_url(re.compile(r"/log/\d+"))
    page.unroute(re.compile(r".*/log/new$"))
    assert lost["n"] == 1
    page.goto(live_server + "/log/")
    assert page.locator("table.list tr", has_text="王秀兰（断网那天）").count() == 1  # one entry, not two
    page.goto(live_server + "/log/new")
    assert page.input_value("#content") == ""  # the saved draft was forgotten
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "zh-360-worklog-new.png"), full_page=True)
    # The only errors are the two failed sends we caused (htmx logs each and the browser its failed load).
    expected = ("htmx:", "ERR_INTERNET_DISCONNECTED", "ERR_TIMED_OUT", "Failed to load resource")
    assert [e for e in w.errors if not any(x in e for x in expected)] == [], w.errors


def test_the_officer_countersigns_in_uyghur_on_a_phone(live_server, make_page):
    lawyer = make_page(width=360, height=740)
    login(lawyer, live_server, "lawyer")
    lawyer.page.goto(live_server + "/log/new")
    for field, value in (("#starts_at", "14:00"), ("#ends_at", "15:00"), ("#persons", "ئايگۈل"),
                         ("#content", "ئائىلە ماجىراسى توغرىسىدا مەسلىھەت")):
        lawyer.page.fill(field, value)
    # 营盘社区, in whichever language the lawyer's account was left in by an earlier test.
    names = re.compile("^(营盘社区|يىڭپەن مەھەللىسى|يىڭپان الەۋمەتتىك اۋماعى)")  # not 小营盘镇's station
    village = lawyer.page.locator("#point_id option", has_text=names).first.get_attribute("value")
    lawyer.page.select_option("#point_id", value=village)
    lawyer.page.locator("#submit").click()
    lawyer.page.wait_for_url(re.compile(r"/log/\d+"))
    w = make_page(width=360, height=740, locale="ug-CN")
    page = w.page
    page.goto(live_server + "/auth/login")
    choose_language(page, "ug")
    login(w, live_server, "officer")
    page.goto(live_server + "/log/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    row = page.locator("table.list tr", has_text="ئايگۈل")
    signed = "ئىمزا قويۇپ جەزملەشتۈرۈلدى"  # 已签字确认
    row.locator("a[href*='/countersign']").click()  # the confirmation shows the entry and that it locks
    page.wait_for_url(re.compile(r"/countersign"))
    expect(page.locator("main .facts")).to_contain_text("ئايگۈل")
    page.locator("#confirm").click()
    page.wait_for_url(re.compile(r"/log/$"))
    # Back on the list; wait for the row's new status before leaving the page (the old row had a tag too).
    expect(page.locator("table.list tr", has_text="ئايگۈل").locator(".tag").first).to_have_text(signed)
    page.goto(live_server + "/log/")
    status = page.locator("table.list tr", has_text="ئايگۈل").locator(".tag").first.inner_text()
    assert status == signed
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "ug-360-worklog-countersigned.png"), full_page=True)
    assert w.errors == []
