"""Days off and 调休 make-up working days: national ones from the chinese-calendar package, Xinjiang's Eid days
entered from the yearly regional notice (never computed), local closures entered by a bureau."""

from datetime import date, timedelta

from sqlalchemy import or_, select

from gongfa.audit import services as audit
from gongfa.db import db
from gongfa.duty.models import Holiday, HolidayKind, HolidayScope
from gongfa.errors import ServiceError
from gongfa.i18n import _l
from gongfa.org.models import Unit

# chinese-calendar names its holidays in English; we show the official Chinese names (translated).
HOLIDAY_NAMES = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节", "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节", "National Day": "国庆节", "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}
HOLIDAY_TITLES = {
    "元旦": _l("元旦"), "春节": _l("春节"), "清明节": _l("清明节"), "劳动节": _l("劳动节"), "端午节": _l("端午节"),
    "国庆节": _l("国庆节"), "中秋节": _l("中秋节"), "抗战胜利纪念日": _l("抗战胜利纪念日"), "肉孜节": _l("肉孜节"),
    "古尔邦节": _l("古尔邦节"),
}
# 新疆维吾尔自治区 2025 notice: 肉孜节 3/29–3/31, 古尔邦节 6/6–6/10 (entered from the notice, never computed).
XINJIANG_2025 = [(date(2025, 3, 29), date(2025, 3, 31), "肉孜节"), (date(2025, 6, 6), date(2025, 6, 10), "古尔邦节")]


def holiday_title(name: str) -> str:
    """A holiday's name in the user's language."""
    return str(HOLIDAY_TITLES.get(name, name))


def sync_national_holidays(years: list[int]) -> int:
    """Copy national holidays and 调休 make-up days from the chinese-calendar package; returns rows added."""
    import chinese_calendar

    source = "chinese-calendar 1.11.0"
    existing = set(db.session.scalars(select(Holiday.on).where(Holiday.scope == HolidayScope.NATIONAL)))
    added = 0
    for table, kind in ((chinese_calendar.holidays, HolidayKind.HOLIDAY), (chinese_calendar.workdays,
                                                                           HolidayKind.MAKEUP)):
        for day, name in table.items():
            if day.year not in years or day in existing:
                continue
            if kind == HolidayKind.MAKEUP and day.weekday() < 5:
                continue  # only weekend days worked instead count as make-up days
            if kind == HolidayKind.HOLIDAY and day.weekday() >= 5 and name is None:
                continue
            db.session.add(Holiday(on=day, kind=kind, scope=HolidayScope.NATIONAL, source=source,
                                   name=HOLIDAY_NAMES.get(str(name), str(name))))
            added += 1
    db.session.flush()
    if added:
        audit.record("holiday.sync", object_type="holidays", after={"years": years, "added": added})
    return added


def add_holiday(*, first: date, last: date, name: str, scope: HolidayScope, unit: Unit | None = None,
                kind: HolidayKind = HolidayKind.HOLIDAY, source: str = "") -> list[Holiday]:
    """Enter days off (Xinjiang Eid days from the yearly notice, or a local closure)."""
    if last < first:
        raise ServiceError(_l("结束日期不能早于开始日期。"), "last")
    if (last - first).days > 31:
        raise ServiceError(_l("一次最多登记31天。"), "last")
    if scope == HolidayScope.LOCAL and unit is None:
        raise ServiceError(_l("本地停休要选择单位。"), "unit_id")
    rows = []
    day = first
    while day <= last:
        clash = db.session.scalar(select(Holiday).where(Holiday.on == day, Holiday.scope == scope,
                                                        Holiday.unit_id == (unit.id if unit else None)))
        if clash is None:
            row = Holiday(on=day, kind=kind, scope=scope, unit_id=unit.id if unit else None, name=name,
                          source=source)
            db.session.add(row)
            rows.append(row)
        day += timedelta(days=1)
    db.session.flush()
    for row in rows:
        audit.record("holiday.create", row)
    return rows


def seed_xinjiang_2025() -> None:
    """The published 2025 Eid days (肉孜节, 古尔邦节)."""
    for first, last, name in XINJIANG_2025:
        add_holiday(first=first, last=last, name=name, scope=HolidayScope.XINJIANG, source="新疆维吾尔自治区2025年通知")


def _ancestor_ids(unit: Unit) -> list[int]:
    return [int(x) for x in unit.path.strip("/").split("/") if x]


def holidays_between(first: date, last: date, unit: Unit | None = None) -> dict[date, Holiday]:
    """Days off and make-up days that apply to ``unit`` (national, Xinjiang, and its own local ones)."""
    local = _ancestor_ids(unit) if unit is not None else []
    return _by_day(db.session.scalars(select(Holiday).where(
        Holiday.on.between(first, last),
        or_(Holiday.scope != HolidayScope.LOCAL, Holiday.unit_id.in_(local)))))


def holidays_of_units(first: date, last: date, units: list[Unit]) -> dict[int, dict[date, Holiday]]:
    """``holidays_between`` for several units at once, in one query (by unit id)."""
    rows = list(db.session.scalars(select(Holiday).where(Holiday.on.between(first, last))))
    result = {}
    for unit in units:
        local = set(_ancestor_ids(unit))
        result[unit.id] = _by_day(r for r in rows if r.scope != HolidayScope.LOCAL or r.unit_id in local)
    return result


def _by_day(rows) -> dict[date, Holiday]:
    result: dict[date, Holiday] = {}
    for row in rows:
        # A Xinjiang or local day off wins over a national make-up working day.
        if row.on not in result or row.kind == HolidayKind.HOLIDAY:
            result[row.on] = row
    return result


def is_working_day(day: date, holidays: dict[date, Holiday]) -> bool:
    """Mon–Fri unless a holiday; Sat/Sun only when a 调休 make-up day."""
    row = holidays.get(day)
    if row is not None:
        return row.kind == HolidayKind.MAKEUP
    return day.weekday() < 5


def next_working_day(day: date, holidays: dict[date, Holiday]) -> date:
    """The first working day on or after ``day``."""
    while not is_working_day(day, holidays):
        day += timedelta(days=1)
    return day
