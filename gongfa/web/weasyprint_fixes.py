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

The fix rewrites that one condition in the function's source. If a WeasyPrint upgrade changes that
code, nothing is patched and a warning is logged: PDFs stay correct, only slower.
"""

import inspect
import logging
import threading

log = logging.getLogger(__name__)

_CONDITION = """        if containing_block.style['direction'] == 'ltr':
            condition = (position_x, position_y) == (
                original_position_x, original_position_y)"""
_FIXED = """        if not excluded_shapes and not context.excluded_shapes:
            condition = True  # gongfa.web.weasyprint_fixes: no floats, nothing can move the line
        elif containing_block.style['direction'] == 'ltr':
            condition = (position_x, position_y) == (
                original_position_x, original_position_y)"""

stock_get_next_linebox = None  # the original, kept for the test that compares the two
_applied: bool | None = None  # None: not tried yet in this process
_lock = threading.Lock()  # gunicorn's two threads per worker may print their first PDFs together


def apply() -> bool:
    """Patch ``get_next_linebox`` once per process; True if the fix is in place."""
    global _applied
    with _lock:
        if _applied is None:
            _applied = _patch()
        return _applied


def _patch() -> bool:
    global stock_get_next_linebox
    from weasyprint.layout import inline

    source = inspect.getsource(inline.get_next_linebox)
    if source.count(_CONDITION) != 1:
        log.warning("WeasyPrint's get_next_linebox changed; right-to-left PDFs are laid out twice (slower)")
        return False
    namespace = dict(vars(inline))
    exec(compile(source.replace(_CONDITION, _FIXED), inline.__file__, "exec"), namespace)  # noqa: S102
    stock_get_next_linebox = inline.get_next_linebox
    inline.get_next_linebox = namespace["get_next_linebox"]
    return True
