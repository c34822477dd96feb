"""Crawl the app as each role does and check what it serves with the W3C Nu HTML checker (vnu).

Shared by tests/web/test_valid_html.py (the test data) and tools/valid_html_demo.py (the demo data).
vnu.jar is fetched by ``bash .ci/setup --test`` (pinned, integrity-checked) into ``.ci/vendor/``;
``GONGFA_VNU_JAR`` names another. Java 17 or later runs it.
"""

import json
import os
import re
import shutil
import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from werkzeug.datastructures import MultiDict

from tests.web.html_forms import form_to, forms_of, post_form

ROOT = Path(__file__).resolve().parents[2]
# One account for each role of DESIGN §1 (other accounts are the same roles in other scopes: the same
# templates), and a resident with no account. The test data and the demo data use the same usernames.
# The bureau admin comes last: its forms posted empty change other people's accounts (an account form
# without its "active" box ticked), after which they could not log in.
CRAWLERS = ["officer", "lawyer", "mediator", "head", "inspector", "auditor", "admin", None]
LOCALES = {"zh_Hans": "zh-Hans", "ug": "ug"}
# Links to files, not pages: not fetched here (a PDF costs a second or more to make): by the path's ending,
# or a query asking for another format.
DOWNLOAD_PATH = re.compile(r"\.(?:pdf|xlsx|ics|csv)$")
DOWNLOAD_QUERY = re.compile(r"(?:^|&)format=")
# Forms not posted empty: logging out ends the crawl; the language switch is the crawl's own doing.
NOT_POSTED = re.compile(r"/auth/logout$|/lang$")
HX = {"HX-Request": "true"}


def vnu_jar() -> Path:
    """The checker's jar: $GONGFA_VNU_JAR, else the one .ci/setup --test fetched."""
    if os.environ.get("GONGFA_VNU_JAR"):
        return Path(os.environ["GONGFA_VNU_JAR"])
    jars = sorted((ROOT / ".ci" / "vendor").glob("vnu-*.jar"))
    assert jars, "vnu.jar is missing: run `bash .ci/setup --test` (it fetches the pinned vnu-jar)"
    return jars[-1]


def vnu_errors(documents: dict[str, str], folder: Path) -> list[tuple[str, str, str]]:
    """(name, message, extract) of each error vnu finds in ``documents`` (name → HTML), all in one JVM:
    one per page would take minutes."""
    java = shutil.which("java")
    assert java, "Java is missing: run `bash .ci/setup --test` (it installs default-jre-headless)"
    names = {}
    paths = []
    for number, (name, html) in enumerate(documents.items()):
        path = folder / f"{number:05d}.html"
        path.write_text(html, encoding="utf-8")
        names[path.resolve().as_uri()] = name
        paths.append(str(path))
    result = subprocess.run(
        [java, "-Xss8m", "-jar", str(vnu_jar()), "--format", "json", "--errors-only", "--exit-zero-always",
         "--no-langdetect", "--stdout", *paths],
        capture_output=True, text=True, check=True, timeout=900)
    out = []
    for m in json.loads(result.stdout)["messages"]:
        url = m.get("url", "")
        name = names.get(url) or names.get(url.replace("file:/", "file:///", 1)) or url or "(vnu)"
        out.append((name, m["message"], m.get("extract", "")))
    return out


def kind_of(message: str) -> str:
    """An error's kind: its message with names taken out ("Duplicate ID “X”."), hx-* attributes kept as one."""
    return re.sub(r"“([^”]*)”", lambda m: "“hx-*”" if m.group(1).startswith("hx-") else "“X”", message)


def counts(errors: list[tuple[str, str, str]]) -> Counter:
    """How many errors of each kind."""
    return Counter(kind_of(message) for _name, message, _extract in errors)


def report(errors: list[tuple[str, str, str]], documents: int, examples: int = 3) -> str:
    """The errors by kind, most frequent first, each with a few pages and the markup vnu points at."""
    by_kind: dict[str, list] = {}
    for error in errors:
        by_kind.setdefault(kind_of(error[1]), []).append(error)
    ordered = sorted(by_kind.items(), key=lambda kv: -len(kv[1]))
    lines = [f"{len(errors)} vnu errors over {documents} documents, by kind:"]
    lines += [f"{len(found):6d}  {kind}" for kind, found in ordered]
    for kind, found in ordered:
        lines.append(f"\n{kind} ({len(found)}), e.g.")
        pages = {}
        for name, message, extract in found:
            pages.setdefault(message, (name, extract))
        for message, (name, extract) in list(pages.items())[:examples]:
            lines.append(f"  {name}: {message}\n      {extract!r}")
    return "\n".join(lines)


def as_document(html: str, lang: str) -> str:
    """A whole page as it is; a fragment (what htmx swaps in) inside a minimal valid document."""
    if html.lstrip()[:15].lower().startswith("<!doctype html"):
        return html
    first = re.match(r"\s*<([a-zA-Z]+)", html)
    tag = first.group(1).lower() if first else ""
    if tag == "tr":
        html = f"<table><tbody>{html}</tbody></table>"
    elif tag in ("tbody", "thead"):
        html = f"<table>{html}</table>"
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>fragment</title></head>'
            f"<body>{html}</body></html>")


