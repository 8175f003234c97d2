"""Counters: ticket numbers per office, day and group, and the office's queue revision.

Each is one row, created and incremented by one ``INSERT … ON CONFLICT DO UPDATE …
RETURNING`` statement: the row lock makes concurrent increments return distinct values on
both databases.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ...extensions import db
from ...models import Counter
from ...timeutil import today

REVISION = "queue"
"""Counter name of the office's queue revision (one row per day): bumped by every change of
a ticket or of the call order, it is the ETag of the board and part of the ticket page's."""


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


