"""render_pdf(): WeasyPrint from Jinja templates, strict about fonts and about what it may fetch.

Strict means a PDF with tofu or blank glyphs is an error, not a print (research/pdf-fonts.md §2e):
1. before rendering, every character of the HTML's text must be in one of our fonts' cmaps;
2. WeasyPrint's ``.notdef`` / font-load warnings during rendering raise;
3. afterwards the PDF may embed only our fonts (no silent fontconfig fallback).

Forms refuse characters no font prints (web/forms.py), but records written before that, or straight into
the database, may still hold one. ``render_pdf`` prints each such character as 〓 (U+3013 GETA MARK, the
printers' sign for a missing character) and says on the document how many there are, instead of failing.
"""

import gc
import io
import logging
import re
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlparse

from flask import after_this_request, current_app, g, has_request_context, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from gongfa.i18n import LOCALES, locale_info
from gongfa.web.fonts import FONT_DIR, FONTS, FontMissingError, covered, unprintable


class PdfFontError(RuntimeError):
    """A character or font problem that would print wrongly."""


class FetchRefusedError(ValueError):
    """The PDF asked for something outside static/."""


def font_face_css() -> str:
    """@font-face rules naming our font files (never a generic family: DESIGN §2)."""
    rules = []
    for family, weights in FONTS.items():
        for weight, name in weights.items():
            uri = (FONT_DIR / name).as_uri()
            rules.append(f'@font-face {{ font-family: "{family}"; src: url("{uri}"); font-weight: {weight}; }}')
    return "\n".join(rules)


_TAG_RE = re.compile(r"<[^>]+>")
_TITLE_RE = re.compile(r"<title>.*?</title>", re.S)  # document metadata, not printed: no font needed


def _printed_text(html: str) -> str:
    import html as html_lib

    return html_lib.unescape(_TAG_RE.sub(" ", _TITLE_RE.sub("", html)))


def uncovered_chars(html: str) -> list[str]:
    """Characters of the HTML's printed text that no bundled font can draw, sorted."""
    try:
        if not unprintable(html):  # the whole document, tags included, in one quick pass
            return []
        return sorted(unprintable(_printed_text(html)))
    except FontMissingError as error:
        raise PdfFontError(str(error)) from error


PLACEHOLDER = "\u3013"  # 〓 GETA MARK
# Where a template wants the note about characters that could not be printed; render_pdf fills it in.
NOTE_MARK = Markup("<!--gongfa:unprintable-note-->")
_PIECES_RE = re.compile(r"(<title>.*?</title>|<[^>]*>)", re.S)


def _note(count: int) -> str:
    # i18n: printed at the top of a PDF (or of one village's volume) when old records hold characters, such as
    # emoji, that no print font has; 〓 is the sign printers use for a missing character.
    text = _("以下内容中有 %(n)d 个字符无法打印，已用“〓”代替；原文以系统中的记录为准。", n=count)
    return f'<p class="unprintable-note">{escape(text)}</p>'


def printable_html(html: str) -> tuple[str, int]:
    """Replace every character no font prints by 〓 in the text of ``html`` and fill in the note marks.

    A note counts the characters replaced from its mark to the next one (the first mark also those before
    it), so each village's volume in an inspection print carries its own count. A document with no mark gets
    its note at the top of the body. Tags, attribute values and the title (metadata) are left as they are.
    Returns the HTML and how many characters were replaced.
    """
    points = covered()
    bad = [ch for ch in set(html) if ord(ch) not in points]
    if not bad:  # nearly always: one pass over the document, nothing to replace
        return html.replace(NOTE_MARK, ""), 0
    bad_re = re.compile("[" + "".join(map(re.escape, bad)) + "]")
    sections: list[list[str]] = [[]]
    counts = [0]
    for piece in _PIECES_RE.split(html):
        if piece == NOTE_MARK:
            sections.append([])
            counts.append(0)
            continue
        if not piece.startswith("<"):
            piece, replaced = bad_re.subn(PLACEHOLDER, piece)
            counts[-1] += replaced
        sections[-1].append(piece)
    total = sum(counts)
    if len(counts) > 1:
        counts[1] += counts[0]
        counts[0] = 0
    out = "".join(sections[0]) + "".join((_note(n) if n else "") + "".join(section)
                                         for section, n in zip(sections[1:], counts[1:], strict=True))
    if counts[0]:
        out, found = re.subn(r"<body[^>]*>", lambda m: m.group(0) + _note(counts[0]), out, count=1)
        if not found:
            out = _note(counts[0]) + out
    return out, total


def static_only_fetcher(url: str):
    """Fetch ``url`` only if it is a data: URI or a file under static/ (fonts included)."""
    return _fetcher()(url)


def _fetcher():
    from weasyprint.urls import URLFetcher

    static_root = Path(current_app.static_folder).resolve()

    class StaticOnlyFetcher(URLFetcher):
        """WeasyPrint fetcher that refuses http(s), ftp and files outside static/."""

        def fetch(self, url, headers=None):
            if not url.startswith("data:"):
                parsed = urlparse(url)
                if parsed.scheme != "file" or not Path(unquote(parsed.path)).resolve().is_relative_to(static_root):
                    raise FetchRefusedError(url)
            return super().fetch(url, headers)

    return StaticOnlyFetcher(allowed_protocols=("file", "data"), allow_redirects=False)


