"""Upgrading a database whose trail predates the chain: old snapshots get masked, placed and chained."""

import json
from datetime import date, time

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from gongfa.audit import integrity
from gongfa.audit import services as audit
from gongfa.audit.models import AuditEvent
from gongfa.db import db
from gongfa.duty.generation import create_rule, generate_sessions
from gongfa.duty.models import RuleKind
from gongfa.org import services as org
from gongfa.people import services as people
from gongfa.signup import services as signup
from gongfa.signup.models import BookingChannel, BookingKind
from tests.conftest import World

OLD = "b7c1d2e3f4a5"  # the revision before the audit chain


def _old_row(action, object_type, object_id, actor_id, before, after):
    db.session.execute(text(
        "INSERT INTO audit_events (at, actor_id, action, object_type, object_id, before, after, digest, ip) "
        "VALUES ('2026-01-05 08:00:00', :actor, :action, :type, :id, :before, :after, '', '10.0.0.1')"),
        {"actor": actor_id, "action": action, "type": object_type, "id": object_id,
         "before": json.dumps(before, ensure_ascii=False, sort_keys=True),
         "after": json.dumps(after, ensure_ascii=False, sort_keys=True)})


def test_old_events_are_masked_placed_and_sealed_before_new_ones_chain_on(app, runner):
    db.drop_all()
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    upgrade()
    world = World().build()
    rule = create_rule(point=org.point_of(world.units["V1"]), kind=RuleKind.MONTHLY,
                       valid_from=date(2025, 1, 1), day_of_month=28)
    session = generate_sessions(rule, first=date(2026, 1, 1), last=date(2026, 1, 31))[0]
    booking = signup.book(session, starts_at=time(10, 0), name="居民", phone="13800001111", village=None,
                          language="zh_Hans", kind=BookingKind.CONSULTATION, description="",
                          channel=BookingChannel.PUBLIC, today=date(2026, 1, 2)).booking
    db.session.commit()
    officer, v1_path = world.users["officer"], world.units["V1"].path
    db.session.execute(text("UPDATE bookings SET code = '123456' WHERE id = :id"), {"id": booking.id})
    # What the trail held before this change: full numbers, no unit, no place in a chain.
    _old_row("booking.create", "bookings", booking.id, None, {}, {"phone": "13800001111", "code": "123456",
                                                                  "name": "居民"})
    _old_row("user.update", "users", officer.id, world.users["county"].id, {"phone": "13912345678"},
             {"phone": "13800002222"})
    _old_row("login.failed", "users", None, None, {}, {"username": "nobody"})
    _old_row("login", "users", officer.id, officer.id, {}, {"username": "officer"})
    _old_row("mediation.party", "mediation_parties", 999, None, {}, {"id_number": "652701198001011234"})
    db.session.commit()
    officer_id = officer.id
    db.session.remove()  # no transaction left open (on PostgreSQL it would hold the tables the downgrade alters)
    downgrade(revision=OLD)
    db.session.remove()
    upgrade()

    rows = {r.action: r for r in db.session.scalars(db.select(AuditEvent))}
    trail = "".join(r.before + r.after for r in rows.values())
    for secret in ("13800001111", "123456", "13912345678", "13800002222", "652701198001011234"):
        assert secret not in trail
    assert json.loads(rows["booking.create"].after)["phone"]["hmac"] == audit.value_digest("13800001111")
    assert rows["booking.create"].unit_path == v1_path  # the session's studio
    assert rows["user.update"].unit_path == v1_path  # where the officer serves
    assert rows["login"].unit_path == v1_path
    assert rows["login.failed"].unit_path == ""  # nobody's: only the prefecture sees it
    assert rows["mediation.party"].unit_path == ""
    assert integrity.verify().ok
    from gongfa.people.models import User

    people.set_locale(db.session.get(User, officer_id), "ug")
    db.session.commit()
    verdict = integrity.verify()
    assert verdict.ok and verdict.events == db.session.scalar(db.select(db.func.count(AuditEvent.id)))
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
