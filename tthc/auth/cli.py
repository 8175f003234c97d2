"""flask users …: create, list, disable, enable, unlock accounts (clear failed sign-ins),
change passwords and roles; through the same functions as the admin's page
(tthc.auth.services)."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..extensions import db
from ..models import ROLES, Office, Staff
from . import services

users_cli = AppGroup("users", help="Staff accounts.")


def _ask_password(username: str) -> str:
    while True:
        password = click.prompt("Password", hide_input=True, confirmation_prompt="Repeat password")
        problem = services.passwords.password_problem(password, username)
        if not problem:
            return password
        click.echo(f"Refused: {problem}. Try another.", err=True)


@users_cli.command("create")
@click.option("--office", "office_code", required=True, help="Office code (flask office list).")
@click.option("--role", "roles", required=True, multiple=True, type=click.Choice(ROLES),
              help="Role; repeat for several.")
@click.option("--counter", type=int, default=None, help="Counter (quầy) number, for reception.")
@click.option("--name", "full_name", default="", help="Full name as shown to colleagues.")
@click.option("--password", default=None,
              help="For scripts; without it the password is asked twice.")
@click.argument("username")
def create(office_code, roles, counter, full_name, password, username) -> None:
    """Create a staff account USERNAME in an office with one or more roles."""
    username = services.passwords.normalise_username(username)
    if password is None:
        password = _ask_password(username)
    try:
        staff = services.create_staff(office_code=office_code, username=username,
                                      password=password, roles=list(roles),
                                      full_name=full_name, counter=counter)
    except services.AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"created {staff.username} ({', '.join(staff.roles)}) in {office_code}")


@users_cli.command("password")
@click.option("--password", default=None,
              help="For scripts; without it the password is asked twice.")
@click.argument("username")
def password(password, username) -> None:
    """Set a new password for USERNAME (this also ends its sessions and clears its failed
    sign-ins)."""
    username = services.passwords.normalise_username(username)
    if password is None:
        password = _ask_password(username)
    try:
        services.set_password(username, password)
    except services.AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"password changed for {username}")


def _account(username: str):
    try:
        return services.find_staff(username)
    except services.AccountError as error:
        raise click.ClickException(str(error)) from None


@users_cli.command("disable")
@click.argument("username")
def disable(username) -> None:
    """Disable USERNAME: it can no longer sign in (its history stays)."""
    staff = _account(username)
    services.set_active(staff, False)
    click.echo(f"disabled {staff.username}")


@users_cli.command("enable")
@click.argument("username")
def enable(username) -> None:
    """Enable USERNAME again."""
    staff = _account(username)
    services.set_active(staff, True)
    click.echo(f"enabled {staff.username}")


@users_cli.command("unlock")
@click.argument("username")
def unlock(username) -> None:
    """Clear the failed sign-ins of USERNAME from every address (the password stays)."""
    staff = _account(username)
    services.unlock(staff)
    click.echo(f"unlocked {staff.username}")


@users_cli.command("roles")
@click.option("--role", "roles", required=True, multiple=True, type=click.Choice(ROLES),
              help="Role; repeat for several. Replaces the account's roles.")
@click.argument("username")
def roles(roles, username) -> None:
    """Set the roles of USERNAME."""
    staff = _account(username)
    try:
        services.update_staff(staff, full_name=staff.full_name, roles=list(roles),
                              counter=staff.counter)
    except services.AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{staff.username}: {', '.join(staff.roles)}")


@users_cli.command("list")
def list_users() -> None:
    """List staff accounts: username, office, roles, counter, state."""
    rows = db.session.execute(
        select(Staff, Office.code).join(Office, Staff.office_id == Office.id)
        .order_by(Office.code, Staff.username))
    for staff, office_code in rows:
        state = "active" if staff.active else "disabled"
        if staff.active and services.is_locked(staff):
            state = "slowed down"  # some address must wait before trying it again
        counter = f"counter {staff.counter}" if staff.counter else "-"
        click.echo(f"{staff.username}\t{office_code}\t{','.join(staff.roles)}\t{counter}\t{state}")
