"""What a session's page offers is exactly what a POST accepts: one rule, asked by the page and by the view.

For every state of a session (a Wednesday at the station, a month's village visit) and each person, the
buttons and links on the session's page are compared with what happens when that person sends each action:
a button must lead to an action that is carried out, and an action carried out must have had a button.
"""

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from freezegun import freeze_time

from gongfa.audit.models import AuditEvent
from gongfa.db import db
from gongfa.duty.models import DutySession, RuleKind, SessionStatus
from gongfa.org import services as org

NOW = "2026-11-23 10:30:00+08:00"  # a Monday, on duty (check-in opened at 9:00, ARRIVED at 10:00)
TODAY = date(2026, 11, 23)
ACTIONS = ("accept", "check_in", "check_out", "countersign", "decline", "propose", "substitute", "swap")
ROLES = ("lawyer", "lawyer2", "officer", "head", "county")
ARRIVED = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 Beijing time
SUPERVISE = {"head": {"substitute", "swap"}, "county": {"substitute", "swap"}}

# scenario: (place, status, proposed by, on, what each person may do there). The assigned lawyer is "lawyer";
# "lawyer2" sits at the same station and may do nothing to the other lawyer's session.
SCENARIOS = {
    "wednesday planned": ("T1", SessionStatus.PLANNED, None, date(2026, 11, 25),
                          {"lawyer": {"accept", "decline"}, **SUPERVISE}),
    "wednesday confirmed": ("T1", SessionStatus.CONFIRMED, None, date(2026, 11, 25),
                            {"lawyer": {"decline"}, **SUPERVISE}),
    "wednesday confirmed for today": ("T1", SessionStatus.CONFIRMED, None, TODAY,
                                      {"lawyer": {"decline", "check_in"}, **SUPERVISE}),
    "wednesday checked in": ("T1", SessionStatus.CHECKED_IN, None, TODAY, {"lawyer": {"check_out"}}),
    "wednesday done": ("T1", SessionStatus.DONE, None, TODAY, {"head": {"countersign"}}),
    "wednesday countersigned": ("T1", SessionStatus.COUNTERSIGNED, None, TODAY, {}),
    "wednesday cancelled": ("T1", SessionStatus.CANCELLED, None, date(2026, 11, 25), {}),
    "visit planned": ("V1", SessionStatus.PLANNED, None, date(2026, 11, 26),
                      {"lawyer": {"accept", "decline", "propose"}, "officer": {"propose"}, **SUPERVISE}),
    # Whoever proposed a date waits for the other side: the lawyer is not offered to accept their own date.
    "visit proposed by the lawyer": ("V1", SessionStatus.PROPOSED, "lawyer", date(2026, 11, 26),
                                     {"lawyer": {"decline", "propose"}, "officer": {"accept", "propose"},
                                      "head": {"accept", "substitute", "swap"}, "county": {"substitute", "swap"}}),
    "visit proposed by the officer": ("V1", SessionStatus.PROPOSED, "officer", date(2026, 11, 26),
                                      {"lawyer": {"accept", "decline", "propose"}, "officer": {"propose"},
                                       "head": {"accept", "substitute", "swap"}, "county": {"substitute", "swap"}}),
    "visit confirmed": ("V1", SessionStatus.CONFIRMED, None, date(2026, 11, 26),
                        {"lawyer": {"decline", "propose"}, "officer": {"propose"}, **SUPERVISE}),
    "visit done": ("V1", SessionStatus.DONE, None, TODAY, {"officer": {"countersign"}, "head": {"countersign"}}),
    "visit missed": ("V1", SessionStatus.MISSED, None, date(2026, 11, 26), {}),
}
OFFERED = re.compile(r'(?:action|href)="/duty/sessions/(\d+)/(' + "|".join(ACTIONS) + r')(?:\?[^"#]*)?"')


def _make(world, scenario: str) -> tuple[DutySession, DutySession]:
    """The scenario's session, and another lawyer's open session at the same place to swap with; the sessions
    made for earlier scenarios are cancelled, so they hold nobody's hours (no action meets a clash)."""
    where, status, proposed_by, on, _allowed = SCENARIOS[scenario]
    db.session.execute(db.update(DutySession).values(status=SessionStatus.CANCELLED))
    point = org.point_of(world.units[where])
    kind = RuleKind.WEEKLY if where == "T1" else RuleKind.MONTHLY
    scheduled = on if kind == RuleKind.WEEKLY else on.replace(day=1)
    session = DutySession(point=point, kind=kind, scheduled_on=scheduled, on=on, starts_at=time(10, 0),
                          ends_at=time(14, 0), status=status, lawyer=world.users["lawyer"],
                          proposed_by=world.users[proposed_by] if proposed_by else None)
    if status in (SessionStatus.CHECKED_IN, SessionStatus.DONE, SessionStatus.COUNTERSIGNED):
        session.checked_in_at = ARRIVED
    if status in (SessionStatus.DONE, SessionStatus.COUNTERSIGNED):
        session.checked_out_at = ARRIVED + timedelta(hours=4)
    partner = DutySession(point=point, kind=kind, scheduled_on=scheduled + timedelta(days=7),
                          on=on + timedelta(days=7), starts_at=time(10, 0), ends_at=time(14, 0),
                          status=SessionStatus.PLANNED, lawyer=world.users["lawyer2"])
    db.session.add_all([session, partner])
    db.session.commit()
    return session, partner


def _offered(client, session: DutySession) -> set[str]:
    page = client.get(f"/duty/sessions/{session.id}")
    return {m.group(2) for m in OFFERED.finditer(page.text) if int(m.group(1)) == session.id}


def _events() -> int:
    return db.session.scalar(db.select(db.func.count(AuditEvent.id)))


def _carried_out(client, world, session: DutySession, partner: DutySession, action: str) -> bool:
    """Send ``action`` as the page's form would; whether it was carried out (the trail records it)."""
    data = {"version": session.version}
    if action == "decline":
        data["reason"] = "开庭"
    elif action == "propose":
        data["on"] = "2026-11-27"
    elif action == "substitute":
        data.update(lawyer_id=world.users["lawyer2"].id, reason="所长安排", confirm="1")  # past its confirmation
    elif action == "swap":
        data.update(other_id=partner.id, reason="律师互换")
    before = _events()
    response = client.post(f"/duty/sessions/{session.id}/{action}", data=data)
    carried_out = _events() > before
    assert response.status_code in (303, 403, 409, 422), (action, response.status_code)
    return carried_out


@freeze_time(NOW)
@pytest.mark.parametrize("role", ROLES)
def test_the_session_page_offers_exactly_the_actions_a_post_carries_out(world, client, auth, role):
    world.add_multi_unit_people()
    assert auth.login(role).status_code == 303
    wrong = []
    for scenario, (*_, allowed) in SCENARIOS.items():
        session, partner = _make(world, scenario)
        offered = _offered(client, session)
        carried_out = set()
        for action in ACTIONS:
            if _carried_out(client, world, session, partner, action):
                carried_out.add(action)
                session, partner = _make(world, scenario)  # the next action meets the same state
        expected = allowed.get(role, set())
        if not offered == carried_out == expected:
            wrong.append(f"{scenario}: offered {sorted(offered)}, carried out {sorted(carried_out)}, "
                         f"expected {sorted(expected)}")
    assert not wrong, "\n".join(wrong)
