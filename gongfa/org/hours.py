"""Opening hours as data: periods per weekday, read from what people type, shown per language by Babel.

A service point's hours used to be typed Chinese ("周一至周五 10:00–14:00，16:00–20:00") that a Uyghur or
Kazakh reader could not read. They are now seven lists of periods (Monday first, as in China), stored as one
small JSON object on the point: they are always read and written with the point and never queried by day, so a
table of rows would only add a join and a place for half-saved states. ``render`` writes them out with CLDR
weekday names, each language's time pattern and list pattern, a time range never breaking across lines.

``parse_text`` reads the Chinese forms found in the old data and typed into the import template
("周一至周五 9:30-13:30 16:00-19:30", "每周三 10:00–18:00", "工作日 …", "周六、周日 …"); ``parse_periods``
reads one day's periods ("10:00-14:00 16:00-20:00") as the point form takes them.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import time

from babel import Locale
from babel.dates import format_interval, get_day_names
from babel.lists import format_list
from markupsafe import Markup, escape
from sqlalchemy import JSON
from sqlalchemy.types import TypeDecorator

from gongfa.i18n import _l

DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # index = Python weekday = Babel day key
ZH_DAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6,
           "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6}
DASH = r"\s*(?:-|–|—|~|～|至|到)\s*"
TIME = r"(\d{1,2})\s*[:.]\s*(\d{2})"
TIME_RANGE_RE = re.compile(TIME + DASH + TIME)
DAY = r"(?:每周|周|星期|礼拜)([一二三四五六日天七1-7])"
DAY_RANGE_RE = re.compile(DAY + r"(?:" + DASH + r"(?:周|星期|礼拜)?([一二三四五六日天七1-7]))?")
WORDS_RE = re.compile(r"工作日|每天|每日|天天|周末|双休日")
WORD_DAYS = {"工作日": range(5), "每天": range(7), "每日": range(7), "天天": range(7), "周末": (5, 6),
             "双休日": (5, 6)}
# What may stand between the parts: separators, brackets and the zone people add ("（北京时间）").
FILLER_RE = re.compile(r"[\s,，、;；:：()（）\[\]【】/和及与]|北京时间|上午|下午|晚上|中午|开放|办公|时间")
# CLDR's ug data has no list patterns of its own (Babel falls back to English "and"); Kazakh's "unit"
# list and Chinese "standard-narrow" list are plain enumerations, as a list of periods wants.
LIST_STYLE = {"zh": "standard-narrow", "kk": "unit"}
ARABIC_COMMA = "، "


class HoursError(ValueError):
    """Text that cannot be read as opening hours; ``message`` says why, in the user's language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


Period = tuple[time, time]


