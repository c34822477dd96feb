"""Junk in every form as the bureau admin: a message or a redirect, never a 500."""

import re

import pytest

from tests.test_access_matrix import MATRIX, SLOW, _ids

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


@pytest.mark.parametrize("tag", ["zz", "x", "xx-YY", "i-klingon", "zz;q=0.9, kk;q=0.1", "*", ";q=x", "ug-ZZ-x-y"])
def test_odd_accept_language_headers_give_the_page_in_a_language_we_have(world, client, app, tag):
    app.config["PROPAGATE_UNEXPECTED"] = False
    for url in ("/", "/v/652701100001", "/auth/login", "/b/find"):
        response = client.get(url, headers={"Accept-Language": tag})
        assert response.status_code == 200, (url, tag)
        assert re.search(r'<html lang="(zh-Hans|ug)"', response.text)


@pytest.mark.parametrize("status", ["applied", "closed", "", "418", "200", "CLOSED", "x" * 300])
def test_the_case_list_filter_only_filters(world, client, auth, app, status):
    app.config["PROPAGATE_UNEXPECTED"] = False
    auth.login("county")
    response = client.get("/mediation/", query_string={"status": status})
    assert response.status_code == 200
    if status in ("applied", "closed"):
        assert f'<option value="{status}" selected>' in response.text


HUGE = [str(2**31), str(2**63), str(2**64), "9" * 30, str(2**63 - 1), "-1", "0"]


@pytest.mark.parametrize("huge", HUGE)
def test_numbers_too_big_for_a_database_id_are_not_found(world, client, auth, app, huge):
    """Every <int:…> in every route, and the id-like query parameters, with numbers no id can have."""
    app.config["PROPAGATE_UNEXPECTED"] = False
    auth.login("admin")
    ids = _ids(world)
    failures = []
    for endpoint, method, template, _allowed in MATRIX + SLOW:
        if "{" not in template or endpoint == "auth.logout":
            continue
        for key in re.findall(r"{(\w+)}", template):
            url = template.format(**{**ids, key: huge})
            response = client.open(url, method=method, data={})
            response.close()
            if response.status_code >= 500:
                failures.append(f"{method} {url}: {response.status_code}")
    for url in ("/org/units?page=", "/org/units/new?parent=", "/org/assignments/new?unit=", "/people/?page=",
                "/org/assignments?page=", "/mediation/new?booking=", "/log/new?session=", "/ledger/?year=",
                "/ledger/?quarter=", "/ledger/statistics/{T1}.xlsx?year=".format(**ids), "/audit/?before=",
                "/audit/?object_id=", "/audit/export.xlsx?object_id="):
        response = client.get(url + huge)
        if response.status_code >= 500:
            failures.append(f"GET {url}{huge}: {response.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(("year", "quarter"), [(0, 1), (1999, 1), (2100, 4), (2026, 0), (2026, 5)])
def test_a_quarter_outside_the_calendar_is_not_found(world, client, auth, app, year, quarter):
    app.config["PROPAGATE_UNEXPECTED"] = False
    auth.login("head")
    assert client.get(f"/ledger/quarters/{world.units['T1'].id}/{year}/{quarter}").status_code == 404


@pytest.mark.parametrize("target", ["//evil.example/", "/\\evil.example/", "/\\/evil.example", "https://evil.example/",
                                    "/\t/evil.example", "javascript:alert(1)"])
def test_redirects_after_login_and_language_stay_on_the_site(world, client, target):
    response = client.post("/lang", data={"locale": "ug", "next": target})
    assert response.headers["Location"] == "/"
    response = client.post("/auth/login", query_string={"next": target},
                           data={"username": "admin", "password": "Test.password.1"})
    assert response.headers["Location"] == "/"


def test_a_number_no_record_can_have_is_told_next_to_its_field(world, client, auth):
    """The audit search's object number, 30 digits long: a message, not a database overflow."""
    auth.login("admin")
    response = client.get("/audit/?object_id=" + "9" * 30)
    assert response.status_code == 422
    assert "数字太大。" in response.text
    assert "9" * 30 in response.text  # what was typed stays in the box
