"""Command-line tools: ``flask translate …``, ``flask seed-demo``, ``flask demo-logins``, ``flask create-admin``;
``flask audit …``, ``flask backup`` and ``flask restore`` live in gongfa/audit/cli.py."""

import re
import subprocess
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from gongfa import clock

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
POT = TRANSLATIONS / "messages.pot"
CATALOGS = ("ug", "kk_Arab")

translate = AppGroup("translate", help="Message catalogs: extract, update, compile, init, check.")


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "-q", *args], check=True, cwd=ROOT)


@translate.command("extract")
def translate_extract():
    """Extract every translatable string into translations/messages.pot."""
    # Babel skips folders starting with "_" by default; our templates/_macros/ must be read.
    _pybabel("extract", "-F", "pyproject.toml", "-k", "_l", "--sort-by-file", "--no-wrap",
             "--ignore-dirs", ".* __pycache__ node_modules",
             "--add-comments", "i18n:", "-o", str(POT), ".")


@translate.command("update")
def translate_update():
    """Extract, then merge new strings into the ug and kk_Arab catalogs (no fuzzy guesses)."""
    translate_extract.callback()
    for loc in CATALOGS:
        _pybabel("update", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", loc, "--no-wrap", "--no-fuzzy-matching",
                 "--ignore-obsolete")


@translate.command("init")
@click.argument("locale")
def translate_init(locale: str):
    """Start a catalog for a new LOCALE."""
    translate_extract.callback()
    _pybabel("init", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", locale, "--no-wrap")


@translate.command("compile")
def translate_compile():
    """Compile the .po catalogs into the .mo files the app reads."""
    _pybabel("compile", "-d", str(TRANSLATIONS), "--statistics")


def catalog_problems(locale: str) -> list[str]:
    """Empty or fuzzy entries of one catalog (msgids), plus placeholders that do not match."""
    from babel.messages.pofile import read_po

    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f, locale=locale)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {ids[0]}")
        elif not all(strings):
            problems.append(f"empty: {ids[0]}")
        else:
            wanted = sorted(re.findall(r"%\(\w+\)[sd]", ids[0]))
            for s in strings:
                if sorted(re.findall(r"%\(\w+\)[sd]", s)) != wanted:
                    problems.append(f"placeholders differ: {ids[0]}")
    return problems


@translate.command("check")
def translate_check():
    """Fail when a catalog has an empty or fuzzy entry, or lacks a string in the code."""
    from babel.messages.pofile import read_po

    translate_extract.callback()
    with POT.open("rb") as f:
        wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    bad = False
    for loc in CATALOGS:
        problems = catalog_problems(loc)
        with (TRANSLATIONS / loc / "LC_MESSAGES" / "messages.po").open("rb") as f:
            have = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f, locale=loc) if m.id}
        problems += [f"missing: {m}" for m in sorted(wanted - have)]
        for p in problems:
            click.echo(f"{loc}: {p}", err=True)
        bad = bad or bool(problems)
        click.echo(f"{loc}: {len(have)} entries, {len(problems)} problems")
    if bad:
        raise SystemExit(1)


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the demo data is already loaded.")
def seed_demo(if_empty: bool):
    """Load the 博州 demo data (units, stations, studios, firms, staff) into an empty demo database.

    The demo accounts share a published password, bureau admins included, so this refuses unless the site
    is configured as a demo (DEMO = True, GONGFA_DEMO=true) and the database is empty or already a demo's.
    """
    from flask import current_app

    from gongfa.db import db
    from gongfa.demo import seed

    if not current_app.config.get("DEMO"):
        raise click.ClickException("refusing: the demo accounts have a published password; seed-demo runs only "
                                   "on a demo site (DEMO = True or GONGFA_DEMO=true), never in production")
    if not seed.is_empty():
        if not seed.is_demo_database():
            raise click.ClickException("refusing: this database holds data and is not marked as a demo")
        click.echo("demo data: already loaded, nothing loaded")
        if if_empty:
            return
        raise click.ClickException("the demo data is already in this database")
    counts = seed.seed()
    seed.mark_demo()
    db.session.commit()
    click.echo(f"demo data loaded: {counts}")


