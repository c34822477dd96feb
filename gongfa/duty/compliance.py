"""Compliance: which villages fall behind their monthly visit, and each adviser's hours and lectures."""

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from gongfa.db import db
from gongfa.duty.models import DutySession, ExtraKind, RuleKind, SessionStatus
from gongfa.i18n import _l
from gongfa.org import services as org
from gongfa.org.models import ServicePoint, Unit, UnitLevel
from gongfa.people.models import User


@dataclass
class VillageMonth:
    """One village's month: what is planned, confirmed, done, countersigned, and any flag."""

    village: Unit
    session: DutySession | None
    flag: str = ""  # "", "no_date_by_20th", "missed"


@dataclass
class LawyerHours:
    """A lawyer's hours in a month at the villages they advise, against the rule."""

    lawyer: User
    minutes: int = 0  # served this month (printed h:mm)
    required_minutes: int = 0
    weekly_short: list[date] = field(default_factory=list)  # weeks under 2 h (subdistrict villages)
    lectures: int = 0  # this quarter

    @property
    def hours(self) -> float:
        """Decimal hours served, for the .xlsx export (screens print ``minutes`` as h:mm)."""
        return round(self.minutes / 60, 2)

    @property
    def required(self) -> float:
        """Decimal hours required, for the .xlsx export."""
        return round(self.required_minutes / 60, 2)

    @property
    def ok(self) -> bool:
        """Meets the monthly hours, the weekly minimum and one lecture a quarter."""
        return self.minutes >= self.required_minutes and not self.weekly_short and self.lectures >= 1


FLAG_TITLES = {"no_date_by_20th": _l("20日前未确认日期"), "missed": _l("本月未来村")}


def village_months(unit_filter, *, month: date, today: date) -> list[VillageMonth]:
    """Every village in scope for one month, with its visit and a flag where it falls behind."""
    villages = list(db.session.scalars(
        select(Unit).where(unit_filter, Unit.level == UnitLevel.VILLAGE, Unit.is_active.is_(True))
        .options(joinedload(Unit.parent)).order_by(Unit.code)))
    sessions = {s.point.unit_id: s for s in db.session.scalars(
        select(DutySession).join(ServicePoint, ServicePoint.id == DutySession.point_id)
        .options(joinedload(DutySession.point), joinedload(DutySession.lawyer))
        .where(ServicePoint.unit_id.in_([v.id for v in villages]), DutySession.kind == RuleKind.MONTHLY,
               DutySession.scheduled_on == month))}
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    rows = []
    for village in villages:
        session = sessions.get(village.id)
        status = session.status if session else None
        flag = ""
        done = status in (SessionStatus.DONE, SessionStatus.COUNTERSIGNED, SessionStatus.CHECKED_IN)
        if (today > last and not done) or status == SessionStatus.MISSED:
            flag = "missed"
        elif today >= month.replace(day=20) and status in (None, SessionStatus.PLANNED, SessionStatus.PROPOSED):
            flag = "no_date_by_20th"
        rows.append(VillageMonth(village=village, session=session, flag=flag))
    return rows


def lawyer_hours(unit_filter, *, month: date) -> list[LawyerHours]:
    """Per lawyer advising villages in scope: hours this month against ≥8 h (subdistrict, plus ≥2 h a
    week) or ≥4 h (town), and lectures this quarter (≥1)."""
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    quarter_start = month.replace(month=3 * ((month.month - 1) // 3) + 1)
    quarter_end = (quarter_start + timedelta(days=95)).replace(day=1) - timedelta(days=1)
    advisers = org.list_assignments(unit_filter, current_on=month, per_page=10_000).items
    by_lawyer: dict[int, LawyerHours] = {}
    subdistrict_villages: dict[int, set[int]] = defaultdict(set)
    village_ids: dict[int, set[int]] = defaultdict(set)
    for a in advisers:
        if a.lawyer is None:
            continue
        row = by_lawyer.setdefault(a.lawyer.id, LawyerHours(lawyer=a.lawyer))
        subdistrict = a.unit.parent is not None and a.unit.parent.kind == "街道"
        row.required_minutes = max(row.required_minutes, 8 * 60 if subdistrict else 4 * 60)
        village_ids[a.lawyer.id].add(a.unit_id)
        if subdistrict:
            subdistrict_villages[a.lawyer.id].add(a.unit_id)
    if not by_lawyer:
        return []
    sessions = db.session.scalars(
        select(DutySession).options(joinedload(DutySession.point))
        .where(DutySession.lawyer_id.in_(by_lawyer), DutySession.on.between(quarter_start, quarter_end),
               DutySession.status.in_([SessionStatus.DONE, SessionStatus.COUNTERSIGNED])))
    weekly: dict[tuple[int, date], int] = defaultdict(int)
    for s in sessions:
        row = by_lawyer[s.lawyer_id]
        if s.extra_kind == ExtraKind.LECTURE:
            row.lectures += 1
        if month <= s.on <= last and s.point.unit_id in village_ids[s.lawyer_id]:
            row.minutes += s.minutes
            weekly[(s.lawyer_id, s.on - timedelta(days=s.on.weekday()))] += s.minutes
    for lawyer_id, row in by_lawyer.items():
        if subdistrict_villages[lawyer_id]:
            monday = month - timedelta(days=month.weekday())
            while monday <= last:
                if weekly[(lawyer_id, monday)] < 2 * 60:
                    row.weekly_short.append(monday)
                monday += timedelta(days=7)
    return sorted(by_lawyer.values(), key=lambda r: r.lawyer.full_name)
