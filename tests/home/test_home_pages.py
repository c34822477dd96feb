"""Each role's home page shows first what waits for that person, inside their scope, in a few statements.

The small 博州 of conftest gets, at every village studio and at two stations, one of each thing that waits:
a work-log entry to countersign, a visit done and not yet confirmed, the next session residents signed up
for (one booked, one on the waitlist), a mediation agreement inside its 30-day judicial-confirmation window
and a case open for more than 30 days. Each home page is read for the links to those things: an officer
must see her village's and no other, a station head her township's, a lawyer her own sessions.
"""

import gzip
import re
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from freezegun import freeze_time
from sqlalchemy import event

from gongfa.db import db
from gongfa.duty.models import DutySession, RuleKind, SessionStatus
from gongfa.mediation.models import CaseSource, CaseStatus, MediationCase
from gongfa.org import services as org
from gongfa.signup.models import Booking, BookingChannel, BookingKind, BookingStatus
from gongfa.worklog.models import Category, EntryStatus, Mode, WorkLogEntry

NOW = "2026-11-23 09:00:00+08:00"  # a Monday
TODAY = date(2026, 11, 23)
PLACES = ("T1", "V1", "V2", "V3", "T3", "V4")
LINK = re.compile(r'href="/(log|duty/sessions|signup/sessions|mediation)/(\d+)"')


def _session(world, key, *, on, status, lawyer="lawyer", kind=None, **over):
    point = org.point_of(world.units[key])
    kind = kind or (RuleKind.WEEKLY if key.startswith("T") else RuleKind.MONTHLY)
    values = {"starts_at": time(10, 0), "ends_at": time(14, 0), **over}
    session = DutySession(point=point, kind=kind, scheduled_on=on if kind != RuleKind.MONTHLY else on.replace(day=1),
                          on=on, status=status, lawyer=world.users[lawyer] if lawyer else None, **values)
    db.session.add(session)
    return session


def _case(world, key, **values):
    case = MediationCase(point=org.point_of(world.units[key]), year=2026,
                         seq=db.session.query(MediationCase).count() + 1, source=CaseSource.APPLICATION,
                         category="02", summary="院墙排水沟堵塞", **values)
    db.session.add(case)
    return case


def _booking(session, n, status):
    db.session.add(Booking(session=session, code=f"{session.id:04d}{n:02d}", kind=BookingKind.CONSULTATION,
                           status=status, channel=BookingChannel.STAFF, name="吐尔逊", phone=f"1391234{n:04d}"))


@pytest.fixture
def waiting(world):
    """At every place, one of each thing that waits; returns {place: {what: id}}."""
    world.add_multi_unit_people()
    items = {}
    arrived = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
    for n, key in enumerate(PLACES):
        point = org.point_of(world.units[key])
        entry = WorkLogEntry(point=point, lawyer=world.users["lawyer"], served_on=TODAY - timedelta(days=3),
                             starts_at=time(10, 0), ends_at=time(12, 0), persons="居民", mode=Mode.ON_SITE,
                             category=Category.CONSULTATION, content="咨询", status=EntryStatus.SUBMITTED)
        db.session.add(entry)
        done = _session(world, key, on=TODAY - timedelta(days=3 + n), status=SessionStatus.DONE,
                        checked_in_at=arrived, checked_out_at=arrived + timedelta(hours=4), lawyer="lawyer_c2")
        upcoming = _session(world, key, on=TODAY + timedelta(days=2 + n), status=SessionStatus.CONFIRMED,
                            lawyer="lawyer_c2")
        agreed = _case(world, key, status=CaseStatus.AGREEMENT, applied_on=TODAY - timedelta(days=40),
                       effective_on=TODAY - timedelta(days=25))
        stale = _case(world, key, status=CaseStatus.IN_MEDIATION, applied_on=TODAY - timedelta(days=45))
        db.session.flush()
        _booking(upcoming, 1, BookingStatus.BOOKED)
        _booking(upcoming, 2, BookingStatus.WAITLISTED)
        items[key] = {"entry": entry.id, "done": done.id, "upcoming": upcoming.id, "agreed": agreed.id,
                      "stale": stale.id}
    db.session.commit()
    return items


def _links(page: str) -> set[tuple[str, int]]:
    return {(kind, int(n)) for kind, n in LINK.findall(page)}


