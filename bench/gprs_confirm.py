"""A lawyer confirms a Wednesday on a GPRS link (50 kbit/s, 500 ms latency) from a cold cache (DESIGN §5).

Debian's Chromium, throttled through the DevTools protocol, against gunicorn on the demo data:
open the login page, log in, open "my visits", tap "accept", wait for the confirmed card. Prints the
bytes on the wire and the seconds for each step; the budget is 6 s from the tap to the confirmed page.

    .venv/bin/python -m bench.gprs_confirm
"""

import os
import sys
import tempfile
import time
from pathlib import Path

from bench.liveserver import live_server
from gongfa.demo.seed import DEMO_PASSWORD

GPRS = {"offline": False, "latency": 500, "downloadThroughput": 50_000 / 8, "uploadThroughput": 20_000 / 8}
CHROMIUM = os.environ.get("GONGFA_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def run(base: str) -> list[tuple[str, float, int]]:
    """(step, seconds, bytes received) for each step of the flow."""
    from playwright.sync_api import sync_playwright

    steps = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.clearBrowserCache")
        cdp.send("Network.emulateNetworkConditions", GPRS)
        received = {"bytes": 0}
        cdp.on("Network.loadingFinished", lambda e: received.__setitem__("bytes", received["bytes"]
                                                                          + int(e["encodedDataLength"])))

        def step(name, action):
            received["bytes"] = 0
            start = time.perf_counter()
            action()
            steps.append((name, time.perf_counter() - start, received["bytes"]))

        step("open login page (cold cache)", lambda: (page.goto(base + "/auth/login"),
                                                      page.wait_for_load_state("load")))

        def log_in():
            page.fill("#username", "lawyer")
            page.fill("#password", DEMO_PASSWORD)
            page.click("#submit")
            page.wait_for_url(lambda u: "/auth/login" not in u)
            page.wait_for_load_state("load")

        step("log in → home", log_in)
        step("open my visits", lambda: (page.goto(base + "/duty/my"), page.wait_for_load_state("load")))
        card = page.locator("article.visit.st-planned").first
        card_id = card.get_attribute("id")

        def tap():
            card.locator("form[action$='/accept'] button").click()
            page.locator(f"#{card_id}.st-confirmed").wait_for()

        step("tap accept → confirmed", tap)
        browser.close()
    return steps


def main() -> int:
    """Print the steps; exit 1 when the tap-to-confirmed step is over 6 s."""
    with tempfile.TemporaryDirectory() as tmp, live_server(Path(tmp)) as base:
        steps = run(base)
    print("GPRS profile: 50 kbit/s down, 20 kbit/s up, 500 ms latency; cold cache; 360 px Chromium")
    print(f"{'step':<34} {'seconds':>8} {'bytes':>8}")
    for name, seconds, size in steps:
        print(f"{name:<34} {seconds:>8.2f} {size:>8}")
    total = sum(s for _n, s, _b in steps)
    print(f"{'whole flow':<34} {total:>8.2f} {sum(b for *_x, b in steps):>8}")
    return 0 if steps[-1][1] <= 6 else 1


if __name__ == "__main__":
    sys.exit(main())
