"""Failed staff sign-ins, counted in the database so that every worker and server agrees."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from flask import current_app
from sqlalchemy import String, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class LoginFailure(db.Model):
    """Recent failed sign-ins of one (account, client address) pair, or of one address on
    every account (``account`` ""): the slow-down of tthc/auth/throttle.py reads it.

    ``account`` is a keyed hash of the username as typed (known or not, so that nothing
    tells which exist; hashed, since people type their password in the username box).
    """

    __table_args__ = (UniqueConstraint("account", "address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(45))
    failures: Mapped[int] = mapped_column(default=0)
    last_at: Mapped[dt.datetime] = mapped_column(index=True)
    # No attempt of this pair (or address) is checked before this instant.
    wait_until: Mapped[dt.datetime | None] = mapped_column(default=None)


def account_key(username: str) -> str:
    """The keyed hash that stands for *username* (normalised) in the table."""
    key = (current_app.config["SECRET_KEY"] or "").encode()
    name = username.strip().lower()[:200].encode()
    return hmac.new(key, b"login-failure:" + name, hashlib.sha256).hexdigest()


def account_failures(username: str) -> int:
    """Failures counted now against *username*, from every address."""
    return db.session.scalar(select(func.coalesce(func.sum(LoginFailure.failures), 0))
                             .where(LoginFailure.account == account_key(username))) or 0
