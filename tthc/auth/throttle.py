"""The sign-in slow-down: failures counted per (account, address) and per address in the
database, so that every worker and server agrees; no account is ever locked for everyone.

An attempt is charged before its password is checked (one short write transaction) and the
charge is taken back when it succeeds: parallel guesses cannot slip past the count. After
TTHC_LOGIN_FREE_FAILURES failures of a pair, each further attempt of that pair waits 2, 4,
8… seconds, at most TTHC_LOGIN_MAX_WAIT_SECONDS; an address that failed
TTHC_LOGIN_ADDRESS_FREE_FAILURES times on any accounts waits the same way. A pair's count
is forgotten TTHC_LOGIN_FAILURE_WINDOW_MINUTES after its last failure, by a success, or by
an admin's unlock. Unknown usernames are counted like known ones.
"""

from __future__ import annotations

import datetime as dt
import math

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import LoginFailure
from ..models.signin import account_failures, account_key
from ..models.dossier import utcnow
from ..transactions import serialised

ANY_ACCOUNT = ""
"""The ``account`` of an address's row counting failures on every account."""

__all__ = ["ANY_ACCOUNT", "account_failures", "account_key", "account_waiting", "claim",
           "clear_account", "delay", "succeeded", "waiting"]


def delay(failures: int, free: int, cap: int) -> int:
    """Seconds to wait after *failures* failures when *free* of them cost nothing."""
    if failures < free:
        return 0
    return min(2 ** min(failures - free + 1, 30), cap)


def claim(username: str, address: str) -> int:
    """Charge one sign-in attempt to (username, address); 0, or the seconds to wait first
    (then nothing is charged and the password must not be checked)."""
    for attempt in range(3):
        try:
            return _claim(account_key(username), address[:45])
        except IntegrityError:  # another worker added the same row first: read it again
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _claim(account: str, address: str) -> int:
    config = current_app.config
    now = utcnow()
    window = dt.timedelta(minutes=config["TTHC_LOGIN_FAILURE_WINDOW_MINUTES"])
    cap = config["TTHC_LOGIN_MAX_WAIT_SECONDS"]
    free = {account: config["TTHC_LOGIN_FREE_FAILURES"],
            ANY_ACCOUNT: config["TTHC_LOGIN_ADDRESS_FREE_FAILURES"]}
    with serialised() as session:
        rows = {row.account: row for row in session.scalars(
            select(LoginFailure).where(LoginFailure.account.in_(list(free)),
                                       LoginFailure.address == address).with_for_update())}
        waits = [row.wait_until for row in rows.values()
                 if row.wait_until is not None and row.wait_until > now]
        if waits:
            return max(1, math.ceil((max(waits) - now).total_seconds()))
        session.execute(delete(LoginFailure).where(LoginFailure.last_at < now - window))
        for key, free_failures in free.items():
            row = rows.get(key)
            if row is None or row.last_at < now - window:  # none, or just deleted above
                row = LoginFailure(account=key, address=address, failures=0)
                session.add(row)
            row.failures += 1
            row.last_at = now
            wait = delay(row.failures, free_failures, cap)
            row.wait_until = now + dt.timedelta(seconds=wait) if wait else None
    return 0


def waiting(username: str, address: str) -> int:
    """Seconds before (username, address) may try again after its last failure; 0: now."""
    now = utcnow()
    until = db.session.scalar(
        select(func.max(LoginFailure.wait_until)).where(
            LoginFailure.account.in_([account_key(username), ANY_ACCOUNT]),
            LoginFailure.address == address[:45]))
    if until is None:
        return 0
    until = until if until.tzinfo else until.replace(tzinfo=dt.timezone.utc)  # func.max: raw
    return max(0, math.ceil((until - now).total_seconds()))


def succeeded(username: str, address: str) -> None:
    """Forget the pair's failures after a good sign-in and take back the address's charge
    for it (its earlier failures stay). Joins the caller's transaction."""
    db.session.execute(delete(LoginFailure).where(
        LoginFailure.account == account_key(username), LoginFailure.address == address[:45]))
    row = db.session.scalars(select(LoginFailure).where(
        LoginFailure.account == ANY_ACCOUNT, LoginFailure.address == address[:45])
        .with_for_update()).one_or_none()
    if row is not None and row.failures > 0:
        row.failures -= 1
        config = current_app.config
        wait = delay(row.failures, config["TTHC_LOGIN_ADDRESS_FREE_FAILURES"],
                     config["TTHC_LOGIN_MAX_WAIT_SECONDS"])
        row.wait_until = row.last_at + dt.timedelta(seconds=wait) if wait else None


def clear_account(username: str) -> int:
    """Forget the failures against *username* from every address (an admin's unlock, a
    new password); how many pairs had some. Joins the caller's transaction."""
    return db.session.execute(delete(LoginFailure).where(
        LoginFailure.account == account_key(username))).rowcount


def account_waiting(username: str) -> bool:
    """True while some address must wait before trying *username* again."""
    return db.session.scalar(select(LoginFailure.id).where(
        LoginFailure.account == account_key(username),
        LoginFailure.wait_until > utcnow()).limit(1)) is not None
