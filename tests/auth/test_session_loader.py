"""The user loader reads the login session and writes nothing into the request's own transaction.

Flask-Login loads the user the first time a request asks for ``current_user``: that may be halfway through
a view, after it has changed records (an audit event asks who acted). Whatever the loader records about
the login (last seen, ended for idleness) must not commit the view's half-done work with it.
"""

from datetime import timedelta

import pytest
from flask_login import current_user
from freezegun import freeze_time

from gongfa import clock
from gongfa.auth.models import AuthSession
from gongfa.db import db
from gongfa.org.models import Unit


@pytest.fixture
def app_config():
    """An unexpected error answers the 500 page, as in production, instead of reaching the test."""
    return {"PROPAGATE_UNEXPECTED": False}


def _login_row(user_id: int) -> AuthSession:
    return db.session.scalar(db.select(AuthSession).where(AuthSession.user_id == user_id))


@pytest.fixture
def half_done(app, world):
    """A page that renames a village, flushes, asks who is logged in, then fails."""
    village_id = world.units["V1"].id

    def rename_then_fail():
        db.session.get(Unit, village_id).name_zh = "半途改的名字"
        db.session.flush()
        assert current_user.is_authenticated  # the loader runs here, after the change
        raise RuntimeError("the page fails after its change")

    app.add_url_rule("/_half-done", view_func=rename_then_fail)
    return village_id


def test_a_request_that_fails_after_a_change_leaves_nothing_committed_by_the_loader(half_done, client, auth, world):
    auth.login("officer")
    logged_in_at = _login_row(world.users["officer"].id).last_seen_at
    with freeze_time(timedelta(minutes=5)):  # past the once-a-minute touch: the loader records "last seen"
        assert client.get("/_half-done").status_code == 500
        seen_at = clock.now()
    assert db.session.get(Unit, half_done).name_zh == "营盘社区"  # the half-done rename is gone
    last_seen = _login_row(world.users["officer"].id).last_seen_at
    assert logged_in_at < last_seen <= seen_at  # and the login was still seen then


def test_a_person_at_work_stays_logged_in_past_the_idle_timeout_and_an_idle_login_is_ended(client, auth, world, app):
    auth.login("head")
    step = timedelta(minutes=app.config["IDLE_TIMEOUT_MINUTES"] * 2 // 3)
    for n in range(1, 4):  # every 20 minutes a page: an hour later still logged in
        with freeze_time(step * n):
            assert client.get("/auth/password").status_code == 200
    assert _login_row(world.users["head"].id).revoked_at is None
    with freeze_time(step * 3 + timedelta(minutes=app.config["IDLE_TIMEOUT_MINUTES"] + 1)):
        assert client.get("/auth/password").status_code == 302
        ended_at = clock.now()
    row = _login_row(world.users["head"].id)
    assert row.revoked_at is not None and row.revoked_at <= ended_at  # recorded as ended, not just refused
    assert client.get("/auth/password").status_code == 302
