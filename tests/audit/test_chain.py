"""Each event is chained to the one before it; ``flask audit verify`` finds any row edited, deleted,
slipped in beside the chain, or cut off the end (tampering done here with raw SQL, as an intruder would)."""

import threading

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import text

from gongfa import create_app
from gongfa.audit import integrity
from gongfa.audit import services as audit
from gongfa.audit.models import AuditChain, AuditEvent
from gongfa.db import db
from gongfa.people import services as people
from tests.conftest import PG_URL, TEST_CONFIG, isolating


def _events(world, n=6):
    """n more events, one commit each (the World already made some)."""
    for i in range(n):
        people.set_locale(world.users["officer"], ["ug", "kk_Arab"][i % 2])
        db.session.commit()


def _verify(runner, *args):
    db.session.remove()
    return runner.invoke(args=["audit", "verify", *args])


def _sql(statement: str, **params) -> None:
    db.session.execute(text(statement), params)
    db.session.commit()


def _last_seq() -> int:
    return db.session.scalar(db.select(db.func.max(AuditEvent.seq)))


def test_every_committed_event_is_numbered_without_gaps_and_the_chain_verifies(world, runner):
    _events(world)
    seqs = db.session.scalars(db.select(AuditEvent.seq).order_by(AuditEvent.id)).all()
    assert seqs == list(range(1, len(seqs) + 1))
    head = db.session.get(AuditChain, 1)
    assert head.seq == len(seqs)
    assert head.last_hash == db.session.scalar(db.select(AuditEvent.chain_hash).where(AuditEvent.seq == head.seq))
    result = _verify(runner)
    assert result.exit_code == 0, result.output
    assert f"{len(seqs)} events" in result.output and head.last_hash in result.output


def test_events_of_a_rolled_back_transaction_leave_no_gap(world, runner):
    people.set_locale(world.users["head"], "ug")
    db.session.rollback()
    people.set_locale(world.users["head"], "kk_Arab")
    db.session.commit()
    seqs = db.session.scalars(db.select(AuditEvent.seq).order_by(AuditEvent.seq)).all()
    assert seqs == list(range(1, len(seqs) + 1))
    assert _verify(runner).exit_code == 0


@pytest.mark.parametrize(("tamper", "kind"), [
    ("UPDATE audit_events SET after = '{}' WHERE seq = 4", "changed"),
    ("UPDATE audit_events SET actor_id = (SELECT max(id) FROM users) WHERE seq = 4", "changed"),
    ("UPDATE audit_events SET at = at - INTERVAL '1 day' WHERE seq = 4" if PG_URL else
     "UPDATE audit_events SET at = datetime(at, '-1 day') WHERE seq = 4", "changed"),
    ("DELETE FROM audit_events WHERE seq = 4", "missing"),
    ("DELETE FROM audit_events WHERE seq = 1", "missing"),
])
def test_an_edited_or_deleted_event_is_named(world, runner, tamper, kind):
    _events(world)
    assert _verify(runner).exit_code == 0
    _sql(tamper)
    result = _verify(runner)
    assert result.exit_code == 1
    seq = 1 if "seq = 1" in tamper else 4
    assert f"{kind}: event {seq}" in result.output


def test_a_row_slipped_in_beside_the_chain_is_found(world, runner):
    _events(world)
    _sql("INSERT INTO audit_events (at, action, object_type, before, after, digest, ip, unit_path) "
         "VALUES ('2026-01-01 00:00:00', 'user.update', 'users', '{}', '{}', '', '', '')")
    result = _verify(runner)
    assert result.exit_code == 1 and "outside the chain" in result.output


def test_a_row_given_the_next_number_is_found(world, runner):
    _events(world)
    nxt = _last_seq() + 1
    _sql("INSERT INTO audit_events (seq, chain_hash, at, action, object_type, before, after, digest, ip, unit_path) "
         "VALUES (:seq, :h, '2026-01-01 00:00:00', 'user.update', 'users', '{}', '{}', '', '', '')",
         seq=nxt, h="0" * 64)
    result = _verify(runner)
    assert result.exit_code == 1 and f"outside the chain: event {nxt}" in result.output


def test_an_event_replaced_by_a_forgery_is_found(world, runner):
    _events(world)
    row = db.session.execute(text("SELECT * FROM audit_events WHERE seq = 3")).mappings().one()
    _sql("DELETE FROM audit_events WHERE seq = 3")
    _sql("INSERT INTO audit_events (seq, chain_hash, at, actor_id, action, object_type, object_id, before, after, "
         "digest, ip, unit_path) VALUES (:seq, :chain_hash, :at, NULL, :action, :object_type, :object_id, :before, "
         ":after, :digest, :ip, :unit_path)", **{k: v for k, v in row.items() if k not in ("id", "actor_id")})
    result = _verify(runner)
    assert result.exit_code == 1 and "changed: event 3" in result.output


