"""The quarterly statistics as a workbook, for the county clerk who lives in Excel."""

from io import BytesIO

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from gongfa.ledger.services import StatRow
from gongfa.org.models import Unit, UnitLevel
from gongfa.people.display import person_text
from gongfa.web.rendering import local_name
from gongfa.worklog.models import Category


def period_title(year: int, quarter: int) -> str:
    """第3季度 of a year, or the whole year (quarter 0)."""
    return _("%(year)d年第%(n)d季度", year=year, n=quarter) if quarter else _("%(year)d年", year=year)


def statistics_workbook(unit: Unit, rows: list[StatRow], total: StatRow, *, year: int, quarter: int) -> bytes:
    """Numbers as numbers, a bold header and total row, the header frozen."""
    wb = Workbook()
    ws = wb.active
    ws.title = f"{year}-{quarter}" if quarter else str(year)
    ws.append([f"{local_name(unit)} · {period_title(year, quarter)}"])
    ws.append([_("序号"), _("村（社区）") if unit.level == UnitLevel.TOWNSHIP else _("乡镇（街道）"), _("法律顾问"),
               _("到村服务次数"), _("服务时长（小时，小数）"),  # a number Excel can add up; screens print h:mm
               # The catalog string is shared with the PDF, whose Jinja gettext always %-formats (so "%" is
               # written "%%"); Flask-Babel's Python gettext formats only with variables, so format here.
               *[c.title for c in Category], _("评价数"), _("满意率（%%）") % {}])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for i, r in enumerate(rows, 1):
        adviser = person_text(r.adviser_user) if r.adviser_user else r.adviser
        ws.append([i, local_name(r.unit), adviser, r.visits, r.hours, *[r.counts[c.value] for c in Category],
                   r.rated, r.satisfaction])
    ws.append(["", _("合计"), "", total.visits, total.hours, *[total.counts[c.value] for c in Category], total.rated,
               total.satisfaction])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "C3"
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
