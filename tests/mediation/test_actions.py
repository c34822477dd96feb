"""What a case's page offers is exactly what a POST accepts: one rule, asked by the page and by the view.

For every state of a case and each person, the forms on the case page are compared with what happens when
that person sends each step: a form must lead to a step that is carried out, and a step carried out must
have had a form.
"""

import re
from datetime import date

import pytest
from freezegun import freeze_time

from gongfa.audit.models import AuditEvent
from gongfa.db import db
from gongfa.mediation import services
from gongfa.mediation.models import AgreementKind, CaseSource, FollowUp, PartySide
from gongfa.org import services as org
from gongfa.ratings.models import RatingValue

NOW = "2026-11-23 09:00:00+08:00"
TODAY = date(2026, 11, 23)
STEPS = ("accept", "refuse", "terminate", "record", "agreement", "performed", "follow_up", "close", "rate", "reveal")
# How each state is reached, and what the committee's own officer may do there (the full phone and ID
# numbers included); the county's bureau may do the same steps but not see the numbers; the inspector reads.
STATES = {
    "applied": ((), {"accept", "refuse"}),
    "accepted": (("accept",), {"record", "refuse", "terminate"}),
    "refused": (("refuse",), {"rate"}),
    "in_mediation": (("accept", "record"), {"record", "agreement", "refuse", "terminate"}),
    "agreement": (("accept", "record", "agreement"), {"performed", "follow_up"}),
    "terminated": (("accept", "record", "terminate"), {"follow_up", "close"}),
    "performed": (("accept", "record", "agreement", "performed"), {"follow_up"}),
    "followed_up": (("accept", "record", "agreement", "performed", "follow_up"), {"follow_up", "close"}),
    "closed": (("accept", "record", "agreement", "performed", "follow_up", "close"), {"rate"}),
    "rated": (("accept", "record", "agreement", "performed", "follow_up", "close", "rate"), set()),
}
# Refusing and terminating end the case: they are links to pages of their own that ask first.
OFFERED = re.compile(r'(?:formaction|action)="/mediation/(\d+)/(accept|record|agreement|performed|'
                     r'follow-up/\d+|close|rate|parties/\d+/reveal)"|href="/mediation/(\d+)/(refuse|terminate)"')


def _case(world, state: str):
    """A case at 营盘社区 brought to ``state`` through the services, with one more follow-up visit planned."""
    officer = world.users["officer"]
    case = services.open_case(
        point=org.point_of(world.units["V1"]), source=CaseSource.APPLICATION, category="02", summary="排水沟堵塞",
        requests="", applied_on=TODAY, actor=officer,
        parties=[{"side": PartySide.APPLICANT, "name": "阿依古丽", "phone": "13912340077"},
                 {"side": PartySide.RESPONDENT, "name": "王建国"}])
    for step in STATES[state][0]:
        if step == "accept":
            services.accept(case, actor=officer, mediator=world.users["mediator"], version=None, today=TODAY)
        elif step == "refuse":
            services.party_refuses(case, reason="被申请人不接受调解", actor=officer, version=None, today=TODAY)
        elif step == "record":
            services.add_record(case, held_on=TODAY, place="", present="", content="双方陈述。", actor=officer,
                                version=None)
        elif step == "agreement":
            services.record_agreement(case, kind=AgreementKind.WRITTEN, facts="排水沟堵塞", clauses="清理排水沟",
                                      performance="", due=None, effective_on=TODAY, actor=officer, version=None,
                                      today=TODAY)
        elif step == "terminate":
            services.terminate(case, reason="分歧太大", actor=officer, version=None)
        elif step == "performed":
            services.mark_performed(case, on=TODAY, actor=officer, version=None)
        elif step == "follow_up":
            services.record_follow_up(case.follow_ups[0], done_on=TODAY, content="已履行。", actor=officer,
                                      version=None)
        elif step == "close":
            services.close(case, actor=officer, version=None, today=TODAY)
        elif step == "rate":
            services.rate(case, value=RatingValue.SATISFIED, comment="", actor=officer)
    services.plan_follow_up(case, today=TODAY)  # a further visit, e.g. when the agreement is paid in parts
    db.session.commit()
    return case


def _offered(client, case) -> set[str]:
    page = client.get(f"/mediation/{case.id}")
    steps = set()
    for m in OFFERED.finditer(page.text):
        case_id, step = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        if int(case_id) == case.id:
            steps.add("follow_up" if step.startswith("follow-up") else "reveal" if step.startswith("parties")
                      else step)
    return steps


def _events() -> int:
    return db.session.scalar(db.select(db.func.count(AuditEvent.id)))


