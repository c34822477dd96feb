"""Fixtures: an app per test on SQLite (in memory) or, with GONGFA_TEST_DATABASE_URL, PostgreSQL."""

import contextvars
import os
import re
from datetime import date

import pytest
from flask import has_app_context
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from gongfa import create_app
from gongfa.db import db
from gongfa.org import services as org
from gongfa.org.models import AssignmentKind, UnitLevel
from gongfa.people import services as people
from gongfa.people.models import Role

PG_URL = os.environ.get("GONGFA_TEST_DATABASE_URL")
PASSWORD = "Test.password.1"
SINCE = date(2025, 1, 1)

TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test",
    "SQLALCHEMY_DATABASE_URI": PG_URL or "sqlite://",
    "WTF_CSRF_ENABLED": False,
    "SESSION_COOKIE_SECURE": False,
    "RATELIMIT_ENABLED": False,
    # Cheap hashing in tests; production uses the defaults in gongfa/config.py.
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_COST": 1024,
    "ARGON2_PARALLELISM": 1,
}


def _reset_postgres() -> None:
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.session.commit()


@pytest.fixture(scope="session", autouse=True)
def _fresh_postgres_schema():
    """On PostgreSQL, start the run from an empty schema.

    ``create_all`` never alters an existing table, so a test database left behind by an older
    checkout (a column missing) would fail every test; dropping the schema once per run avoids that.
    """
    if PG_URL:
        app = create_app(TEST_CONFIG)
        with app.app_context():
            with db.engine.begin() as conn:
                conn.exec_driver_sql("DROP SCHEMA public CASCADE")
                conn.exec_driver_sql("CREATE SCHEMA public")
            db.engine.dispose()


# In ``app_config``: leave this key out of the test config, so the app's own default (or GONGFA_* env) holds.
DEFAULT = object()


@pytest.fixture
def app_config():
    """Per-test overrides of the app config (tests override this fixture or mutate the dict)."""
    return {}


@event.listens_for(Session, "after_flush")
def _mark_unsaved(session, _flush_context) -> None:
    session.info["unsaved"] = True


