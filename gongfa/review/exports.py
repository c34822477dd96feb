"""Audit events as a workbook: Beijing times, names not codes, masked values, and the chain hash per row."""

from datetime import datetime
from io import BytesIO

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from gongfa.clock import BEIJING
from gongfa.people.display import person_text
from gongfa.review import readable
from gongfa.web.rendering import arrow, colon, local_name


def _changes_text(event) -> str:
    lines = []
    for c in readable.changes(event.before, event.after, short=False):
        if c.before is None:
            lines.append(f"{c.title}{colon()}{c.after}")
        else:  # the reader's punctuation and arrow: the workbook is in their language, Uyghur right to left
            lines.append(f"{c.title}{colon()}{c.before} {arrow()} {c.after if c.after is not None else '—'}")
    return "\n".join(lines)


def events_workbook(events, units: dict, *, capped: bool, cap: int, generated: datetime, search_url: str) -> bytes:
    """One sheet, written row by row (openpyxl write-only: memory stays flat for large exports)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("审计日志"))
    ws.freeze_panes = "A4"
    bold = Font(bold=True)

    def header(values):
        cells = []
        for value in values:
            cell = WriteOnlyCell(ws, value=value)
            cell.font = bold
            cells.append(cell)
        return cells

    ws.append(header([_("审计日志"), _("导出时间：%(at)s（北京时间）",
                                     at=generated.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")), search_url]))
    ws.append([_("只导出了最近的 %(n)d 条，还有更早的记录没有导出。请缩小时间范围后分批导出。", n=cap) if capped
               else _("共 %(n)d 条。", n=len(events))])
    ws.append(header([_("序号"), _("时间（北京时间）"), _("用户名"), _("姓名"), _("操作"), _("操作代码"), _("对象类别"),
                      _("对象编号"), _("单位"), _("变更内容"), _("修改前（原始）"), _("修改后（原始）"), _("IP地址"),
                      _("链哈希")]))
    for e in events:
        unit = units.get(e.unit_path)
        at = WriteOnlyCell(ws, value=e.at.astimezone(BEIJING).replace(tzinfo=None))
        at.number_format = "yyyy-mm-dd hh:mm:ss"
        ws.append([e.seq, at, e.actor.username if e.actor else "",
                   person_text(e.actor, official=True) if e.actor else "", readable.action_title(e.action), e.action,
                   readable.object_title(e.object_type), e.object_id, local_name(unit) if unit else "",
                   _changes_text(e), e.before, e.after, e.ip, e.chain_hash])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
