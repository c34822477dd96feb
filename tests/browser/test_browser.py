"""Real-browser checks: each role's home page, right-to-left Uyghur and Kazakh, no-JavaScript forms."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SHOTS, choose_language, login

pytestmark = pytest.mark.browser

ACCOUNTS = [("admin", "/org/units"), ("bole-admin", "/org/staffing"), ("inspector", "/org/staffing"),
            ("head", "/org/staffing"), ("officer", "/"), ("lawyer", "/"), ("mediator", "/")]
# UI text outside user content (<bdi>: names, places) must not be Chinese once switched to ug/kk.
UI_TEXT_JS = """() => { const c = document.body.cloneNode(true);
  c.querySelectorAll('bdi, [lang="zh-Hans"], option').forEach(e => e.remove()); return c.innerText; }"""
CJK = re.compile(r"[\u3400-\u9fff]")
VISITOR_PAGES = ["/auth/login", "/v/652701100001", "/"]
STAFF_PAGES = ["/", "/org/units", "/org/staffing", "/people/", "/org/firms", "/org/assignments", "/org/import",
               "/org/firms/new", "/people/new", "/auth/password"]


@pytest.mark.parametrize(("username", "second"), ACCOUNTS)
def test_each_role_logs_in_and_reaches_home(live_server, make_page, username, second):
    w = make_page()
    login(w, live_server, username)
    assert w.page.url == live_server + "/"
    assert w.page.locator("h1").inner_text().startswith("您好")
    w.page.goto(live_server + second)
    assert w.page.locator("h1").count() == 1
    assert w.errors == []


@pytest.mark.parametrize(("locale", "html_lang"), [("ug", "ug"), ("kk_Arab", "kk-Arab")])
def test_rtl_languages_have_no_untranslated_chinese(live_server, make_page, locale, html_lang):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (360, 1280):
        w = make_page(width=width)
        w.page.goto(live_server + "/auth/login")
        choose_language(w.page, locale)
        assert w.page.locator("html").get_attribute("dir") == "rtl"
        for path in VISITOR_PAGES + ["login"] + STAFF_PAGES:
            if path == "login":
                login(w, live_server, "bole-admin")
                continue
            w.page.goto(live_server + path)
            assert w.page.locator("html").get_attribute("lang") == html_lang, path
            text = w.page.evaluate(UI_TEXT_JS)
            leaks = CJK.findall(text)
            assert not leaks, f"{path}: untranslated {''.join(leaks)[:40]}"
            name = ("staff-" if w.page.locator("form[action$='/auth/logout']").count() else "") + (
                path.strip("/").replace("/", "-") or "home")
            w.page.screenshot(path=str(SHOTS / f"{locale}-{width}-{name}.png"), full_page=True)
        # Logical properties: in RTL the form's labels and inputs start at the right edge.
        w.page.goto(live_server + "/org/firms/new")
        label = w.page.locator("label[for=name_zh]").bounding_box()
        assert label["x"] + label["width"] > width * 0.6
        assert w.errors == []


def test_form_works_with_javascript_off(live_server, make_page):
    w = make_page(javascript=False)
    login(w, live_server, "bole-admin")
    page = w.page
    choose_language(page, "zh_Hans")  # another test may have saved a language on the account
    page.goto(live_server + "/org/firms/new")
    page.fill("#name_zh", "温泉县博格达律师事务所")
    page.fill("#phone", "12345")
    page.click("#submit")
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#phone-error")).to_contain_text("请输入11位手机号")
    expect(page.locator("#name_zh")).to_have_value("温泉县博格达律师事务所")  # nothing typed is lost
    page.fill("#phone", "0909-4421234")
    page.click("#submit")
    expect(page.locator(".flash")).to_contain_text("已添加 温泉县博格达律师事务所")
    expect(page.locator("table")).to_contain_text("温泉县博格达律师事务所")


def test_search_updates_in_place_with_htmx(live_server, make_page):
    w = make_page()
    login(w, live_server, "admin")
    page = w.page
    page.goto(live_server + "/org/units")
    page.fill("#q", "营盘")
    with page.expect_response(lambda r: "/org/units?" in r.url) as info:
        page.click("form.search button")
    assert info.value.request.headers.get("hx-request") == "true"
    expect(page.locator("table")).to_contain_text("营盘社区")
    assert "q=%E8%90%A5%E7%9B%98" in page.url or "q=营盘" in page.url
    assert w.errors == []
