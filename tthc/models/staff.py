"""Staff accounts, the access log, the queue, and per-office counters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_login import UserMixin
from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .dossier import utcnow

ROLES = ("reception", "specialist", "leader", "admin", "city_admin")
"""Roles of an account. "admin" configures its own office; "city_admin" (given with "admin")
also adds offices to the deployment (tthc/admin/offices.py, docs/admin.md "New office")."""


class Staff(UserMixin, db.Model):
    """A civil servant of one office, with one or more roles."""

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"), index=True)
    office = relationship("Office")
    username: Mapped[str] = mapped_column(String(60), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    counter: Mapped[int | None] = mapped_column(default=None)  # quầy số
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped on sign-out, password change or reset and disabling: every session cookie of
    # the account carries the value it was signed in with (get_id) and stops working.
    session_epoch: Mapped[int] = mapped_column(default=0)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def get_id(self) -> str:  # Flask-Login: the session's user id, "id:epoch"
        return f"{self.id}:{self.session_epoch}"

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def failed_logins(self) -> int:
        """Failed sign-ins counted against this account now, from every address."""
        from .signin import account_failures

        return account_failures(self.username)


class AccessLog(db.Model):
    """Append-only: every staff read or change of a dossier (personal data law)."""

    __table_args__ = (Index("ix_access_log_dossier_at", "dossier_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"), default=None)
    action: Mapped[str] = mapped_column(String(30))  # view, update, print, download…
    detail: Mapped[str] = mapped_column(Text, default="")


class ServiceGroup(db.Model):
    """A queue of an office: A for chứng thực, B for hộ tịch… (office configuration)."""

    __table_args__ = (UniqueConstraint("office_id", "prefix"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"), index=True)
    prefix: Mapped[str] = mapped_column(String(4))
    name_vi: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)  # catalogue fields served
    position: Mapped[int] = mapped_column(default=0)
    minutes_per_ticket: Mapped[int] = mapped_column(default=8)  # until today's data says more


class Ticket(db.Model):
    """A queue number for one visit; its token addresses its live page (no personal data)."""

    __table_args__ = (
        UniqueConstraint("office_id", "day", "group_id", "number"),
        # "Call next" reads each priority tier of the queue in order of place; with the group
        # last, the waiting counts per group are read from the index alone (0003q). Its
        # first three columns serve every lookup by office, day and status (0005t).
        Index("ix_ticket_next", "office_id", "day", "status", "priority", "queued_at",
              "queue_group_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))
    group_id: Mapped[int] = mapped_column(ForeignKey("service_group.id"))
    group = relationship("ServiceGroup", foreign_keys=[group_id])
    # The queue it waits in now: the issuing group until a transfer moves it (0003q). The
    # number and label stay those of the issuing group, so the paper ticket stays right.
    queue_group_id: Mapped[int] = mapped_column(ForeignKey("service_group.id"))
    queue_group = relationship("ServiceGroup", foreign_keys=[queue_group_id])
    day: Mapped[dt.date] = mapped_column(Date)
    number: Mapped[int] = mapped_column()
    label: Mapped[str] = mapped_column(String(12))
    token: Mapped[str] = mapped_column(String(64), unique=True)
    priority: Mapped[bool] = mapped_column(default=False)
    priority_reason: Mapped[str] = mapped_column(String(30), default="")
    source: Mapped[str] = mapped_column(String(10), default="kiosk")  # kiosk / phone / staff
    status: Mapped[str] = mapped_column(String(12), default="waiting")
    counter: Mapped[int | None] = mapped_column(default=None)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"), default=None)
    recalls: Mapped[int] = mapped_column(default=0)
    no_shows: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Its place in the queue: arrival, or the time a no-show went back to the end (0003q).
    queued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    called_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    served_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    done_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    # Bumped on every change: the live page's ETag, so an unchanged poll costs a 304.
    revision: Mapped[int] = mapped_column(default=0)


class Counter(db.Model):
    """Per-office sequences (dossier codes per day, ticket numbers per group and day).

    Incremented with one atomic UPDATE … RETURNING, so concurrent callers never share a value.
    """

    __table_args__ = (UniqueConstraint("office_id", "name", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))
    name: Mapped[str] = mapped_column(String(40))
    day: Mapped[dt.date] = mapped_column(Date)
    value: Mapped[int] = mapped_column(default=0)


class Setting(db.Model):
    """Office configuration that staff can change (cut-off, call policy, code pattern…)."""

    __table_args__ = (UniqueConstraint("office_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))
    key: Mapped[str] = mapped_column(String(60))
    value: Mapped[Any] = mapped_column(JSON)
