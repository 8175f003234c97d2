"""Notifications: the citizen's consent per channel, the office's gateways and message
templates, and the outbox the sender works through (tthc.notify says how they fit)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .dossier import utcnow


class NotifyConsent(db.Model):
    """The citizen agreed to be told on one channel (sms, zalo, email), at *given_at*.

    Withdrawing sets *withdrawn_at* and keeps the row (the record of consent, Decree
    13/2023); agreeing again adds a new row. At most one row per dossier and channel is
    active (withdrawn_at is NULL).
    """

    __table_args__ = (Index("ix_notify_consent_dossier", "dossier_id", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"))
    channel: Mapped[str] = mapped_column(String(10))
    address: Mapped[str] = mapped_column(String(200))  # the phone or email it was given for
    given_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    source: Mapped[str] = mapped_column(String(10), default="draft")  # draft / status page


class NotifyGateway(db.Model):
    """One office's gateway for one channel: its settings (URL, token; SMTP host…)."""

    __table_args__ = (UniqueConstraint("office_id", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))
    channel: Mapped[str] = mapped_column(String(10))
    enabled: Mapped[bool] = mapped_column(default=False)
    config: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class NotifyTemplate(db.Model):
    """An office's own wording of one event on one channel (defaults are in the code)."""

    __table_args__ = (UniqueConstraint("office_id", "event", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))
    event: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str] = mapped_column(String(200), default="")  # email only
    body: Mapped[str] = mapped_column(Text, default="")  # sms and email
    zns_template_id: Mapped[str] = mapped_column(String(40), default="")  # zalo only
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class NotifyMessage(db.Model):
    """The outbox: one message to send on one channel, written with the change it tells of.

    The sender claims a row by compare-and-set on (status, attempts) and records the
    outcome; *reason* is a code the admin page explains, *last_error* the gateway's words.
    The text is rendered when it is sent and kept in *body*.
    """

    __table_args__ = (
        Index("ix_notify_message_due", "status", "next_attempt_at"),
        Index("ix_notify_message_office", "office_id", "created_at"),
        Index("ix_notify_message_ticket", "ticket_id", "event"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"), default=None)
    dossier = relationship("Dossier")
    dossier_event_id: Mapped[int | None] = mapped_column(ForeignKey("dossier_event.id"),
                                                         default=None)
    dossier_event = relationship("DossierEvent")
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"), default=None)
    event: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(10))
    recipient: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    reason: Mapped[str] = mapped_column(String(30), default="")
    last_error: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    # Values known only when the row is written (a ticket's people ahead).
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(default=None)
