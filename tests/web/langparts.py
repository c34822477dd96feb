"""Language of parts (WCAG 3.1.2) over what the app serves: Chinese outside an element marked Chinese.

Shared by tests/web/test_lang_of_parts.py (the test data) and bench/chinese_share.py (the demo data). A page
in Uyghur or Kazakh may show Chinese only inside an element whose ``lang`` is Chinese (``zh…``): names,
addresses, anything recorded only in Chinese. Any other run of Han characters is text the reader's screen
reader speaks with Uyghur rules and the browser lays out as Uyghur: untranslated, or data left unmarked.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from gongfa.web.langtext import HAN
from tests.web.vnu import DOWNLOAD_PATH, DOWNLOAD_QUERY, _parse, kind_of_url, switch_language

# A run of Chinese as a reader sees it: Han characters and what lies between them on one line. The ideographic
# space (blanks to write a date in by hand: "年　月　日") and the geta mark 〓 (a character no font prints) are
# no language's words: they do not start or end a run.
WORD_HAN = HAN.replace("\u3000-\u303f", "\u3001-\u3012\u3014-\u303f")
assert WORD_HAN != HAN
HAN_RUN = re.compile(f"[{WORD_HAN}](?:[^\\n<]*[{WORD_HAN}])?")
HAN_CHAR = re.compile(f"[{HAN}]")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Attributes a person reads or hears.
SPOKEN_ATTRS = ("title", "aria-label", "placeholder", "alt", "aria-description", "aria-roledescription")
HIDDEN_TEXT = {"script", "style", "template"}
# <title> holds text only: no part of it can be marked. A page about a record names it there (a case number, a
# person); the heading repeats it, marked.
UNMARKABLE = {"title"}


@dataclass
class Finding:
    """What one document holds: its visible characters, how many are Han, and the unmarked Chinese runs."""

    chars: int = 0
    han: int = 0
    unmarked: list[str] = field(default_factory=list)
    context: list[str] = field(default_factory=list)  # each unmarked run with its element and surroundings


class _LangParts(HTMLParser):
    def __init__(self, page_lang: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str]] = [("#root", page_lang)]
        self.found = Finding()

    @property
    def lang(self) -> str:
        return self.stack[-1][1]

    def _chinese(self, lang: str) -> bool:
        return lang.lower().split("-")[0] == "zh"

    def _check(self, text: str, lang: str, where: str) -> None:
        if self._chinese(lang):
            return
        self.found.unmarked += [f"{where}{m.group(0)[:60]}" for m in HAN_RUN.finditer(text)]
        self.found.context += [f"<{self.stack[-1][0]}> {text[max(0, m.start() - 30):m.end() + 30]!r}"
                               for m in HAN_RUN.finditer(text)]

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        lang = a.get("lang") if a.get("lang") is not None else self.lang
        for name in SPOKEN_ATTRS:
            if a.get(name):
                self._check(a[name], lang, f"<{tag} {name}> ")
        if tag == "input" and a.get("type") in ("submit", "button", "reset") and a.get("value"):
            self._check(a["value"], lang, f"<{tag} value> ")
        if tag not in VOID:
            self.stack.append((tag, lang))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if any(t in HIDDEN_TEXT for t, _l in self.stack):
            return
        visible = re.sub(r"\s", "", data)
        self.found.chars += len(visible)
        self.found.han += len(HAN_CHAR.findall(visible))
        if self.stack[-1][0] not in UNMARKABLE:
            self._check(data, self.lang, "")


def page_lang(html: str, default: str) -> str:
    """The ``lang`` of a document's root element (``default`` for a fragment)."""
    m = re.search(r"<html\b[^>]*\blang=\"([^\"]*)\"", html[:2000])
    return m.group(1) if m else default


def inspect(html: str, lang: str) -> Finding:
    """Visible characters, Han characters and unmarked Chinese runs of ``html`` (its root ``lang`` or ``lang``)."""
    parser = _LangParts(page_lang(html, lang))
    parser.feed(html)
    parser.close()
    return parser.found


RTL_LOCALES = {"ug": "ug", "kk_Arab": "kk-Arab"}


def crawl_pages(client, who: str, seeds: list[str], locales: dict[str, str] = RTL_LOCALES,
                per_kind: int = 2) -> dict[tuple[str, str, str], str]:
    """Every page of ``seeds`` and the pages they link to (``per_kind`` of each kind of URL beyond the seeds), as
    ``who`` (logged in already) is served them in each of ``locales``, by GET only. (who, locale, url) → HTML."""
    documents = {}
    for locale in locales:
        switch_language(client, locale)
        queue, seen, kinds = list(seeds), set(seeds), Counter()
        while queue:
            url = queue.pop(0)
            page = client.get(url)
            if page.status_code != 200 or not page.content_type.startswith("text/html"):
                page.close()
                continue
            html = page.text
            documents[(who, locale, url)] = html
            for href in _parse(html).links:
                link = urljoin(url, href)
                parts = urlsplit(link)
                if parts.netloc not in ("", "localhost") or parts.path.startswith("/static") \
                        or DOWNLOAD_PATH.search(parts.path) or DOWNLOAD_QUERY.search(parts.query) \
                        or href.startswith("#") or parts.path in ("/auth/logout", "/lang"):
                    continue
                link = parts.path + (f"?{parts.query}" if parts.query else "")
                if link in seen or kinds[kind_of_url(link)] >= per_kind:
                    continue
                seen.add(link)
                kinds[kind_of_url(link)] += 1
                queue.append(link)
    switch_language(client, "zh_Hans")
    return documents
