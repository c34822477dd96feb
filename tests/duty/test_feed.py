"""The lawyer's calendar feed as strict calendar clients read it (RFC 5545)."""

import re
from datetime import UTC, datetime

from freezegun import freeze_time
from ical.calendar_stream import IcsCalendarStream
from sqlalchemy import select

from gongfa import clock
from gongfa.db import db
from gongfa.duty.models import DutySession
from tests.duty.test_views import cal  # noqa: F401  (the fixture: a weekly and a monthly rule, sessions generated)


def _content_lines(text: str) -> list[tuple[str, dict, str]]:
    """RFC 5545 §3.1: unfold, then split each line into (NAME, {PARAM: value}, value)."""
    unfolded = re.sub(r"\r\n[ \t]", "", text)
    lines = []
    for line in unfolded.split("\r\n"):
        if not line:
            continue
        head, _, value = line.partition(":")
        name, *params = head.split(";")
        lines.append((name.upper(), dict(p.split("=", 1) for p in params), value))
    return lines


def rfc5545_problems(text: str) -> list[str]:
    """What a calendar lacks of what RFC 5545 requires: PRODID and VERSION once (§3.6); DTSTAMP, UID and
    DTSTART once in each VEVENT (§3.6.1); a VTIMEZONE for every TZID used (§3.2.19); CRLF line ends (§3.1)."""
    problems = [] if "\n" not in text.replace("\r\n", "") else ["a line ends without CR"]
    stack, counts, tzids_used, tzids_defined = [], [], set(), set()
    required = {"VCALENDAR": ("PRODID", "VERSION"), "VEVENT": ("DTSTAMP", "UID", "DTSTART")}
    for name, params, value in _content_lines(text):
        if name == "BEGIN":
            stack.append(value.upper())
            counts.append({})
        elif name == "END":
            component, seen = stack.pop(), counts.pop()
            problems += [f"{component} has {seen.get(prop, 0)} {prop}" for prop in required.get(component, ())
                         if seen.get(prop, 0) != 1]
        else:
            counts[-1][name] = counts[-1].get(name, 0) + 1
            if "TZID" in params:
                tzids_used.add(params["TZID"])
            if name == "TZID" and stack[-1] == "VTIMEZONE":
                tzids_defined.add(value)
    problems += [f"TZID {tzid} has no VTIMEZONE" for tzid in sorted(tzids_used - tzids_defined)]
    return problems + (["unbalanced BEGIN/END"] if stack else [])


def test_the_check_finds_what_the_feed_used_to_lack():
    """The feed as it was written before: TZID without VTIMEZONE, events without DTSTAMP."""
    old = ("BEGIN:VCALENDAR\r\nPRODID:-//gongfa//duty//ZH\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\n"
           "UID:duty-1@gongfa\r\nDTSTART;TZID=Asia/Shanghai:20261125T100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    assert rfc5545_problems(old) == ["VEVENT has 0 DTSTAMP", "TZID Asia/Shanghai has no VTIMEZONE"]


def _feed(client, auth) -> str:
    auth.login("lawyer")
    client.post("/duty/feed")
    page = client.get("/duty/feed").text
    url = page.split('<code dir="ltr">')[1].split("</code>")[0].replace("http://localhost", "")
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    return response.data.decode()


def test_the_feed_has_every_property_rfc5545_requires(cal, client, auth):  # noqa: F811
    with freeze_time("2026-11-23 09:00:00+08:00"):
        text = _feed(client, auth)
    assert rfc5545_problems(text) == []
    assert "BEGIN:VTIMEZONE\r\nTZID:Asia/Shanghai" in text
    assert "DTSTAMP:20261123T010000Z" in text  # when the feed was made, in UTC as §3.8.7.2 asks


def test_a_second_independent_parser_reads_the_same_sessions_at_the_same_times(cal, client, auth):  # noqa: F811
    """allenporter/ical (the parser Home Assistant uses) shares no code with icalendar, which writes the feed."""
    with freeze_time("2026-11-23 09:00:00+08:00"):
        text = _feed(client, auth)
    mine = db.session.scalars(select(DutySession).where(DutySession.lawyer_id == cal.users["lawyer"].id)).all()
    assert mine
    other = IcsCalendarStream.calendar_from_ics(text)
    assert {e.uid: e.dtstart for e in other.events} == {
        f"duty-{s.id}@gongfa": datetime.combine(s.on, s.starts_at, tzinfo=clock.BEIJING) for s in mine}
    assert {e.dtstamp for e in other.events} == {datetime(2026, 11, 23, 1, 0, tzinfo=UTC)}
    assert [tz.tz_id for tz in other.timezones] == ["Asia/Shanghai"]