@dataclass(frozen=True)
class OpeningHours:
    """Periods per weekday, Monday (0) to Sunday (6); no periods means closed that day."""

    days: tuple[tuple[Period, ...], ...] = field(default=((),) * 7)

    def __bool__(self) -> bool:
        return any(self.days)

    # --- storage -------------------------------------------------------------------------------

    def to_json(self) -> dict:
        """{"mon": [["10:00", "14:00"], …], …}: open days only."""
        return {DAY_KEYS[d]: [[f"{a:%H:%M}", f"{b:%H:%M}"] for a, b in periods]
                for d, periods in enumerate(self.days) if periods}

    @classmethod
    def from_json(cls, data: dict | None) -> "OpeningHours":
        """The value stored by ``to_json`` (None or {} is closed every day)."""
        data = data or {}
        return cls(tuple(tuple((time.fromisoformat(a), time.fromisoformat(b)) for a, b in data.get(key, ()))
                         for key in DAY_KEYS))

    # --- display -------------------------------------------------------------------------------

    def groups(self) -> list[tuple[list[int], tuple[Period, ...]]]:
        """Runs of consecutive days with the same periods: ([0, 1, 2, 3, 4], periods), …"""
        out: list[tuple[list[int], tuple[Period, ...]]] = []
        for day, periods in enumerate(self.days):
            if not periods:
                continue
            if out and out[-1][1] == periods and out[-1][0][-1] == day - 1:
                out[-1][0].append(day)
            else:
                out.append(([day], periods))
        return out

    def lines(self, locale: str) -> list[tuple[str, list[str]]]:
        """(days, [period, …]) per group, in ``locale``: ("周一至周五", ["10:00–14:00", "16:00–20:00"])."""
        return [(days_text(days, locale), [period_text(p, locale) for p in periods])
                for days, periods in self.groups()]

    def text(self, locale: str) -> str:
        """Plain text in ``locale``: for .xlsx cells and the audit trail."""
        return "；".join(f"{days} {join_list(periods, locale)}" for days, periods in self.lines(locale)) \
            if locale.startswith("zh") else \
            "; ".join(f"{days} {join_list(periods, locale)}" for days, periods in self.lines(locale))

    def render(self, locale: str, *, pdf: bool = False) -> Markup:
        """HTML in ``locale``, one line a group; each time range left to right and never broken.

        On screen a range is a ``<bdi dir="ltr">``; in PDFs (WeasyPrint has no unicode-bidi) it is isolated
        with LRI…PDI instead. Either way it sits in a ``nobr`` span.
        """
        out = []
        for days, periods in self.lines(locale):
            ranges = [Markup('<span class="nobr">\u2066%s\u2069</span>') % p if pdf else
                      Markup('<bdi dir="ltr" class="nobr">%s</bdi>') % p for p in periods]
            out.append(escape(days) + Markup(" ") + join_list(ranges, locale))
        return Markup("<br>").join(out)

    def __html__(self) -> str:
        """``{{ point.opening_hours }}`` in a template: the page's language."""
        from gongfa.web.rendering import current_locale_code  # local: a model needs no request to load

        return str(self.render(current_locale_code()))


CLOSED = OpeningHours()


def _lang(locale: str) -> str:
    return str(locale).split("_")[0]


def join_list(items: list, locale: str):
    """Items joined with the language's own list pattern; Markup items give Markup (separators escaped)."""
    if not items:
        return ""
    slots = [f"\x00{i}\x00" for i in range(len(items))]
    if _lang(locale) == "ug":
        joined = ARABIC_COMMA.join(slots)
    else:
        joined = format_list(slots, style=LIST_STYLE.get(_lang(locale), "standard"), locale=locale)
    if not any(isinstance(i, Markup) for i in items):
        return re.sub(r"\x00(\d+)\x00", lambda m: str(items[int(m.group(1))]), joined)
    parts = re.split(r"\x00(\d+)\x00", joined)  # separators at even indexes, slot numbers at odd ones
    return Markup("").join(escape(p) if n % 2 == 0 else escape(items[int(p)]) for n, p in enumerate(parts))


def period_text(period: Period, locale: str) -> str:
    """"10:00–14:00" as the locale writes a range of 24-hour times."""
    return format_interval(period[0], period[1], "Hm", locale=locale)


def days_text(days: list[int], locale: str) -> str:
    """"周一至周五", "周六、周日", "周三": CLDR weekday names, a run of three or more as a range."""
    # Chinese says 周一; the Uyghur and Kazakh abbreviations are two or three letters few would read.
    width = "abbreviated" if _lang(locale) == "zh" else "wide"
    names = get_day_names(width, context="stand-alone", locale=locale)
    if len(days) >= 3:
        from flask_babel import gettext

        # i18n: a range of weekdays, e.g. 周一至周五 (Monday to Friday); keep both placeholders.
        pattern = gettext("%(first)s至%(last)s", first="{0}", last="{1}")
        if "至" in pattern and _lang(locale) != "zh":  # no translation yet: CLDR's range pattern
            pattern = Locale.parse(locale).interval_formats[None]
        return pattern.replace("{0}", names[days[0]]).replace("{1}", names[days[-1]])
    return join_list([names[d] for d in days], locale)


# --- reading what people type -----------------------------------------------------------------


def _normalise(text: str) -> str:
    """Full-width digits and colons to ASCII (NFKC), and the dashes people type to one."""
    return unicodedata.normalize("NFKC", text or "").strip()


# Words before a time range that put it on the 12-hour clock: "下午4:00-8:00" is 16:00–20:00.
AFTERNOON_RE = re.compile(r"(下午|晚上|中午)\s*$")


