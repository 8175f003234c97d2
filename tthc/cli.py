"""Command-line tasks: flask catalogue load FILE, flask demo load|logins, flask office list,
flask users create|password|disable|list (tthc/auth/cli.py), flask retention run,
flask backup|restore (tthc/backup.py)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from .catalogue import services as catalogue_services
from .domain.catalogue import CatalogueError
from .domain.hours import parse_schedule
from .extensions import db
from .models import Office
from .timeutil import today

DEMO_FILE = Path(__file__).resolve().parent / "data" / "demo.toml"

catalogue_cli = AppGroup("catalogue", help="The procedure catalogue.")
demo_cli = AppGroup("demo", help="Demonstration data.")
office_cli = AppGroup("office", help="Offices (wards and communes).")


@catalogue_cli.command("load")
@click.argument("path", type=click.Path(exists=True, dir_okay=False), required=False)
@click.option("--changed-from", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Load entries changed since they were loaded as new versions from this "
                   "date (YYYY-MM-DD) instead of refusing the file.")
def catalogue_load(path: str | None, changed_from) -> None:
    """Load a catalogue file (default: the seed catalogue); idempotent."""
    path = path or current_app.config["TTHC_CATALOGUE_FILE"] or str(catalogue_services.DEFAULT_FILE)
    try:
        report = catalogue_services.load(
            path, changed_from=changed_from.date() if changed_from else None)
    except CatalogueError as error:
        raise click.ClickException(f"{path}: nothing loaded: {error}") from None
    click.echo(f"catalogue: {len(report.added)} version(s) added, "
               f"{len(report.unchanged)} already loaded")


@demo_cli.command("load")
def demo_load() -> None:
    """Load the seed catalogue, the demo office, its queue groups and accounts; idempotent."""
    # Demo data: a seed corrected since this database loaded it becomes today's version.
    report = catalogue_services.load(
        current_app.config["TTHC_CATALOGUE_FILE"] or catalogue_services.DEFAULT_FILE,
        changed_from=today(),
    )
    click.echo(f"catalogue: {len(report.added)} version(s) added, "
               f"{len(report.unchanged)} already loaded")
    with open(DEMO_FILE, "rb") as f:
        demo = tomllib.load(f)
    added = 0
    for row in demo.get("office", []):
        row = _with_hours(row)
        office = db.session.scalar(select(Office).filter_by(code=row["code"]))
        if office is None:
            db.session.add(Office(**row))
            added += 1
        elif office.schedule is None and row.get("schedule"):
            # A demo office loaded before hours were data gets them.
            office.schedule = row["schedule"]
    db.session.commit()
    click.echo(f"offices: {added} added")
    _demo_queue_and_staff(demo)


def _with_hours(row: dict) -> dict:
    """An office row with its schedule checked (the lines shown derive from it)."""
    parse_schedule(row.get("schedule"))  # raises ValueError on bad hours
    return row


def _demo_queue_and_staff(demo: dict) -> None:
    """The demo office's service groups and one account per role (password tthc-demo)."""
    from .auth.passwords import DEMO_PASSWORD, hash_password
    from .models import ServiceGroup, Staff

    offices = {o.code: o.id for o in db.session.scalars(select(Office))}
    groups = 0
    for row in demo.get("service_group", []):
        office_id = offices[row["office"]]
        fields = {k: v for k, v in row.items() if k != "office"}
        if db.session.scalar(select(ServiceGroup.id).filter_by(
                office_id=office_id, prefix=row["prefix"])) is None:
            db.session.add(ServiceGroup(office_id=office_id, **fields))
            groups += 1
    accounts = 0
    for row in demo.get("staff", []):
        if db.session.scalar(select(Staff.id).filter_by(username=row["username"])) is None:
            fields = {k: v for k, v in row.items() if k != "office"}
            db.session.add(Staff(office_id=offices[row["office"]],
                                 password_hash=hash_password(DEMO_PASSWORD), **fields))
            accounts += 1
    db.session.commit()
    click.echo(f"queue groups: {groups} added; staff accounts: {accounts} added")


@demo_cli.command("rush")
@click.option("--officers", default=3, show_default=True,
              help="Reception accounts demo-quay-01… at counters 1…N (password tthc-demo).")
@click.option("--tickets", default=30, show_default=True, help="Waiting tickets to add today.")
def demo_rush(officers: int, tickets: int) -> None:
    """A Monday morning in the demo office: officers at their counters and a full hall."""
    from .demo import rush

    made, added = rush("demo", officers, tickets)
    click.echo(f"rush: {made} officer account(s) added, {added} waiting ticket(s) added")


@demo_cli.command("logins")
def demo_logins() -> None:
    """Print the demo accounts and their password (demo data only)."""
    from .auth.passwords import DEMO_PASSWORD
    from .auth.services import demo_accounts

    click.echo(f"  Staff sign-in: /can-bo/dang-nhap  (demo password for all: {DEMO_PASSWORD})")
    for row in demo_accounts():
        click.echo(f"    {row['username']:<10} {', '.join(row['roles'])}")


@office_cli.command("list")
def office_list() -> None:
    """List the offices this deployment serves."""
    for office in db.session.scalars(select(Office).order_by(Office.id)):
        mark = " (default)" if office.is_default else ""
        click.echo(f"{office.code}\t{office.name}{mark}")


retention_cli = AppGroup("retention", help="Deleting personal data past its retention period.")


@retention_cli.command("run")
@click.option("--dry-run", is_flag=True, help="Count what would be deleted; delete nothing.")
def retention_run(dry_run: bool) -> None:
    """Delete old drafts (with their files), expired phone profiles, old tickets and old
    access-log lines; blank old messages' recipients and texts, withdrawn consents'
    addresses, old ratings, feedback and ticket phones (one command, for cron)."""
    from .feedback.retention import purge
    from .retention import run
    from .transactions import Busy

    try:
        counts = run(dry_run=dry_run)
    except Busy:  # each batch commits on its own: what was done stays done
        raise click.ClickException("retention: the database stayed busy; the batches done "
                                   "are kept, run it again") from None
    prefix = "retention (dry run, nothing deleted)" if dry_run else "retention: deleted"
    click.echo(f"{prefix}: " + "; ".join(counts.lines()))
    # The record of the access log's own deletion (cron appends it to retention.log).
    click.echo(counts.access_log_line(dry_run))
    if dry_run:
        click.echo("ratings, feedback and ticket phones: not counted in a dry run")
    else:
        click.echo(f"ratings, feedback and ticket phones: {purge()}")


def init_app(app: Flask) -> None:
    from .auth.cli import users_cli
    from .backup import backup_command, restore_command

    for group in (catalogue_cli, demo_cli, office_cli, users_cli, retention_cli,
                  backup_command, restore_command):
        app.cli.add_command(group)
