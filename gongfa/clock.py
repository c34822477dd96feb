"""The one clock: "now" and "today" for the whole app, in Beijing time (北京时间, also Xinjiang's official time).

A server's own clock may run on UTC (most do) or on Xinjiang time (UTC+6): between 00:00 and 08:00 Beijing
time ``date.today()`` on a UTC server is still yesterday, so a membership starting today, a Wednesday
session or a quarter's end would be judged a day late. Everything asks this module instead; tests freeze it.
"""

import calendar
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from gongfa.errors import ServiceError
from gongfa.i18n import _l

BEIJING = ZoneInfo("Asia/Shanghai")

_frozen: datetime | None = None  # set only by freeze(), in tests and benchmarks


def now() -> datetime:
    """Now, as an aware UTC datetime (what the database stores)."""
    return _frozen if _frozen is not None else datetime.now(UTC)


def beijing_now() -> datetime:
    """Now on the wall clocks of 博州's offices."""
    return now().astimezone(BEIJING)


def today() -> date:
    """Today's date in Beijing time."""
    return beijing_now().date()


@contextmanager
def freeze(at: datetime) -> Iterator[datetime]:
    """Stop the clock at ``at`` (aware; naive means Beijing time) for the block: tests, never the app."""
    global _frozen
    if at.tzinfo is None:
        at = at.replace(tzinfo=BEIJING)
    previous, _frozen = _frozen, at.astimezone(UTC)
    try:
        yield _frozen
    finally:
        _frozen = previous


# --- periods: the quarters of the statistics tables and ledgers ---------------------------------


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """First and last day of a quarter (1–3, 4–6, 7–9, 10–12)."""
    if quarter not in (1, 2, 3, 4):
        raise ServiceError(_l("季度只能是1到4。"), "quarter")
    first = date(year, 3 * quarter - 2, 1)
    last_month = 3 * quarter
    return first, date(year, last_month, calendar.monthrange(year, last_month)[1])


def quarter_of(day: date) -> tuple[int, int]:
    """(year, quarter) of a day."""
    return day.year, (day.month - 1) // 3 + 1
