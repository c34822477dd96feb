"""The day's facts are checked: when check-in opens and closes, check-out after check-in, attendance flags for
whoever countersigns, and hours shown as h:mm everywhere a person reads them."""

import json
import re
from datetime import UTC, date, datetime, time
from io import BytesIO
from pathlib import Path

import pytest
from freezegun import freeze_time
from openpyxl import load_workbook

from gongfa.audit.models import AuditEvent
from gongfa.clock import BEIJING
from gongfa.db import db
from gongfa.duty import actions, attendance
from gongfa.duty.models import DutySession, RuleKind, SessionStatus
from gongfa.errors import ServiceError
from gongfa.org import services as org
from gongfa.web.rendering import hm
from tests.conftest import hx_target

DAY = date(2026, 11, 25)  # a Wednesday


def _bj(hour: int, minute: int = 0, second: int = 0, day: date = DAY) -> datetime:
    """A moment on ``day`` in Beijing time, as the aware UTC the app stores."""
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=BEIJING).astimezone(UTC)


def _session(world, *, where="T1", status=SessionStatus.CONFIRMED, on=DAY, checked_in=None, checked_out=None,
             starts=time(10, 0), ends=time(14, 0)) -> DutySession:
    point = org.point_of(world.units[where])
    kind = RuleKind.WEEKLY if where.startswith("T") else RuleKind.MONTHLY
    session = DutySession(point=point, kind=kind, scheduled_on=on if kind == RuleKind.WEEKLY else on.replace(day=1),
                          on=on, starts_at=starts, ends_at=ends, status=status, lawyer=world.users["lawyer"],
                          checked_in_at=checked_in, checked_out_at=checked_out)
    db.session.add(session)
    db.session.commit()
    return session


def test_bj_helper_is_beijing_time():
    assert _bj(10).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M") == "2026-11-25 10:00"
    assert _bj(0).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M") == "2026-11-25 00:00"


# --- check-in opens before the session and closes at its end; check-out after check-in ----------------------


def test_check_in_at_midnight_for_a_ten_oclock_duty_is_refused_with_when_it_opens(world):
    s = _session(world)
    with pytest.raises(ServiceError) as refused:
        actions.check_in(s, actor=world.users["lawyer"], version=s.version, now=_bj(0, 0))
    assert "09:00" in str(refused.value.message)  # opens 60 minutes before 10:00 by default
    assert s.status == SessionStatus.CONFIRMED and s.checked_in_at is None
    with pytest.raises(ServiceError):
        actions.check_in(s, actor=world.users["lawyer"], version=s.version, now=_bj(8, 59, 59))
    actions.check_in(s, actor=world.users["lawyer"], version=s.version, now=_bj(9, 0))
    assert s.status == SessionStatus.CHECKED_IN


@pytest.mark.parametrize("app_config", [{"CHECKIN_OPENS_MINUTES": 15}])
def test_how_early_check_in_opens_is_a_setting(world, app_config):
    s = _session(world)
    with pytest.raises(ServiceError, match="09:45"):
        actions.check_in(s, actor=world.users["lawyer"], version=s.version, now=_bj(9, 30))
    actions.check_in(s, actor=world.users["lawyer"], version=s.version, now=_bj(9, 45))
    assert s.status == SessionStatus.CHECKED_IN


def test_check_in_after_the_session_has_ended_is_refused(world):
    s = _session(world)
    with pytest.raises(ServiceError, match="14:00"):
        actions.check_in(s, actor=world.users["lawyer"], version=s.version, now=_bj(14, 1))
    actions.check_in(s, actor=world.users["lawyer"], version=s.version, now=_bj(13, 30))  # late, but on duty
    assert s.status == SessionStatus.CHECKED_IN


def test_check_out_in_the_same_minute_as_check_in_or_before_it_is_refused(world):
    s = _session(world, status=SessionStatus.CHECKED_IN, checked_in=_bj(10, 0, 10))
    for moment in (_bj(10, 0, 50), _bj(9, 58)):
        with pytest.raises(ServiceError, match="签到"):
            actions.check_out(s, actor=world.users["lawyer"], version=s.version, now=moment)
        assert s.status == SessionStatus.CHECKED_IN and s.checked_out_at is None
    actions.check_out(s, actor=world.users["lawyer"], version=s.version, now=_bj(10, 1))
    assert s.status == SessionStatus.DONE and s.minutes == 1