class _Collector(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.problems: list[str] = []

    def emit(self, record):
        message = record.getMessage()
        if ".notdef" in message or ("Font-face" in message and "cannot be loaded" in message):
            self.problems.append(message)


ALLOWED_FONT_RE = re.compile(r"^/?[A-Z]{6}\+App-(CJK|Arabic|Mongolian)(-Bold)?$")


def embedded_fonts(pdf: bytes) -> set[str]:
    """BaseFont names of every font the PDF embeds."""
    from pypdf import PdfReader

    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for ref in fonts.values():
            names.add(str(ref.get_object().get("/BaseFont")))
    return names


# WeasyPrint builds a few hundred thousand objects per ledger, nearly all alive until the PDF is written.
# With Python's default threshold (700) the collector runs ~280 times per 14-page volume and rescans them,
# about a fifth of the render (0.31 s of 1.6 s measured with gc.callbacks on a 100-entry volume).
PDF_GC_THRESHOLD = 50_000


_gc_lock = threading.Lock()
_gc_renders = 0  # PDFs being rendered by this process's threads (gunicorn runs two per worker)
_gc_saved = gc.get_threshold()


@contextmanager
def _fewer_collections():
    """Collect young objects less often while WeasyPrint works; the last render to finish restores the
    process's thresholds (a thread's own restore would cut a parallel render short, or keep 50 000)."""
    global _gc_renders, _gc_saved
    with _gc_lock:
        if _gc_renders == 0:
            _gc_saved = gc.get_threshold()
            gc.set_threshold(max(_gc_saved[0], PDF_GC_THRESHOLD), *_gc_saved[1:])
        _gc_renders += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_renders -= 1
            if _gc_renders == 0:
                gc.set_threshold(*_gc_saved)


def _collect_after_sending(response):
    """What the render left behind is freed once the PDF has gone out, not while the user waits for it.

    With the higher threshold the collector may otherwise not get to it before the next PDF, and two
    renders' garbage at once would lift a worker from ~245 MB to ~290 MB (bench/ledger_pdf.py).
    """
    if response.direct_passthrough:  # send_file: werkzeug hands the file to the server and skips call_on_close
        from werkzeug.wsgi import ClosingIterator

        response.response = ClosingIterator(response.response, gc.collect)
    else:
        response.call_on_close(gc.collect)
    return response


def html_to_pdf(html: str) -> bytes:
    """Render HTML to PDF bytes, strictly (see module docstring)."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from gongfa.web import weasyprint_fixes

    weasyprint_fixes.apply()

    missing = uncovered_chars(html)
    if missing:
        listed = ", ".join(f"{ch!r} U+{ord(ch):04X}" for ch in missing[:10])
        raise PdfFontError(f"no bundled font covers: {listed}")
    static_root = Path(current_app.static_folder)
    fetcher = _fetcher()
    font_config = FontConfiguration()
    stylesheets = [
        CSS(string=font_face_css(), font_config=font_config),
        CSS(filename=str(static_root / "css" / "pdf.css"), font_config=font_config, url_fetcher=fetcher),
    ]
    collector = _Collector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    try:
        with _fewer_collections():
            pdf = HTML(string=html, base_url=static_root.as_uri() + "/", url_fetcher=fetcher).write_pdf(
                stylesheets=stylesheets, font_config=font_config)
    finally:
        logger.removeHandler(collector)
    if has_request_context() and not g.get("pdf_collect_registered"):
        g.pdf_collect_registered = True
        after_this_request(_collect_after_sending)
    if collector.problems:
        raise PdfFontError("; ".join(collector.problems[:5]))
    unexpected = {n for n in embedded_fonts(pdf) if not ALLOWED_FONT_RE.match(n)}
    if unexpected:
        raise PdfFontError(f"PDF embeds fallback fonts: {sorted(unexpected)}")
    return pdf


WARM_UP_HTML = ('<html lang="zh-Hans"><body class="ledger"><table class="grid"><thead><tr><th>公法</th>'
                '<th lang="ug" dir="rtl">ئادۋوكات</th></tr></thead><tbody><tr><td>公法 1</td>'
                '<td lang="kk-Arab" dir="rtl">ادۆوكات 1</td><td>ᠪᠣᠷᠲᠠᠯ\u180eᠠ</td></tr></tbody></table></body></html>')


def warm_up() -> None:
    """Load WeasyPrint, the WeasyPrint fix, the font coverage table and every font file (regular and bold, the
    three scripts, in a ledger table) once, so a worker's first ledger prints as fast as the rest."""
    html_to_pdf(WARM_UP_HTML)


def render_pdf(template: str, **ctx) -> bytes:
    """Render a Jinja template (translations and filters work) and make a strict PDF of it.

    A character no font prints, held by an older record, prints as 〓 with a note (``NOTE_MARK`` in the
    template says where) rather than failing the whole document.
    """
    html, _count = printable_html(render_template(template, unprintable_note=NOTE_MARK, **ctx))
    return html_to_pdf(html)


def render_pdf_in(lang: str | None, template: str, **ctx) -> bytes:
    """The same, in ``lang`` (one of LOCALES; otherwise the reader's language), with ``info`` for <html lang dir>.

    A print is often for someone else than the reader: a village's notice in Uyghur, a case file in Kazakh.
    """
    from gongfa.web.rendering import current_locale_code

    lang = lang if lang in LOCALES else current_locale_code()
    with force_locale(lang):
        return render_pdf(template, info=locale_info(lang), **ctx)