def _expected(items, keys) -> set[tuple[str, int]]:
    kinds = {"entry": "log", "done": "duty/sessions", "upcoming": "signup/sessions", "agreed": "mediation",
             "stale": "mediation"}
    return {(kinds[what], n) for key in keys for what, n in items[key].items()}


@freeze_time(NOW)
@pytest.mark.parametrize(("who", "places"), [
    ("officer", {"V1"}), ("officer3", {"V3"}), ("head", {"T1", "V1", "V2"}), ("head2", {"T3", "V4"})])
def test_each_home_shows_what_waits_inside_its_scope_and_nothing_outside(waiting, client, auth, who, places):
    """An officer sees her village's entries, visits, sign-ups and cases; a head her township's; none other's."""
    auth.login(who)
    page = client.get("/").text
    shown = _links(page) & _expected(waiting, PLACES)
    assert shown == _expected(waiting, places)


@freeze_time(NOW)
def test_the_officers_home_says_what_to_do_first_with_counts_dates_and_deadlines(waiting, client, auth):
    auth.login("officer")
    page = client.get("/").text
    first = page.index('id="waiting"')
    assert first < page.index("公示牌")  # what waits comes before the usual links
    assert "待签字确认的工作日志" in page and "待确认的来村" in page
    # The next session's sign-ups: its date, booked of capacity, and the waitlist.
    nxt = TODAY + timedelta(days=3)
    assert f"{nxt.month}月{nxt.day}日" in page
    text = re.sub(r"<[^>]+>", "", page)
    assert re.search(r"已约\s*1\s*/\s*8", text) and re.search(r"候补\s*1", text)
    # The judicial-confirmation window and the case open too long, each with its reason.
    assert "共同申请司法确认" in page and "还剩 5 天" in page
    assert "超过30日未调结" in page and "申请至今 45 天" in page


@freeze_time(NOW)
def test_an_officer_with_nothing_waiting_reads_so_plainly(world, client, auth):
    auth.login("officer")
    page = client.get("/").text
    assert "目前没有等您处理的事" in page


@freeze_time(NOW)
def test_the_heads_home_lists_substitutions_to_arrange_shortages_and_clashes(waiting, world, client, auth):
    declined = _session(world, "T1", on=TODAY + timedelta(days=9), status=SessionStatus.PLANNED,
                        needs_substitute=True)
    nobody = _session(world, "T1", on=TODAY + timedelta(days=16), status=SessionStatus.PLANNED, lawyer=None)
    nobody_too = _session(world, "V2", on=TODAY + timedelta(days=16), status=SessionStatus.PLANNED, lawyer=None)
    # lawyer2 sits at the station and at a village at the same hours (left by an older roster or an import).
    clash_a = _session(world, "T1", on=TODAY + timedelta(days=23), status=SessionStatus.CONFIRMED, lawyer="lawyer2")
    clash_b = _session(world, "V2", on=TODAY + timedelta(days=23), status=SessionStatus.CONFIRMED, lawyer="lawyer2",
                       kind=RuleKind.EXTRA)
    elsewhere = _session(world, "V4", on=TODAY + timedelta(days=9), status=SessionStatus.PLANNED, lawyer=None)
    db.session.commit()
    auth.login("head")
    page = client.get("/").text
    tasks = page[page.index('id="substitutions"'):]
    assert f"/duty/sessions/{declined.id}/substitute" in tasks and f"/duty/sessions/{nobody.id}/substitute" in tasks
    assert f"/duty/sessions/{elsewhere.id}" not in page
    assert "缺律师" in tasks and "请求替班" in tasks
    # Which places (joined with the language's list pattern, Babel's format_list), which day and hours, how many short.
    assert f"/duty/sessions/{nobody_too.id}/substitute" in tasks
    assert re.search(r"缺 2 名律师：小营盘镇和吉祥社区", re.sub(r"<[^>]+>", "", tasks))
    clashes = page[page.index('id="clashes"'):]
    assert f"/duty/sessions/{clash_a.id}" in clashes and f"/duty/sessions/{clash_b.id}" in clashes
    assert "王律师" in clashes
    # The station's own entries wait for the head; the villages' for their officers, counted per village.
    assert "待您签字" in page and "营盘社区" in page[page.index('id="entries"'):]


@freeze_time(NOW)
def test_a_head_with_nothing_to_arrange_reads_so(world, client, auth):
    auth.login("head")
    page = client.get("/").text
    assert "没有需要安排替班的值班" in page and "没有同一律师同一时间两处值班的情况" in page


