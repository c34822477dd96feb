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
