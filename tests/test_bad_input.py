"""Junk in every form as the bureau admin: a message or a redirect, never a 500."""

import pytest

from tests.test_access_matrix import MATRIX, _ids

JUNK = [
    {},
    {"name_zh": "x" * 10_000, "full_name": "y" * 10_000, "code": "9" * 500, "phone": "1" * 300},
    {"level": ["county", "village"], "parent_id": ["1", "2"], "kind": "\x00", "starts_on": "2026-13-45"},
    {"unit_id": "-1", "lawyer_id": "1e9", "law_firm_id": "NaN", "point_id": "9999999999999999999999", "role": "god"},
    {"name_zh": "\U0001f600" * 30, "username": "ａｄｍｉｎ", "ends_on": "0000-00-00", "locale": "../../etc"},
    {"name_zh": "مەھەللە 社区 \u202eabc", "address": "<script>alert(1)</script>", "hours": "' OR 1=1 --"},
    {"a_name": "x" * 500, "a_age": "-5", "a_id_number": "\u202e123", "slot": "25:99", "version": "abc",
     "held_on": "1447-03-01", "effective_on": "2026-02-30", "slot_minutes": "1e9", "slot_capacity": "-1",
     "value": "great", "mediator_id": "x", "kind": "bribe", "clauses": "\x00", "form_token": "t" * 500},
]


@pytest.mark.parametrize("payload", JUNK, ids=range(len(JUNK)))
def test_every_post_survives_junk(world, client, auth, app, payload):
    app.config["PROPAGATE_UNEXPECTED"] = False  # a 500 must show up as a status here, not a traceback
    auth.login("admin")
    ids = _ids(world)
    posts = {template for endpoint, _m, template, _a in MATRIX
             if endpoint not in ("auth.logout",) and _m in ("GET", "POST")}
    for template in sorted(posts):
        url = template.format(**ids)
        response = client.post(url, data=payload)
        response.close()
        assert response.status_code < 500, (url, payload)
        assert response.status_code != 500


@pytest.mark.parametrize("body", [b"name_zh=%ED%A0%80&code=%FF%FE", b"name_zh=\xff\xfe\x00&level=village"])
def test_broken_encodings_are_not_a_500(world, client, auth, app, body):
    app.config["PROPAGATE_UNEXPECTED"] = False
    auth.login("admin")
    response = client.post("/org/units/new", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code in (400, 422)


def test_script_in_a_name_is_shown_as_text(world, client, auth):
    auth.login("county")
    point = world.units["V1"].points[0]
    client.post(f"/org/points/{point.id}/edit", data={"address": "<script>alert(1)</script>", "is_active": "y"})
    page = client.get(f"/org/units/{world.units['V1'].id}").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