def _carried_out(client, world, case, step: str) -> bool:
    """Send ``step`` as the page's form would; whether it was carried out (the trail records it)."""
    url, data = f"/mediation/{case.id}/{step}", {"version": case.version}
    if step == "accept":
        data["mediator_id"] = world.users["mediator"].id
    elif step in ("refuse", "terminate"):
        data.update(reason="调解不成", confirm="1")  # the confirm button of the step's own page
    elif step == "record":
        data.update(held_on=TODAY.isoformat(), place="", present="", content="再次调解。")
    elif step == "agreement":
        data.update(kind="written", facts="排水沟堵塞", clauses="清理排水沟", performance="", due="",
                    effective_on=TODAY.isoformat())
    elif step == "performed":
        data["on"] = TODAY.isoformat()
    elif step == "follow_up":
        follow = next(f for f in case.follow_ups if f.done_on is None)
        url = f"/mediation/{case.id}/follow-up/{follow.id}"
        data.update(done_on=TODAY.isoformat(), content="回访：已履行。")
    elif step == "rate":
        data.update(value="satisfied", comment="")
    elif step == "reveal":
        url = f"/mediation/{case.id}/parties/{case.parties[0].id}/reveal"
    before = _events()
    response = client.post(url, data=data)
    assert response.status_code in (200, 303, 403, 422), (step, response.status_code)
    return _events() > before


@freeze_time(NOW)
@pytest.mark.parametrize("state", STATES)
def test_the_case_page_offers_exactly_the_steps_a_post_carries_out(world, client, auth, state):
    wrong = []
    for role in ("officer", "county", "inspector"):
        assert auth.login(role).status_code == 303
        case = _case(world, state)
        offered = _offered(client, case)
        carried_out = set()
        for step in STEPS:
            if _carried_out(client, world, case, step):
                carried_out.add(step)
                case = _case(world, state)  # the next step meets the same state
        expected = {"officer": STATES[state][1] | {"reveal"}, "county": STATES[state][1]}.get(role, set())
        if not offered == carried_out == expected:
            wrong.append(f"{role}: offered {sorted(offered)}, carried out {sorted(carried_out)}, "
                         f"expected {sorted(expected)}")
        auth.logout()
    assert not wrong, "\n".join(wrong)


@freeze_time(NOW)
def test_a_followed_up_case_offers_the_further_follow_up_the_service_records(world, client, auth):
    """Agreement performed, first visit written down, a second visit planned: the page offers to record it."""
    case = _case(world, "followed_up")
    second = next(f for f in case.follow_ups if f.done_on is None)
    auth.login("mediator")
    page = client.get(f"/mediation/{case.id}").text
    assert f'action="/mediation/{case.id}/follow-up/{second.id}"' in page
    response = client.post(f"/mediation/{case.id}/follow-up/{second.id}", data={
        "version": case.version, "done_on": "2026-11-23", "content": "第二次回访：已全部履行。"})
    assert response.status_code == 303
    assert db.session.get(FollowUp, second.id).content == "第二次回访：已全部履行。"


@freeze_time(NOW)
@pytest.mark.parametrize(("state", "step", "data", "shown"), [
    ("accepted", "record", {"held_on": "2026-11-23", "content": "再次调解。"}, "再次调解。"),
    ("in_mediation", "agreement", {"kind": "oral", "facts": "排水沟堵塞", "clauses": "清理排水沟",
                                   "effective_on": "2026-11-23"}, "口头调解协议"),
    ("closed", "rate", {"value": "satisfied"}, "一事一评：满意"),
])
def test_a_step_sent_without_its_optional_fields_is_carried_out(world, client, auth, state, step, data, shown):
    """A form sent without the fields it may leave empty (an old page, a script) is not a 500."""
    case = _case(world, state)
    auth.login("officer")
    response = client.post(f"/mediation/{case.id}/{step}", data={"version": case.version, **data})
    assert response.status_code == 303
    assert shown in client.get(f"/mediation/{case.id}").text


def test_a_rating_sent_twice_at_once_is_refused_and_keeps_what_the_request_did_before(world, monkeypatch):
    """Two people rate one closed case at the same moment: the second is told so, not an error page, and
    its request's earlier work stays (the rating's unique key rolls back a savepoint, not the request)."""
    from gongfa.errors import ServiceError
    from gongfa.ratings.models import Rating

    with freeze_time(NOW):
        case = _case(world, "closed")
        other = _case(world, "agreement")
    officer = world.users["officer"]
    # The other rating reaches the table after this request checked there was none.
    db.session.execute(db.insert(Rating).values(mediation_case_id=case.id, value=RatingValue.SATISFIED,
                                                comment="", by_resident=False, recorded_by_id=officer.id))
    with freeze_time(NOW):
        services.mark_performed(other, on=TODAY, actor=officer, version=None)  # this request's earlier work
        monkeypatch.setattr(services, "_rated", lambda _case: False)  # read before the other was committed
        with pytest.raises(ServiceError, match="已经评价"):
            services.rate(case, value=RatingValue.UNSATISFIED, comment="", actor=officer)
    db.session.commit()
    assert db.session.get(type(other), other.id).status.value == "performed"
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.object_id == other.id,
                                                          AuditEvent.action.like("%performed%")))
    assert event is not None and event.seq is not None
    assert db.session.scalars(db.select(Rating.value).where(Rating.mediation_case_id == case.id)).all() == [
        RatingValue.SATISFIED]
