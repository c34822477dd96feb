"""Events are kept at least six months; ``flask audit prune`` drops only older ones and verify still works."""

from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import text

from gongfa import create_app
from gongfa.audit import chain, integrity
from gongfa.audit import services as audit
from gongfa.audit.models import AuditChain, AuditEvent
from gongfa.db import db, utcnow
from gongfa.people import services as people
from tests.conftest import TEST_CONFIG

# The small 博州 is built today; these tests then live on, a year and more later.
T0 = utcnow()
NOW = T0 + timedelta(days=800)


def _event(world, when, code="ug"):
    with freeze_time(when):
        people.set_locale(world.users["officer"], code)
        audit.record("test.event", world.users["officer"], after={"at": when.isoformat()})
        db.session.commit()


def _actions_kept():
    return db.session.scalars(db.select(AuditEvent.after).where(AuditEvent.action == "test.event")
                              .order_by(AuditEvent.seq)).all()


@pytest.mark.parametrize("days", [0, 90, 182])
def test_a_retention_shorter_than_six_months_is_refused_at_start(days):
    with pytest.raises(ValueError, match="183"):
        create_app({**TEST_CONFIG, "AUDIT_RETENTION_DAYS": days})


def test_prune_removes_only_events_past_retention_and_verify_still_passes(world, runner, app):
    old, edge, young = NOW - timedelta(days=400), NOW - timedelta(days=364), NOW - timedelta(days=10)
    world_events = db.session.scalar(db.select(db.func.count(AuditEvent.id)))
    for when, code in zip((old, old + timedelta(days=1), edge, young), ("ug", "kk_Arab") * 2, strict=True):
        _event(world, when, code)
    before = db.session.scalar(db.select(db.func.count(AuditEvent.id)))
    with freeze_time(NOW):
        result = runner.invoke(args=["audit", "prune"])
    assert result.exit_code == 0, result.output
    kept = _actions_kept()
    assert [k for k in kept if old.isoformat() in k] == [] and len(kept) == 2  # the edge and young ones
    removed = before - db.session.scalar(db.select(db.func.count(AuditEvent.id))) + 1  # +1: the prune's own event
    assert removed == world_events + 2 * 2  # the World's, and two old ones with their locale changes
    assert f"removed: {removed}" in result.output
    head = db.session.get(AuditChain, 1)
    assert head.first_seq == db.session.scalar(db.select(db.func.min(AuditEvent.seq)))
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "audit.prune")) is not None
    with freeze_time(NOW):
        verified = runner.invoke(args=["audit", "verify"])
    assert verified.exit_code == 0, verified.output
    assert "pruned" in verified.output


def test_an_old_event_sealed_after_a_younger_one_is_kept_with_it(world, app):
    _event(world, NOW - timedelta(days=500))
    _event(world, NOW - timedelta(days=20))
    _event(world, NOW - timedelta(days=600))  # e.g. a clock that was wrong, sealed after the young one
    integrity.prune(now=NOW)
    db.session.commit()
    assert len(_actions_kept()) == 2  # no hole in the chain: the prefix up to the first young event only
    assert integrity.verify(now=NOW).ok


def test_prune_refuses_a_broken_chain(world, runner):
    _event(world, NOW - timedelta(days=500))
    db.session.execute(text("UPDATE audit_events SET after = '{}' WHERE seq = 2"))
    db.session.commit()
    count = db.session.scalar(db.select(db.func.count(AuditEvent.id)))
    with freeze_time(NOW):
        result = runner.invoke(args=["audit", "prune"])
    assert result.exit_code == 1 and "nothing pruned" in result.output
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id))) == count


def test_events_deleted_before_six_months_are_reported_even_with_a_forged_checkpoint(world, app):
    for days in (300, 100, 5):
        _event(world, NOW - timedelta(days=days))
    # Someone with the key deletes the events of the last 100 days' start and moves the checkpoint.
    cut = db.session.scalar(db.select(db.func.max(AuditEvent.seq)).where(AuditEvent.at < NOW - timedelta(days=50)))
    prev = db.session.scalar(db.select(AuditEvent.chain_hash).where(AuditEvent.seq == cut))
    head = db.session.get(AuditChain, 1)
    pruned_before = NOW - timedelta(days=50)
    db.session.execute(text("DELETE FROM audit_events WHERE seq <= :s"), {"s": cut})
    db.session.execute(db.update(AuditChain.__table__).values(
        first_seq=cut + 1, first_prev_hash=prev, pruned_before=pruned_before,
        mac=chain.head_mac(audit.chain_key(), seq=head.seq, last_hash=head.last_hash, first_seq=cut + 1,
                           first_prev_hash=prev, pruned_before=pruned_before)))
    db.session.commit()
    verdict = integrity.verify(now=NOW)
    assert not verdict.ok and verdict.problem.kind == "pruned"


def test_the_app_itself_never_deletes_or_edits_an_event(world):
    event = db.session.scalar(db.select(AuditEvent).limit(1))
    db.session.delete(event)
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()
    event = db.session.scalar(db.select(AuditEvent).limit(1))
    event.after = "{}"
    with pytest.raises(PermissionError):
        db.session.flush()
