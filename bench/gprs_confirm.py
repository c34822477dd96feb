"""Three phone journeys on a GPRS link (50 kbit/s down, 500 ms latency) from a cold cache (DESIGN §5).

Debian's Chromium, throttled through the DevTools protocol, against gunicorn on the demo data:

1. a resident opens the village page (the QR code on the notice board): first paint, DOMContentLoaded
   and the load event, from the browser's own navigation timing; the budget is the load event within 3 s;
2. a resident opens the public booking form of the first session offered, fills it in and sends it;
3. a lawyer opens the login page, types (5 s, not counted), logs in, opens "my visits", taps "accept" and
   waits for the confirmed card; the budget is 6 s from the tap to the confirmed page.

Every page load starts in a fresh browser context with its cache cleared; each journey runs ``--runs``
times (default 3) and the median is printed, with the bytes on the wire and the scripts each page fetched.

    .venv/bin/python -m bench.gprs_confirm [--runs 3]
"""

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.liveserver import live_server
from gongfa.demo.seed import DEMO_PASSWORD

GPRS = {"offline": False, "latency": 500, "downloadThroughput": 50_000 / 8, "uploadThroughput": 20_000 / 8}
CHROMIUM = os.environ.get("GONGFA_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
VILLAGE = "652701100001"  # 营盘社区, the demo officer's community
VILLAGE_BUDGET, CONFIRM_BUDGET = 3.0, 6.0
TYPING_MS = 5000  # a user name and a password typed on a phone (not counted in any step)
# Navigation timing of the current document, in seconds from the start of the navigation (first paint can be
# reported after the load event: wait for it).
TIMING_JS = """() => new Promise(resolve => new PerformanceObserver((list, observer) => {
  const p = list.getEntriesByName('first-contentful-paint')[0];
  if (!p) return;
  observer.disconnect();
  const n = performance.getEntriesByType('navigation')[0];
  resolve({fcp: p.startTime / 1000, dcl: n.domContentLoadedEventEnd / 1000, load: n.loadEventEnd / 1000});
}).observe({type: 'paint', buffered: true}))"""


class Throttled:
    """A fresh 360-px context on GPRS with a cleared cache, counting what arrives over the wire."""

    def __init__(self, browser):
        self.context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
        self.page = self.context.new_page()
        cdp = self.context.new_cdp_session(self.page)
        cdp.send("Network.enable")
        cdp.send("Network.clearBrowserCache")
        cdp.send("Network.emulateNetworkConditions", GPRS)
        self.bytes, self.urls, self._ids = 0, [], {}
        cdp.on("Network.requestWillBeSent", lambda e: self._ids.__setitem__(e["requestId"], e["request"]["url"]))
        cdp.on("Network.loadingFinished", self._finished)

    def _finished(self, event):
        self.bytes += int(event["encodedDataLength"])
        self.urls.append(self._ids.get(event["requestId"], ""))

    def reset(self):
        self.bytes, self.urls = 0, []

    def close(self):
        self.context.close()


def scripts(urls: list[str]) -> str:
    """The script files among the fetched URLs, by file name."""
    return " ".join(sorted({u.rsplit("/", 1)[-1].split("?")[0] for u in urls if u.split("?")[0].endswith(".js")}))


def village_page(browser, base: str) -> dict:
    """A resident opens the village page from its QR code, cold."""
    t = Throttled(browser)
    t.page.goto(f"{base}/v/{VILLAGE}", wait_until="load")
    result = {**t.page.evaluate(TIMING_JS), "bytes": t.bytes, "scripts": scripts(t.urls)}
    t.close()
    return result


def booking_form(browser, base: str, form_path: str, phone: str) -> dict:
    """A resident opens a session's booking form cold, fills it in and sends it (until the receipt loads)."""
    t = Throttled(browser)
    t.page.goto(base + form_path, wait_until="load")
    result = {**t.page.evaluate(TIMING_JS), "bytes": t.bytes, "scripts": scripts(t.urls)}
    t.page.fill("#name", "阿依努尔·吐尔逊")
    t.page.fill("#phone", phone)
    t.page.locator("input[name=kind][value=consultation]").check()
    t.reset()
    start = time.perf_counter()
    t.page.click("#submit")
    t.page.locator(".code").wait_for()
    t.page.wait_for_load_state("load")
    result.update(send=time.perf_counter() - start, send_bytes=t.bytes)
    t.close()
    return result


def confirm_flow(browser, base: str) -> list[tuple[str, float, int]]:
    """(step, seconds, bytes received) for each step of the lawyer's flow."""
    t = Throttled(browser)
    page, steps = t.page, []

    def step(name, action):
        t.reset()
        start = time.perf_counter()
        action()
        steps.append((name, time.perf_counter() - start, t.bytes))

    step("open login page (cold cache)", lambda: page.goto(base + "/auth/login", wait_until="load"))
    page.wait_for_timeout(TYPING_MS)  # the lawyer types her name and password: the link is idle meanwhile

    def log_in():
        page.fill("#username", "lawyer")
        page.fill("#password", DEMO_PASSWORD)
        page.click("#submit")
        page.wait_for_url(lambda u: "/auth/login" not in u)
        page.wait_for_load_state("load")

    step("log in → home", log_in)
    step("open my visits", lambda: page.goto(base + "/duty/my", wait_until="load"))
    card = page.locator("article.visit.st-planned").first
    card_id = card.get_attribute("id")

    def tap():
        card.locator("form[action$='/accept'] button").click()
        page.locator(f"#{card_id}.st-confirmed").wait_for()

    step("tap accept → confirmed", tap)
    t.close()
    return steps


def first_form_path(base: str) -> str:
    """The booking form of the first session the village's sign-up page offers (fetched unthrottled)."""
    with urllib.request.urlopen(f"{base}/v/{VILLAGE}/book") as response:  # noqa: S310 (loopback only)
        page = response.read().decode()
    return re.search(r'href="(/book/\d+[^"]*)"', page).group(1).replace("&amp;", "&")


def run(base: str, runs: int) -> tuple[list[dict], list[dict], list[list[tuple]]]:
    """Every journey ``runs`` times, in a fresh context each time."""
    from playwright.sync_api import sync_playwright

    villages, forms, flows = [], [], []
    form_path = first_form_path(base)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        for i in range(runs):
            villages.append(village_page(browser, base))
            forms.append(booking_form(browser, base, form_path, f"1371234{i:04d}"))
            flows.append(confirm_flow(browser, base))
        browser.close()
    return villages, forms, flows


def median(rows: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def main() -> int:
    """Print the medians; exit 1 when the village page or the tap-to-confirmed step is over budget."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp, live_server(Path(tmp)) as base:
        villages, forms, flows = run(base, runs)
    print("GPRS profile: 50 kbit/s down, 20 kbit/s up, 500 ms latency; cold cache; 360 px Chromium; "
          f"median of {runs}")
    print(f"\n{'cold page':<28} {'paint s':>8} {'DCL s':>7} {'load s':>7} {'bytes':>7}  scripts")
    for label, rows in (("village page /v/" + VILLAGE, villages), ("booking form /book/…", forms)):
        print(f"{label:<28} {median(rows, 'fcp'):>8.2f} {median(rows, 'dcl'):>7.2f} {median(rows, 'load'):>7.2f} "
              f"{int(median(rows, 'bytes')):>7}  {rows[0]['scripts'] or '(none)'}")
    print(f"{'booking form: send → receipt':<28} {'':>8} {'':>7} {median(forms, 'send'):>7.2f} "
          f"{int(median(forms, 'send_bytes')):>7}")
    print(f"\n{'lawyer confirms a visit':<34} {'seconds':>8} {'bytes':>8}")
    for i, (name, _s, _b) in enumerate(flows[0]):
        seconds = statistics.median(f[i][1] for f in flows)
        size = int(statistics.median(f[i][2] for f in flows))
        print(f"{name:<34} {seconds:>8.2f} {size:>8}")
    totals = [sum(s for _n, s, _b in f) for f in flows]
    print(f"{'whole flow':<34} {statistics.median(totals):>8.2f}")
    tap = statistics.median(f[-1][1] for f in flows)
    return 0 if tap <= CONFIRM_BUDGET and median(villages, "load") <= VILLAGE_BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
