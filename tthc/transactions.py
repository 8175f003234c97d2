"""One way to run a serialised write: the queue, the desk and the citizen's pages use it alike.

SQLite has one writer at a time; a transaction that reads and then writes (call the next
ticket, receive a dossier, give it a code) must hold the write lock from its first read, or
two of them can read the same state. ``BEGIN IMMEDIATE`` takes that lock at the start;
pysqlite sends it as it is and opens no transaction of its own after it.

PostgreSQL runs an ordinary READ COMMITTED transaction: the caller locks what it reads
(``FOR UPDATE`` on a dossier, ``FOR UPDATE SKIP LOCKED`` on the queue's heads), and
compare-and-set updates (``… WHERE status = :read``) check it again.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from .extensions import db


class Busy(RuntimeError):
    """The database stayed locked by other writers; nothing was changed, try again."""


@contextmanager
def serialised(attempts: int = 5) -> Iterator[Session]:
    """A write transaction on the request's session, serialised with every other writer.

    What the request has done so far is committed first (the lock comes next). The block
    runs inside the transaction and is committed at its end; any exception rolls it back.

    :raise Busy: SQLite stayed locked through every attempt (each waits its busy timeout)
    """
    session = db.session
    session.commit()
    if db.engine.dialect.name == "sqlite":
        for attempt in range(attempts):
            try:
                session.execute(text("BEGIN IMMEDIATE"))
                break
            except OperationalError as error:
                session.rollback()
                if "locked" not in str(error) or attempt == attempts - 1:
                    raise Busy(str(error)) from error
                time.sleep(0.05 * (attempt + 1))
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
