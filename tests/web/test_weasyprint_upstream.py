"""The WeasyPrint defect that web/weasyprint_fixes.py works around, reproduced with stock WeasyPrint alone.

Stock ``get_next_linebox`` lays every right-to-left line out twice and every left-to-right line once
(the docstring of web/weasyprint_fixes.py explains why and holds the text of the issue to file upstream).
The first test watches stock WeasyPrint: the day a release lays right-to-left lines out once, it fails with
"upstream fixed: drop weasyprint_fixes". The others check the fix: once, and every box in the same place.
"""

import pytest
import weasyprint
from weasyprint.formatting_structure import boxes
from weasyprint.layout import inline

from gongfa.web import weasyprint_fixes

WORDS = "سالام دۇنيا " * 12  # Uyghur, seven lines at 40 mm


def paragraph(direction: str) -> str:
    return f'<p dir="{direction}" style="width: 40mm">{WORDS}</p>'


def lay_out(monkeypatch, get_next_linebox, html: str) -> tuple[int, list]:
    """Lay ``html`` out with ``get_next_linebox``: (times a whole line was laid out, the line boxes made)."""
    layouts = []
    real = inline.split_inline_box

    def counting(context, box, *args, **kwargs):
        if isinstance(box, boxes.LineBox):  # not the inline boxes of the line, which it lays out recursively
            layouts.append(box)
        return real(context, box, *args, **kwargs)

    with monkeypatch.context() as m:
        m.setattr(inline, "get_next_linebox", get_next_linebox)
        m.setattr(inline, "split_inline_box", counting)
        document = weasyprint.HTML(string=html).render()
    lines = [b for page in document.pages for b in page._page_box.descendants() if isinstance(b, boxes.LineBox)]
    return len(layouts), lines


def geometry(lines: list) -> list:
    """Where every box of these lines is, and what text it holds."""
    return [(type(b).__name__, b.position_x, b.position_y, b.width, b.height, getattr(b, "text", None))
            for line in lines for b in line.descendants()]


def stock_get_next_linebox():
    weasyprint_fixes.apply()
    return weasyprint_fixes.stock_get_next_linebox or inline.get_next_linebox


def test_stock_weasyprint_lays_each_right_to_left_line_out_twice(monkeypatch):
    stock = stock_get_next_linebox()
    layouts, lines = lay_out(monkeypatch, stock, paragraph("ltr"))
    assert len(lines) >= 3 and layouts == len(lines)
    layouts, lines = lay_out(monkeypatch, stock, paragraph("rtl"))
    assert len(lines) >= 3
    assert layouts != len(lines), (
        f"upstream fixed: drop weasyprint_fixes (WeasyPrint {weasyprint.__version__} lays right-to-left lines out "
        "once: delete gongfa/web/weasyprint_fixes.py, its apply() call in gongfa/web/pdf.py and its tests)")
    assert layouts == 2 * len(lines)


@pytest.mark.parametrize("direction", ["rtl", "ltr"])
def test_with_the_fix_each_line_is_laid_out_once_and_lands_in_the_same_place(monkeypatch, direction):
    stock = stock_get_next_linebox()
    assert weasyprint_fixes.apply(), f"the fix no longer applies to WeasyPrint {weasyprint.__version__}"
    layouts, lines = lay_out(monkeypatch, inline.get_next_linebox, paragraph(direction))
    assert len(lines) >= 3 and layouts == len(lines)
    assert geometry(lines) == geometry(lay_out(monkeypatch, stock, paragraph(direction))[1])


@pytest.mark.parametrize("direction", ["rtl", "ltr"])
def test_beside_a_float_the_fix_lays_lines_out_as_stock_does(monkeypatch, direction):
    """Floats can move a line, so there the fix keeps WeasyPrint's second look: same passes, same places."""
    stock = stock_get_next_linebox()
    assert weasyprint_fixes.apply()
    html = (f'<div dir="{direction}" style="width: 60mm"><div style="float: inline-start; width: 20mm; '
            f'height: 12mm"></div><p>{WORDS}</p></div>')
    fixed_layouts, fixed_lines = lay_out(monkeypatch, inline.get_next_linebox, html)
    stock_layouts, stock_lines = lay_out(monkeypatch, stock, html)
    assert fixed_layouts == stock_layouts and len(stock_lines) >= 3
    if direction == "rtl":
        assert fixed_layouts > len(fixed_lines), "right-to-left lines beside a float keep their second pass"
    assert geometry(fixed_lines) == geometry(stock_lines)
