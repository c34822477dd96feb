"""Command-line tools: demo data, demo logins, admin creation."""


import pytest

from gongfa import clock
from gongfa.db import db
from gongfa.org.models import Unit, UnitLevel
from gongfa.people import services as people
from gongfa.people.models import User

DEMO = pytest.mark.parametrize("app_config", [{"DEMO": True}])


@DEMO
def test_seed_demo_builds_bozhou_with_some_places_short(runner):
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    counties = db.session.scalars(db.select(Unit).where(Unit.level == UnitLevel.COUNTY)).all()
    assert sorted(c.name_zh for c in counties) == ["博乐市", "温泉县", "精河县", "阿拉山口市"]
    townships = db.session.scalars(db.select(Unit).where(Unit.level == UnitLevel.TOWNSHIP)).all()
    assert len(townships) >= 29
    assert all(len(t.children) >= 3 for t in townships if not t.is_xpcc)
    xpcc = [t for t in townships if t.is_xpcc]
    assert xpcc and all(not t.points for t in xpcc)  # flagged, and no station of ours
    rows = people.staffing(Unit.id.isnot(None), clock.today())
    short = {r.point.unit.code: dict(r.missing) for r in rows if not r.ok}
    assert short["652701101"] == {"mediator": 1}
    assert short["652722102"] == {"station_head": 1}
    assert short["652723201"] == {"firm": 1}
    assert short["652722100001"] == {"adviser": 1}
    assert len(short) == 6  # everything else meets 1+1+2+N / 1+1+1+N
    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert again.exit_code == 0 and "nothing loaded" in again.output


def test_seed_demo_refuses_a_site_that_is_not_a_demo(runner):
    """The demo's bureau admins share a published password: never loaded where DEMO is off (production)."""
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code != 0 and "DEMO" in result.output
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0


@DEMO
def test_seed_demo_refuses_a_database_with_real_data(runner, world):
    for args in (["seed-demo"], ["seed-demo", "--if-empty"]):
        result = runner.invoke(args=args)
        assert result.exit_code != 0 and "not marked as a demo" in result.output
    assert db.session.scalar(db.select(User).where(User.username == "bole-admin")) is None


@DEMO
def test_demo_accounts_can_log_in(runner, app):
    runner.invoke(args=["seed-demo"])
    from gongfa.demo.seed import DEMO_ACCOUNTS, DEMO_PASSWORD

    for username, *_ in DEMO_ACCOUNTS:
        client = app.test_client()
        assert client.post("/auth/login", data={"username": username, "password": DEMO_PASSWORD}).status_code == 303
        assert client.get("/").status_code == 200


def test_demo_logins_prints_url_and_accounts(runner):
    result = runner.invoke(args=["demo-logins", "--url", "http://127.0.0.1:9000/"])
    assert "http://127.0.0.1:9000/" in result.output
    assert "officer" in result.output and "bureau_admin" in result.output


def test_create_admin(runner, world):
    result = runner.invoke(args=["create-admin", "--username", "Wenquan", "--full-name", "温泉管理员",
                                 "--unit-code", "652701", "--password", "Strong.pass.1"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(db.select(User).where(User.username == "wenquan")) is not None


@DEMO
def test_the_demo_has_every_unit_name_and_point_text_in_uyghur_and_kazakh(runner, client):
    from gongfa.org.models import POINT_TEXT_COLUMNS, ServicePoint

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    units = db.session.scalars(db.select(Unit)).all()
    assert [u.code for u in units if not u.name_ug or not u.name_kk] == []
    points = db.session.scalars(db.select(ServicePoint)).all()
    assert [(p.unit.code, c) for p in points for c in POINT_TEXT_COLUMNS if not getattr(p, c)] == []
    village = next(p.unit for p in points if p.unit.level == UnitLevel.VILLAGE)
    page = client.get(f"/v/{village.code}", headers={"Accept-Language": "ug-CN"}).text
    assert next(p for p in points if p.unit_id == village.id).address_ug in page and 'class="untranslated"' not in page
