"""The case register as a workbook (人民调解案件登记), one row per party, for the county's statistics.

Every listed value is in two columns: its code (what statistics count and other systems read: GB/T 3304
ethnicity, the MoJ dispute category, …) and its title in the reader's language. No phone or ID number.
"""

from io import BytesIO

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from gongfa.mediation import codes
from gongfa.mediation.categories import category_title
from gongfa.mediation.models import MediationCase
from gongfa.web.rendering import local_name


def cases_workbook(cases: list[MediationCase]) -> bytes:
    """A bold, frozen header; then each case's parties, codes beside titles."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("人民调解案件")[:31]  # Excel's limit for a sheet name
    ws.append([_("案号"), _("人民调解委员会"), _("申请日期"), _("状态代码"), _("状态"), _("纠纷类型代码"),
               _("纠纷类型"), _("身份"), _("姓名"), _("本民族文字姓名"), _("文书语言代码"), _("文书语言"),
               _("性别代码"),
               _("民族代码"), _("民族"), _("年龄"), _("职业代码"), _("职业或职务"), _("履行方式代码"), _("履行方式")])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for case in cases:
        for p in case.parties:
            ws.append([case.number, local_name(case.point.unit), case.applied_on, case.status.value, case.status.title,
                       case.category, category_title(case.category), p.side.title, p.name, p.name_native,
                       p.language, codes.language_title(p.language), p.gender, p.ethnicity,
                       codes.ethnicity_title(p.ethnicity), p.age, p.occupation, codes.occupation_title(p.occupation),
                       case.performance, codes.performance_title(case.performance)])
            ws.cell(ws.max_row, 3).number_format = "yyyy-mm-dd"
    ws.freeze_panes = "B2"
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
