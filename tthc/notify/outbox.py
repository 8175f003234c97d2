"""Writing the outbox in the same transaction as the change it tells of.

Dossiers: one hook, SQLAlchemy's documented ``before_flush`` session event. Every status
change (the desk's and the citizen's alike) goes through ``intake.services.change_status``,
which appends a ``DossierEvent``; the desk's new date (Form 04) appends one too. When a
flush sees a new event the citizen is told of (``messages.event_of``: into status 2, 5, 9
or 10, or the new date),
one ``NotifyMessage`` per channel the citizen agreed to is added to the same flush: it is
committed with the change, or rolled back with it. Nothing is rendered here: a flush may
come in the middle of a service (an autoflush before the code or the due date is set), so
the sender renders the text from the dossier as committed.

Tickets: the queue writes with Core ``UPDATE``s, which no ORM event describes, so
"Gọi tiếp" calls :func:`near_turn` once inside its serialised write; it tells the tickets of
a pre-filed dossier with consent, and those given a phone on their own page.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import event, exists, select
from sqlalchemy.orm import Session

from ..domain import queue as queue_rules
from ..models import Dossier, DossierEvent, Ticket
from ..models.dossier import utcnow
from ..models.contacts import TicketContact
from ..models.notify import NotifyConsent, NotifyMessage
from .messages import NEAR_TURN, NEAR_TURN_AHEAD, PHONE_CHANNELS, event_of


def active_consents(session: Session, dossier_id: int) -> list[NotifyConsent]:
    """The channels the citizen has agreed to and not withdrawn, for one dossier."""
    return list(session.scalars(
        select(NotifyConsent).where(NotifyConsent.dossier_id == dossier_id,
                                    NotifyConsent.withdrawn_at.is_(None))
        .order_by(NotifyConsent.channel)))


def _on_before_flush(session: Session, _flush_context, _instances) -> None:
    """Add the outbox rows of the citizen's events in this flush (see the module)."""
    for obj in list(session.new):
        if not isinstance(obj, DossierEvent):
            continue
        event_name = event_of(obj.action, obj.source, obj.target)
        if event_name is None:
            continue
        dossier: Dossier | None = obj.dossier
        if dossier is None or dossier.id is None:
            continue  # a dossier created in this very flush has no consent yet
        now = utcnow()
        for consent in active_consents(session, dossier.id):
            session.add(NotifyMessage(
                office_id=dossier.office_id, dossier=dossier, dossier_event=obj,
                event=event_name, channel=consent.channel,
                recipient=consent.address, created_at=now, next_attempt_at=now))


def install() -> None:
    """Listen on every Session (idempotent): the app's, the CLI's and the tests'."""
    if not event.contains(Session, "before_flush", _on_before_flush):
        event.listen(Session, "before_flush", _on_before_flush)


T = Ticket.__table__.c


def near_turn(session: Session, office_id: int, day: dt.date, policy: str) -> int:
    """Tell waiting citizens whose turn is near (at most 3 tickets ahead), once per ticket.

    A ticket can be told on the channels agreed to for its pre-filed dossier, or on those
    ticked with the phone given on its own page (``tickets``: a kiosk ticket). Called by
    "Gọi tiếp" in its own transaction, after the call; returns how many outbox rows it
    added.
    """
    told = exists().where(NotifyMessage.ticket_id == T.id, NotifyMessage.event == NEAR_TURN)
    agreed = exists().where(NotifyConsent.dossier_id == T.dossier_id,
                            NotifyConsent.withdrawn_at.is_(None))
    phoned = exists().where(TicketContact.ticket_id == T.id)
    candidates = session.execute(
        select(T.id, T.queue_group_id, T.priority, T.queued_at, T.dossier_id)
        .where(T.office_id == office_id, T.day == day, T.status == queue_rules.WAITING,
               (T.dossier_id.is_not(None) & agreed) | phoned, ~told)).all()
    if not candidates:
        return 0  # the usual case: one indexed query per call
    groups = sorted({row.queue_group_id for row in candidates})
    waiting = [queue_rules.Waiting(r.id, r.queue_group_id, r.priority, r.queued_at)
               for r in session.execute(
                   select(T.id, T.queue_group_id, T.priority, T.queued_at)
                   .where(T.office_id == office_id, T.day == day,
                          T.status == queue_rules.WAITING, T.queue_group_id.in_(groups)))]
    added = 0
    now = utcnow()
    for row in candidates:
        mine = queue_rules.Waiting(row.id, row.queue_group_id, row.priority, row.queued_at)
        ahead = queue_rules.people_ahead(mine, waiting, policy)
        if ahead > NEAR_TURN_AHEAD:
            continue
        for channel, address in _recipients(session, row.id, row.dossier_id):
            session.add(NotifyMessage(
                office_id=office_id, dossier_id=row.dossier_id, ticket_id=row.id,
                event=NEAR_TURN, channel=channel, recipient=address,
                params={"ahead": ahead}, created_at=now, next_attempt_at=now))
            added += 1
    return added


def _recipients(session: Session, ticket_id: int, dossier_id: int | None):
    """(channel, address) to tell a ticket on: its dossier's consents first, then the
    phone given on the ticket's page for any channel the dossier did not agree to."""
    found: dict[str, str] = {}
    if dossier_id is not None:
        found.update((c.channel, c.address) for c in active_consents(session, dossier_id))
    contact = session.scalar(select(TicketContact).filter_by(ticket_id=ticket_id))
    if contact is not None:
        for channel in contact.channels.split(","):
            if channel in PHONE_CHANNELS:
                found.setdefault(channel, contact.phone)
    return sorted(found.items())
