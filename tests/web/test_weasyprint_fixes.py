"""web/weasyprint_fixes.py fails safe: whatever stops the fix, WeasyPrint stays stock and PDFs print.

The fix rewrites one condition in WeasyPrint's source at run time. Each test here breaks one thing the
rewrite needs (the source, the version, the condition, the rewritten code) and checks what a user
would see: a PDF that prints, in Uyghur too, its text extractable, and one warning in the log.
"""

import inspect
import logging
import traceback
import types

import pytest
import weasyprint
from weasyprint.layout import inline

from gongfa.web import weasyprint_fixes
from gongfa.web.pdf import html_to_pdf

from .test_pdf import pdftotext

LOGGER = weasyprint_fixes.__name__
HTML = ('<html lang="ug" dir="rtl"><body><p>ئادۋوكات ھەر ئايدا بىر قېتىم كېلىدۇ</p>'
        '<p lang="zh-Hans" dir="ltr">村居律师月月见</p></body></html>')


@pytest.fixture
def untried(monkeypatch):
    """WeasyPrint stock and the fix not tried yet in this process, as in a fresh worker; restored afterwards."""
    # Alembic's env.py (logging.config.fileConfig) disables the loggers that exist when a migration test runs.
    monkeypatch.setattr(weasyprint_fixes.log, "disabled", False)
    weasyprint_fixes.apply()
    stock = weasyprint_fixes.stock_get_next_linebox or inline.get_next_linebox
    monkeypatch.setattr(inline, "get_next_linebox", stock)
    monkeypatch.setattr(weasyprint_fixes, "stock_get_next_linebox", None)
    monkeypatch.setattr(weasyprint_fixes, "_applied", None)
    return stock


def _no_source_files(monkeypatch, tmp_path):
    """An install without .py files (only .pyc): inspect finds no source file."""
    monkeypatch.setattr(inspect, "getsourcefile", lambda obj: None)


def _source_raises(error):
    def breakage(monkeypatch, tmp_path):
        def refuse(obj):
            raise error("source code not available")

        monkeypatch.setattr(inspect, "getsource", refuse)
        monkeypatch.setattr(inspect, "getsourcelines", refuse)
    return breakage


def _another_version(monkeypatch, tmp_path):
    monkeypatch.setattr(weasyprint, "__version__", "71.0")


def _rewritten(source: str) -> str:
    return source.replace("== 'ltr'", "!= 'rtl'")


def _condition_rewritten_upstream(monkeypatch, tmp_path):
    """A WeasyPrint whose get_next_linebox (its file and the code that runs) no longer has that condition."""
    lines, first_line = inspect.getsourcelines(inline.get_next_linebox)
    path = tmp_path / "inline.py"
    path.write_text("\n" * (first_line - 1) + _rewritten("".join(lines)))
    code = next(c for c in compile(path.read_text(), str(path), "exec").co_consts if isinstance(c, types.CodeType))
    monkeypatch.setattr(inline, "get_next_linebox", types.FunctionType(code, vars(inline)))


def _source_is_not_what_runs(monkeypatch, tmp_path):
    """inline.py changed on disk after it was imported (an upgrade under a running worker)."""
    real_lines, real_source = inspect.getsourcelines, inspect.getsource

    def lines(obj):
        found, first_line = real_lines(obj)
        return [_rewritten(line) for line in found], first_line

    monkeypatch.setattr(inspect, "getsourcelines", lines)
    monkeypatch.setattr(inspect, "getsource", lambda obj: _rewritten(real_source(obj)))


def _fix_does_not_compile(monkeypatch, tmp_path):
    monkeypatch.setattr(weasyprint_fixes, "_FIXED", weasyprint_fixes._FIXED.replace("if ", "if (", 1))


def _fix_shifts_lines(monkeypatch, tmp_path):
    """A rewrite with a line more would put every later line of the function one off in tracebacks."""
    monkeypatch.setattr(weasyprint_fixes, "_FIXED", "        pass\n" + weasyprint_fixes._FIXED)


