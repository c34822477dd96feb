"""Strict PDFs: only our fonts, every character covered, nothing fetched from outside static/."""

import re
import subprocess

import pytest

from gongfa.web.pdf import FetchRefusedError, PdfFontError, embedded_fonts, html_to_pdf, static_only_fetcher

BIDI = re.compile(r"[\s\u202a-\u202e\u200e\u200f\u2066-\u2069]")


def pdftotext(pdf: bytes) -> str:
    """Text layer as poppler extracts it, without bidi marks and spaces."""
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return BIDI.sub("", out.decode())


SAMPLE = ('<html lang="zh-Hans"><body><h1>村居律师月月见</h1>'
          '<p lang="ug" dir="rtl">ئادۋوكات ھەر ئايدا بىر قېتىم كېلىدۇ</p>'
          '<p lang="kk-Arab" dir="rtl">ادۆوكات ايىنا ءبىر رەت كەلەدى</p>'
          '<p>阿依古丽·买买提 𠀾</p></body></html>')


def test_three_scripts_print_and_extract_back(app):
    with app.test_request_context():
        pdf = html_to_pdf(SAMPLE)
    assert pdf.startswith(b"%PDF-")
    text = pdftotext(pdf)
    for expected in ("村居律师月月见", "ئادۋوكاتھەرئايدابىرقېتىمكېلىدۇ", "ادۆوكاتايىناءبىررەتكەلەدى",
                     "阿依古丽·买买提"):
        assert expected in text
    fonts = embedded_fonts(pdf)
    assert fonts and all(re.match(r"^/?[A-Z]{6}\+App-(CJK|Arabic)(-Bold)?$", f) for f in fonts)


def test_a_character_no_font_covers_fails_instead_of_printing_tofu(app):
    with app.test_request_context(), pytest.raises(PdfFontError, match=r"U\+1F600"):
        html_to_pdf("<p>满意 😀</p>")


def test_external_and_local_files_are_refused(app):
    with app.test_request_context():
        for url in ("http://example.com/x.png", "file:///etc/passwd", "ftp://x/y"):
            with pytest.raises(FetchRefusedError):
                static_only_fetcher(url)
        # The page still renders; the image is simply not fetched.
        pdf = html_to_pdf('<p>图片<img src="file:///etc/passwd"><img src="http://example.com/a.png"></p>')
    assert pdf.startswith(b"%PDF-")


def test_the_collector_setting_for_pdfs_does_not_outlive_the_render(app, monkeypatch):
    """PDFs collect garbage less often while WeasyPrint works; the worker's other requests keep the default."""
    import gc

    import weasyprint

    original = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    before = gc.get_threshold()
    seen = []
    real_write_pdf = weasyprint.HTML.write_pdf

    def spy(self, *args, **kwargs):
        seen.append(gc.get_threshold())
        return real_write_pdf(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", spy)
    with app.test_request_context():
        html_to_pdf(SAMPLE)
        assert seen[0][0] >= 50_000 and gc.get_threshold() == before

        def broken(self, *args, **kwargs):
            raise RuntimeError("WeasyPrint failed")

        monkeypatch.setattr(weasyprint.HTML, "write_pdf", broken)
        with pytest.raises(RuntimeError):
            html_to_pdf(SAMPLE)
    after = gc.get_threshold()
    gc.set_threshold(*original)
    assert after == before


@pytest.mark.parametrize(("lang", "direction"), [("ug", "rtl"), ("zh-Hans", "ltr")])
def test_lines_are_laid_out_once_and_print_exactly_as_before(app, monkeypatch, lang, direction):
    """web/weasyprint_fixes.py: WeasyPrint 70 lays every right-to-left line out twice; ours once, same PDF."""
    from weasyprint.layout import inline

    from gongfa.web import weasyprint_fixes

    rows = "".join(f"<tr><td>{i}</td><td>ئائىلە ماجىراسى توغرىسىدا مەسلىھەت بېرىلدى، \u2068营盘社区·阿依古丽\u2069 "
                   f"ئۆيدە {i} قېتىم</td></tr>" for i in range(40))
    html = f'<html lang="{lang}" dir="{direction}"><body><table style="width:60mm">{rows}</table></body></html>'
    passes = []

    def render(get_next_linebox):
        monkeypatch.setattr(inline, "get_next_linebox", get_next_linebox)
        real = get_next_linebox.__globals__["split_inline_box"]
        monkeypatch.setitem(get_next_linebox.__globals__, "split_inline_box",
                            lambda *a, **kw: passes.append(1) or real(*a, **kw))
        passes.clear()
        pdf = html_to_pdf(html)
        monkeypatch.setitem(get_next_linebox.__globals__, "split_inline_box", real)
        return pdf, len(passes)

    with app.test_request_context():
        html_to_pdf(html)
        assert weasyprint_fixes.stock_get_next_linebox is not None, "the fix no longer applies to this WeasyPrint"
        fixed = inline.get_next_linebox
        stock_pdf, stock_passes = render(weasyprint_fixes.stock_get_next_linebox)
        fixed_pdf, fixed_passes = render(fixed)
    assert fixed_pdf == stock_pdf
    assert fixed_passes >= 80  # two lines or more per cell at this width
    assert stock_passes == (2 * fixed_passes if direction == "rtl" else fixed_passes)
