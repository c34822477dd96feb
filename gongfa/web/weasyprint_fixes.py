"""A fix for WeasyPrint (pinned 70.0) that halves the line layout of right-to-left PDFs.

``weasyprint.layout.inline.get_next_linebox`` lays a line out, then repeats the layout until the
line's position no longer changes because of floats. For left-to-right text it compares left edges
and stops after one pass. For right-to-left text it compares right edges, taking the line box's width
from before the layout, which is 0 on the first pass. So every line of a Uyghur or Kazakh PDF is laid
out twice, even on pages without floats. Those passes are about a third of a 100-entry Uyghur village
volume: 1.5–2.1 s before the fix and 1.25–1.65 s after (bench/ledger_pdf.py).

The fix stops after the first pass when the page has no floats, as left-to-right already does. With no
floats the second pass starts from the same position and lays out the same line, so the PDF is
byte-for-byte the same (tests/web/test_pdf.py checks that in both directions).

How it is applied, and how it fails safe. ``apply()`` rewrites that one condition in the function's
source and compiles it under WeasyPrint's own file name and line numbers, into WeasyPrint's module
namespace: a traceback through the fixed function names the real line of ``weasyprint/layout/inline.py``,
and whatever patches that module later (a test's spy) reaches the fixed function too. It does so only if
every check holds: the installed WeasyPrint is the release the fix was written for (``WRITTEN_FOR``,
pinned in pyproject.toml), its source can be read (an install may ship only ``.pyc`` files), that source
compiles back to exactly the code that runs, the condition is there once, and the rewrite keeps the line
count. If anything fails (or raises), WeasyPrint is left as it is and one warning is logged: PDFs print
the same, right-to-left ones only slower (tests/web/test_weasyprint_fixes.py breaks each check).

Upstream. WeasyPrint's tracker has no issue for this (searched December 2026: its right-to-left and
performance issues, and ``get_next_linebox``). tests/web/test_weasyprint_upstream.py is the minimal
reproduction, with stock WeasyPrint only; it fails with "upstream fixed: drop weasyprint_fixes" the day a
release lays right-to-left lines out once. Then delete this module, its ``apply()`` call in web/pdf.py and
its tests. The issue to file:

    Title: Every right-to-left line is laid out twice (get_next_linebox compares against a width of 0)

    WeasyPrint 70.0. In ``layout/inline.py``, ``get_next_linebox`` repeats the layout of a line until
    ``condition`` holds. For ``direction: rtl`` the condition compares right edges,
    ``position_x + line.width`` with ``original_position_x + original_width``, but ``original_width`` is
    ``linebox.width`` from before the pass, which is 0 when there are no floats
    (``linebox.width = linebox.height = 0``). The first pass therefore never satisfies it, and each line is
    laid out a second time (it then stops only because ``line.height <= candidate_height``). For
    ``direction: ltr`` the left edges are compared and one pass is enough.

        from weasyprint import HTML
        from weasyprint.layout import inline

        layouts = []
        real = inline.split_inline_box
        def counting(context, box, *args, **kwargs):
            layouts.append(box)
            return real(context, box, *args, **kwargs)
        inline.split_inline_box = counting
        for direction in ("ltr", "rtl"):
            layouts.clear()
            html = f'<p dir="{direction}" style="width: 40mm">{"سالام دۇنيا " * 12}</p>'
            page = HTML(string=html).render().pages[0]._page_box
            lines = [box for box in page.descendants() if type(box).__name__ == "LineBox"]
            print(direction, len(lines), "lines laid out", len(layouts), "times")
        # ltr 7 lines laid out 7 times
        # rtl 7 lines laid out 14 times

    Expected: as many passes as lines in both directions. The second pass starts from the same position
    and lays out the same line, so the PDF is the same; only the time differs (a third of the layout of
    a 15-page Uyghur table). A fix that keeps every PDF byte for byte: stop after the first pass when
    there are no floats (``not excluded_shapes``), as the left-to-right comparison already does.
"""

import inspect
import logging
import threading
import types

log = logging.getLogger(__name__)

WRITTEN_FOR = "70.0"  # the WeasyPrint release whose get_next_linebox the fix was written for and checked on

# The condition, and the fixed one: as many lines, so the function's later lines keep their numbers.
_CONDITION = """        if containing_block.style['direction'] == 'ltr':
            condition = (position_x, position_y) == (
                original_position_x, original_position_y)"""
_FIXED = """        if not excluded_shapes or containing_block.style['direction'] == 'ltr':
            condition = not excluded_shapes or (position_x, position_y) == (  # gongfa.web.weasyprint_fixes: no floats
                original_position_x, original_position_y)"""

stock_get_next_linebox = None  # the original, kept for the tests that compare the two
_applied: bool | None = None  # None: not tried yet in this process
_lock = threading.Lock()  # gunicorn's two threads per worker may print their first PDFs together


def apply() -> bool:
    """Patch ``get_next_linebox`` once per process; True if the fix is in place. Never raises."""
    global _applied
    with _lock:
        if _applied is None:
            try:
                why_not = _patch()
            except Exception as error:  # anything unforeseen: print with WeasyPrint as it is
                why_not = f"{type(error).__name__}: {error}"
            if why_not:
                log.warning("WeasyPrint left as it is, right-to-left PDFs are laid out twice (slower): %s", why_not)
            _applied = why_not is None
        return _applied


def _patch() -> str | None:
    """Put the fix in place and return None, or leave WeasyPrint untouched and return why."""
    global stock_get_next_linebox
    import weasyprint
    from weasyprint.layout import inline

    if weasyprint.__version__ != WRITTEN_FOR:
        return f"the fix is for WeasyPrint {WRITTEN_FOR}, this is {weasyprint.__version__}"
    if _FIXED.count("\n") != _CONDITION.count("\n"):
        return "the fixed condition has another number of lines than the original"
    stock = inline.get_next_linebox
    try:
        lines, first_line = inspect.getsourcelines(stock)
    except (OSError, TypeError) as error:  # no .py files installed, or not a Python function
        return f"no source for get_next_linebox ({error})"
    source = "".join(lines)
    if _compiled(source, first_line, stock.__code__.co_filename) != stock.__code__:
        return "the source of get_next_linebox is not the code that runs"
    if source.count(_CONDITION) != 1:
        return "get_next_linebox is not the code the fix was written for"
    fixed_code = _compiled(source.replace(_CONDITION, _FIXED), first_line, stock.__code__.co_filename)
    fixed = types.FunctionType(fixed_code, vars(inline), stock.__name__, stock.__defaults__, stock.__closure__)
    fixed.__kwdefaults__ = stock.__kwdefaults__
    stock_get_next_linebox = stock
    inline.get_next_linebox = fixed
    return None


def _compiled(source: str, first_line: int, filename: str) -> types.CodeType:
    """The code of the one function defined in ``source``, as if read from line ``first_line`` of ``filename``."""
    module_code = compile("\n" * (first_line - 1) + source, filename, "exec", dont_inherit=True)
    (function_code,) = (c for c in module_code.co_consts if isinstance(c, types.CodeType))
    return function_code