def test_a_too_early_check_in_says_why_on_the_card_and_without_javascript(world, client, auth):
    s = _session(world)
    with freeze_time(_bj(7, 30)):
        auth.login("lawyer")
        card = client.post(f"/duty/sessions/{s.id}/check_in", data={"version": s.version},
                           headers=hx_target(f"session-{s.id}"))  # the card's own button
        assert card.status_code == 409
        assert "09:00" in card.text and "签到" in card.text
        plain = client.post(f"/duty/sessions/{s.id}/check_in", data={"version": s.version}, follow_redirects=True)
        assert "09:00" in plain.text
    assert db.session.get(DutySession, s.id).status == SessionStatus.CONFIRMED


# --- flags: short, or far from the planned hours ---------------------------------------------------------------


def _codes(flags) -> list[str]:
    return [f.code for f in flags]


def test_one_minute_of_a_four_hour_duty_is_flagged_short_in_a_plain_sentence(world, client, auth):
    s = _session(world, status=SessionStatus.DONE, checked_in=_bj(10, 0), checked_out=_bj(10, 1))
    flags = attendance.session_flags(s)
    assert _codes(flags) == ["short"]
    with client.application.test_request_context():
        assert str(flags[0].message) == "签到 10:00、签退 10:01，只有 0:01，少于最少 2:00。"


@pytest.mark.parametrize(("checked_in", "checked_out", "codes"), [
    (_bj(10, 5), _bj(13, 50), []),  # within the tolerance of 30 minutes either side
    (_bj(9, 20), _bj(14, 0), ["in_early"]),
    (_bj(10, 45), _bj(14, 0), ["in_late"]),
    (_bj(10, 0), _bj(12, 30), ["out_early"]),
    (_bj(10, 0), _bj(18, 0), ["out_late"]),  # forgot to check out: hours far beyond the session
    (_bj(12, 30), _bj(13, 0), ["short"]),  # the one sentence names both times
    (_bj(9, 0), _bj(9, 50), ["short", "in_early"]),
])
def test_attendance_far_from_the_planned_hours_is_flagged(world, checked_in, checked_out, codes):
    s = _session(world, status=SessionStatus.DONE, checked_in=checked_in, checked_out=checked_out)
    assert _codes(attendance.session_flags(s)) == codes


@pytest.mark.parametrize("app_config", [{"MIN_DUTY_MINUTES": 60, "ATTENDANCE_TOLERANCE_MINUTES": 120}])
def test_the_minimum_and_the_tolerance_are_settings(world, app_config):
    s = _session(world, status=SessionStatus.DONE, checked_in=_bj(11, 0), checked_out=_bj(12, 5))
    assert _codes(attendance.session_flags(s)) == []  # 65 minutes ≥ 60; 1 h late and 2 h early ≤ 2 h
    s.checked_out_at = _bj(11, 59)
    assert _codes(attendance.session_flags(s)) == ["short"]


def test_the_default_minimum_is_half_the_planned_session(world):
    s = _session(world, status=SessionStatus.DONE, starts=time(19, 0), ends=time(20, 0),
                 checked_in=_bj(19, 0), checked_out=_bj(19, 29))
    assert _codes(attendance.session_flags(s)) == ["short"]
    s.checked_out_at = _bj(19, 30)
    assert _codes(attendance.session_flags(s)) == []


def test_the_head_sees_the_flag_before_countersigning_and_the_trail_keeps_it(world, client, auth):
    s = _session(world, status=SessionStatus.DONE, checked_in=_bj(10, 0), checked_out=_bj(10, 1))
    with freeze_time(_bj(15, 0)):
        auth.login("head")
        page = client.get(f"/duty/sessions/{s.id}").text
        assert "签到 10:00、签退 10:01，只有 0:01，少于最少 2:00。" in page
        assert page.index("签到 10:00、签退 10:01，只有") < page.index(f"/duty/sessions/{s.id}/countersign")
        assert client.post(f"/duty/sessions/{s.id}/countersign", data={"version": s.version}).status_code == 303
    assert db.session.get(DutySession, s.id).status == SessionStatus.COUNTERSIGNED  # still possible
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "session.countersign")).one()
    assert json.loads(event.after)["hour_flags"] == ["short"]


def test_a_clean_countersignature_records_no_flags(world):
    s = _session(world, status=SessionStatus.DONE, checked_in=_bj(10, 0), checked_out=_bj(14, 0))
    actions.countersign(s, actor=world.users["head"], version=s.version)
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "session.countersign")).one()
    assert json.loads(event.after)["hour_flags"] == []


def test_the_officer_sees_the_flag_on_the_village_page(world, client, auth):
    s = _session(world, where="V1", status=SessionStatus.DONE, on=date(2026, 11, 24),
                 checked_in=_bj(10, 0, day=date(2026, 11, 24)), checked_out=_bj(10, 1, day=date(2026, 11, 24)))
    with freeze_time(_bj(15, 0)):
        auth.login("officer")
        page = client.get(f"/duty/villages/{world.units['V1'].id}").text
    assert "签到 10:00、签退 10:01，只有 0:01" in page and f"/duty/sessions/{s.id}/countersign" in page


