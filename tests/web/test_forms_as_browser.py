"""Every form of the app, posted back exactly as a browser sends it (tests/test_bad_input.py posts junk instead).

A browser sends every field of a form, an input left empty as an empty string, hidden values as served,
the selected option, checkboxes only when ticked, and the CSRF token it was given. Each role opens each page
it may use, and each form on it is sent back, once per submit button: nothing may answer 5xx, and a form sent
back as served never gets a format error for a value the app itself filled in.
"""

import re

import pytest

from gongfa.db import db
from gongfa.org.models import Assignment, AssignmentKind
from gongfa.people.models import Membership
from tests.conftest import PASSWORD
from tests.test_access_matrix import MATRIX, ROLES, _ids
from tests.web.html_forms import form_to, forms_of, post_form

# Pages with a form that the matrix reaches only without these query arguments.
EXTRA_PAGES = [
    ("/mediation/new?booking={B1}", {"admin", "county", "head", "officer", "mediator"}),
    ("/log/new?session={S_V1}", {"lawyer"}),
    ("/org/assignments/new?kind=firm_township", {"admin", "county"}),
    ("/org/units/new?level=township", {"admin", "county"}),
    ("/signup/sessions/{S_V1}", {"admin", "county", "head", "officer", "lawyer", "mediator"}),
    ("/b/{rcpt}", {None}),
]
# What WTForms says in English when one of its own messages slips through, and our format errors for values
# a person typed wrong: neither may answer a form the app filled in itself.
NOT_FOR_SERVED_VALUES = re.compile(r"Not a valid|Invalid Choice|This field is required|格式不对|请填写整数")


@pytest.fixture
def app_config():
    """CSRF on, as in production: every form must carry a token that works."""
    return {"WTF_CSRF_ENABLED": True}


def browser_login(client, username: str) -> None:
    """Log in through the login page's form."""
    page = client.get("/auth/login")
    form = form_to(page.text, "/auth/login", "/auth/login")
    response = post_form(client, "/auth/login", form, choose={"username": username, "password": PASSWORD})
    assert response.status_code == 303, response.text


def _pages(role, ids) -> list[str]:
    urls = [template.format(**ids) for _e, method, template, allowed in MATRIX
            if method == "GET" and role in allowed and not template.startswith("/static")]
    urls += [template.format(**ids) for template, roles in EXTRA_PAGES if role in roles]
    return list(dict.fromkeys(urls))


def _submitters(form, url):
    buttons = form.submitters() or [None]
    if form.target(url).endswith("/lang"):
        buttons.reverse()  # Chinese last: the pages after it, and their messages below, stay in Chinese
    return buttons


@pytest.mark.parametrize("role", ROLES, ids=[r or "anonymous" for r in ROLES])
def test_every_form_posted_back_as_served_never_fails(world, client, app, role):
    app.config["PROPAGATE_UNEXPECTED"] = False  # a 500 must show up as a status here, not a traceback
    ids = _ids(world)
    if role:
        browser_login(client, role)
    seen = set()
    failures = []
    pages = _pages(role, ids)
    for _round in range(3):  # a post can open new forms on a page (an accepted case gets its record form)
        found = False
        for url in pages:
            page = client.get(url)
            page.close()
            if page.status_code != 200 or not page.content_type.startswith("text/html"):
                continue
            for form in forms_of(page.text):
                if form.method != "post" or form.target(url).endswith("/auth/logout"):
                    continue
                for button in _submitters(form, url):
                    key = (form.target(url, button), form.names(), button.value if button else None)
                    if key in seen:
                        continue
                    seen.add(key)
                    found = True
                    response = post_form(client, url, form, button)
                    response.close()
                    where = f"{key[0]} from {url} as {role}: {response.status_code}"
                    if response.status_code >= 500:
                        failures.append(where)
                    elif response.status_code == 400:
                        failures.append(f"{where} (refused: CSRF token or form not as served)")
                    elif NOT_FOR_SERVED_VALUES.search(response.text):
                        failures.append(f"{where} {NOT_FOR_SERVED_VALUES.search(response.text).group(0)}")
        if not found:
            break
    assert seen, "no form found"
    assert not failures, "\n".join(failures)


