"""Page weight and query count of each role's home page and the village public page (DESIGN §5).

Starts gunicorn on a fresh demo database, logs in as every demo account over real HTTP, and prints
the bytes a first visit transfers (HTML + CSS, compressed as the browser asks; htmx excluded) against
the 14 KB budget, then SQL queries per page (budget 10), counted in-process on the same database.

    .venv/bin/python -m bench.page_weight
"""

import gzip
import http.cookiejar
import re
import sys
import tempfile
import urllib.request
import zlib
from pathlib import Path

import brotli

from bench.liveserver import live_server
from gongfa.demo.seed import DEMO_PASSWORD as PASSWORD

BUDGET = 14 * 1024
PAGES = [(None, "/v/652701100001", "village public page"), (None, "/auth/login", "login"),
         (None, "/", "visitor directory"), (None, "/v/652701100001/book", "sign-up: sessions"),
         (None, "/b/find", "sign-up: find a booking")]
ROLES = ["admin", "bole-admin", "inspector", "head", "officer", "lawyer", "mediator"]


class Browser:
    """A cookie-keeping HTTP client that asks for compressed responses, like Chromium does."""

    def __init__(self, base: str, encoding: str = "br"):
        self.base, self.encoding = base, encoding
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str, headers: dict | None = None):
        request = urllib.request.Request(self.base + path, headers={"Accept-Encoding": self.encoding,
                                                                    "Accept-Language": "zh-CN", **(headers or {})})
        try:
            response = self.opener.open(request)
        except urllib.error.HTTPError as error:  # 304 arrives as an "error"
            return error.code, b"", error.headers
        return response.status, response.read(), response.headers

    def text(self, body: bytes, headers) -> str:
        enc = headers.get("Content-Encoding")
        raw = (brotli.decompress(body) if enc == "br" else gzip.decompress(body) if enc == "gzip"
               else zlib.decompress(body) if enc == "deflate" else body)
        return raw.decode()

    def login(self, username: str) -> None:
        status, body, headers = self.get("/auth/login")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', self.text(body, headers)).group(1)
        data = urllib.parse.urlencode({"csrf_token": token, "username": username, "password": PASSWORD}).encode()
        request = urllib.request.Request(self.base + "/auth/login", data=data,
                                         headers={"Referer": self.base + "/auth/login"})
        self.opener.open(request).read()


def measure(base: str, encoding: str) -> list[tuple]:
    """(who, page, html bytes on the wire, css bytes on the wire, uncompressed html) for every page."""
    rows = []
    visitor = Browser(base, encoding)
    _status, css, _h = visitor.get(_css_path(visitor))
    for _who, path, label in PAGES:
        _s, body, headers = visitor.get(path)
        rows.append(("visitor", f"{label} {path}", len(body), len(css), len(visitor.text(body, headers))))
        if path.endswith("/book"):  # and the form of the first session offered
            form = re.search(r'href="(/book/\d+)[^"]*"', visitor.text(body, headers)).group(1)
            _s, body, headers = visitor.get(form)
            rows.append(("visitor", f"sign-up: form {form}", len(body), len(css), len(visitor.text(body, headers))))
    for role in ROLES:
        b = Browser(base, encoding)
        b.login(role)
        paths = {"lawyer": ("/", "/duty/my", "/log/new", "/log/"), "officer": ("/", "/mediation/", "/log/"),
                 "head": ("/", "/ledger/")}.get(role, ("/",))
        for path in paths:
            _s, body, headers = b.get(path)
            rows.append((role, f"{'home' if path == '/' else path.strip('/')} {path}", len(body), len(css),
                         len(b.text(body, headers))))
        if role == "officer":  # the busiest case page of the demo (closed, agreement, follow-up)
            page = b.text(*b.get("/mediation/")[1:])
            for href in re.findall(r'href="(/mediation/\d+)"', page)[:4]:
                _s, body, headers = b.get(href)
                rows.append((role, f"case {href}", len(body), len(css), len(b.text(body, headers))))
    return rows


