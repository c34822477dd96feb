"""Which language a piece of data is in, and marking it so (WCAG 3.1.2 language of parts).

Data shown on a page is often in another language than the page: a Chinese village name on a Uyghur page,
a Uyghur name typed by a resident on a Chinese page. Screen readers, fonts, line breaking and bidi all go
by ``lang``, so every such run is marked. The script tells the language: Han characters are Chinese; Arabic
letters are Uyghur or Kazakh (which of the two, only the record knows: ``lang`` names it when it does).
"""

import re

from markupsafe import Markup, escape

# Han ideographs (with extensions and compatibility forms) and the CJK punctuation and full-width forms
# that only Chinese text uses here.
HAN = "\u2e80-\u2fdf\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
HAN_RE = re.compile(f"[{HAN}]")
# Arabic letters (base, supplement, extended-A, presentation forms).
ARABIC = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
ARABIC_RE = re.compile(f"[{ARABIC}]")
# A run of Chinese: Han characters, with the spaces, digits, Latin and neutral punctuation between them
# ("第12条", "周一至周五 10:00", "（村民）"), but never reaching into Arabic letters.
HAN_RUN_RE = re.compile(f"[(\\[]?[{HAN}](?:[^{ARABIC}<]*[{HAN}])?[)\\]）】」』。，、；：！？]*")
ARABIC_RUN_RE = re.compile(f"[{ARABIC}](?:[^{HAN}<]*[{ARABIC}])?")

ZH = "zh-Hans"


def script_of(text: str | None) -> str | None:
    """"Hans", "Arab", "mixed" (both), or None (neither: digits, Latin, nothing)."""
    if not text:
        return None
    han, arabic = HAN_RE.search(text) is not None, ARABIC_RE.search(text) is not None
    if han and arabic:
        return "mixed"
    return "Hans" if han else "Arab" if arabic else None


def page_is_chinese(page_lang: str) -> bool:
    """Whether a page's BCP 47 ``lang`` is Chinese."""
    return page_lang.split("-")[0] == "zh"


def span(text: str, lang: str, direction: str | None = None) -> Markup:
    """``text`` in an inline element marked with its language (and direction when given)."""
    attrs = Markup(' lang="%s"') % lang
    if direction:
        attrs += Markup(' dir="%s"') % direction
    return Markup("<span%s>%s</span>") % (attrs, escape(text))


def mark_runs(text: str, page_lang: str, arabic_lang: str = "ug") -> Markup:
    """Escaped ``text`` with every run in another language than the page marked.

    On a Uyghur or Kazakh page the Chinese runs inside a sentence ("…（村民）…") are marked ``zh-Hans``
    (and isolated, left to right, so their brackets and "。" stay with them); on a Chinese page the
    Arabic-script runs are marked ``arabic_lang``, right to left.
    """
    if page_is_chinese(page_lang):
        out, last = Markup(""), 0
        for m in ARABIC_RUN_RE.finditer(text):
            out += escape(text[last:m.start()]) + span(m.group(0), arabic_lang, "rtl")
            last = m.end()
        return out + escape(text[last:])
    out, last = Markup(""), 0
    for m in HAN_RUN_RE.finditer(text):
        out += escape(text[last:m.start()]) + span(m.group(0), ZH, "ltr")
        last = m.end()
    return out + escape(text[last:])


# A left-to-right token inside a sentence: a staffing formula ("1+1+2+N"), a time range ("10:00–14:00"), a phone
# number ("0909-2231348"): Latin letters and digits joined by "+", "-", "–", ":" or "/".
LTR_TOKEN_RE = re.compile(r"[0-9A-Za-z]+(?:[+\-–:/][0-9A-Za-z]+)+")


def ltr_tokens(text: str, page_lang: str) -> Markup:
    """Escaped ``text`` (a translated sentence) with its left-to-right tokens isolated and kept on one line when
    the page is right to left: in Uyghur "1+1+2+N" would otherwise read "N+2+1+1" and "0909-2231348" could break
    after its hyphen."""
    if page_is_chinese(page_lang):
        return escape(text)
    out, last = Markup(""), 0
    for m in LTR_TOKEN_RE.finditer(text):
        out += escape(text[last:m.start()]) + Markup('<bdi dir="ltr" class="nobr">%s</bdi>') % m.group(0)
        last = m.end()
    return out + escape(text[last:])