def test_open_ended_adviser_assignment_made_in_a_browser(world, client):
    """The bureau admin picks the village and the lawyer and leaves the optional end date empty, as served."""
    browser_login(client, "county")
    page = client.get("/org/assignments/new")
    form = form_to(page.text, "/org/assignments/new", "/org/assignments/new")
    end = next(c for c in form.controls if c.name == "ends_on")
    assert end.value == ""
    choose = {"unit_id": form.option("unit_id", "吉祥社区"), "lawyer_id": form.option("lawyer_id", "叶尔兰")}
    response = post_form(client, "/org/assignments/new", form, choose=choose)
    assert response.status_code == 303, response.text
    made = db.session.scalar(db.select(Assignment).where(Assignment.unit_id == world.units["V2"].id,
                                                         Assignment.kind == AssignmentKind.ADVISER_VILLAGE))
    assert made is not None and made.lawyer_id == world.users["lawyer"].id and made.ends_on is None


def test_open_ended_membership_made_in_a_browser(world, client):
    """A role added with the form's own defaults and an empty end date is made."""
    officer = world.users["officer"]
    browser_login(client, "county")
    url = f"/people/{officer.id}/memberships/new"
    form = form_to(client.get(url).text, url, url)
    before = db.session.scalar(db.select(db.func.count()).select_from(Membership)
                               .where(Membership.user_id == officer.id))
    response = post_form(client, url, form)
    assert response.status_code == 303, response.text
    rows = db.session.scalars(db.select(Membership).where(Membership.user_id == officer.id)
                              .order_by(Membership.id)).all()
    assert len(rows) == before + 1 and rows[-1].ends_on is None


@pytest.mark.parametrize("token", ["\x00" * 32, "\u202e" + "a" * 31, "t" * 500, "a" * 31 + "'", "短"])
def test_a_form_token_not_made_by_the_app_is_refused_not_stored(world, client, token):
    """A lawyer's log entry posted with a tampered hidden token: a message, a fresh token, nothing stored."""
    from gongfa.worklog.models import WorkLogEntry

    browser_login(client, "lawyer")
    form = form_to(client.get("/log/new").text, "/log/new", "/log/new")
    before = db.session.scalar(db.select(db.func.count()).select_from(WorkLogEntry))
    choose = {"persons": "居民", "content": "土地承包咨询", "form_token": token}
    response = post_form(client, "/log/new", form, choose=choose)
    assert response.status_code == 422
    assert "表单编号无效" in response.text
    assert db.session.scalar(db.select(db.func.count()).select_from(WorkLogEntry)) == before
    again = form_to(response.text, "/log/new", "/log/new")
    fresh = next(c.value for c in again.controls if c.name == "form_token")
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", fresh)
    kept = next(c.value for c in again.controls if c.name == "content")
    assert kept == "土地承包咨询"
    assert post_form(client, "/log/new", again).status_code == 303  # sent again as served: saved once
    assert db.session.scalar(db.select(db.func.count()).select_from(WorkLogEntry)) == before + 1


def test_an_empty_string_is_no_value_for_every_field_type(app):
    """Each of our typed fields, left empty in a browser: optional ones pass, required ones ask in their own words."""
    from werkzeug.datastructures import MultiDict
    from wtforms.validators import DataRequired, InputRequired, Optional

    from gongfa.web.forms import BaseForm, ChoiceField, LocalDateField, LocalIntegerField, LocalTimeField

    class Sample(BaseForm):
        date_opt = LocalDateField(validators=[Optional()])
        date_req = LocalDateField(validators=[DataRequired(message="请填写日期。")])
        time_opt = LocalTimeField(validators=[Optional()])
        time_req = LocalTimeField(validators=[DataRequired(message="请填写时间。")])
        int_opt = LocalIntegerField(validators=[Optional()])
        int_req = LocalIntegerField(validators=[InputRequired(message="请填写人数。")])
        pick_opt = ChoiceField(coerce=lambda v: int(v) if v else None, choices=[(None, "—"), (1, "一")])
        pick_req = ChoiceField(coerce=int, choices=[(1, "一"), (2, "二")])

    with app.test_request_context():
        form = Sample(formdata=MultiDict({name: "" for name in Sample()._fields}), meta={"csrf": False})
        form.validate()
        assert {name: f.errors for name, f in form._fields.items() if f.errors} == {
            "date_req": ["请填写日期。"], "time_req": ["请填写时间。"], "int_req": ["请填写人数。"],
            "pick_req": ["请从列表中选择。"]}
        assert [form[n].data for n in ("date_opt", "time_opt", "int_opt", "pick_opt")] == [None, None, None, None]
        junk = Sample(formdata=MultiDict({"pick_req": "x", "date_opt": "明天"}), meta={"csrf": False})
        junk.validate()
        assert junk.pick_req.errors == ["请从列表中选择。"]  # ours, translated; not WTForms' English
        assert junk.date_opt.errors == ["日期格式不对，请按 2026-12-01 的格式填写。"]
