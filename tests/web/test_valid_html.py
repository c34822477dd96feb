"""Every page each role reaches is valid HTML, as the W3C Nu checker (vnu) reads it.

Each role opens every page the access matrix gives it and every page linked from those (a few of each kind),
in Chinese and in Uyghur (right to left); each form on them is posted empty (its hidden fields as served), so
that its error state is checked too; and each htmx request a page makes (an ``data-hx-get`` search, an
``data-hx-post`` card action) is sent as htmx sends it. The answers go to one vnu run (one JVM for all of
them: a JVM per page would take minutes), and any error fails the test with the page and the message.

An htmx answer that is a fragment is checked inside a minimal document; one that is a whole page as it is.
vnu.jar is fetched by ``bash .ci/setup --test`` (pinned, integrity-checked) into ``.ci/vendor/``;
``GONGFA_VNU_JAR`` names another. Java 17 or later runs it.

A second, cheap test needs no Java: no template writes a bare ``hx-*`` attribute, which HTML does not allow
(htmx reads ``data-hx-*`` as well; ``python tools/data_hx.py`` renames them).
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

import pytest

from tests.conftest import HX
from tests.test_access_matrix import MATRIX, _ids
from tests.web.html_forms import forms_of
from tests.web.test_forms_as_browser import EXTRA_PAGES

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ("zh_Hans", "ug")
# Links to files, not pages: fetched by no one here (each costs a PDF or a workbook to make).
DOWNLOAD = re.compile(r"\.(?:pdf|xlsx|ics|csv)$|[?&]format=")
# How many pages of one kind (ids and numbers aside) a role opens from links, beyond the matrix's own.
PER_KIND = 2
# One account for each role of DESIGN §1 (the matrix's other accounts are the same roles in other scopes:
# the same templates), and a resident with no account.
CRAWLERS = ["admin", "inspector", "head", "officer", "lawyer", "mediator", "auditor", None]
# Forms not posted empty: logging out ends the crawl; the language switch is the crawl's own doing.
NOT_POSTED = re.compile(r"/auth/logout$|/lang$")


def vnu_jar() -> Path:
    """The checker's jar: $GONGFA_VNU_JAR, else the one .ci/setup --test fetched."""
    if os.environ.get("GONGFA_VNU_JAR"):
        return Path(os.environ["GONGFA_VNU_JAR"])
    jars = sorted((ROOT / ".ci" / "vendor").glob("vnu-*.jar"))
    assert jars, "vnu.jar is missing: run `bash .ci/setup --test` (it fetches the pinned vnu-jar)"
    return jars[-1]


def vnu_errors(documents: dict[str, str], tmp_path: Path) -> list[tuple[str, str, str]]:
    """(name, message, extract) of each error vnu finds in ``documents`` (name → HTML), all in one run."""
    java = shutil.which("java")
    assert java, "Java is missing: run `bash .ci/setup --test` (it installs default-jre-headless)"
    names = {}
    for number, (name, html) in enumerate(documents.items()):
        path = tmp_path / f"{number:04d}.html"
        path.write_text(html, encoding="utf-8")
        names[path.resolve().as_uri()] = name
    result = subprocess.run(
        [java, "-Xss8m", "-jar", str(vnu_jar()), "--format", "json", "--errors-only", "--exit-zero-always",
         "--no-langdetect", "--stdout", *sorted(str(p) for p in tmp_path.glob("*.html"))],
        capture_output=True, text=True, check=True, timeout=600)
    messages = json.loads(result.stdout)["messages"]
    out = []
    for m in messages:
        url = m.get("url", "")
        name = names.get(url) or names.get(url.replace("file:/", "file:///", 1)) or url
        out.append((name, m["message"], m.get("extract", "")))
    return out


def kind_of(message: str) -> str:
    """An error's kind: its message with names taken out ("Duplicate ID “X”."), hx-* attributes kept as one."""
    return re.sub(r"“([^”]*)”", lambda m: "“hx-*”" if m.group(1).startswith("hx-") else "“X”", message)


