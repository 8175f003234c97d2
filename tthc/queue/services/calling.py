"""Calling: "Gọi tiếp" and the counter's actions on a ticket, safe against each other.

Every change of a ticket happens in one ``tthc.transactions.serialised()`` block that also
bumps the office's queue revision (a Counter row, ``queue``/today), which is the ETag of the
board and part of the ticket page's. Calling next must never hand one ticket to two officers:

* "Call next" is one ``UPDATE … WHERE id = COALESCE((head of tier 1), (head of tier 2))
  AND status = 'waiting' RETURNING …`` (``_take_next``).
* SQLite: ``serialised()`` starts with ``BEGIN IMMEDIATE``, which takes the database's write
  lock before the queue is read, so the read-then-update of "call next" is serialised with
  every other writer.
* PostgreSQL: each tier's head is ``SELECT … ORDER BY … LIMIT 1 FOR UPDATE SKIP LOCKED``:
  two officers pressing together lock two different rows; neither waits for the other's
  ticket. The UPDATE's ``status = 'waiting'`` checks it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ...domain import queue as rules
from ...extensions import db
from ...models import ServiceGroup, Ticket
from ...models.dossier import utcnow
from ...notify.outbox import near_turn
from ...timeutil import today
from ...transactions import serialised
from .settings import call_policy
from .counters import REVISION, next_value

T = Ticket.__table__.c


class NotFound(LookupError):
    """No such ticket in this office (or group)."""


@dataclass(frozen=True)
class Called:
    """The ticket "Gọi tiếp" just called."""

    id: int
    label: str


def call_next(staff: Any, groups: Sequence[int] | None = None,
              counter: int | None = None) -> Called | None:
    """Call the next waiting ticket to this officer's counter, or None if nobody waits.

    The officer's ticket still at the counter is finished first ("Gọi tiếp" means "done
    with this one"; a no-show is marked with "Vắng mặt" before). *groups* limits the call to
    these queues (default: all of the office's).

    :raise tthc.transactions.Busy: SQLite stayed locked by other writers
    """
    # The officer is read before the transaction: serialised() commits what came before,
    # which expires the session's objects.
    staff_id, office_id, day, now = staff.id, staff.office_id, today(), utcnow()
    counter = counter if counter is not None else staff.counter
    groups = sorted(set(groups or ()))
    with serialised() as session:
        session.execute(
            update(Ticket.__table__)
            .where(T.office_id == office_id, T.day == day, T.staff_id == staff_id,
                   T.status.in_(sorted(rules.AT_COUNTER)))
            .values(status=rules.DONE, done_at=now, revision=T.revision + 1))
        policy = call_policy(office_id, session)
        row = session.execute(
            _take_next(session, office_id, day, groups, policy)
            .values(status=rules.CALLED, counter=counter, staff_id=staff_id, called_at=now,
                    served_at=None, revision=T.revision + 1)
            .returning(T.id, T.label)).one_or_none()
        next_value(session, office_id, REVISION, day)
        if row is not None:  # in this transaction: the outbox row commits with the call
            near_turn(session, office_id, day, policy)
    return Called(*row) if row is not None else None


def _take_next(session: Session, office_id: int, day, groups: Sequence[int], policy: str):
    """The UPDATE of the head of the queue (see CALL_TIERS), its values still to set.

    The head of each tier is a subquery in order of place, the first non-empty tier wins
    (COALESCE), and the UPDATE checks again that the ticket still waits. One statement, so
    the write lock is held for as short a time as the database allows.
    """
    postgres = session.get_bind().dialect.name == "postgresql"
    heads = []
    for tier in rules.CALL_TIERS[policy]:
        head = select(T.id).where(T.office_id == office_id, T.day == day,
                                  T.status == rules.WAITING)
        if groups:
            head = head.where(T.queue_group_id.in_(groups))
        if tier is not None:
            head = head.where(T.priority == tier)
        head = head.order_by(T.queued_at, T.id).limit(1)
        if postgres:
            # Two officers pressing together lock two different rows; neither waits.
            head = head.with_for_update(skip_locked=True)
        heads.append(head.scalar_subquery())
    target = heads[0] if len(heads) == 1 else func.coalesce(*heads)
    return update(Ticket.__table__).where(T.id == target, T.status == rules.WAITING)


def act(staff: Any, ticket_id: int, action: str, *, group_id: int | None = None,
        counter: int | None = None) -> None:
    """Recall, start, finish, no-show or transfer a ticket of the officer's office.

    :raise NotFound: no such ticket in the office (or no such group for a transfer)
    :raise tthc.domain.queue.QueueError: the ticket's state does not allow the action
    :raise tthc.transactions.Busy: SQLite stayed locked by other writers
    """
    now, staff_id, office_id = utcnow(), staff.id, staff.office_id
    counter = counter if counter is not None else staff.counter
    with serialised() as session:
        stmt = select(T.status, T.label, T.no_shows, T.queue_group_id, T.created_at, T.day) \
            .where(T.id == ticket_id, T.office_id == office_id)
        if session.get_bind().dialect.name == "postgresql":
            stmt = stmt.with_for_update()
        row = session.execute(stmt).one_or_none()
        if row is None:
            raise NotFound(ticket_id)
        rules.check(action, row.status, row.label)
        values: dict[str, Any]
        if action == "recall":
            values = {"recalls": T.recalls + 1, "counter": counter, "staff_id": staff_id}
        elif action == "start":
            values = {"status": rules.SERVING, "served_at": now}
        elif action == "finish":
            values = {"status": rules.DONE, "done_at": now}
        elif action == "no_show":
            status = rules.after_no_show(row.no_shows)
            values = {"status": status, "no_shows": T.no_shows + 1}
            if status == rules.WAITING:  # back at the end of the whole queue, once
                values.update(queued_at=now, priority=False, counter=None, staff_id=None,
                              called_at=None)
            else:
                values.update(done_at=now)
        elif action == "transfer":
            target = session.scalar(select(ServiceGroup.id).where(
                ServiceGroup.id == group_id, ServiceGroup.office_id == office_id))
            if target is None or target == row.queue_group_id:
                raise NotFound(group_id)
            # It keeps its arrival rank in the new queue: the citizen has already waited once.
            values = {"status": rules.WAITING, "queue_group_id": target,
                      "queued_at": row.created_at, "counter": None, "staff_id": None,
                      "called_at": None, "served_at": None}
        else:
            raise ValueError(action)
        session.execute(update(Ticket.__table__).where(T.id == ticket_id)
                        .values(**values, revision=T.revision + 1))
        next_value(session, office_id, REVISION, row.day)


def at_counter(staff: Any) -> list[Ticket]:
    """The tickets this officer has called and not finished today (normally one)."""
    return list(db.session.scalars(
        select(Ticket).where(Ticket.office_id == staff.office_id, Ticket.day == today(),
                             Ticket.staff_id == staff.id,
                             Ticket.status.in_(rules.AT_COUNTER))
        .order_by(Ticket.called_at.desc())))


def served_today(staff: Any) -> int:
    """How many tickets this officer has finished today."""
    return db.session.scalar(
        select(func.count()).select_from(Ticket.__table__).where(
            T.office_id == staff.office_id, T.day == today(), T.staff_id == staff.id,
            T.status == rules.DONE)) or 0
