"""Command-line tasks: flask catalogue load FILE, flask demo load, flask office list."""

from __future__ import annotations

import tomllib
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from .catalogue import services as catalogue_services
from .domain.catalogue import CatalogueError
from .extensions import db
from .models import Office

DEMO_FILE = Path(__file__).resolve().parent / "data" / "demo.toml"

catalogue_cli = AppGroup("catalogue", help="The procedure catalogue.")
demo_cli = AppGroup("demo", help="Demonstration data.")
office_cli = AppGroup("office", help="Offices (wards and communes).")


@catalogue_cli.command("load")
@click.argument("path", type=click.Path(exists=True, dir_okay=False), required=False)
def catalogue_load(path: str | None) -> None:
    """Load a catalogue file (default: the seed catalogue); idempotent."""
    path = path or current_app.config["TTHC_CATALOGUE_FILE"] or str(catalogue_services.DEFAULT_FILE)
    try:
        report = catalogue_services.load(path)
    except CatalogueError as error:
        raise click.ClickException(f"{path}: nothing loaded: {error}") from None
    click.echo(f"catalogue: {len(report.added)} version(s) added, "
               f"{len(report.unchanged)} already loaded")


@demo_cli.command("load")
def demo_load() -> None:
    """Load the seed catalogue and the demo office (and, later, demo accounts); idempotent."""
    report = catalogue_services.load(
        current_app.config["TTHC_CATALOGUE_FILE"] or catalogue_services.DEFAULT_FILE
    )
    click.echo(f"catalogue: {len(report.added)} version(s) added, "
               f"{len(report.unchanged)} already loaded")
    with open(DEMO_FILE, "rb") as f:
        demo = tomllib.load(f)
    added = 0
    for row in demo.get("office", []):
        if db.session.scalar(select(Office).filter_by(code=row["code"])) is None:
            db.session.add(Office(**row))
            added += 1
    db.session.commit()
    click.echo(f"offices: {added} added")


@office_cli.command("list")
def office_list() -> None:
    """List the offices this deployment serves."""
    for office in db.session.scalars(select(Office).order_by(Office.id)):
        mark = " (default)" if office.is_default else ""
        click.echo(f"{office.code}\t{office.name}{mark}")


def init_app(app: Flask) -> None:
    for group in (catalogue_cli, demo_cli, office_cli):
        app.cli.add_command(group)