@event.listens_for(Session, "after_transaction_end")
def _clear_unsaved(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop("unsaved", None)


def _settle_test_session() -> None:
    """End the test body's transaction before a request or a CLI command runs.

    A request runs in its own session, as in production, and does not see work the test has not
    committed (on PostgreSQL it would even wait for the test's row locks, for ever), so uncommitted
    work is an error in the test. Ending the transaction also expires what the test has loaded: its
    objects read the database again afterwards and show what the request did.
    """
    if not has_app_context():
        return
    session = db.session()
    pending = session.new or session.deleted or any(session.is_modified(o) for o in session.dirty)
    if pending or session.info.get("unsaved"):
        raise AssertionError("commit in the test before a request or command: it runs in its own session")
    session.rollback()


def _isolated(call, *args, **kwargs):
    """Run ``call`` with no app or request context of the test's: it pushes its own, as in production.

    Flask reuses an app context that is already pushed for test requests, so the test body and the
    request would share one ``g`` and one ``db.session``: an object loaded in the test would be the
    very object the view sees, and a view that forgot to commit, or kept an object across requests,
    would pass. An empty ``contextvars.Context`` gives each request (and command) its own app context,
    ``g`` and session, removed at its teardown.
    """
    _settle_test_session()
    return contextvars.Context().run(call, *args, **kwargs)


class RequestClient(FlaskClient):
    """The test client; each request has its own app context, ``g`` and session."""

    def open(self, *args, **kwargs):
        """Make a request in a context of its own."""
        return _isolated(super().open, *args, **kwargs)


class CommandRunner(FlaskCliRunner):
    """The CLI runner; each command has its own app context and session, like a separate process."""

    def invoke(self, *args, **kwargs):
        """Run a command in an app context of its own, as the ``flask`` command pushes one for every command."""
        invoke = super().invoke

        def run():
            with self.app.app_context():
                return invoke(*args, **kwargs)

        return _isolated(run)


def isolating(app):
    """Give ``app`` the test client and CLI runner whose requests and commands have contexts of their own."""
    app.test_client_class = RequestClient
    app.test_cli_runner_class = CommandRunner
    return app


@pytest.fixture
def app(app_config):
    """A fresh app with an empty schema; the test body runs in an app context of its own."""
    app = isolating(create_app({key: value for key, value in {**TEST_CONFIG, **app_config}.items()
                                if value is not DEFAULT}))
    with app.app_context():
        db.create_all()
        if PG_URL:
            _reset_postgres()
        yield app
        db.session.remove()
        if PG_URL:
            _reset_postgres()
            db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    """A test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner."""
    return app.test_cli_runner()


class World:
    """A small 博州: one prefecture, two counties, townships with stations and villages with studios.

    P 博尔塔拉 ─ C1 博乐市 ─ T1 小营盘镇 ─ V1 营盘社区, V2 吉祥社区
                          └ T2 达勒特镇 ─ V3 达勒特村
               └ C2 精河县 ─ T3 托里镇 ─ V4 基布克村
    People: one per role, scoped as DESIGN §1 says (see ``users``).
    """

    def __init__(self):
        self.firm = None
        self.units = {}
        self.users = {}

    def build(self):
        u = self.units
        u["P"] = org.create_unit(code="652700", level=UnitLevel.PREFECTURE, parent=None, name_zh="博尔塔拉蒙古自治州",
                                 name_ug="بۆرتالا موڭغۇل ئاپتونوم ئوبلاستى",
                                 name_kk="بورتالا موڭعول اۆتونوميالى وبلىسى")
        u["C1"] = org.create_unit(code="652701", level=UnitLevel.COUNTY, parent=u["P"], name_zh="博乐市",
                                  name_ug="بۆرتالا شەھىرى", name_kk="بورتالا قالاسى")
        u["C2"] = org.create_unit(code="652722", level=UnitLevel.COUNTY, parent=u["P"], name_zh="精河县",
                                  name_ug="جىڭ ناھىيىسى", name_kk="جىڭ اۋدانى")
        u["T1"] = org.create_unit(code="652701100", level=UnitLevel.TOWNSHIP, parent=u["C1"], name_zh="小营盘镇",
                                  name_ug="شياۋيىڭپەن بازىرى", name_kk="شياۋيىڭپان قالاشىعى", kind="镇")
        u["T2"] = org.create_unit(code="652701101", level=UnitLevel.TOWNSHIP, parent=u["C1"], name_zh="达勒特镇",
                                  name_ug="دالەت بازىرى", name_kk="دالەت قالاشىعى", kind="镇")
        u["T3"] = org.create_unit(code="652722102", level=UnitLevel.TOWNSHIP, parent=u["C2"], name_zh="托里镇",
                                  name_ug="تولى بازىرى", name_kk="تولى قالاشىعى", kind="镇")
        u["V1"] = org.create_unit(code="652701100001", level=UnitLevel.VILLAGE, parent=u["T1"], name_zh="营盘社区",
                                  name_ug="يىڭپەن مەھەللىسى", name_kk="يىڭپان الەۋمەتتىك اۋماعى", kind="社区")
        u["V2"] = org.create_unit(code="652701100002", level=UnitLevel.VILLAGE, parent=u["T1"], name_zh="吉祥社区",
                                  name_ug="جىشياڭ مەھەللىسى", name_kk="جيشياڭ الەۋمەتتىك اۋماعى", kind="社区")
        u["V3"] = org.create_unit(code="652701101209", level=UnitLevel.VILLAGE, parent=u["T2"], name_zh="达勒特村",
                                  name_ug="دالەت كەنتى", name_kk="دالەت قىستاعى", kind="村")
        u["V4"] = org.create_unit(code="652722102200", level=UnitLevel.VILLAGE, parent=u["T3"], name_zh="基布克村",
                                  name_ug="جىبۇك كەنتى", name_kk="جيبۇك قىستاعى", kind="村")
        self.firm = org.create_firm(name_zh="新疆博众律师事务所", name_ug="شىنجاڭ بوجۇڭ ئادۋوكاتلار ئىشخانىسى",
                                    name_kk="شينجياڭ بوجۇڭ ادۆوكاتتىق ىستەر باسقارماسى", county=u["C1"],
                                    licence_no="31650000", phone="0909-2221234", address="博乐市青得里大街88号")
        self.person("admin", "州管理员", Role.BUREAU_ADMIN, "P")
        self.person("county", "博乐管理员", Role.BUREAU_ADMIN, "C1")
        self.person("inspector", "验收员", Role.INSPECTOR, "P")
        self.person("auditor", "州审计员", Role.AUDITOR, "P")
        self.person("head", "李所长", Role.STATION_HEAD, "T1")
        self.person("head2", "托里所长", Role.STATION_HEAD, "T3")
        self.person("officer", "阿依古丽·买买提", Role.OFFICER, "V1", native="ئايگۈل مەمەت")
        self.person("officer3", "达勒特专干", Role.OFFICER, "V3")
        self.person("mediator", "巴特尔·额尔德尼", Role.MEDIATOR, "T1")
        lawyer = self.person("lawyer", "叶尔兰·哈布德克", Role.LAWYER, "T1", firm=self.firm, native="ەرلان حابدەك")
        org.create_assignment(kind=AssignmentKind.ADVISER_VILLAGE, unit=u["V1"], lawyer=lawyer, starts_on=SINCE)
        org.create_assignment(kind=AssignmentKind.FIRM_TOWNSHIP, unit=u["T1"], firm=self.firm, starts_on=SINCE)
        db.session.commit()
        return self

    def add_multi_unit_people(self):
        """The cases where one scope meets another (DESIGN §7), added on top of ``build``:

        county2   精河县's bureau admin (the other county)
        lawyer2   a second duty lawyer at 小营盘镇, adviser of 吉祥社区 (V2), same firm as ``lawyer``
        lawyer_c2 a duty lawyer at 托里镇 (精河县) with a 精河 firm, whom 博乐's admin made adviser of 达勒特村 (V3)
        moved     transferred: officer at 营盘社区 until mid-2025, since then a bureau admin of the prefecture
        """
        u = self.units
        self.firm2 = org.create_firm(name_zh="新疆精河律师事务所", name_ug="", name_kk="", county=u["C2"],
                                     licence_no="31650099", phone="0909-5551234", address="精河县")
        self.person("county2", "精河管理员", Role.BUREAU_ADMIN, "C2")
        lawyer2 = self.person("lawyer2", "王律师", Role.LAWYER, "T1", firm=self.firm)
        org.create_assignment(kind=AssignmentKind.ADVISER_VILLAGE, unit=u["V2"], lawyer=lawyer2, starts_on=SINCE)
        lawyer_c2 = self.person("lawyer_c2", "精河律师", Role.LAWYER, "T3", firm=self.firm2)
        org.create_assignment(kind=AssignmentKind.ADVISER_VILLAGE, unit=u["V3"], lawyer=lawyer_c2, starts_on=SINCE)
        moved = self.person("moved", "调任干部", Role.OFFICER, "V1")
        people.end_membership(moved.memberships[0], ends_on=date(2025, 6, 30))
        people.add_membership(user=moved, point=org.point_of(u["P"]), role=Role.BUREAU_ADMIN,
                              starts_on=date(2025, 7, 1))
        db.session.commit()
        return self

    def person(self, username, name, role, unit_key, firm=None, native=""):
        user = people.create_user(username=username, full_name=name, full_name_native=native,
                                  phone="13912345678", law_firm=firm, password=PASSWORD)
        people.add_membership(user=user, point=org.point_of(self.units[unit_key]), role=role, starts_on=SINCE)
        self.users[username] = user
        return user


@pytest.fixture
def world(app):
    """The small 博州 above, committed."""
    return World().build()


class Auth:
    """Log in and out through the real login form."""

    def __init__(self, client):
        self.client = client

    def login(self, username, password=PASSWORD):
        return self.client.post("/auth/login", data={"username": username, "password": password})

    def logout(self):
        return self.client.post("/auth/logout")


@pytest.fixture
def auth(client):
    """Login helper bound to the test client."""
    return Auth(client)


HX = {"HX-Request": "true"}


def hx_target(target: str) -> dict:
    """Headers htmx sends for a request aimed at ``target``."""
    return {**HX, "HX-Target": target}


CJK_RE = re.compile(r"[\u3400-\u9fff]")
