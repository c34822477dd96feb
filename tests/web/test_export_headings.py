"""Every workbook and PDF the app exports, in zh, ug and kk, read back: no gettext leftovers in what it says.

A Python ``gettext("满意率（%%）")`` without variables is not %-formatted (Flask-Babel formats only when given
variables), while Jinja's newstyle ``_()`` always is: the same catalog string printed "满意率（%%）" in the
quarterly workbook and "满意率（%）" in its PDF. These tests read each workbook back as a user would see it; every
PDF is read back in tests/web/test_pdf_typography.py.
"""

import ast
import re
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from freezegun import freeze_time
from openpyxl import load_workbook

from gongfa.db import db
from gongfa.duty.generation import create_rule, generate_all
from gongfa.duty.models import RuleKind
from gongfa.org import services as org
from tests.ledger.test_ledgers import NOW, _log

ROOT = Path(__file__).resolve().parents[2]
LANGS = ["zh-CN", "ug", "kk-CN"]
# "%%" and "%(" are catalog escapes or unfilled placeholders; "{" / "}" unfilled format fields.
LEFTOVER = re.compile(r"%%|%\(|%[sd]\b|\{|\}")


@pytest.fixture
def exported(world):
    """A quarter with logs, a Wednesday rule and a monthly visit, so every export has rows."""
    with freeze_time(NOW):
        create_rule(point=org.point_of(world.units["V1"]), kind=RuleKind.MONTHLY, valid_from=date(2025, 1, 1),
                    day_of_month=16)
        create_rule(point=org.point_of(world.units["T1"]), kind=RuleKind.WEEKLY, valid_from=date(2025, 1, 1))
        generate_all(first=date(2026, 10, 1), weeks=8, months=2)
        _log(world, "V1", 3)
        db.session.commit()
    return world


def _workbooks(w):
    t1, county = w.units["T1"].id, w.units["C1"].id
    return [
        ("admin", f"/ledger/statistics/{t1}.xlsx?year=2026&quarter=4"),
        ("admin", f"/ledger/statistics/{county}.xlsx?year=2026&quarter=4"),
        ("admin", "/duty/compliance?format=xlsx&month=2026-11"),
        ("admin", "/org/staffing?format=xlsx"),
        ("admin", "/org/import/template.xlsx"),
        ("admin", "/org/import/activations.xlsx"),
        ("auditor", "/audit/export.xlsx"),
    ]


def _header_rows(sheet) -> list[list]:
    """The rows a reader takes for headings: the first three of each sheet."""
    return [[c.value for c in row] for row in sheet.iter_rows(min_row=1, max_row=3)]


@freeze_time(NOW)
@pytest.mark.parametrize("lang", LANGS)
def test_every_workbook_reads_back_without_format_leftovers(exported, client, auth, lang):
    """Each .xlsx in each language: no "%%", "%(", "{…}" in a heading or sheet name, and no empty header cell."""
    current = None
    for who, url in _workbooks(exported):
        if who != current:
            auth.logout()
            auth.login(who)
            current = who
        response = client.get(url, headers={"Accept-Language": lang})
        assert response.status_code == 200, url
        book = load_workbook(BytesIO(response.data))
        for sheet in book.worksheets:
            assert sheet.title.strip() and not LEFTOVER.search(sheet.title), (url, sheet.title)
            for row in _header_rows(sheet):  # data rows may hold raw JSON on purpose (the audit export)
                for value in row:
                    assert not (isinstance(value, str) and LEFTOVER.search(value)), (url, lang, value)
            headers = next((r for r in _header_rows(sheet) if sum(v is not None for v in r) > 2), None)
            if headers is None:  # the import template's notes: one text per row, no table
                continue
            last = max(i for i, v in enumerate(headers) if v is not None)
            assert all(str(v or "").strip() for v in headers[1:last + 1]), (url, lang, headers)


@freeze_time(NOW)
def test_the_statistics_workbook_says_percent_once_in_every_language(exported, client, auth):
    """The satisfaction header reads "…（%）" / "(%)", as its PDF does, not the catalog's escaped "%%"."""
    auth.login("admin")
    for lang, word in [("zh-CN", "满意率（%）"), ("ug", "(%)"), ("kk-CN", "(%)")]:
        book = load_workbook(BytesIO(client.get(f"/ledger/statistics/{exported.units['T1'].id}.xlsx?year=2026"
                                                "&quarter=4", headers={"Accept-Language": lang}).data))
        header = [c.value for c in book.active[2]]
        assert header[-1].endswith(word) and "%%" not in header[-1], (lang, header[-1])


def _gettext_calls_leaving_escapes(source: str) -> list[str]:
    """gettext calls whose literal holds "%%" but whose result is never %-formatted (no variables, no ``% …``)."""
    tree = ast.parse(source)
    formatted = {id(n.left) for n in ast.walk(tree) if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Mod)}
    found = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id in {"_", "_l", "gettext", "lazy_gettext", "ngettext"}
                and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
                and "%%" in node.args[0].value and not node.keywords and id(node) not in formatted):
            found.append(f"{node.lineno}: {node.args[0].value}")
    return found


def test_python_gettext_never_leaves_a_doubled_percent():
    """Across the package: a "%%" string from Python is formatted, as templates always format it."""
    assert _gettext_calls_leaving_escapes('x = _("满意率（%%）")') == ["1: 满意率（%%）"]  # the check can fail
    assert _gettext_calls_leaving_escapes('x = _("满意率（%%）") % {}') == []
    offenders = {str(p.relative_to(ROOT)): found for p in sorted((ROOT / "gongfa").rglob("*.py"))
                 if (found := _gettext_calls_leaving_escapes(p.read_text(encoding="utf-8")))}
    assert offenders == {}
