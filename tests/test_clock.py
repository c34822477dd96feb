"""One clock, in Beijing time: a day starts at 00:00 北京时间 for every rule, whatever the server's own clock says."""

import ast
from datetime import UTC, date, datetime
from pathlib import Path

from gongfa import clock
from gongfa.db import db
from gongfa.org import services as org
from gongfa.people import services as people
from gongfa.people.models import Role
from tests.conftest import PASSWORD

STARTS = date(2027, 3, 1)


def test_today_is_beijings_date_while_utc_is_still_yesterday():
    with clock.freeze(datetime(2027, 2, 28, 16, 30, tzinfo=UTC)):  # 00:30 on 1 March in Beijing
        assert clock.today() == STARTS
        assert clock.beijing_now().hour == 0
        assert clock.now() == datetime(2027, 2, 28, 16, 30, tzinfo=UTC)


def test_a_new_officer_reaches_their_village_from_midnight_beijing_time(world, client, auth):
    """The authorisation path asks the one clock: at 23:59 the day before, no; at 00:30, yes."""
    village = world.units["V1"]
    user = people.create_user(username="newofficer", full_name="新来的干部", password=PASSWORD)
    people.add_membership(user=user, point=org.point_of(village), role=Role.OFFICER, starts_on=STARTS)
    db.session.commit()
    with clock.freeze(datetime(2027, 2, 28, 23, 59)):  # naive: Beijing time
        auth.login("newofficer")
        assert client.get(f"/org/units/{village.id}").status_code == 403
        auth.logout()
    with clock.freeze(datetime(2027, 3, 1, 0, 30)):  # 2027-02-28 16:30 UTC: a UTC server's date.today() says 28th
        auth.login("newofficer")
        assert client.get(f"/org/units/{village.id}").status_code == 200


def test_nothing_in_the_app_reads_the_servers_clock_directly():
    """date.today(), datetime.now() and datetime.utcnow() appear only in gongfa/clock.py."""
    root = Path(__file__).resolve().parent.parent / "gongfa"
    found = []
    for path in root.rglob("*.py"):
        if path.name == "clock.py" or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("today", "now", "utcnow")
                    and isinstance(node.func.value, ast.Name) and node.func.value.id in ("date", "datetime")):
                found.append(f"{path.relative_to(root.parent)}:{node.lineno}")
    assert not found, found
