"""``flask notify run``: send the outbox once (for cron) or in a loop (the blueprint's
command group, named after it)."""

from __future__ import annotations

import time

import click

from ..extensions import db
from . import bp, sender


@bp.cli.command("run")
@click.option("--once", is_flag=True, help="Send what is due, then exit (for cron).")
@click.option("--interval", default=15, show_default=True,
              help="Seconds between passes in the loop.")
@click.option("--limit", default=200, show_default=True, help="Rows per pass at most.")
def run(once: bool, interval: int, limit: int) -> None:
    """Send due messages, with retries and backoff; several senders may run at once."""
    while True:
        report = sender.run_once(limit=limit)
        click.echo(f"notify: {report}")
        db.session.remove()  # nothing is kept between passes
        if once:
            return
        time.sleep(max(interval, 1))