# --- hours as h:mm ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("minutes", "shown"), [(0, "0:00"), (1, "0:01"), (225, "3:45"), (270, "4:30"),
                                                 (6005, "100:05")])
def test_hours_are_shown_as_hours_and_minutes(minutes, shown):
    assert hm(minutes) == shown


def test_the_card_shows_four_and_a_half_hours_as_4_30(world, client, auth):
    s = _session(world, status=SessionStatus.DONE, checked_in=_bj(10, 0), checked_out=_bj(14, 30))
    with freeze_time(_bj(15, 0)):
        auth.login("lawyer")
        page = client.get(f"/duty/sessions/{s.id}").text
    assert "4:30" in page and "4.5" not in page


def test_compliance_shows_h_mm_on_screen_and_says_decimal_hours_in_the_workbook(world, client, auth):
    _session(world, where="V1", status=SessionStatus.COUNTERSIGNED, on=date(2026, 11, 24),
             checked_in=_bj(10, 0, day=date(2026, 11, 24)), checked_out=_bj(13, 45, day=date(2026, 11, 24)))
    with freeze_time(_bj(15, 0)):
        auth.login("head")
        page = client.get("/duty/compliance?month=2026-11").text
        book = client.get("/duty/compliance?month=2026-11&format=xlsx").data
    assert "3:45" in page and "3.75" not in page and "4:00" in page  # required: 4 h for a town's village
    sheet = load_workbook(BytesIO(book)).worksheets[1]
    header = [c.value for c in sheet[1]]
    assert any("小数" in str(h) for h in header)
    assert sheet[2][1].value == 3.75


TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# Office hours of a station ("周一至周五 10:00–14:00") are text, not a length of time.
OFFICE_HOURS = re.compile(r"\b(?:point|station|form)\.hours\b")


def test_no_template_prints_a_length_of_time_other_than_through_hm():
    """Durations reach templates as minutes and are printed with |hm; a float ``hours`` is for .xlsx only."""
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = re.sub(r"\{#.*?#\}", lambda m: "\n" * m.group().count("\n"), path.read_text(encoding="utf-8"),
                      flags=re.DOTALL)  # comments may say "hours"
        for number, line in enumerate(text.splitlines(), 1):
            printed = re.search(r"minutes\s*(?:\}\}|\|\s*(?!hm\b))", line)  # {{ x.minutes }}, x.minutes|number
            if re.search(r"\bhours\b", OFFICE_HOURS.sub("", line)) or printed:
                offenders.append(f"{path.relative_to(TEMPLATES)}:{number}")
    assert not offenders, offenders


@pytest.mark.parametrize("app_config", [{"DEMO": True}])
def test_the_demo_attendance_is_plausible_but_for_one_flagged_example(runner, app):
    """No 00:00 check-in and no 0.02-hour visit in the demo: every check-in inside its window, and exactly one
    flagged attendance, left for the demo officer of 营盘社区 to see before countersigning."""
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    attended = db.session.scalars(db.select(DutySession).where(DutySession.checked_out_at.is_not(None))).all()
    assert len(attended) > 100
    with app.test_request_context():
        for s in attended:
            assert attendance.check_in_refusal(s, s.checked_in_at) is None, (s.on, s.checked_in_at)
            assert s.minutes > 0
        flagged = [s for s in attended if attendance.session_flags(s)]
    assert [(s.point.unit.code, s.status, _codes(attendance.session_flags(s))) for s in flagged] == [
        ("652701100001", SessionStatus.DONE, ["short"])]


def test_the_heads_month_marks_a_flagged_visit_waiting_for_a_countersignature(world, client, auth):
    flagged = _session(world, status=SessionStatus.DONE, checked_in=_bj(10, 0), checked_out=_bj(10, 1))
    _session(world, where="V1", status=SessionStatus.DONE, on=date(2026, 11, 24),
             checked_in=_bj(10, 0, day=date(2026, 11, 24)), checked_out=_bj(14, 0, day=date(2026, 11, 24)))
    with freeze_time(_bj(15, 0)):
        auth.login("head")
        page = client.get(f"/duty/stations/{world.units['T1'].id}/2026/11").text
    assert page.count("时长待核实") == 1
    link = page.index(f"/duty/sessions/{flagged.id}\"")
    assert link < page.index("时长待核实") < page.index("</a>", link)
