"""A party refusing (Art. 17) and a failed mediation (Art. 26) end the case: each has its own button leading
to its own page, with its own reason, that asks before anything changes; every step answers with a whole
page and a message, with JavaScript on or off (issue 11, points 3 and 4)."""

import re
from datetime import date

import pytest
from freezegun import freeze_time

from gongfa.db import db
from gongfa.mediation import services
from gongfa.mediation.models import CaseSource, CaseStatus, MediationCase, PartySide
from gongfa.org import services as org
from tests.conftest import HX, PASSWORD

NOW = "2026-11-23 09:00:00+08:00"
TODAY = date(2026, 11, 23)
BOOSTED = {**HX, "HX-Boosted": "true"}


def _case(world, *, accepted=True) -> MediationCase:
    officer = world.users["officer"]
    case = services.open_case(
        point=org.point_of(world.units["V1"]), source=CaseSource.APPLICATION, category="02", summary="排水沟堵塞",
        requests="", applied_on=TODAY, actor=officer,
        parties=[{"side": PartySide.APPLICANT, "name": "阿依古丽", "phone": "13912340077"},
                 {"side": PartySide.RESPONDENT, "name": "王建国"}])
    if accepted:
        services.accept(case, actor=officer, mediator=world.users["mediator"], version=None, today=TODAY)
    db.session.commit()
    return case


def _status(case) -> CaseStatus:
    db.session.expire_all()
    return db.session.get(MediationCase, case.id).status


def _login(client, username):
    assert client.post("/auth/login", data={"username": username, "password": PASSWORD}).status_code == 303


@freeze_time(NOW)
def test_refuse_and_terminate_are_two_links_not_one_reason_box_with_two_buttons(world, client):
    case = _case(world)
    _login(client, "officer")
    page = client.get(f"/mediation/{case.id}").text
    assert f'href="/mediation/{case.id}/refuse"' in page and f'href="/mediation/{case.id}/terminate"' in page
    assert not re.search(rf'(?:action|formaction)="/mediation/{case.id}/(?:refuse|terminate)"', page)


@freeze_time(NOW)
@pytest.mark.parametrize(("step", "ends_as", "says"), [("refuse", CaseStatus.REFUSED, "拒绝调解"),
                                                       ("terminate", CaseStatus.TERMINATED, "终止调解")])
def test_each_ending_has_its_own_page_with_its_own_reason_and_asks_first(world, client, step, ends_as, says):
    case = _case(world)
    _login(client, "officer")
    ask = client.get(f"/mediation/{case.id}/{step}")
    assert ask.status_code == 200
    text = ask.text
    assert case.number in text and says in text and 'name="reason"' in text
    assert re.search(r'<button[^>]*name="confirm"[^>]*>', text)
    assert f'href="/mediation/{case.id}"' in text  # 返回
    other = "terminate" if step == "refuse" else "refuse"
    assert f'action="/mediation/{case.id}/{other}"' not in text
    # The old one-box form (no confirm) only brings the question up, with what was typed.
    again = client.post(f"/mediation/{case.id}/{step}", data={"version": case.version, "reason": "双方分歧太大"})
    assert again.status_code == 200 and "双方分歧太大" in again.text
    assert _status(case) == CaseStatus.ACCEPTED
    empty = client.post(f"/mediation/{case.id}/{step}", data={"version": case.version, "reason": "",
                                                             "confirm": "1"})
    assert empty.status_code == 422 and 'id="reason-error"' in empty.text and 'href="#reason"' in empty.text
    assert _status(case) == CaseStatus.ACCEPTED
    done = client.post(f"/mediation/{case.id}/{step}", data={"version": case.version, "reason": "双方分歧太大",
                                                            "confirm": "1"})
    assert done.status_code == 303 and _status(case) == ends_as
    assert 'class="flash success"' in client.get(done.location).text


@freeze_time(NOW)
@pytest.mark.parametrize("step", ["accept", "record", "refuse-ask", "refuse", "terminate-ask", "terminate"])
def test_with_javascript_on_every_step_is_a_whole_page_with_a_message(world, client, step):
    case = _case(world, accepted=step != "accept")
    _login(client, "officer")
    name = step.split("-")[0]
    url = f"/mediation/{case.id}/{name}"
    if step.endswith("-ask"):
        response = client.get(url, headers=BOOSTED)
    else:
        data = {"version": case.version, "mediator_id": world.users["mediator"].id, "reason": "分歧太大",
                "held_on": "2026-11-23", "content": "双方陈述。", "confirm": "1"}
        response = client.post(url, data=data, headers=BOOSTED, follow_redirects=True)
        assert 'class="flash success"' in response.text, step
    for part in ("<header", 'class="nav', "<footer", "<h1"):
        assert part in response.text, (step, part)


def test_the_confirmation_needs_the_csrf_token(world, app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    with freeze_time(NOW):
        case = _case(world)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/auth/login").text).group(1)
        client.post("/auth/login", data={"username": "officer", "password": PASSWORD, "csrf_token": token})
        response = client.post(f"/mediation/{case.id}/refuse", data={"version": case.version, "reason": "不愿调解",
                                                                     "confirm": "1"})
        assert response.status_code == 400
        assert _status(case) == CaseStatus.ACCEPTED
