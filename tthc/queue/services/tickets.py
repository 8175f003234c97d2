"""Tickets: numbering, issuing, and what the citizen's live ticket page shows.

Counters (ticket numbers per office, day and group; the queue revision) are one row each,
created and incremented by one ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` statement:
the row lock makes concurrent increments return distinct values on both databases.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ...domain import queue as rules
from ...domain.codes import new_token, ticket_label
from ...extensions import db
from ...models import Counter, Office, ServiceGroup, Ticket
from ...models.dossier import utcnow
from ...timeutil import today
from ...transactions import serialised
from .settings import call_policy

T = Ticket.__table__.c
REVISION = "queue"  # Counter name of the office's queue revision (one row per day)


def next_value(session: Session, office_id: int, name: str, day: dt.date) -> int:
    """Increment the office's counter *name* for *day* and return the new value (1, 2, …).

    One atomic statement on SQLite (3.35+) and PostgreSQL: ``INSERT … VALUES (…, 1)
    ON CONFLICT (office_id, name, day) DO UPDATE SET value = value + 1 RETURNING value``.
    The row's write lock (PostgreSQL) or the database's (SQLite) makes concurrent callers
    get distinct values; the first of the day creates the row.
    """
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    table = Counter.__table__
    statement = (insert(table).values(office_id=office_id, name=name, day=day, value=1)
                 .on_conflict_do_update(index_elements=["office_id", "name", "day"],
                                        set_={"value": table.c.value + 1})
                 .returning(table.c.value))
    return session.execute(statement).scalar_one()


def queue_revision(office_id: int, day: dt.date | None = None) -> int:
    """The office's queue revision today: changes whenever any ticket changes."""
    value = db.session.scalar(select(Counter.value).where(
        Counter.office_id == office_id, Counter.name == REVISION,
        Counter.day == (day or today())))
    return value or 0


def issue_ticket(office: Office | int, group: ServiceGroup | int, *, source: str = "phone",
                 dossier_id: int | None = None, priority_reason: str = "") -> Ticket:
    """Give a new queue number in *group* today: A-001, A-002… per office, day and group.

    *source* is "kiosk", "phone" or "staff"; *priority_reason* one of
    ``tthc.domain.queue.PRIORITY_REASONS`` or "". Commits the request's session.

    :raise ValueError: an unknown source or reason, or a group that is not the office's
    :raise tthc.transactions.Busy: SQLite stayed locked by other writers
    """
    office_id = office if isinstance(office, int) else office.id
    group_obj = db.session.get(ServiceGroup, group) if isinstance(group, int) else group
    if group_obj is None or group_obj.office_id != office_id:
        raise ValueError("this service group is not the office's")
    if source not in ("kiosk", "phone", "staff"):
        raise ValueError(f"unknown ticket source {source!r}")
    reason = rules.parse_priority_reason(priority_reason)
    group_id, prefix = group_obj.id, group_obj.prefix
    day, now = today(), utcnow()
    with serialised() as session:
        number = next_value(session, office_id, f"ticket:{group_id}", day)
        ticket = Ticket(office_id=office_id, group_id=group_id, queue_group_id=group_id,
                        day=day, number=number, label=ticket_label(prefix, number),
                        token=new_token(), priority=bool(reason), priority_reason=reason,
                        source=source, status=rules.WAITING, dossier_id=dossier_id,
                        created_at=now, queued_at=now)
        session.add(ticket)
        next_value(session, office_id, REVISION, day)
    return ticket


def ticket_by_token(token: str) -> Ticket | None:
    """The ticket of a live page's link, or None (an unknown or absurd token)."""
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(Ticket).filter_by(token=token))


@dataclass(frozen=True)
class TicketState:
    ticket: Ticket
    group: ServiceGroup  # the queue it waits in now
    expired: bool  # a ticket of another day that never finished
    ahead: int = 0
    wait_minutes: int = 0
    transferred: bool = False

    @property
    def final(self) -> bool:
        return self.expired or self.ticket.status in rules.FINAL


def ticket_state(ticket: Ticket) -> TicketState:
    """What the live ticket page shows: place in the queue and the wait, or the call."""
    group = db.session.get(ServiceGroup, ticket.queue_group_id)
    day = today()
    transferred = ticket.queue_group_id != ticket.group_id
    if ticket.day != day and ticket.status not in rules.FINAL:
        return TicketState(ticket, group, expired=True, transferred=transferred)
    if ticket.status != rules.WAITING:
        return TicketState(ticket, group, expired=False, transferred=transferred)
    mine = rules.Waiting(ticket.id, ticket.queue_group_id, ticket.priority, ticket.queued_at)
    ahead = rules.people_ahead(mine, _waiting(ticket.office_id, day, ticket.queue_group_id),
                               call_policy(ticket.office_id))
    return TicketState(ticket, group, expired=False, ahead=ahead,
                       wait_minutes=wait_estimate(group, ahead, day), transferred=transferred)


def _waiting(office_id: int, day: dt.date, group_id: int) -> list[rules.Waiting]:
    stmt = select(T.id, T.queue_group_id, T.priority, T.queued_at).where(
        T.office_id == office_id, T.day == day, T.status == rules.WAITING,
        T.queue_group_id == group_id)
    return [rules.Waiting(r.id, r.queue_group_id, r.priority, r.queued_at)
            for r in db.session.execute(stmt)]


def wait_estimate(group: ServiceGroup, ahead: int, day: dt.date) -> int:
    """Minutes before a ticket with *ahead* people before it is called (0 when next)."""
    rows = db.session.execute(
        select(T.called_at, T.done_at).where(
            T.office_id == group.office_id, T.day == day, T.queue_group_id == group.id,
            T.status == rules.DONE, T.called_at.is_not(None), T.done_at.is_not(None))
        .order_by(T.done_at)).all()
    minutes = rules.service_minutes(
        [(r.done_at - r.called_at).total_seconds() / 60 for r in rows], group.minutes_per_ticket)
    since = utcnow() - dt.timedelta(hours=1)
    counters = db.session.scalar(
        select(func.count(func.distinct(T.counter))).where(
            T.office_id == group.office_id, T.day == day, T.queue_group_id == group.id,
            T.counter.is_not(None), T.called_at >= since)) or 1
    return rules.estimate_wait(ahead, minutes, counters)