def test_a_cut_off_end_is_found_even_when_the_head_is_wound_back(world, runner):
    _events(world)
    last = _last_seq()
    _sql("DELETE FROM audit_events WHERE seq > :s", s=last - 2)
    result = _verify(runner)
    assert result.exit_code == 1 and f"truncated: events {last - 1}–{last}" in result.output
    # An intruder who also winds the head back to the new last row is caught by the head's seal.
    h = db.session.scalar(db.select(AuditEvent.chain_hash).where(AuditEvent.seq == last - 2))
    _sql("UPDATE audit_chain SET seq = :s, last_hash = :h", s=last - 2, h=h)
    result = _verify(runner)
    assert result.exit_code == 1 and "chain head" in result.output


def test_an_emptied_trail_is_found_and_an_anchor_catches_a_rebuilt_one(world, runner):
    _events(world)
    anchor_seq = _last_seq()
    anchor = db.session.scalar(db.select(AuditEvent.chain_hash).where(AuditEvent.seq == anchor_seq))
    assert _verify(runner, "--anchor", f"{anchor_seq}:{anchor}").exit_code == 0
    _sql("DELETE FROM audit_events")
    assert "truncated" in _verify(runner).output
    _sql("DELETE FROM audit_chain")
    assert _verify(runner).exit_code == 0  # nothing left to check against: keep anchors off the machine
    result = _verify(runner, "--anchor", f"{anchor_seq}:{anchor}")
    assert result.exit_code == 1 and f"anchor: event {anchor_seq}" in result.output


def test_a_wrong_key_does_not_verify(world, runner, app):
    _events(world, 1)
    app.config["SECRET_KEY"] = "someone else's"
    result = _verify(runner)
    assert result.exit_code == 1 and "AUDIT_KEY" in result.output


def test_sealing_costs_three_statements_per_commit(world):
    statements = []
    sa_event.listen(db.engine, "before_cursor_execute", lambda *a, **k: statements.append(a[2]))
    user = world.users["officer"]
    for code in ("ug", "kk_Arab", "zh_Hans"):
        people.set_locale(user, code)  # three events, one commit
    before = len(statements)
    db.session.commit()
    assert len(statements) - before == 3, statements[before:]


def test_a_released_savepoint_leaves_its_events_for_the_transactions_own_commit(world):
    """The chain head's lock is taken last, at the request's commit, not when a service's savepoint ends
    (SQLAlchemy runs before_commit for a savepoint's release too): else a request would hold the head while
    it goes on to lock rows that another request, waiting for the head, already holds."""
    statements = []
    user = world.users["officer"]
    people.set_locale(user, "ug")  # the request's own work before the block
    sa_event.listen(db.engine, "before_cursor_execute", lambda *a, **k: statements.append(a[2]))
    with db.session.begin_nested():
        inside = audit.record("user.note", user, after={"note": "inside the savepoint"})
    assert inside.seq is None  # not sealed yet
    assert not any("audit_chain" in sql for sql in statements), statements
    db.session.commit()
    assert inside.seq is not None and inside.seq == _last_seq()
    assert sum("audit_chain" in sql for sql in statements) == 2  # the head taken once and written once


@pytest.mark.skipif(not PG_URL, reason="file database below")
def test_simultaneous_commits_on_postgresql_make_one_chain(world, runner):
    _race(world, runner, TEST_CONFIG)


def test_simultaneous_commits_on_a_sqlite_file_make_one_chain(tmp_path):
    config = {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'race.sqlite'}"}
    app = create_app(config)
    with app.app_context():
        db.create_all()
        from tests.conftest import World

        world = World().build()
        _race(world, isolating(app).test_cli_runner(), config)
        db.session.remove()
        db.engine.dispose()


def _race(world, runner, config):
    threads, usernames = 8, [u.username for u in world.users.values()]
    db.session.remove()
    start = threading.Barrier(threads)
    errors = []

    # One app per worker, built here one after the other: building apps in several threads at once trips a
    # CPython 3.11 bug in compiling werkzeug's routing code (gh-106905: "AST constructor recursion depth mismatch").
    apps = [create_app(config) for _ in range(threads)]

    def work(i):
        app = apps[i]
        try:
            with app.app_context():
                from gongfa.people.models import User

                user = db.session.scalar(db.select(User).where(User.username == usernames[i % len(usernames)]))
                start.wait(timeout=60)
                for n in range(6):
                    people.set_locale(user, ["ug", "kk_Arab"][n % 2])
                    audit.record("race.step", user, after={"thread": i, "n": n})
                    db.session.commit()
                db.session.remove()
                db.engine.dispose()
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(repr(error))
            start.abort()  # the others must not wait for this one for ever

    pool = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    checks = 0
    while any(t.is_alive() for t in pool):  # verify, as cron would, while the workers commit
        verdict = integrity.verify()
        assert verdict.ok, verdict.problem
        db.session.remove()
        checks += 1
    for t in pool:
        t.join()
    assert not errors and checks
    seqs = db.session.scalars(db.select(AuditEvent.seq).order_by(AuditEvent.seq)).all()
    assert seqs == list(range(1, len(seqs) + 1))
    assert db.session.scalar(db.select(db.func.count()).where(AuditEvent.action == "race.step")) == threads * 6
    result = _verify(runner)
    assert result.exit_code == 0, result.output