@freeze_time(NOW)
def test_the_lawyers_home_shows_what_waits_for_her_and_only_her_places(waiting, world, client, auth):
    to_accept = _session(world, "T1", on=TODAY + timedelta(days=2), status=SessionStatus.PLANNED)
    to_propose = _session(world, "V1", on=TODAY + timedelta(days=10), status=SessionStatus.PLANNED,
                          starts_at=time(16, 0), ends_at=time(18, 0))
    today_visit = _session(world, "V1", on=TODAY, status=SessionStatus.CONFIRMED, starts_at=time(16, 0),
                           ends_at=time(18, 0))
    arrived = datetime(2026, 11, 16, 2, 0, tzinfo=UTC)
    to_write = _session(world, "V1", on=TODAY - timedelta(days=7), status=SessionStatus.DONE,
                        checked_in_at=arrived, checked_out_at=arrived + timedelta(hours=3))
    written = _session(world, "V1", on=TODAY - timedelta(days=14), status=SessionStatus.DONE,
                       checked_in_at=arrived, checked_out_at=arrived + timedelta(hours=3))
    db.session.flush()
    db.session.add(WorkLogEntry(point=written.point, lawyer=world.users["lawyer"], session=written,
                                served_on=written.on, starts_at=time(10, 0), ends_at=time(13, 0), persons="居民",
                                mode=Mode.ON_SITE, category=Category.CONSULTATION, content="咨询"))
    other = _session(world, "V2", on=TODAY + timedelta(days=2), status=SessionStatus.PLANNED, lawyer="lawyer2")
    db.session.commit()
    auth.login("lawyer")
    page = client.get("/").text
    waits = page[page.index('id="waiting"'):page.index('id="places"')]
    assert f"/duty/sessions/{to_accept.id}\"" in waits and f"/duty/sessions/{to_propose.id}#propose" in waits
    assert f"/duty/sessions/{today_visit.id}\"" in waits
    assert f"/log/new?session={to_write.id}" in waits and f"session={written.id}" not in page
    assert f"/duty/sessions/{other.id}\"" not in page
    assert 'href="/duty/my"' in waits
    # Her places only: her station and the village she advises, not 吉祥社区 (lawyer2's).
    places = page[page.index('id="places"'):]
    assert "营盘社区" in places and "小营盘镇" in places and "吉祥社区" not in places
    # No link she would meet a 403 behind (the station month is for heads and the bureau).
    assert "/duty/stations/" not in page


@freeze_time(NOW)
@pytest.mark.parametrize("who", ["admin", "county", "inspector", "auditor", "mediator"])
def test_other_roles_keep_their_home_page(waiting, client, auth, who):
    auth.login(who)
    response = client.get("/")
    assert response.status_code == 200
    assert _links(response.text) & _expected(waiting, PLACES) == set()


@freeze_time(NOW)
@pytest.mark.parametrize("who", ["officer", "head", "lawyer", "admin", "mediator"])
def test_a_home_page_takes_few_statements_and_fits_the_first_round_trip(waiting, app, client, auth, who):
    """≤ 10 SQL statements (login and session checks included) and ≤ 14 KB compressed with the CSS."""
    auth.login(who)
    statements = []

    def count(*_args, **_kwargs):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        page = client.get("/").data
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) <= 10
    css = (Path(app.static_folder) / "css" / "app.css").read_bytes()
    assert len(gzip.compress(page)) + len(gzip.compress(css)) <= 14 * 1024


@freeze_time(NOW)
@pytest.mark.parametrize("who", ["officer", "head", "lawyer", "mediator"])
def test_every_link_on_a_home_page_opens_for_its_reader(waiting, world, client, auth, who):
    """No link on a home page leads to a 403 (the lawyer's and mediator's link to the station month did)."""
    _session(world, "T1", on=TODAY + timedelta(days=9), status=SessionStatus.PLANNED, needs_substitute=True)
    _session(world, "V1", on=TODAY + timedelta(days=4), status=SessionStatus.PLANNED)
    db.session.commit()
    auth.login(who)
    page = client.get("/").text
    main = page[page.index('<main'):page.index('</main>')]
    hrefs = {h.replace("&amp;", "&").split("#")[0] for h in re.findall(r'href="(/[^"]*)"', main)}
    assert hrefs
    for href in sorted(hrefs):
        if href.endswith(".pdf"):
            continue
        assert client.get(href).status_code == 200, href
