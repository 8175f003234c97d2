"""What the live views read: the counter screen's waiting lists and the hall's board."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ...domain import queue as rules
from ...extensions import db
from ...models import Office, ServiceGroup, Ticket
from ...timeutil import today
from .settings import call_policy, groups_of

T = Ticket.__table__.c


@dataclass(frozen=True)
class GroupQueue:
    group: ServiceGroup
    waiting: int
    first: list[Ticket]  # the next few, in call order


def _waiting_counts(office_id: int, day) -> dict[int, int]:
    return dict(db.session.execute(
        select(T.queue_group_id, func.count()).where(
            T.office_id == office_id, T.day == day, T.status == rules.WAITING)
        .group_by(T.queue_group_id)).all())


def queues(office_id: int, limit: int = 8) -> list[GroupQueue]:
    """Each group's waiting count and its next *limit* tickets in call order.

    Read tier by tier in the order of ``ix_ticket_next``, like call_next: a long queue costs
    a count and a few short index reads, never the whole list.
    """
    day = today()
    tiers = rules.CALL_TIERS[call_policy(office_id)]
    counts = _waiting_counts(office_id, day)
    result = []
    for group in groups_of(office_id):
        first: list[Ticket] = []
        for tier in tiers if counts.get(group.id) else ():
            stmt = select(Ticket).where(Ticket.office_id == office_id, Ticket.day == day,
                                        Ticket.status == rules.WAITING,
                                        Ticket.queue_group_id == group.id)
            if tier is not None:
                stmt = stmt.where(Ticket.priority == tier)
            first += db.session.scalars(
                stmt.order_by(Ticket.queued_at, Ticket.id).limit(limit - len(first)))
            if len(first) >= limit:
                break
        result.append(GroupQueue(group, counts.get(group.id, 0), first))
    return result


@dataclass(frozen=True)
class Board:
    counters: list[tuple[int, Ticket | None]]  # (counter number, ticket there or None)
    recent: list[Ticket]  # the last 5 called, newest first
    waiting: list[tuple[ServiceGroup, int]]
    total_waiting: int


def board(office: Office) -> Board:
    """The hall's display: each counter's ticket, the last 5 called, how many wait."""
    day = today()
    present = list(db.session.scalars(
        select(Ticket).where(Ticket.office_id == office.id, Ticket.day == day,
                             Ticket.status.in_(rules.AT_COUNTER), Ticket.counter.is_not(None))
        .order_by(Ticket.called_at)))
    by_counter: dict[int, Ticket] = {}
    for ticket in present:  # the latest call at a counter wins
        by_counter[ticket.counter] = ticket  # type: ignore[index]
    numbers = sorted(set(range(1, (office.counters or 0) + 1)) | set(by_counter))
    recent = list(db.session.scalars(
        select(Ticket).where(Ticket.office_id == office.id, Ticket.day == day,
                             Ticket.status != rules.WAITING, Ticket.called_at.is_not(None))
        .order_by(Ticket.called_at.desc(), Ticket.id.desc()).limit(5)))
    counts = _waiting_counts(office.id, day)
    waiting = [(g, counts.get(g.id, 0)) for g in groups_of(office.id)]
    return Board([(n, by_counter.get(n)) for n in numbers], recent, waiting,
                 sum(n for _, n in waiting))