class _Links(HTMLParser):
    """The <a href>s of a page and the elements that make htmx requests (other than boosting)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.hx: list[dict] = []

    def handle_starttag(self, tag, attrs):
        a = {k.removeprefix("data-"): v for k, v in attrs if k.startswith(("hx-", "data-hx-"))}
        plain = dict(attrs)
        if tag == "a" and plain.get("href"):
            self.links.append(plain["href"])
        for verb in ("get", "post"):
            if a.get(f"hx-{verb}"):
                self.hx.append({"verb": verb, "url": a[f"hx-{verb}"], "target": a.get("hx-target", ""),
                                "tag": tag, "action": plain.get("action")})


def _parse(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    parser.close()
    return parser


def as_document(html: str, lang: str) -> str:
    """A whole page as it is; a fragment (what htmx swaps in) inside a minimal valid document."""
    if html.lstrip()[:15].lower().startswith("<!doctype html"):
        return html
    first = re.match(r"\s*<([a-zA-Z]+)", html)
    if first and first.group(1).lower() == "tr":
        html = f"<table><tbody>{html}</tbody></table>"
    elif first and first.group(1).lower() in ("tbody", "thead"):
        html = f"<table>{html}</table>"
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>fragment</title></head>'
            f"<body>{html}</body></html>")


def _kind(url: str) -> str:
    parts = urlsplit(url)
    return re.sub(r"\d+", "N", parts.path) + "?" + ",".join(sorted(
        p.split("=")[0] for p in parts.query.split("&") if p))


def _empty_entries(form) -> dict:
    """A form posted empty: its hidden fields as served (version, token, next), nothing the person fills in."""
    return {c.name: c.value for c in form.controls if c.name and c.tag == "input" and c.type == "hidden"}


def crawl(client, role, ids) -> dict[str, str]:
    """Every page ``role`` reaches in Chinese and in Uyghur; in Chinese also each form's error state (one form of
    each kind: the markup is the same in every language) and each htmx answer. Returns name → HTML."""
    seeds = [t.format(**ids) for _e, method, t, allowed in MATRIX
             if method == "GET" and role in allowed and not t.startswith("/static")]
    seeds += [t.format(**ids) for t, roles in EXTRA_PAGES if role in roles]
    seeds = list(dict.fromkeys(["/", *seeds]))
    documents = {}
    posted = set()
    for locale in LOCALES:
        client.post("/lang", data={"locale": locale})
        lang = "zh-Hans" if locale == "zh_Hans" else locale
        queue, seen, kinds = list(seeds), set(seeds), Counter()
        while queue:
            url = queue.pop(0)
            page = client.get(url)
            if page.status_code != 200 or not page.content_type.startswith("text/html"):
                page.close()
                continue
            html = page.text
            documents[f"{role} {locale} GET {url}"] = html
            found = _parse(html)
            for href in found.links:
                link = urljoin(url, href)
                parts = urlsplit(link)
                if parts.netloc not in ("", "localhost") or parts.path.startswith("/static") \
                        or DOWNLOAD.search(link) or "#" in href[:1]:
                    continue
                link = parts.path + (f"?{parts.query}" if parts.query else "")
                if link in seen or kinds[_kind(link)] >= PER_KIND:
                    continue
                seen.add(link)
                kinds[_kind(link)] += 1
                queue.append(link)
            for form in forms_of(html):
                target = form.target(url)
                key = (_kind(target), form.names())
                if form.method != "post" or NOT_POSTED.search(urlsplit(target).path) or key in posted:
                    continue
                posted.add(key)
                answer = client.post(target, data=_empty_entries(form), headers={"Referer": url})
                if answer.content_type.startswith("text/html") and answer.status_code != 302 \
                        and answer.status_code != 303:
                    documents[f"{role} {locale} POST {target} (empty, from {url})"] = answer.text
            for request in found.hx:
                target = urljoin(url, request["url"])
                key = ("hx", request["verb"], _kind(target))
                if key in posted:
                    continue
                posted.add(key)
                headers = {**HX, "HX-Current-URL": url, "HX-Target": request["target"].lstrip("#")}
                if request["verb"] == "get":
                    answer = client.get(target, headers=headers)
                else:
                    form = next((f for f in forms_of(html) if f.target(url) == urljoin(url, request["action"] or "")),
                                None)
                    answer = client.post(target, data=_empty_entries(form) if form else {}, headers=headers)
                if answer.content_type.startswith("text/html") and answer.text.strip():
                    documents[f"{role} {locale} htmx {request['verb'].upper()} {target} (from {url})"] = \
                        as_document(answer.text, lang)
    return documents


def test_every_page_every_role_reaches_is_valid_html(world, client, auth, tmp_path):
    app = client.application
    app.config["PROPAGATE_UNEXPECTED"] = False  # a 500 is a page too, and another test's business
    ids = _ids(world)
    documents = {}
    for role in CRAWLERS:
        if role:
            assert auth.login(role).status_code == 303
        documents.update(crawl(client, role, ids))
        if role:
            auth.logout()
            client.post("/lang", data={"locale": "zh_Hans"})
    assert len(documents) > 250, len(documents)  # the crawl reached the pages, not the login page alone
    errors = vnu_errors(documents, tmp_path)
    if errors:
        pytest.fail(report(errors, len(documents)), pytrace=False)


def report(errors: list[tuple[str, str, str]], documents: int, examples: int = 3) -> str:
    """The errors by kind, most frequent first, each with a few pages and the markup vnu points at."""
    by_kind: dict[str, list] = {}
    for error in errors:
        by_kind.setdefault(kind_of(error[1]), []).append(error)
    lines = [f"{len(errors)} vnu errors over {documents} documents, by kind:"]
    lines += [f"{len(found):6d}  {kind}" for kind, found in sorted(by_kind.items(), key=lambda kv: -len(kv[1]))]
    for kind, found in sorted(by_kind.items(), key=lambda kv: -len(kv[1])):
        lines.append(f"\n{kind} ({len(found)}), e.g.")
        pages = {}
        for name, message, extract in found:
            pages.setdefault(message, (name, extract))
        for message, (name, extract) in list(pages.items())[:examples]:
            lines.append(f"  {name}: {message}\n      {extract!r}")
    return "\n".join(lines)


def test_vnu_finds_what_it_should(tmp_path):
    """The checker itself: a bare hx-* attribute, a duplicate id and a stray end tag are errors;
    data-hx-* is valid."""
    good = '<!DOCTYPE html><html lang="zh-Hans"><head><title>t</title></head><body>' \
           '<form data-hx-post="/x" data-hx-target="#r"><button>go</button></form></body></html>'
    bad = '<!DOCTYPE html><html lang="zh-Hans"><head><title>t</title></head><body>' \
          '<form hx-post="/x" id="a"><button id="a">go</button></form></div></body></html>'
    errors = vnu_errors({"good": good, "bad": bad}, tmp_path)
    assert {name for name, _m, _e in errors} == {"bad"}
    assert {kind_of(m) for _n, m, _e in errors} == {
        "Attribute “hx-*” not allowed on element “X” at this point.", "Duplicate ID “X”.", "Stray end tag “X”."}


# An htmx attribute without the data- prefix, in a tag or in a Jinja/Python mapping of attributes.
BARE_HX = re.compile(r"""(?<![\w-])hx-[a-z][a-z-]*(?=\s*=|["']\s*:)""")


def test_no_template_writes_a_bare_hx_attribute():
    """htmx attributes carry the data- prefix, which HTML allows (run ``python tools/data_hx.py`` to fix)."""
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            found += [f"{path.relative_to(ROOT)}:{number}: {m.group(0)}" for m in BARE_HX.finditer(line)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize(("line", "bare"), [
    ('<form hx-post="/x">', True), ("{{ f(**{\"hx-disabled-elt\": \"this\"}) }}", True),
    ('<main data-hx-boost="true">', False), ("<p>htmx-config</p>", False), ("<p>hx-post in a sentence</p>", False)])
def test_the_bare_hx_check_tells_attributes_from_text(line, bare):
    assert bool(BARE_HX.search(line)) is bare
