"""Consistent backups while the app runs, and restores: SQLite's online backup API, pg_dump/pg_restore.

等保2.0 8.1.4.3 c) asks that audit records be backed up regularly, 8.1.4.9 for local backup and restore.
A copy made by ``cp`` of a live SQLite file can be torn (sqlite.org/backup.html); the backup API copies
a snapshot in one step. PostgreSQL: ``pg_dump -Fc`` reads one snapshot; ``pg_restore --single-transaction``
puts it back all or nothing. Copies hold personal data: they are written readable by their owner only.
"""

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from gongfa import clock


class BackupError(Exception):
    """A backup or restore that could not be made; the message says why and what to do."""


@dataclass
class Copy:
    """A backup file written: where, how big."""

    path: Path
    size: int


def engine_kind(url: str | URL) -> str:
    """"sqlite" or "postgresql"."""
    return make_url(url).get_backend_name()


def default_path(url: str | URL, directory: Path, *, prefix: str = "gongfa") -> Path:
    """instance/backups/gongfa-20261207-031500.sqlite (or .dump), stamped in Beijing time."""
    stamp = clock.beijing_now().strftime("%Y%m%d-%H%M%S")
    return directory / f"{prefix}-{stamp}.{'sqlite' if engine_kind(url) == 'sqlite' else 'dump'}"


def backup(url: str | URL, dest: Path, *, pg_bin: str | None = None) -> Copy:
    """Write a consistent copy of the database at ``url`` to ``dest`` (the app may keep running)."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    part = dest.with_name(dest.name + ".part")
    part.unlink(missing_ok=True)
    try:
        if engine_kind(url) == "sqlite":
            _sqlite_backup(_sqlite_file(url), part)
        else:
            _pg_run(url, "pg_dump", pg_bin, ["--format=custom", "--no-password", f"--file={part}"])
        os.chmod(part, 0o600)
        part.replace(dest)
    finally:
        part.unlink(missing_ok=True)
    return Copy(dest, dest.stat().st_size)


def restore(url: str | URL, src: Path, *, pg_bin: str | None = None) -> None:
    """Replace the database at ``url`` with the copy in ``src``, all or nothing."""
    src = Path(src)
    if engine_kind(url) == "sqlite":
        _sqlite_check(src)
        _sqlite_copy(src, _sqlite_file(url))
    else:
        target = make_url(url).database
        _pg_run(url, "pg_restore", pg_bin, ["--clean", "--if-exists", "--no-owner", "--single-transaction",
                                            "--exit-on-error", "--no-password", f"--dbname={target}", str(src)])


# --- SQLite ------------------------------------------------------------------------------------


def _sqlite_file(url: str | URL) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def _sqlite_backup(db_file: Path, dest: Path) -> None:
    if not db_file.exists():
        raise BackupError(f"no database at {db_file}")
    source = sqlite3.connect(db_file, timeout=30)
    target = sqlite3.connect(dest)
    try:
        # pages=-1: the whole database in one step, one read snapshot, however busy the writers are.
        source.backup(target, pages=-1)
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        _integrity(target, dest)
    finally:
        target.close()
        source.close()


def _integrity(conn: sqlite3.Connection, path: Path) -> None:
    result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        raise BackupError(f"{path}: integrity check failed: {result}")


def _sqlite_check(src: Path) -> None:
    try:
        conn = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
        try:
            _integrity(conn, src)
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{src} is not a gongfa SQLite backup: {error}") from error
    if "audit_events" not in tables:
        raise BackupError(f"{src} is not a gongfa SQLite backup (no audit_events table)")


def _sqlite_copy(src: Path, db_file: Path) -> None:
    source = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    target = sqlite3.connect(db_file, timeout=30)
    try:
        # Every page of the live file is replaced inside one write transaction: readers see the old
        # database or the restored one, never a mixture.
        source.backup(target, pages=-1)
        target.execute("PRAGMA journal_mode=WAL")
    finally:
        target.close()
        source.close()


# --- PostgreSQL --------------------------------------------------------------------------------


def _pg_env(url: URL) -> dict:
    """Connection settings for libpq's tools, as environment variables: the password never shows in ``ps``."""
    env = {**os.environ, "PGDATABASE": url.database or ""}
    for var, value in (("PGHOST", url.host), ("PGPORT", url.port), ("PGUSER", url.username),
                       ("PGPASSWORD", url.password), ("PGSSLMODE", url.query.get("sslmode"))):
        if value:
            env[var] = str(value)
    return env


def _pg_tool(name: str, pg_bin: str | None) -> str:
    path = str(Path(pg_bin) / name) if pg_bin else shutil.which(name)
    if not path or not Path(path).exists():
        raise BackupError(f"{name} not found: install postgresql-client matching the server, or set PG_BIN_DIR")
    return path


def _pg_run(url: str | URL, tool: str, pg_bin: str | None, args: list[str]) -> None:
    url = make_url(url)
    # No shell; the tool is ours (PATH or PG_BIN_DIR), the arguments are fixed flags and our own paths.
    result = subprocess.run([_pg_tool(tool, pg_bin), *args], env=_pg_env(url), capture_output=True, text=True,  # noqa: S603
                            check=False)
    if result.returncode != 0:
        hint = ""
        if "version mismatch" in result.stderr:
            hint = " (set PG_BIN_DIR to the tools of the server's major version, e.g. /usr/lib/postgresql/15/bin)"
        raise BackupError(f"{tool} failed{hint}: {result.stderr.strip()}")