class _Ids(HTMLParser):
    """The ids of a page and its links to a place on the same page (href="#…")."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.anchors: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and (a.get("href") or "").startswith("#") and len(a["href"]) > 1:
            self.anchors.append(a["href"][1:])


def broken_anchors(html: str) -> list[str]:
    """In-page links to no element: an error summary's link to a field whose id a prefix changed, say.
    (vnu checks that a label's ``for`` names a control, not where an ``href="#…"`` leads.)"""
    parser = _Ids()
    parser.feed(html)
    parser.close()
    return [f"#{anchor}" for anchor in parser.anchors if anchor not in parser.ids]


class _Links(HTMLParser):
    """The <a href>s of a page and the elements that make htmx requests (other than boosting)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.hx: list[dict] = []

    def handle_starttag(self, tag, attrs):
        plain = dict(attrs)
        hx = {k.removeprefix("data-"): v for k, v in attrs if k.startswith(("hx-", "data-hx-"))}
        if tag == "a" and plain.get("href"):
            self.links.append(plain["href"])
        for verb in ("get", "post"):
            if hx.get(f"hx-{verb}"):
                self.hx.append({"verb": verb, "url": hx[f"hx-{verb}"], "target": hx.get("hx-target") or "",
                                "action": plain.get("action")})


def _parse(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    parser.close()
    return parser


def kind_of_url(url: str) -> str:
    """A URL with its numbers and query values taken out: /org/units/N?level."""
    parts = urlsplit(url)
    return re.sub(r"\d+", "N", parts.path) + "?" + ",".join(sorted(
        p.split("=")[0] for p in parts.query.split("&") if p))


def _empty_entries(form) -> MultiDict:
    """A form posted empty: its hidden fields as served (CSRF token, version, next), nothing a person fills in."""
    return MultiDict([(c.name, c.value) for c in form.controls if c.name and c.tag == "input" and c.type == "hidden"])


def login(client, username: str, password: str) -> None:
    """Log in through the login page's form, CSRF token and all."""
    page = client.get("/auth/login")
    form = form_to(page.text, "/auth/login", "/auth/login")
    answer = post_form(client, "/auth/login", form, choose={"username": username, "password": password})
    assert answer.status_code == 303, f"{username} could not log in: {answer.status_code}"


def logout(client) -> None:
    """Log out with the header's button."""
    page = client.get("/")
    post_form(client, "/", form_to(page.text, "/", "/auth/logout"))


def switch_language(client, locale: str) -> None:
    """Press the header's language button for ``locale``."""
    page = client.get("/")
    form = form_to(page.text, "/", "/lang")
    button = next(c for c in form.submitters() if c.value == locale)
    assert post_form(client, "/", form, button).status_code == 303


def crawl(client, who: str, seeds: list[str], per_kind: int = 2) -> dict[str, str]:
    """What ``who`` (logged in already) is served, in Chinese and in Uyghur: every page of ``seeds`` and the pages
    they link to (``per_kind`` of each kind of URL beyond the seeds); once, in Chinese, each form's error state
    (one form of each kind: the markup is the same in every language) and each htmx answer. Name → HTML."""
    documents = {}
    posted = set()
    for locale, lang in LOCALES.items():
        switch_language(client, locale)
        queue, seen, kinds = list(seeds), set(seeds), Counter()
        while queue:
            url = queue.pop(0)
            page = client.get(url)
            if page.status_code != 200 or not page.content_type.startswith("text/html"):
                page.close()
                continue
            html = page.text
            documents[f"{who} {locale} GET {url}"] = html
            found = _parse(html)
            for href in found.links:
                link = urljoin(url, href)
                parts = urlsplit(link)
                if parts.netloc not in ("", "localhost") or parts.path.startswith("/static") \
                        or DOWNLOAD_PATH.search(parts.path) or DOWNLOAD_QUERY.search(parts.query) \
                        or href.startswith("#"):
                    continue
                link = parts.path + (f"?{parts.query}" if parts.query else "")
                if link in seen or kinds[kind_of_url(link)] >= per_kind:
                    continue
                seen.add(link)
                kinds[kind_of_url(link)] += 1
                queue.append(link)
            forms = forms_of(html)
            for form in forms:
                target = form.target(url)
                key = (kind_of_url(target), form.names())
                if form.method != "post" or NOT_POSTED.search(urlsplit(target).path) or key in posted:
                    continue
                posted.add(key)
                answer = client.post(target, data=_empty_entries(form), headers={"Referer": url})
                if answer.content_type.startswith("text/html") and answer.status_code not in (302, 303):
                    documents[f"{who} {locale} POST {target} (empty, from {url})"] = answer.text
                answer.close()
            for request in found.hx:
                target = urljoin(url, request["url"])
                key = ("hx", request["verb"], kind_of_url(target))
                if key in posted:
                    continue
                posted.add(key)
                headers = {**HX, "HX-Current-URL": url, "HX-Target": request["target"].lstrip("#"),
                           "Referer": url}
                if request["verb"] == "get":
                    answer = client.get(target, headers=headers)
                else:
                    form = next((f for f in forms if f.target(url) == urljoin(url, request["action"] or "")), None)
                    answer = client.post(target, data=_empty_entries(form) if form else {}, headers=headers)
                if answer.content_type.startswith("text/html") and answer.text.strip():
                    documents[f"{who} {locale} htmx {request['verb'].upper()} {target} (from {url})"] = \
                        as_document(answer.text, lang)
                answer.close()
    return documents