def _period(match: re.Match, before: str = "") -> Period:
    """A time range; ``before`` is the text just before it, which may say 下午/晚上 (add 12 hours to an hour
    under 12) or 中午 (an end hour lower than the start hour is in the afternoon)."""
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    said = AFTERNOON_RE.search(before)
    if said and said.group(1) in ("下午", "晚上"):
        h1, h2 = (h + 12 if h < 12 else h for h in (h1, h2))
    elif said and h2 < h1 < 13:
        h2 += 12
    if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59:
        raise HoursError(_l("“%(text)s”不是有效的时间（时为0–23，分为00–59）。", text=match.group(0)))
    start, end = time(h1, m1), time(23, 59) if h2 == 24 else time(h2, m2)
    if end <= start:
        raise HoursError(_l("“%(text)s”的结束时间应晚于开始时间。", text=match.group(0)))
    return start, end


def _check_overlaps(periods: list[Period]) -> tuple[Period, ...]:
    periods = sorted(set(periods))
    for (_a, end), (start, _b) in zip(periods, periods[1:], strict=False):
        if start < end:
            raise HoursError(_l("同一天的时间段有重叠，请分开写，如 10:00-14:00 16:00-20:00。"))
    return tuple(periods)


def parse_periods(text: str) -> tuple[Period, ...]:
    """One day's periods, "10:00-14:00 16:00-20:00" (any dash, full-width digits, 、 or , between)."""
    text = _normalise(text)
    periods, last = [], 0
    for match in TIME_RANGE_RE.finditer(text):
        _refuse_leftover(text[last:match.start()])
        periods.append(_period(match, text[last:match.start()]))
        last = match.end()
    _refuse_leftover(text[last:])
    return _check_overlaps(periods)


def _refuse_leftover(text: str) -> None:
    if FILLER_RE.sub("", text):
        raise HoursError(_l("看不懂“%(text)s”：时间请写成 10:00-14:00，多个时间段用空格隔开。", text=text.strip()))


def parse_text(text: str) -> OpeningHours:
    """Typed Chinese hours ("周一至周五 10:00–14:00，16:00–20:00", "每周三 10:00–18:00") as data.

    Days come first and the periods after them apply to those days; "工作日", "每天", "周末" are understood.
    Raises ``HoursError`` naming what it could not read.
    """
    text = _normalise(text)
    if not text:
        return CLOSED
    days: list[list[Period]] = [[] for _ in range(7)]
    tokens = sorted([(m.start(), m.end(), "day", m) for m in DAY_RANGE_RE.finditer(text)]
                    + [(m.start(), m.end(), "word", m) for m in WORDS_RE.finditer(text)]
                    + [(m.start(), m.end(), "time", m) for m in TIME_RANGE_RE.finditer(text)],
                    key=lambda t: t[0])
    current: list[int] = []
    after_time, last = False, 0
    for start, end, kind, match in tokens:
        if start < last:
            continue
        before = text[last:start]
        _refuse_leftover(before)
        last = end
        if kind == "time":
            if not current:
                raise HoursError(_l("“%(text)s”前面要写明星期几，如：周一至周五 10:00-14:00。", text=match.group(0)))
            period = _period(match, before)
            for d in current:
                days[d].append(period)
            after_time = True
            continue
        if after_time:  # a new group of days starts
            current, after_time = [], False
        if kind == "word":
            current += list(WORD_DAYS[match.group(0)])
        else:
            first, second = ZH_DAYS[match.group(1)], match.group(2)
            current += list(range(first, ZH_DAYS[second] + 1)) if second else [first]
            if second and ZH_DAYS[second] < first:
                raise HoursError(_l("“%(text)s”的星期顺序不对。", text=match.group(0)))
    _refuse_leftover(text[last:])
    if current and not after_time:
        raise HoursError(_l("星期几后面要写时间，如：周三 10:00-18:00。"))
    return OpeningHours(tuple(_check_overlaps(p) for p in days))


class HoursType(TypeDecorator):
    """An ``OpeningHours`` stored as its JSON object."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value, dialect):
        """OpeningHours → {"mon": [["10:00", "14:00"]], …}."""
        return (value or CLOSED).to_json()

    def process_result_value(self, value, dialect):
        """The stored object → OpeningHours."""
        return OpeningHours.from_json(value)