def _foreign(text: str, page_lang: str, lang: str | None) -> tuple[str | None, str | None]:
    """``text``'s script, and the language to mark it with when it is all in one script other than the page's
    (Chinese on a Uyghur or Kazakh page; Arabic script on a Chinese page: ``lang``, else Uyghur)."""
    script = script_of(text)
    chinese_page = page_is_chinese(page_lang)
    if script == "Hans" and not chinese_page:
        return script, ZH
    if script == "Arab" and chinese_page:
        return script, lang or "ug"
    return script, None


def user_text(value, page_lang: str, lang: str | None = None) -> Markup:
    """Data shown on a page (a name, an address, what someone typed), isolated and marked.

    Always in a ``<bdi>`` (a name in one direction inside a sentence in the other stays whole). Text all
    in one script other than the page's carries that language on the ``<bdi>``; mixed text has its foreign
    runs marked inside. ``lang`` is the record's own language when known (``kk-Arab`` for a Kazakh name).
    """
    if value is None or value == "":
        return Markup("")
    text = str(value)
    script, foreign = _foreign(text, page_lang, lang)
    if foreign:
        return Markup('<bdi lang="%s" dir="%s">%s</bdi>') % (foreign, "ltr" if foreign == ZH else "rtl", text)
    if script == "mixed":
        return Markup('<bdi dir="auto">%s</bdi>') % mark_runs(text, page_lang, lang or "ug")
    return Markup('<bdi dir="auto">%s</bdi>') % text


FSI, LRI, RLI, PDI = "\u2068", "\u2066", "\u2067", "\u2069"


# Text longer than this is laid out as a block of its own (it may run over a page break); shorter text as an
# inline-block, which keeps its place in a line but cannot be split over two pages.
PARAGRAPH = 80


def _isolated_span(text: str, lang: str, first: str) -> Markup:
    # The isolates go inside the element: WeasyPrint reorders each inline box on its own, so an FSI before a
    # <span> and its PDI after it would isolate nothing ("（2026）营盘…第4号" printed "营盘…第4号（2026）").
    # The isolates hold only within a line, though: WeasyPrint lays out what follows a line break as a new
    # paragraph in the page's direction, so a Chinese paragraph wrapped in a Uyghur PDF printed its second line
    # right to left ("…第12" / "。条"). The run is therefore a box of its own direction, whose lines are all
    # laid out its way.
    direction = "ltr" if lang == ZH else "rtl"
    display = "block" if len(text) > PARAGRAPH else "inline-block"
    return Markup('<span lang="%s" dir="%s" style="display:%s">%s</span>') % (lang, direction, display,
                                                                           first + text + PDI)


def print_text(value, page_lang: str, lang: str | None = None, first: str = FSI) -> Markup:
    """Data in a PDF: ``user_text``'s counterpart for WeasyPrint, which has no ``unicode-bidi``. The text is
    isolated by characters (FSI…PDI, or LRI…PDI for numbers and codes: ``first``) so a Chinese name in a Uyghur
    line keeps its "·" and brackets in place, and marked with its language where it differs from the page's
    (fonts, line breaking and WCAG 3.1.2 go by ``lang``). In mixed text each foreign run is isolated and marked
    on its own ("…第12条。" keeps its full stop)."""
    if value is None or value == "":
        return Markup("")
    text = str(value)
    script, foreign = _foreign(text, page_lang, lang)
    if foreign:
        return _isolated_span(text, foreign, first)
    if script != "mixed":
        return escape(first + text + PDI)
    runs, foreign, run_first = ((ARABIC_RUN_RE, lang or "ug", RLI) if page_is_chinese(page_lang)
                                else (HAN_RUN_RE, ZH, LRI))
    out, last = Markup(""), 0
    for m in runs.finditer(text):
        out += escape(text[last:m.start()]) + _isolated_span(m.group(0), foreign, run_first)
        last = m.end()
    return out + escape(text[last:])
