"""A phone number given for one ticket, to be told when the turn is near (tthc.notify).

Kept only for the ticket's day: ``flask retention run`` deletes the rows of earlier days
(and any row whose ticket is gone), so no phone outlives the visit.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .dossier import utcnow


class TicketContact(db.Model):
    """The citizen waiting with *ticket_id* agreed to be told on *channels* (sms, zalo) at
    *phone*, at *given_at*. One row per ticket; withdrawing deletes it."""

    __table_args__ = (Index("ix_ticket_contact_day", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"),
                                           unique=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))
    day: Mapped[dt.date] = mapped_column(Date)  # the ticket's day: kept until it ends
    phone: Mapped[str] = mapped_column(String(20))
    channels: Mapped[str] = mapped_column(String(20))  # "sms", "zalo" or "sms,zalo"
    given_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
