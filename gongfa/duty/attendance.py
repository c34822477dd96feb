"""The day's facts: when a lawyer may check in, and what about the hours someone countersigning should look at.

Check-in opens ``CHECKIN_OPENS_MINUTES`` before the session starts and closes at its end: a check-in is the
record that the lawyer was there, and one at midnight for a 10:00 duty, or after the duty is over, records
nothing of the kind. Check-out comes at least a minute (on the clock) after check-in.

Hours are never refused, only flagged (``hour_flags``): shorter than the minimum (``MIN_DUTY_MINUTES``, by
default half the planned session), or a check-in or check-out more than ``ATTENDANCE_TOLERANCE_MINUTES`` from
the planned start or end. Real days have reasons (a flood on the road, a hearing that ran late), and the person
who countersigns, the village officer or the station head, knows them: they see each flag as a plain sentence
before they sign, and the audit event of their signature keeps the flags they signed over.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import current_app

from gongfa.clock import BEIJING
from gongfa.duty.models import DutySession
from gongfa.errors import ServiceError
from gongfa.i18n import _l
from gongfa.web.rendering import fmt_date, hm


def _planned(on: date, at: time) -> datetime:
    return datetime.combine(on, at, tzinfo=BEIJING)


def _clock(moment: datetime) -> str:
    return moment.astimezone(BEIJING).strftime("%H:%M")


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


# --- check-in and check-out ----------------------------------------------------------------------------------


def check_in_refusal(session: DutySession, now: datetime) -> ServiceError | None:
    """Why the lawyer cannot check in to ``session`` at ``now``, or None (the day itself is checked elsewhere)."""
    start, end = _planned(session.on, session.starts_at), _planned(session.on, session.ends_at)
    opens = start - timedelta(minutes=current_app.config["CHECKIN_OPENS_MINUTES"])
    if now < opens:
        # i18n: check-in opens at a Beijing time before the duty starts, e.g. "签到 09:00 开始（值班 10:00 开始）"
        return ServiceError(_l("还不能签到：签到 %(opens)s 开始（值班 %(start)s 开始，北京时间）。",
                               opens=_clock(opens), start=_clock(start)))
    if now > end:
        return ServiceError(_l("这次值班已在 %(end)s 结束（北京时间），不能再签到。如果您来过，请写工作日志并说明。",
                               end=_clock(end)))
    return None


def check_out_refusal(session: DutySession, now: datetime) -> ServiceError | None:
    """Why the lawyer cannot check out at ``now``, or None: not before check-in, nor within its minute."""
    if session.checked_in_at is not None and _minute(now) <= _minute(session.checked_in_at):
        return ServiceError(_l("您 %(at)s 刚签到，至少过一分钟才能签退。", at=_clock(session.checked_in_at)))
    return None


# --- flags ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HourFlag:
    """One thing about the hours that whoever countersigns should look at: a code (kept in the audit trail)
    and the facts its sentence names."""

    code: str
    params: dict = field(default_factory=dict)

    @property
    def message(self):
        """The flag as a plain sentence in the reader's language."""
        p = self.params
        if self.code == "short":
            return _l("签到 %(start)s、签退 %(end)s，只有 %(actual)s，少于最少 %(minimum)s。", **p)
        if self.code == "in_early":
            return _l("签到 %(at)s，比计划开始时间 %(planned)s 早 %(diff)s。", **p)
        if self.code == "in_late":
            return _l("签到 %(at)s，比计划开始时间 %(planned)s 晚 %(diff)s。", **p)
        if self.code == "out_early":
            return _l("签退 %(at)s，比计划结束时间 %(planned)s 早 %(diff)s。", **p)
        if self.code == "out_late":
            return _l("签退 %(at)s，比计划结束时间 %(planned)s 晚 %(diff)s。", **p)
        if self.code == "entry_outside":
            day = f"{fmt_date(p['served_on'])} " if p["served_on"] else ""
            return _l("记录的服务时间 %(actual)s 不在这次值班时间 %(planned)s 前后 %(tolerance)s 之内。",
                      actual=day + p["times"], planned=f"{fmt_date(p['on'])} {p['planned']}",
                      tolerance=p["tolerance"])
        if self.code == "no_attendance":
            return _l("这次值班没有签到、签退记录。")
        return _l("这次值班已签到，还没有签退。")  # not_checked_out


