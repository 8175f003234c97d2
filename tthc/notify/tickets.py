"""A phone given on a ticket's page, to be told when the turn is near ("còn 3 số").

A kiosk ticket carries no personal data; a citizen who wants the message types a mobile
number on the ticket's page and ticks the channels (SMS, Zalo) the office sends on. Silence
is not consent: nothing is ticked for them. The number is kept for the ticket's day only
(``flask retention run`` deletes earlier days' rows and masks the outbox rows written for
them); withdrawing deletes it at once. The page shows it back masked, never whole.

Tickets of a pre-filed dossier are told on the dossier's own consent (``outbox.near_turn``)
and are not offered this field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..domain import queue as queue_rules
from ..domain.numbers import validate_phone
from ..extensions import db
from ..models import Ticket
from ..models.contacts import TicketContact
from ..models.dossier import utcnow
from ..models.notify import NotifyMessage
from ..timeutil import today
from ..transactions import serialised
from . import gateways
from .messages import CHANNELS, NEAR_TURN, PHONE_CHANNELS


@dataclass(frozen=True)
class ContactState:
    """What the ticket's page shows: the channels offered, and the phone given (masked)."""

    offered: tuple[str, ...]
    channels: tuple[str, ...]  # agreed to; empty when no phone was given
    masked: str

    @property
    def given(self) -> bool:
        return bool(self.channels)

    @property
    def shown(self) -> str:
        return ",".join(self.offered)


NONE = ContactState((), (), "")


def mobile(raw: str) -> str | None:
    """A Vietnamese mobile number as dialled (0912345678), or None (landlines get no SMS)."""
    number = validate_phone(raw).value
    if not isinstance(number, str):
        return None
    national = "0" + number[3:]
    return national if len(national) == 10 else None


def masked(phone: str) -> str:
    """0912345678 → 0912 ••• •78: enough to recognise one's own number, no more."""
    return f"{phone[:4]} ••• •{phone[-2:]}" if len(phone) >= 6 else "•••"


def open_for_contact(ticket: Ticket) -> bool:
    """Whether the page may take a phone now: today's ticket, still waiting, no dossier."""
    return (ticket.dossier_id is None and ticket.status == queue_rules.WAITING
            and ticket.day == today())


def state(ticket: Ticket) -> ContactState:
    """The phone part of the ticket's page (NONE when it has nothing to show)."""
    if not open_for_contact(ticket):
        return NONE
    contact = db.session.scalar(select(TicketContact).filter_by(ticket_id=ticket.id))
    offered = tuple(c for c in gateways.ready_channels(db.session, ticket.office_id)
                    if c in PHONE_CHANNELS)
    if contact is None:
        return ContactState(offered, (), "") if offered else NONE
    agreed = tuple(c for c in CHANNELS if c in contact.channels.split(","))
    return ContactState(offered, agreed, masked(contact.phone))


def _bump(session: Session, ticket_id: int) -> None:
    # The page's ETag is the ticket's revision: a phone given or withdrawn changes the page.
    t = Ticket.__table__.c
    session.execute(update(Ticket.__table__).where(t.id == ticket_id)
                    .values(revision=t.revision + 1))


def save(ticket: Ticket, phone: str, channels: set[str]) -> None:
    """Keep *phone* for the ticket's day, for *channels* (replacing what was given)."""
    for attempt in (1, 2):
        try:
            with serialised() as session:
                contact = session.scalar(select(TicketContact).filter_by(ticket_id=ticket.id))
                if contact is None:
                    contact = TicketContact(ticket_id=ticket.id, office_id=ticket.office_id,
                                            day=ticket.day)
                    session.add(contact)
                contact.phone = phone
                contact.channels = ",".join(c for c in CHANNELS if c in channels)
                contact.given_at = utcnow()
                _bump(session, ticket.id)
            return
        except IntegrityError:
            # PostgreSQL: a second tap inserted the row meanwhile; update it instead.
            if attempt == 2:
                raise


def withdraw(ticket: Ticket) -> bool:
    """Forget the ticket's phone now; True if there was one."""
    with serialised() as session:
        gone = session.execute(delete(TicketContact).where(
            TicketContact.ticket_id == ticket.id)).rowcount
        if gone:
            _bump(session, ticket.id)
    return bool(gone)


def contact_channels(session: Session, ticket_id: int) -> list[tuple[str, str]]:
    """(channel, phone) pairs a ticket's citizen agreed to on its page."""
    contact = session.scalar(select(TicketContact).filter_by(ticket_id=ticket_id))
    if contact is None:
        return []
    return [(c, contact.phone) for c in contact.channels.split(",") if c in PHONE_CHANNELS]


def purge(session: Session, before: dt.date) -> tuple[int, int]:
    """Delete the phones of tickets of days before *before* (and of tickets gone), and
    blank the recipient of the "near turn" outbox rows written for them. Returns (phones
    deleted, outbox rows blanked). The caller commits."""
    t = Ticket.__table__.c
    deleted = session.execute(delete(TicketContact).where(
        (TicketContact.day < before) | TicketContact.ticket_id.not_in(select(t.id)))).rowcount
    m = NotifyMessage.__table__.c
    masked_rows = session.execute(
        update(NotifyMessage.__table__)
        .where(m.event == NEAR_TURN, m.dossier_id.is_(None), m.recipient != "",
               m.ticket_id.in_(select(t.id).where(t.day < before)))
        .values(recipient="")).rowcount
    return deleted, masked_rows
