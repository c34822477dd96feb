"""Duty exports: the ICS feed (icalendar), the compliance workbook (openpyxl), the roster PDF."""

from datetime import datetime
from io import BytesIO

from flask import current_app, make_response
from icalendar import Calendar, Event
from openpyxl import Workbook
from openpyxl.styles import Font

from gongfa import clock
from gongfa.duty.compliance import FLAG_TITLES
from gongfa.duty.models import DutySession, SessionStatus
from gongfa.duty.queries import sessions_at
from gongfa.i18n import _l
from gongfa.org.models import Unit
from gongfa.people.display import person_text
from gongfa.web.pdf import render_pdf_in
from gongfa.web.rendering import local_name, local_text


def session_uid(session: DutySession) -> str:
    """A stable UID, so calendar apps update an event instead of adding another."""
    return f"duty-{session.id}@gongfa"


def ics_response(sessions: list[DutySession]):
    """An RFC 5545 calendar of sessions in Asia/Shanghai time (with its VTIMEZONE and each event's DTSTAMP);
    cancelled ones are marked cancelled."""
    cal = Calendar()
    cal.add("prodid", "-//gongfa//duty//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", str(_l("公法值班")))
    cal.add("x-wr-timezone", "Asia/Shanghai")
    stamp = clock.now()  # DTSTAMP (§3.6.1, required): when this copy of the feed was made, in UTC
    for s in sessions:
        event = Event()
        event.add("uid", session_uid(s))
        event.add("dtstamp", stamp)
        event.add("dtstart", datetime.combine(s.on, s.starts_at, tzinfo=clock.BEIJING))
        event.add("dtend", datetime.combine(s.on, s.ends_at, tzinfo=clock.BEIJING))
        event.add("summary", f"{s.kind.title} · {local_name(s.point)}")
        event.add("location", local_text(s.point, "address") or local_name(s.point))
        event.add("status", "CANCELLED" if s.status == SessionStatus.CANCELLED else
                  "CONFIRMED" if s.status not in (SessionStatus.PLANNED, SessionStatus.PROPOSED) else "TENTATIVE")
        event.add("sequence", s.version)
        cal.add_component(event)
    cal.add_missing_timezones()  # a VTIMEZONE for Asia/Shanghai, which every DTSTART's TZID names (§3.2.19)
    response = make_response(cal.to_ical())
    response.mimetype = "text/calendar"
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


def compliance_workbook(villages, lawyers, month, shortages=()) -> bytes:
    """The month's compliance as .xlsx: one sheet for the villages, one for the lawyers, and one for the
    Wednesdays and visits no lawyer is free for (``duty.queries.shortages``), one row per place."""
    book = Workbook()
    ws = book.active
    ws.title = str(_l("村居月月见"))
    ws.append([str(h) for h in (_l("区划代码"), _l("村（社区）"), _l("乡镇（街道）"), _l("律师"), _l("日期"),
                                _l("状态"), _l("提示"))])
    for row in villages:
        s = row.session
        ws.append([row.village.code, local_name(row.village), local_name(row.village.parent),
                   person_text(s.lawyer) if s and s.lawyer else "", s.on.isoformat() if s else "",
                   str(s.status.title) if s else "", str(FLAG_TITLES.get(row.flag, ""))])
    ws2 = book.create_sheet(str(_l("律师工作时长")))
    # Decimal hours are numbers Excel can add up; the header says so (screens print h:mm).
    ws2.append([str(h) for h in (_l("律师"), _l("本月小时数（小时，小数）"), _l("要求小时数（小时，小数）"),
                                 _l("不足2小时的周"), _l("本季度讲座"), _l("是否达标"))])
    for row in lawyers:
        ws2.append([person_text(row.lawyer), row.hours, row.required,
                    ", ".join(d.isoformat() for d in row.weekly_short), row.lectures,
                    str(_l("达标") if row.ok else _l("未达标"))])
    ws3 = book.create_sheet(str(_l("值班缺律师")))
    ws3.append([str(h) for h in (_l("日期"), _l("时间"), _l("缺少律师"), _l("区划代码"), _l("服务点"))])
    for row in shortages:
        hours = f"{row.starts_at:%H:%M}–{row.ends_at:%H:%M}"
        for s in row.sessions:
            ws3.append([row.on.isoformat(), hours, row.short, s.point.unit.code, local_name(s.point)])
    for sheet in (ws, ws2, ws3):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def roster_pdf(township: Unit, first, last, lang: str | None) -> bytes:
    """The station's month roster for the notice board (值班表)."""
    sessions = sessions_at(Unit.path.startswith(township.path), first=first, last=last)
    return render_pdf_in(lang, "duty/pdf/roster.html", township=township, first=first,
                         sessions=[s for s in sessions if s.status != SessionStatus.CANCELLED],
                         cancelled=[s for s in sessions if s.status == SessionStatus.CANCELLED],
                         hotline=current_app.config["HOTLINE"])