@pytest.mark.parametrize(("breakage", "reason"), [
    pytest.param(_no_source_files, "no source", id="no .py files"),
    pytest.param(_source_raises(OSError), "no source", id="getsource OSError"),
    pytest.param(_source_raises(TypeError), "no source", id="getsource TypeError"),
    pytest.param(_another_version, "this is 71.0", id="another WeasyPrint version"),
    pytest.param(_condition_rewritten_upstream, "not the code the fix was written for", id="condition changed"),
    pytest.param(_source_is_not_what_runs, "not the code that runs", id="source changed on disk"),
    pytest.param(_fix_does_not_compile, "SyntaxError", id="fix does not compile"),
    pytest.param(_fix_shifts_lines, "number of lines", id="fix shifts lines"),
])
def test_whatever_stops_the_fix_weasyprint_stays_stock_and_pdfs_print(app, untried, monkeypatch, tmp_path, caplog,
                                                                      breakage, reason):
    breakage(monkeypatch, tmp_path)
    stock = inline.get_next_linebox
    with caplog.at_level(logging.WARNING, logger=LOGGER), app.test_request_context():
        pdf = html_to_pdf(HTML)
        again = html_to_pdf(HTML)
    assert inline.get_next_linebox is stock
    assert weasyprint_fixes.apply() is False
    assert weasyprint_fixes.stock_get_next_linebox is None
    warnings = [r for r in caplog.records if r.name == LOGGER]
    assert [r.levelno for r in warnings] == [logging.WARNING], "one warning per process, not one per PDF"
    assert "right-to-left PDFs are laid out twice" in warnings[0].getMessage()
    assert reason in warnings[0].getMessage()
    for printed in (pdf, again):
        text = pdftotext(printed)
        assert "ئادۋوكاتھەرئايدابىرقېتىمكېلىدۇ" in text and "村居律师月月见" in text


def test_with_the_pinned_weasyprint_the_fix_applies_quietly(app, untried, caplog):
    with caplog.at_level(logging.DEBUG, logger=LOGGER), app.test_request_context():
        pdf = html_to_pdf(HTML)
    assert weasyprint.__version__ == weasyprint_fixes.WRITTEN_FOR, "pyproject.toml pins the release the fix is for"
    assert weasyprint_fixes.apply() is True
    assert weasyprint_fixes.stock_get_next_linebox is untried
    assert inline.get_next_linebox is not untried
    assert not [r for r in caplog.records if r.name == LOGGER and r.levelno >= logging.WARNING]
    assert "ئادۋوكاتھەرئايدابىرقېتىمكېلىدۇ" in pdftotext(pdf)


def _frame_of_get_next_linebox(get_next_linebox, monkeypatch):
    """The traceback entry of ``get_next_linebox`` when the line layout it calls fails."""
    def broken_split_inline_box(*args, **kwargs):
        raise RuntimeError("line layout failed")

    with monkeypatch.context() as m:
        m.setattr(inline, "get_next_linebox", get_next_linebox)
        m.setattr(inline, "split_inline_box", broken_split_inline_box)
        with pytest.raises(RuntimeError, match="line layout failed") as info:
            weasyprint.HTML(string='<p dir="rtl">ئادۋوكات</p>').render()
    frames = [f for f in traceback.extract_tb(info.value.__traceback__) if f.name == "get_next_linebox"]
    assert len(frames) == 1
    return frames[0]


def test_a_traceback_through_the_fix_names_weasyprints_own_file_and_line(monkeypatch):
    assert weasyprint_fixes.apply(), "the fix no longer applies to this WeasyPrint"
    stock = _frame_of_get_next_linebox(weasyprint_fixes.stock_get_next_linebox, monkeypatch)
    fixed = _frame_of_get_next_linebox(inline.get_next_linebox, monkeypatch)
    assert stock.filename == inline.__file__ and "= split_inline_box(" in stock.line
    assert (fixed.filename, fixed.lineno, fixed.line) == (stock.filename, stock.lineno, stock.line)
