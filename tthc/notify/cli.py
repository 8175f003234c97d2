"""``flask notify run``: send the outbox once (for cron) or in a loop; ``flask notify
rekey``: seal the gateways' secrets with the current key (the blueprint's command group,
named after it)."""

from __future__ import annotations

import time

import click

from ..extensions import db
from . import bp, sealing, sender, services


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


@bp.cli.command("rekey")
@click.option("--old-key", envvar="TTHC_OLD_SECRETS_KEY", default="",
              help="The TTHC_SECRETS_KEY the secrets were sealed with (or set "
                   "TTHC_OLD_SECRETS_KEY: a command line shows in the process list).")
@click.option("--old-secret-key", envvar="TTHC_OLD_SECRET_KEY", default="",
              help="The SECRET_KEY they were sealed with, when no TTHC_SECRETS_KEY was set "
                   "(or set TTHC_OLD_SECRET_KEY).")
def rekey(old_key: str, old_secret_key: str) -> None:
    """Seal every gateway secret with the current key (after changing TTHC_SECRETS_KEY or
    SECRET_KEY); secrets stored in clear are sealed too."""
    old = []
    if old_key:
        try:
            old.append(sealing.fernet_key(old_key))
        except ValueError:
            raise click.BadParameter("not a Fernet key (32 bytes in URL-safe base64)",
                                     param_hint="--old-key") from None
    if old_secret_key:
        old.append(sealing.fernet_key(sealing.derived_key(old_secret_key)))
    rewritten, unreadable = services.rekey(old)
    click.echo(f"notify rekey: {rewritten} gateway(s) sealed with the current key")
    if unreadable:
        click.echo("No key opens these secrets; type them again on the gateway's admin page: "
                   + "; ".join(unreadable), err=True)
        raise SystemExit(1)
