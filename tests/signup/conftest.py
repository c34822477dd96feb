"""A calendar to book into: Wednesdays at 小营盘镇 and the monthly visit to 营盘社区 (winter hours)."""

from datetime import date

import pytest
from freezegun import freeze_time

from gongfa.db import db
from gongfa.duty.generation import create_rule, generate_all
from gongfa.duty.holidays import sync_national_holidays
from gongfa.duty.models import DutySession, RuleKind
from gongfa.org import services as org

NOW = "2026-11-23 09:00:00+08:00"  # a Monday
WEDNESDAY = date(2026, 11, 25)


@pytest.fixture
def cal(world):
    """Sessions generated for the coming weeks; the Wednesday of 11/25 runs 10:00–14:00, 30-minute slots, 1 each."""
    with freeze_time(NOW):
        sync_national_holidays([2026])
        create_rule(point=org.point_of(world.units["T1"]), kind=RuleKind.WEEKLY, valid_from=date(2025, 1, 1))
        create_rule(point=org.point_of(world.units["V1"]), kind=RuleKind.MONTHLY, valid_from=date(2025, 1, 1),
                    day_of_month=26)
        generate_all(first=date(2026, 11, 1), weeks=6, months=2)
        db.session.commit()
    return world


def session_at(world, key: str, on: date | None = None) -> DutySession:
    """The first session at a unit's point (on a given day)."""
    point = org.point_of(world.units[key])
    stmt = db.select(DutySession).where(DutySession.point_id == point.id)
    if on:
        stmt = stmt.where(DutySession.on == on)
    found = db.session.scalars(stmt.order_by(DutySession.on)).first()
    assert found is not None, f"no session at {key}" + (f" on {on}" if on else "")  # a test on nothing proves nothing
    return found