def _css_path(browser: Browser) -> str:
    _s, body, headers = browser.get("/auth/login")
    return re.search(r'href="(/static/css/app\.css\?v=\w+)"', browser.text(body, headers)).group(1)


def repeat_visit(base: str) -> str:
    """What a second visit costs for CSS and htmx: their cache headers and a conditional request."""
    b = Browser(base)
    b.login("lawyer")  # a signed-in page: it loads htmx and app.js (residents' pages load neither)
    _s, body, headers = b.get("/duty/my")
    page = b.text(body, headers)
    lines = []
    for path in re.findall(r'(?:href|src)="(/static/[^"]+\?v=\w+)"', page):
        _s, _body, h = b.get(path)
        status, _b, _h = b.get(path, {"If-None-Match": h.get("ETag", "")})
        lines.append(f"  {path.split('?')[0]:<38} Cache-Control: {h['Cache-Control']}; revalidation → {status}")
    return "\n".join(lines)


def query_counts(db_url: str) -> list[tuple[str, int]]:
    """SQL statements per page, counted in-process against the same demo database."""
    from sqlalchemy import event

    from gongfa import create_app
    from gongfa.db import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": db_url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "SESSION_COOKIE_SECURE": False, "RATELIMIT_ENABLED": False})
    counts, statements = [], []
    with app.app_context():  # only to reach the engine: requests must get app contexts of their own
        event.listen(db.engine, "before_cursor_execute", lambda *a, **k: statements.append(1))
    visitor = app.test_client()
    for path in ("/v/652701100001", "/", "/v/652701100001/book"):
        statements.clear()
        visitor.get(path)
        counts.append((f"visitor {path}", len(statements)))
    for role in ROLES:
        client = app.test_client()
        assert client.post("/auth/login", data={"username": role, "password": PASSWORD}).status_code == 303
        for path in ("/", "/org/staffing", "/org/units", "/people/", "/duty/my", "/duty/compliance", "/mediation/",
                     "/ledger/ratings", "/log/", "/ledger/", "/log/new"):
            statements.clear()
            if client.get(path).status_code == 200:
                counts.append((f"{role} {path}", len(statements)))
        if role == "officer":  # the mediation case pages
            listing = client.get("/mediation/").text
            for path in re.findall(r'href="(/mediation/\d+)"', listing)[:4]:
                statements.clear()
                client.get(path)
                counts.append((f"{role} {path}", len(statements)))
    return counts


def main() -> int:
    """Print the tables; exit 1 if a page is over budget."""
    over = False
    with tempfile.TemporaryDirectory() as tmp, live_server(Path(tmp)) as base:
        # Chromium offers br over HTTPS only; over a plain-HTTP station LAN it sends "gzip, deflate".
        for encoding in ("gzip, deflate, br", "gzip, deflate"):
            print(f"\nFirst visit, Accept-Encoding: {encoding} (HTML + CSS; htmx excluded), budget {BUDGET} B")
            print(f"{'who':<11} {'page':<36} {'html':>6} {'css':>6} {'total':>6} {'html raw':>9}")
            for who, page, html, css, raw in measure(base, encoding):
                total = html + css
                over = over or total > BUDGET
                flag = "" if total <= BUDGET else "  OVER"
                print(f"{who:<11} {page:<36} {html:>6} {css:>6} {total:>6} {raw:>9}{flag}")
        print("\nRepeat visit:")
        print(repeat_visit(base))
        db_url = next(iter(Path(tmp).glob("*.sqlite")), None)
        if db_url:
            print("\nSQL statements per page (budget 10, login and session checks included):")
            for page, n in query_counts(f"sqlite:///{db_url}"):
                print(f"  {page:<36} {n:>3}{'  OVER' if n > 10 else ''}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