def _config_minutes(key: str) -> int | None:
    value = current_app.config.get(key)
    return None if value is None else int(value)


def minimum_minutes(planned: int) -> int:
    """The shortest attendance not flagged for a session of ``planned`` minutes."""
    fixed = _config_minutes("MIN_DUTY_MINUTES")
    return planned // 2 if fixed is None else min(fixed, planned)


def hour_flags(*, on: date, starts_at: time, ends_at: time, actual_start: datetime,
               actual_end: datetime) -> list[HourFlag]:
    """What is odd about attendance from ``actual_start`` to ``actual_end`` at a session planned on ``on``
    from ``starts_at`` to ``ends_at`` (Beijing time): too short, or far from the planned start or end."""
    start, end = _planned(on, starts_at), _planned(on, ends_at)
    actual_start, actual_end = _minute(actual_start), _minute(actual_end)
    tolerance = timedelta(minutes=_config_minutes("ATTENDANCE_TOLERANCE_MINUTES") or 0)
    flags = []
    actual = max(int((actual_end - actual_start).total_seconds()) // 60, 0)
    minimum = minimum_minutes(int((end - start).total_seconds()) // 60)
    short = actual < minimum
    if short:
        flags.append(HourFlag("short", {"start": _clock(actual_start), "end": _clock(actual_end),
                                        "actual": hm(actual), "minimum": hm(minimum)}))
    # Arriving late or leaving early is what makes attendance short: that sentence already names both times.
    for code, moment, planned in (("in_early", actual_start, start), ("in_late", actual_start, start),
                                  ("out_early", actual_end, end), ("out_late", actual_end, end)):
        off = moment - planned if code.endswith("late") else planned - moment
        if off > tolerance and not (short and code in ("in_late", "out_early")):
            flags.append(HourFlag(code, {"at": _clock(moment), "planned": _clock(planned),
                                         "diff": hm(int(off.total_seconds()) // 60)}))
    return flags


def session_flags(session: DutySession) -> list[HourFlag]:
    """The flags of a session's attendance, once the lawyer has checked out (none before)."""
    if session.checked_in_at is None or session.checked_out_at is None:
        return []
    return hour_flags(on=session.on, starts_at=session.starts_at, ends_at=session.ends_at,
                      actual_start=session.checked_in_at, actual_end=session.checked_out_at)


def work_flags(session: DutySession, *, served_on: date, starts_at: time, ends_at: time) -> list[HourFlag]:
    """The flags of a work-log entry written at ``session``: the visit's attendance (or its absence), and the
    entry's own hours when they lie far outside the session's."""
    if session.checked_in_at is None:
        flags = [HourFlag("no_attendance")]
    elif session.checked_out_at is None:
        flags = [HourFlag("not_checked_out")]
    else:
        flags = session_flags(session)
    start, end = _planned(session.on, session.starts_at), _planned(session.on, session.ends_at)
    tolerance = timedelta(minutes=_config_minutes("ATTENDANCE_TOLERANCE_MINUTES") or 0)
    if _planned(served_on, starts_at) < start - tolerance or _planned(served_on, ends_at) > end + tolerance:
        flags.append(HourFlag("entry_outside", {
            "served_on": None if served_on == session.on else served_on, "times": f"{starts_at:%H:%M}–{ends_at:%H:%M}",
            "on": session.on, "planned": f"{session.starts_at:%H:%M}–{session.ends_at:%H:%M}",
            "tolerance": hm(int(tolerance.total_seconds()) // 60)}))
    return flags
