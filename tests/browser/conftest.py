"""A real server (gunicorn on the demo data) and Debian's Chromium driven by Playwright."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from bench.liveserver import live_server as bench_live_server
from gongfa.demo.seed import DEMO_PASSWORD
from gongfa.i18n import LOCALES

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("GONGFA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """gunicorn serving a migrated, demo-seeded database; yields the base URL.

    Every browser test is one resident at 127.0.0.1, so the public sign-up and lookup limits (6 and 10 a
    minute from one address) would refuse a test that happens to run within a minute of the others' bookings
    (CI: the thumb test's booking got a 429). The limits themselves are tested in tests/web/test_limits.py.
    """
    env = {"GONGFA_RATELIMIT_SIGNUP": "1000 per minute", "GONGFA_RATELIMIT_LOOKUP": "1000 per minute"}
    with bench_live_server(tmp_path_factory.mktemp("live"), extra_env=env) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium (never a downloaded build)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


class Watched:
    """A page plus the console errors and page errors it produced."""

    def __init__(self, page):
        self.page = page
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))


@pytest.fixture
def make_page(browser):
    """Factory for pages in fresh contexts: make_page(width=360, javascript=True)."""
    contexts = []

    def factory(width: int = 1280, height: int = 900, javascript: bool = True, locale: str = "zh-CN") -> Watched:
        context = browser.new_context(viewport={"width": width, "height": height}, java_script_enabled=javascript,
                                      locale=locale)
        contexts.append(context)
        return Watched(context.new_page())

    yield factory
    for context in contexts:
        context.close()


SHOTS = Path(os.environ.get("GONGFA_SCREENSHOTS", ROOT / "bench" / "out" / "screens"))


def login(watched: Watched, url: str, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the form like a person."""
    page = watched.page
    page.goto(url + "/auth/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#submit")
    page.wait_for_url(lambda u: "/auth/login" not in u)
    page.wait_for_load_state()


def choose_language(page, code: str) -> None:
    """Press a language in the menu; return once the page has come back in it."""
    info = LOCALES[code]
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/lang")):
        page.get_by_role("button", name=info.native_name).click()
    expect(page.locator("html")).to_have_attribute("lang", info.html_lang)
