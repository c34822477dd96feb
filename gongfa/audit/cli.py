"""``flask audit verify|prune``: check the hash chain, drop events past the retention period."""

import re

import click
from flask.cli import AppGroup

audit_cli = AppGroup("audit", help="Audit trail: verify the hash chain, prune events past retention.")


def _anchor(_ctx, _param, values):
    anchors = []
    for value in values:
        match = re.fullmatch(r"(\d+):([0-9a-fA-F]{64})", value.strip())
        if not match:
            raise click.BadParameter(f"{value!r}: expected SEQ:HASH as printed by an earlier verify")
        anchors.append((int(match.group(1)), match.group(2)))
    return anchors


def echo_verdict(verdict) -> None:
    """Print what verify found (shared with ``flask restore``)."""
    for note in verdict.notes:
        click.echo(f"note: {note}")
    if verdict.ok:
        span = f" ({verdict.first_seq}–{verdict.last_seq})" if verdict.last_seq else ""
        click.echo(f"audit chain intact: {verdict.events} events{span}; head {verdict.last_seq or 0}:"
                   f"{verdict.head_hash}")
    else:
        click.echo(f"AUDIT CHAIN BROKEN after {verdict.events} good events: {verdict.problem.message}", err=True)


@audit_cli.command("verify")
@click.option("--anchor", "anchors", multiple=True, callback=_anchor, metavar="SEQ:HASH",
              help="A head printed by an earlier run (kept off this machine) that must still be in the chain.")
def verify_command(anchors):
    """Walk the audit chain; exit 1 at the first edited, deleted, inserted or cut-off event."""
    from gongfa.audit import integrity

    verdict = integrity.verify(anchors=anchors)
    echo_verdict(verdict)
    if not verdict.ok:
        raise SystemExit(1)


@audit_cli.command("prune")
def prune_command():
    """Delete events older than AUDIT_RETENTION_DAYS (at least 183), keeping a checkpoint for verify."""
    from gongfa.audit import integrity
    from gongfa.db import db

    try:
        pruned = integrity.prune()
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    if pruned.removed:
        click.echo(f"audit events removed: {pruned.removed} (up to event {pruned.up_to_seq}, older than "
                   f"{pruned.cutoff:%Y-%m-%d %H:%M} UTC)")
    else:
        click.echo(f"audit events removed: 0 (none older than {pruned.cutoff:%Y-%m-%d %H:%M} UTC)")


def _backup_dir():
    from pathlib import Path

    from flask import current_app

    return Path(current_app.config.get("BACKUP_DIR") or Path(current_app.instance_path) / "backups")


@click.command("backup")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=str))
def backup_command(path):
    """Write a consistent copy of the database while the app runs (default: instance/backups/gongfa-<time>)."""
    from pathlib import Path

    from flask import current_app

    from gongfa.audit import backup
    from gongfa.db import db

    url = db.engine.url
    dest = Path(path) if path else backup.default_path(url, _backup_dir())
    try:
        made = backup.backup(url, dest, pg_bin=current_app.config.get("PG_BIN_DIR"))
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"backup written: {made.path} ({made.size} bytes)")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=str))
@click.option("--yes", is_flag=True, help="Really replace the whole database with the copy.")
def restore_command(path, yes):
    """Replace the database with a copy made by ``flask backup`` (the current one is saved first),
    then verify the audit chain. Stop the app first, or expect its requests to wait or fail meanwhile."""
    from pathlib import Path

    from flask import current_app

    from gongfa.audit import backup, integrity
    from gongfa.db import db

    if not yes:
        raise click.ClickException("this replaces every record with the copy's; run again with --yes")
    url = db.engine.url
    pg_bin = current_app.config.get("PG_BIN_DIR")
    db.session.remove()
    db.engine.dispose()  # our own connections must not hold the tables pg_restore drops
    try:
        saved = backup.backup(url, backup.default_path(url, _backup_dir(), prefix="pre-restore"), pg_bin=pg_bin)
        click.echo(f"current database saved first: {saved.path}")
        backup.restore(url, Path(path), pg_bin=pg_bin)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from error
    db.engine.dispose()
    click.echo(f"restored from {path}")
    verdict = integrity.verify()
    echo_verdict(verdict)
    if not verdict.ok:
        raise SystemExit(1)