@click.command("demo-logins")
@click.option("--url", default="http://127.0.0.1:8000/", help="Where the app is served.")
def demo_logins(url: str):
    """Print the app's URL and the demo accounts."""
    from gongfa.demo.seed import DEMO_ACCOUNTS, DEMO_PASSWORD

    click.echo("")
    click.echo(f"  gongfa is starting at {url}")
    click.echo(f"  demo logins (password for all: {DEMO_PASSWORD}):")
    for username, role, _code, where in DEMO_ACCOUNTS:
        click.echo(f"    {username:<12} {role.value:<13} {where}")
    click.echo(f"  village public page, e.g. {url.rstrip('/')}/v/652701100001")
    click.echo("")


@click.command("create-admin")
@click.option("--username", prompt=True)
@click.option("--full-name", prompt=True)
@click.option("--unit-code", prompt=True, help="NBS code of the county or prefecture whose bureau this is.")
@click.password_option()
def create_admin(username: str, full_name: str, unit_code: str, password: str):
    """Create a bureau administrator for a county (or the prefecture)."""
    from gongfa.db import db
    from gongfa.org import services as org
    from gongfa.people import services as people
    from gongfa.people.models import Role
    from gongfa.people.passwords import password_problems

    unit = org.unit_by_code(unit_code)
    if unit is None or org.point_of(unit) is None:
        raise click.ClickException(f"no unit with a service point has code {unit_code}")
    if password_problems(password):
        raise click.ClickException("password too weak (see PASSWORD_MIN_LENGTH)")
    user = people.create_user(username=username.strip().lower(), full_name=full_name, password=password)
    people.add_membership(user=user, point=org.point_of(unit), role=Role.BUREAU_ADMIN, starts_on=clock.today())
    db.session.commit()
    click.echo(f"created {user.username}")


duty_cli = AppGroup("duty", help="Duty calendars: generate sessions, close months, sync holidays.")


@duty_cli.command("generate")
@click.option("--weeks", default=8, help="Weekly rules: this many weeks ahead.")
@click.option("--months", default=3, help="Monthly rules: this many months ahead.")
def duty_generate(weeks: int, months: int):
    """Generate the coming sessions of every active rule (idempotent; run it daily from cron)."""
    from gongfa.db import db
    from gongfa.duty import generation, queries
    from gongfa.org.models import Unit

    created = generation.generate_all(first=clock.today(), weeks=weeks, months=months)
    short = queries.shortages(Unit.id.is_not(None), first=clock.today())
    db.session.commit()
    click.echo(f"sessions created: {created}")
    if short:
        # Whoever runs it from cron reads the mail: the places no lawyer is free for, by day and hours.
        click.echo(f"sessions without a free lawyer: {sum(row.short for row in short)}")
        for row in short:
            places = ", ".join(f"{s.point.unit.code} {s.point.unit.name_zh}" for s in row.sessions)
            click.echo(f"  {row.on.isoformat()} {row.starts_at:%H:%M}-{row.ends_at:%H:%M}: {places}")


@duty_cli.command("close-month")
def duty_close_month():
    """Mark village visits of past months that never happened as missed (run on the 1st from cron)."""
    from gongfa.db import db
    from gongfa.duty import actions

    missed = actions.mark_missed(today=clock.today())
    db.session.commit()
    click.echo(f"visits marked missed: {missed}")


@duty_cli.command("sync-holidays")
@click.argument("years", nargs=-1, type=int)
def duty_sync_holidays(years: tuple[int, ...]):
    """Copy national holidays and 调休 days for YEARS from the chinese-calendar package."""
    from gongfa.db import db
    from gongfa.duty import holidays

    added = holidays.sync_national_holidays(list(years) or [clock.today().year + 1])
    db.session.commit()
    click.echo(f"holidays added: {added}")


def init_app(app: Flask) -> None:
    """Register the commands."""
    from gongfa.audit.cli import audit_cli, backup_command, restore_command

    for command in (translate, seed_demo, demo_logins, create_admin, duty_cli, audit_cli, backup_command,
                    restore_command):
        app.cli.add_command(command)
