"""``flask backup`` copies the database while the app runs; ``flask restore`` brings back exactly that state,
with the audit chain verifying (SQLite file here, PostgreSQL with GONGFA_TEST_DATABASE_URL)."""

import os
import sqlite3
import stat
import threading

import pytest
from sqlalchemy import select, text

from gongfa import create_app
from gongfa.audit import backup
from gongfa.audit import services as audit
from gongfa.db import db
from gongfa.org import services as org
from gongfa.people import services as people
from gongfa.people.models import Role, User
from tests.conftest import PG_URL, SINCE, TEST_CONFIG, World, isolating


def _everything() -> dict:
    """Every table's rows, in primary-key order."""
    db.session.remove()
    state = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            state[table.name] = [tuple(r) for r in conn.execute(select(table).order_by(*table.primary_key.columns))]
    return state


def _changes_after_the_backup(world):
    """New people, an edited account, a locale, and so new audit events: all must be gone after the restore."""
    user = people.create_user(username="newcomer", full_name="新来的", phone="13700000000", password=None)
    people.add_membership(user=user, point=org.point_of(world.units["V3"]), role=Role.OFFICER, starts_on=SINCE)
    officer = db.session.scalar(select(User).where(User.username == "officer"))
    people.update_user(officer, full_name="改了名字", full_name_native="", phone="13600000000", law_firm=None,
                       licence_no="", is_active=False)
    db.session.commit()


def _round_trip(runner, tmp_path, world):
    people.set_locale(world.users["officer"], "ug")
    db.session.commit()
    ids = ({k: (type(u), u.id) for k, u in world.units.items()}, {k: u.id for k, u in world.users.items()})
    kept = _everything()
    assert kept["audit_events"] and kept["audit_chain"]
    copy = tmp_path / "copies" / "nightly"
    result = runner.invoke(args=["backup", str(copy)])
    assert result.exit_code == 0, result.output
    assert "backup written" in result.output and copy.exists()
    assert stat.S_IMODE(os.stat(copy).st_mode) == 0o600  # personal data: the owner's only

    world.units = {k: db.session.get(model, pk) for k, (model, pk) in ids[0].items()}
    world.users = {k: db.session.get(User, pk) for k, pk in ids[1].items()}
    _changes_after_the_backup(world)
    changed = _everything()
    assert changed != kept and len(changed["audit_events"]) > len(kept["audit_events"])

    refused = runner.invoke(args=["restore", str(copy)])
    assert refused.exit_code != 0 and "--yes" in refused.output
    assert _everything() == changed

    result = runner.invoke(args=["restore", str(copy), "--yes"])
    assert result.exit_code == 0, result.output
    assert "audit chain intact" in result.output and "current database saved first" in result.output
    assert _everything() == kept  # exactly the backed-up state, every table, every row
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    return result


def test_a_sqlite_file_round_trips_exactly_and_the_old_state_is_kept_aside(tmp_path):
    live = tmp_path / "live.sqlite"
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{live}",
                      "BACKUP_DIR": str(tmp_path / "backups")})
    with app.app_context():
        db.create_all()
        world = World().build()
        _round_trip(isolating(app).test_cli_runner(), tmp_path, world)
        saved = list((tmp_path / "backups").glob("pre-restore-*.sqlite"))
        assert len(saved) == 1  # what was there before the restore, in case it was the wrong copy
        with sqlite3.connect(saved[0]) as conn:
            assert conn.execute("SELECT count(*) FROM users WHERE username = 'newcomer'").fetchone() == (1,)
        db.session.remove()
        db.engine.dispose()


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL only (GONGFA_TEST_DATABASE_URL)")
def test_a_postgresql_database_round_trips_exactly(world, runner, tmp_path, app):
    app.config["BACKUP_DIR"] = str(tmp_path / "backups")
    _round_trip(runner, tmp_path, world)
    assert list((tmp_path / "backups").glob("pre-restore-*.dump"))


def test_a_backup_taken_while_the_app_writes_is_a_consistent_snapshot(tmp_path):
    live = tmp_path / "busy.sqlite"
    config = {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{live}"}
    app = create_app(config)
    with app.app_context():
        db.create_all()
        World().build()
        db.session.remove()
    started, stop, errors, copies = threading.Event(), threading.Event(), [], []

    def writer():  # a worker committing audited changes all the time
        worker = create_app(config)
        try:
            with worker.app_context():
                user = db.session.scalar(select(User).where(User.username == "head"))
                n = 0
                while not stop.is_set():
                    audit.record("busy.step", user, after={"n": n})
                    db.session.commit()
                    n += 1
                    if n == 5:
                        started.set()
                db.session.remove()
                db.engine.dispose()
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(repr(error))

    with app.app_context():
        # A transaction another worker has not committed: its change is not in the copy.
        other = sqlite3.connect(live, timeout=30)
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE users SET full_name = 'uncommitted' WHERE username = 'officer'")
        copies.append(backup.backup(db.engine.url, tmp_path / "copy-0.sqlite").path)
        other.rollback()
        other.close()
        thread = threading.Thread(target=writer)
        thread.start()
        assert started.wait(30)
        for i in range(1, 4):
            copies.append(backup.backup(db.engine.url, tmp_path / f"copy-{i}.sqlite").path)
        stop.set()
        thread.join()
        assert not errors
        for copy in copies:
            with sqlite3.connect(copy) as conn:
                assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one self-contained file
            check = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{copy}"})
            with check.app_context():
                from gongfa.audit import integrity

                assert integrity.verify().ok  # every copy ends on a whole commit, chain and all
                assert db.session.scalar(text("SELECT count(*) FROM users WHERE full_name = 'uncommitted'")) == 0
                db.session.remove()
                db.engine.dispose()
        with sqlite3.connect(copies[-1]) as conn:
            last = conn.execute("SELECT count(*) FROM audit_events WHERE action = 'busy.step'").fetchone()[0]
        assert last >= 5  # the writer really was writing while the copies were made


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path, app):
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all" * 100)
    live = tmp_path / "live.sqlite"
    with pytest.raises(backup.BackupError, match="not a gongfa SQLite backup"):
        backup.restore(f"sqlite:///{live}", junk)
    assert not live.exists() or live.stat().st_size == 0
