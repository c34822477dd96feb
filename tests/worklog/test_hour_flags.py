"""The officer sees, before countersigning a work-log entry, what is odd about the visit's hours; the flag is kept
in the audit trail; hours read h:mm."""

import json
import re
from datetime import UTC, date, datetime, time

import pytest
from freezegun import freeze_time

from gongfa.audit.models import AuditEvent
from gongfa.clock import BEIJING
from gongfa.db import db
from gongfa.duty.models import DutySession, RuleKind, SessionStatus
from gongfa.org import services as org
from gongfa.worklog import services
from gongfa.worklog.models import Category, Mode, Referral

DAY = date(2026, 11, 23)
NOW = "2026-11-23 16:00:00+08:00"


def _bj(hour: int, minute: int = 0) -> datetime:
    return datetime(DAY.year, DAY.month, DAY.day, hour, minute, tzinfo=BEIJING).astimezone(UTC)


def _visit(world, checked_in=None, checked_out=None) -> DutySession:
    status = SessionStatus.DONE if checked_out else SessionStatus.CHECKED_IN if checked_in else SessionStatus.CONFIRMED
    s = DutySession(point=org.point_of(world.units["V1"]), kind=RuleKind.MONTHLY, scheduled_on=DAY.replace(day=1),
                    on=DAY, starts_at=time(10, 0), ends_at=time(14, 0), status=status, lawyer=world.users["lawyer"],
                    checked_in_at=checked_in, checked_out_at=checked_out)
    db.session.add(s)
    db.session.flush()
    return s


def _entry(world, session, *, starts=time(10, 0), ends=time(10, 1), token="f1"):  # noqa: S107
    entry, _made = services.create_entry(
        lawyer=world.users["lawyer"], point=org.point_of(world.units["V1"]), session=session, form_token=token,
        submit=True, today=DAY, served_on=DAY, starts_at=starts, ends_at=ends, place="", persons="村民",
        mode=Mode.ON_SITE, category=Category.CONSULTATION, content="土地承包", result="", referral=Referral.NONE)
    db.session.commit()
    return entry


def _codes(entry) -> list[str]:
    return [f.code for f in services.entry_flags(entry)]


def test_an_entry_of_a_one_minute_visit_carries_the_visits_flag(world):
    entry = _entry(world, _visit(world, _bj(10, 0), _bj(10, 1)))
    assert _codes(entry) == ["short"]


def test_an_entry_far_outside_its_visit_or_of_a_visit_never_checked_in_is_flagged(world):
    visit = _visit(world, _bj(10, 0), _bj(14, 0))
    assert _codes(_entry(world, visit, starts=time(10, 30), ends=time(11, 0))) == []
    assert _codes(_entry(world, visit, starts=time(16, 0), ends=time(17, 0), token="f2")) == ["entry_outside"]
    assert _codes(_entry(world, _visit(world), starts=time(10, 0), ends=time(11, 0), token="f3")) == [
        "no_attendance"]
    assert _codes(_entry(world, _visit(world, _bj(10, 0)), starts=time(10, 0), ends=time(11, 0), token="f4")) == [
        "not_checked_out"]


def test_an_entry_for_a_matter_outside_any_visit_has_no_hour_flags(world):
    assert _codes(_entry(world, None, starts=time(10, 0), ends=time(10, 10))) == []  # a short phone call is fine


@freeze_time(NOW)
def test_the_officer_sees_the_flag_in_the_list_and_on_the_entry_before_countersigning(world, client, auth):
    entry = _entry(world, _visit(world, _bj(10, 0), _bj(10, 1)))
    auth.login("officer")
    listing = client.get("/log/").text
    sentence = "签到 10:00、签退 10:01，只有 0:01，少于最少 2:00。"
    assert sentence in listing
    assert listing.index(sentence) < listing.index(f"/log/{entry.id}/countersign")
    page = client.get(f"/log/{entry.id}").text
    assert sentence in page and page.index(sentence) < page.index(f"/log/{entry.id}/countersign")
    assert "0:01" in page and "0.02" not in page


@pytest.mark.parametrize("one_by_one", [True, False])
@freeze_time(NOW)
def test_countersigning_a_flagged_entry_is_possible_and_the_flag_is_recorded(world, client, auth, one_by_one):
    visit = _visit(world, _bj(10, 0), _bj(10, 1))
    entry = _entry(world, visit)
    auth.login("officer")
    url = f"/log/{entry.id}/countersign" if one_by_one else f"/log/sessions/{visit.id}/countersign"
    ask = client.get(url).text  # the confirmation page says it too, right above 确认签字
    assert "签到 10:00、签退 10:01，只有 0:01，少于最少 2:00。" in ask
    if one_by_one:
        data = {"confirm": "1", "version": entry.version}
    else:
        seen = re.search(r'name="seen"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="seen"', ask)
        data = {"confirm": "1", "seen": seen.group(1) or seen.group(2)}
    assert client.post(url, data=data).status_code == 303
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "worklog.countersign")).one()
    assert json.loads(event.after)["hour_flags"] == ["short"]
