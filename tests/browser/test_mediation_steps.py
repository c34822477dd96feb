"""A mediation case from application to closing, every step a form that htmx enhances (issue 11, point 3), at
360 px in Uyghur with JavaScript on and off: after each step the page is a whole page (header, menu,
footer) that says what was done in a live region, and nothing scrolls sideways. The refusal and the
termination, which end a case early, are in test_confirm_actions.py."""

import re

import pytest
from playwright.sync_api import expect

from gongfa import clock
from tests.browser.test_confirm_actions import (
    JS,
    _fits,
    _message,
    _open_case,
    _signed_in,
    _submit,
    _unexpected,
    _whole_page,
)

pytestmark = pytest.mark.browser


def _step(page, case: str, action: str, javascript: bool, fill: dict[str, str]) -> None:
    """Fill the step's form on the case page, send it, and check the page it leads to."""
    form = page.locator(f'main form[action$="/{action}"]')
    expect(form).to_have_count(1)
    for selector, value in fill.items():
        form.locator(selector).fill(value)
    _submit(page, f'main form[action$="/{action}"] [type=submit], main form[action$="/{action}"] button', javascript)
    page.wait_for_url(case)
    _whole_page(page)
    _message(page)
    _fits(page, f"case page after {action}")


@pytest.mark.parametrize("javascript", JS)
def test_a_case_goes_from_application_to_closing_with_and_without_javascript(live_server, make_page, javascript):
    w = _signed_in(make_page, live_server, "officer", javascript, "ug")
    page = w.page
    assert page.locator("html").get_attribute("dir") == "rtl"
    applicant = "阿依古丽·步" + ("甲" if javascript else "乙")
    case = _open_case(page, live_server, javascript, applicant)
    _message(page)
    today = clock.today().isoformat()
    _step(page, case, "record", javascript, {
        "[name=held_on]": today, "[name=place]": "村委会调解室", "[name=present]": "双方当事人、调解员",
        "[name=content]": "双方陈述，调解员释法"})
    _step(page, case, "agreement", javascript, {
        "[name=facts]": "排水沟堵塞，双方各担一半", "[name=clauses]": "一、共同疏通\n二、费用各半",
        "[name=effective_on]": today})
    expect(page.locator("main")).to_contain_text("共同疏通")
    _step(page, case, "performed", javascript, {"[name=on]": today})
    follow = page.locator('main form[action*="/follow-up/"]')
    expect(follow).to_have_count(1)
    action = re.search(r"/follow-up/\d+$", follow.get_attribute("action")).group(0).lstrip("/")
    _step(page, case, action, javascript, {"[name=done_on]": today, "[name=content]": "已疏通，双方满意"})
    _submit(page, 'main form[action$="/close"] button', javascript)  # no reason to give: one tap
    page.wait_for_url(case)
    _whole_page(page)
    _message(page)
    assert page.locator('main form[action$="/close"]').count() == 0
    assert _unexpected(w.errors) == []
