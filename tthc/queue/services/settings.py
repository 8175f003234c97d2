"""The office's queue configuration: its service groups and its call order.

Both are read from the database on every use (one indexed query each): several workers and
servers serve one office, and a change made through one must apply through all at once.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...domain import queue as rules
from ...extensions import db
from ...models import ServiceGroup, Setting
from ...timeutil import today
from ...transactions import serialised
from .counters import REVISION, next_value

POLICY_KEY = "queue.call_order"


def groups_of(office_id: int) -> list[ServiceGroup]:
    """The office's service groups in their order (A, B, C…)."""
    return list(db.session.scalars(
        select(ServiceGroup).filter_by(office_id=office_id)
        .order_by(ServiceGroup.position, ServiceGroup.prefix)))


def group_for_field(office_id: int, field: str | None) -> ServiceGroup | None:
    """The group that serves catalogue *field* (e.g. "ho-tich"), else the office's first."""
    groups = groups_of(office_id)
    for group in groups:
        if field and field in (group.fields or []):
            return group
    return groups[0] if groups else None


def call_policy(office_id: int, session: Session | None = None) -> str:
    """The office's call order (Setting ``queue.call_order``): "priority" or "arrival"."""
    value = (session or db.session).scalar(
        select(Setting.value).where(Setting.office_id == office_id, Setting.key == POLICY_KEY))
    return rules.parse_policy(value)


def set_call_policy(office_id: int, policy: str) -> None:
    """Store the office's call order; the next "Gọi tiếp" anywhere follows it.

    The queue revision is bumped too: the places shown on ticket pages and the counter's
    waiting lists change with the order.

    :raise ValueError: *policy* is not one of ``tthc.domain.queue.POLICIES``
    :raise tthc.transactions.Busy: SQLite stayed locked by other writers
    """
    if policy not in rules.POLICIES:
        raise ValueError(policy)
    with serialised() as session:
        read = select(Setting).filter_by(office_id=office_id, key=POLICY_KEY)
        if session.get_bind().dialect.name == "postgresql":
            read = read.with_for_update()
        setting = session.scalar(read)
        if setting is None:
            session.add(Setting(office_id=office_id, key=POLICY_KEY, value=policy))
        else:
            setting.value = policy
        next_value(session, office_id, REVISION, today())
