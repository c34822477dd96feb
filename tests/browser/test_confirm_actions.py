"""What cannot be undone is asked on a page of its own, and every such form works with JavaScript on and off
(issue 11, points 3 and 4), at 360 px: the station head's substitution and the officer's countersign in
Uyghur (right to left), the resident's and the officer's cancel, the mediator's refusal and termination.

Each flow is run with JavaScript on (htmx boosts the forms) and off: every page keeps its header, menu and
footer, nothing changes before the confirmation's own button, the page after it shows a message in a live
region, no page scrolls sideways and every tap target is at least 44 × 44 px. Screenshots of the forms and
their confirmations, in ug and zh, go to ``bench/out/screens/`` (``GONGFA_CONFIRM_SHOTS`` names another folder).
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, choose_language, login
from tests.browser.test_thumb import MEASURE_JS

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("GONGFA_CONFIRM_SHOTS", ROOT / "bench" / "out" / "screens"))
VILLAGE = "652701100001"  # 营盘社区
JS = [pytest.param(True, id="js"), pytest.param(False, id="nojs")]


def _phone(make_page, javascript: bool, locale: str = "ug"):
    return make_page(width=360, height=740, javascript=javascript,
                     locale={"ug": "ug-CN", "zh_Hans": "zh-CN", "kk_Arab": "kk-CN"}[locale])


def _signed_in(make_page, base: str, username: str, javascript: bool, locale: str = "ug"):
    w = _phone(make_page, javascript, locale)
    login(w, base, username)
    choose_language(w.page, locale)  # also the account's saved language, which an earlier test may have changed
    return w


def _whole_page(page) -> None:
    """The page a form leads to is a page: header, menu (signed in) and footer, never a bare fragment."""
    expect(page.locator("header.top")).to_be_visible()
    expect(page.locator("footer.foot")).to_be_visible()
    expect(page.locator("main h1")).to_be_visible()


def _fits(page, what: str) -> None:
    """No sideways scrolling; every tap target at least 44 × 44 px (WCAG 2.5.8's inline links aside)."""
    found = page.evaluate(MEASURE_JS, 44)
    assert found["width"] <= found["viewport"], f"{what}: {found['width']} px wide"
    assert found["small"] == [], f"{what}: {found['small']}"


def _shot(page, locale: str, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    # caret="initial": Playwright's default hides the caret by writing style="" onto every input, which htmx
    # then copies across a swap and the Content Security Policy refuses (a console error that is not ours).
    page.screenshot(path=str(SHOTS / f"{locale}-360-{name}.png"), full_page=True, caret="initial")


def _message(page) -> None:
    """The page after an action says what happened, in a live region a screen reader announces."""
    flash = page.locator("main .flash.success")
    expect(flash).to_be_visible()
    assert flash.first.get_attribute("role") == "status"


def _submit(page, selector: str, javascript: bool) -> None:
    """Press a submit button and wait for the page it leads to: with JavaScript on, htmx swaps the new page's
    body in (the old <main>, marked here, is gone); with it off, the browser loads the page."""
    if javascript:
        page.evaluate("document.querySelector('main').setAttribute('data-left', '')")
        page.locator(selector).click()
        page.wait_for_selector("main:not([data-left])")
    else:
        with page.expect_navigation():
            page.locator(selector).click()


def _unexpected(errors: list[str]) -> list[str]:
    """Console errors other than the browser's note on the 422 answers the tests provoke on purpose."""
    return [e for e in errors if "status of 422" not in e]


def _links(page, pattern: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    return [h for h in dict.fromkeys(hrefs) if re.search(pattern, h)]


# --- the station head substitutes a lawyer --------------------------------------------------------------


def _substitutable(page, base: str) -> str:
    """A session of the head's station that can be handed to another lawyer (its substitution form)."""
    page.goto(base + "/")
    month = _links(page, r"^/duty/stations/\d+/\d+/\d+$")[0]
    page.goto(base + month)
    for session in _links(page, r"^/duty/sessions/\d+$"):
        page.goto(base + session)
        found = _links(page, r"^/duty/sessions/\d+/substitute(\?|$)")  # the card's links carry ?next=
        if found:
            return found[0]
    raise AssertionError("no session to substitute at the head's station")


@pytest.mark.parametrize("javascript", JS)
def test_the_head_substitutes_through_a_confirmation_in_uyghur(live_server, make_page, javascript):
    w = _signed_in(make_page, live_server, "head", javascript)
    page = w.page
    form_url = _substitutable(page, live_server)
    page.goto(live_server + form_url)
    assert page.locator("html").get_attribute("dir") == "rtl"
    _whole_page(page)
    # Nobody is preselected: the placeholder is chosen, and sending it asks for a lawyer and a reason.
    assert page.locator("#lawyer_id").input_value() == ""
    assert page.locator("#lawyer_id optgroup").count() >= 1
    _fits(page, "substitution form")
    _shot(page, "ug", f"substitute-form-{'js' if javascript else 'nojs'}")
    _submit(page, "#submit", javascript)
    expect(page.locator("#lawyer_id-error")).to_be_visible()
    expect(page.locator("#reason-error")).to_be_visible()
    expect(page.locator("#error-summary")).to_be_visible()
    _whole_page(page)
    choice = page.locator("#lawyer_id optgroup option:not([disabled])").first
    chosen = choice.get_attribute("value")
    name = choice.inner_text().split("（")[0]
    page.select_option("#lawyer_id", value=chosen)
    page.fill("#reason", "ئادۋوكات كېسەل")  # the lawyer is ill
    _submit(page, "#submit", javascript)
    # The confirmation: who replaces whom, where and when; nothing has changed yet.
    _whole_page(page)
    expect(page.locator("main")).to_contain_text(name)
    expect(page.locator("main")).to_contain_text("ئادۋوكات كېسەل")
    expect(page.locator("#confirm")).to_be_visible()
    expect(page.locator("#back")).to_be_visible()
    _fits(page, "substitution confirmation")
    _shot(page, "ug", f"substitute-confirm-{'js' if javascript else 'nojs'}")
    _submit(page, "#back", javascript)  # 返回: the form again, as it was typed
    assert page.locator("#lawyer_id").input_value() == chosen
    assert page.locator("#reason").input_value() == "ئادۋوكات كېسەل"
    _submit(page, "#submit", javascript)
    _submit(page, "#confirm", javascript)
    page.wait_for_url(re.compile(r"/duty/sessions/\d+$"))
    _whole_page(page)
    _message(page)
    expect(page.locator("main")).to_contain_text(name)
    _fits(page, "session after substitution")
    assert _unexpected(w.errors) == []


def test_the_substitution_pages_in_chinese(live_server, make_page):
    """The same two pages in Chinese, for the screenshots (and their width at 360 px)."""
    w = _signed_in(make_page, live_server, "head", True, "zh_Hans")
    page = w.page
    page.goto(live_server + _substitutable(page, live_server))
    _fits(page, "substitution form (zh)")
    _shot(page, "zh", "substitute-form")
    page.select_option("#lawyer_id", value=page.locator("#lawyer_id optgroup option:not([disabled])").first
                       .get_attribute("value"))
    page.fill("#reason", "律师开庭")
    _submit(page, "#submit", True)
    expect(page.locator("#confirm")).to_be_visible()
    _fits(page, "substitution confirmation (zh)")
    _shot(page, "zh", "substitute-confirm")
    page.locator("main .confirm a, #back").first.click()
    assert _unexpected(w.errors) == []


# --- the officer countersigns a work-log entry ----------------------------------------------------------


def _write_entry(make_page, base: str, persons: str) -> None:
    """The lawyer writes a submitted entry for 营盘社区 (the demo officer's village)."""
    w = _phone(make_page, True, "zh_Hans")
    login(w, base, "lawyer")
    page = w.page
    page.goto(base + "/log/new")
    for field, value in (("#starts_at", "14:00"), ("#ends_at", "15:30"), ("#persons", persons),
                         ("#content", "ئائىلە ماجىراسى توغرىسىدا مەسلىھەت")):
        page.fill(field, value)
    names = re.compile("^(营盘社区|يىڭپەن مەھەللىسى|يىڭپان الەۋمەتتىك اۋماعى)")
    village = page.locator("#point_id option", has_text=names).first.get_attribute("value")
    page.select_option("#point_id", value=village)
    page.locator("#submit").click()
    page.wait_for_url(re.compile(r"/log/\d+"))


@pytest.mark.parametrize("javascript", JS)
def test_the_officer_countersigns_after_seeing_what_is_signed_in_uyghur(live_server, make_page, javascript):
    persons = f"تۇرسۇن {'js' if javascript else 'nojs'}"
    _write_entry(make_page, live_server, persons)
    w = _signed_in(make_page, live_server, "officer", javascript)
    page = w.page
    page.goto(live_server + "/log/")
    row = page.locator("table.list tr", has_text=persons)
    link = row.locator('a[href*="/countersign"]')
    if javascript:
        link.click()
        page.wait_for_url(re.compile(r"/countersign"))
    else:
        with page.expect_navigation():
            link.click()
    _whole_page(page)
    expect(page.locator("main .facts")).to_contain_text(persons)  # the entry's facts, before signing
    expect(page.locator("#confirm")).to_be_visible()
    _fits(page, "countersign confirmation")
    _shot(page, "ug", f"countersign-confirm-{'js' if javascript else 'nojs'}")
    page.locator("main .confirm a").click()  # 返回 changes nothing
    page.wait_for_url(re.compile(r"/log/$"))
    expect(page.locator("table.list tr", has_text=persons).locator('a[href*="/countersign"]')).to_be_visible()
    page.locator("table.list tr", has_text=persons).locator('a[href*="/countersign"]').click()
    page.wait_for_url(re.compile(r"/countersign"))
    _submit(page, "#confirm", javascript)
    page.wait_for_url(re.compile(r"/log/$"))
    _whole_page(page)
    _message(page)
    signed = "ئىمزا قويۇپ جەزملەشتۈرۈلدى"  # 已签字确认
    expect(page.locator("table.list tr", has_text=persons).locator(".tag").first).to_have_text(signed)
    _fits(page, "work log after countersigning")
    assert _unexpected(w.errors) == []


def test_the_countersign_confirmation_in_chinese(live_server, make_page):
    _write_entry(make_page, live_server, "王秀兰 zh")
    w = _signed_in(make_page, live_server, "officer", True, "zh_Hans")
    page = w.page
    page.goto(live_server + "/log/")
    page.locator("table.list tr", has_text="王秀兰 zh").locator('a[href*="/countersign"]').click()
    page.wait_for_url(re.compile(r"/countersign"))
    expect(page.locator("main")).to_contain_text("不能再修改")
    _fits(page, "countersign confirmation (zh)")
    _shot(page, "zh", "countersign-confirm")
    assert _unexpected(w.errors) == []


# --- cancelling a booking: the resident with the receipt, the officer on the session's list --------------------


def _book(page, base: str, name: str, phone: str, at: str | None = None) -> tuple[str, str]:
    """Book the first session offered on the village page (the first ``at`` names, if given): the receipt's
    address and the session's id."""
    page.goto(base + f"/v/{VILLAGE}/book")
    sessions = page.locator("section.visit", has_text=at) if at else page.locator("section.visit")
    sessions.first.locator('a[href^="/book/"]').click()
    page.wait_for_url(re.compile(r"/book/\d+"))
    session_id = re.search(r"/book/(\d+)", page.url).group(1)
    page.fill("#name", name)
    page.fill("#phone", phone)
    page.locator("#submit").click()
    page.wait_for_url(re.compile(r"/b/(?!find)"))
    return page.url, session_id


@pytest.mark.parametrize("locale", ["ug", "zh_Hans"])
def test_the_resident_cancels_with_the_receipt_after_a_question(live_server, make_page, locale):
    w = _phone(make_page, True, locale)
    page = w.page
    receipt, _session = _book(page, live_server, "古丽·艾买提", "1371234004" + ("5" if locale == "ug" else "6"))
    page.locator('main a[href$="/cancel"]').click()
    page.wait_for_url(re.compile(r"/cancel$"))
    _whole_page(page)
    expect(page.locator("#confirm")).to_be_visible()
    _fits(page, f"cancel confirmation ({locale})")
    _shot(page, "zh" if locale == "zh_Hans" else locale, "cancel-confirm")
    page.locator("main .confirm a").click()  # 返回: still booked
    page.wait_for_url(receipt)
    expect(page.locator('main a[href$="/cancel"]')).to_be_visible()
    page.locator('main a[href$="/cancel"]').click()
    page.wait_for_url(re.compile(r"/cancel$"))
    with page.expect_navigation():
        page.locator("#confirm").click()
    assert page.url == receipt
    _message(page)
    expect(page.locator('main a[href$="/cancel"]')).to_have_count(0)
    assert _unexpected(w.errors) == []


@pytest.mark.parametrize("javascript", JS)
def test_the_officer_cancels_a_residents_booking_after_a_question(live_server, make_page, javascript):
    resident = _phone(make_page, True, "zh_Hans")
    name = f"马建国{'甲' if javascript else '乙'}"
    _receipt, session = _book(resident.page, live_server, name, "1371234005" + ("1" if javascript else "2"),
                              at="营盘社区")  # the officer's own village's visit
    w = _signed_in(make_page, live_server, "officer", javascript, "zh_Hans")
    page = w.page
    page.goto(live_server + f"/signup/sessions/{session}")
    row = page.locator("table.list tr", has_text=name)
    row.locator('a[href$="/cancel"]').click()
    page.wait_for_url(re.compile(r"/cancel$"))
    _whole_page(page)
    expect(page.locator("main")).to_contain_text(name)
    _fits(page, "staff cancel confirmation")
    _submit(page, "#confirm", javascript)
    page.wait_for_url(re.compile(r"/signup/sessions/\d+"))
    _whole_page(page)
    _message(page)
    expect(page.locator("table.list tr", has_text=name).locator('a[href$="/cancel"]')).to_have_count(0)
    assert _unexpected(w.errors) == []


# --- the mediator: a party refuses, or the mediation fails ------------------------------------------------


def _open_case(page, base: str, javascript: bool, applicant: str) -> str:
    """Register a case at the officer's committee and accept it; the case page's path."""
    page.goto(base + "/mediation/new")
    page.locator("#category").select_option(index=1)
    page.fill("#a_name", applicant)
    page.fill("#r_name", "王建国")
    page.fill("#summary", "排水沟堵塞")
    _submit(page, "#submit", javascript)
    page.wait_for_url(re.compile(r"/mediation/\d+$"))
    page.locator("#mediator_id").select_option(index=0)
    _submit(page, 'form[action$="/accept"] button', javascript)
    page.wait_for_url(re.compile(r"/mediation/\d+$"))
    return page.url


@pytest.mark.parametrize("javascript", JS)
@pytest.mark.parametrize("step", ["refuse", "terminate"])
def test_refusing_and_terminating_each_ask_on_their_own_page(live_server, make_page, step, javascript):
    locale = "ug" if javascript else "zh_Hans"
    w = _signed_in(make_page, live_server, "officer", javascript, locale)
    page = w.page
    applicant = "阿依古丽·" + {"refuse": "拒", "terminate": "终"}[step] + ("甲" if javascript else "乙")  # no digits
    case = _open_case(page, live_server, javascript, applicant)
    _message(page)
    page.locator(f'main a[href$="/{step}"]').click()
    page.wait_for_url(re.compile(rf"/{step}$"))
    _whole_page(page)
    assert page.locator('main a[href$="/refuse"], main a[href$="/terminate"]').count() == 0  # one step per page
    _fits(page, f"{step} page")
    _shot(page, "zh" if locale == "zh_Hans" else locale, f"mediation-{step}")
    _submit(page, "#confirm", javascript)  # no reason: asked for, next to the field
    expect(page.locator("#reason-error")).to_be_visible()
    _whole_page(page)
    page.fill("#reason", "被申请人明确表示不接受调解")
    _submit(page, "#confirm", javascript)
    page.wait_for_url(case)
    _whole_page(page)
    _message(page)
    expect(page.locator("main")).to_contain_text("被申请人明确表示不接受调解")
    assert page.locator(f'main a[href$="/{step}"]').count() == 0
    assert _unexpected(w.errors) == []
