"""Signing in with a lockout, creating accounts, and the start-up check on demo passwords."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

from flask import current_app
from sqlalchemy import or_, select, update

from ..extensions import db
from ..models import ROLES, Office, Staff
from ..models.dossier import utcnow
from . import passwords

DEMO_FILE = Path(__file__).resolve().parent.parent / "data" / "demo.toml"


def is_locked(staff: Staff, now: dt.datetime | None = None) -> bool:
    until = staff.locked_until
    return until is not None and until > (now or utcnow())


def authenticate(username: str, password: str) -> Staff | None:
    """The account for these credentials, or None; counts failures and locks the account.

    Unknown user, wrong password, locked or disabled account all answer None after the same
    work (one password hash check), so neither the answer nor its timing says which.
    """
    staff = db.session.scalar(
        select(Staff).filter_by(username=passwords.normalise_username(username)))
    now = utcnow()
    if staff is None or not staff.active or is_locked(staff, now):
        passwords.verify_password(None, password)
        return None
    if passwords.verify_password(staff.password_hash, password):
        staff.failed_logins = 0
        staff.locked_until = None
        staff.last_login_at = now
        db.session.commit()
        return staff
    # Atomic increment: parallel guesses cannot each read the same count.
    failures = db.session.execute(
        update(Staff).where(Staff.id == staff.id)
        .values(failed_logins=Staff.failed_logins + 1).returning(Staff.failed_logins)
    ).scalar_one()
    if failures >= current_app.config["TTHC_LOGIN_MAX_FAILURES"]:
        minutes = current_app.config["TTHC_LOGIN_LOCK_MINUTES"]
        db.session.execute(update(Staff).where(Staff.id == staff.id).values(
            failed_logins=0, locked_until=now + dt.timedelta(minutes=minutes)))
    db.session.commit()
    return None


class AccountError(ValueError):
    """An account cannot be created or changed as asked (message in English, for the CLI)."""


def create_staff(*, office_code: str, username: str, password: str, roles: list[str],
                 full_name: str = "", counter: int | None = None,
                 allow_demo_password: bool = False) -> Staff:
    """Create a staff account; AccountError explains a refusal. Commits."""
    username = passwords.normalise_username(username)
    problem = passwords.username_problem(username)
    if problem:
        raise AccountError(problem)
    if not allow_demo_password:
        problem = passwords.password_problem(password, username)
        if problem:
            raise AccountError(problem)
    unknown = [r for r in roles if r not in ROLES]
    if not roles or unknown:
        raise AccountError(f"roles must be among {', '.join(ROLES)}")
    office = db.session.scalar(select(Office).filter_by(code=office_code))
    if office is None:
        raise AccountError(f"no office with code {office_code!r} (see: flask office list)")
    if counter is not None and counter < 1:
        raise AccountError("a counter number is 1 or more")
    if db.session.scalar(select(Staff.id).filter_by(username=username)) is not None:
        raise AccountError(f"the username {username!r} is taken")
    staff = Staff(office_id=office.id, username=username, full_name=full_name or username,
                  password_hash=passwords.hash_password(password), roles=list(dict.fromkeys(roles)),
                  counter=counter)
    db.session.add(staff)
    db.session.commit()
    return staff


def set_password(username: str, password: str) -> Staff:
    """Give an account a new password (and unlock it). Commits."""
    staff = db.session.scalar(
        select(Staff).filter_by(username=passwords.normalise_username(username)))
    if staff is None:
        raise AccountError(f"no account {username!r}")
    problem = passwords.password_problem(password, staff.username)
    if problem:
        raise AccountError(problem)
    staff.password_hash = passwords.hash_password(password)
    staff.failed_logins = 0
    staff.locked_until = None
    db.session.commit()
    return staff


def demo_accounts() -> list[dict]:
    """The demo accounts as tthc/data/demo.toml lists them."""
    with open(DEMO_FILE, "rb") as f:
        return tomllib.load(f).get("staff", [])


DEMO_PREFIX = "demo-"
"""Accounts named demo-… are demo data too (flask demo rush makes demo-quay-01…)."""


def accounts_with_demo_password() -> list[str]:
    """Usernames of active accounts whose password is still the demo one.

    Only demo accounts are checked, those of demo.toml and those named demo-… (a hash
    check is slow on purpose): no other account can get that password, since creating or
    changing one refuses it.
    """
    names = [row["username"] for row in demo_accounts()]
    rows = db.session.execute(
        select(Staff.username, Staff.password_hash)
        .where(or_(Staff.username.in_(names), Staff.username.startswith(DEMO_PREFIX)),
               Staff.active.is_(True))).all()
    return [u for u, h in rows if passwords.verify_password(h, passwords.DEMO_PASSWORD)]
