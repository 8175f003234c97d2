"""One way to run a serialised write: the queue, the desk and the citizen's pages use it alike.

SQLite has one writer at a time; a transaction that reads and then writes (call the next
ticket, receive a dossier, give it a code) must hold the write lock from its first read, or
two of them can read the same state. ``BEGIN IMMEDIATE`` takes that lock at the start;
pysqlite sends it as it is and opens no transaction of its own after it.

PostgreSQL runs an ordinary READ COMMITTED transaction: the caller locks what it reads
(``FOR UPDATE`` on a dossier, ``FOR UPDATE SKIP LOCKED`` on the queue's heads), and
compare-and-set updates (``… WHERE status = :read``) check it again.

Either way a write waits for another writer's lock at most TTHC_DB_BUSY_MS (SQLite's busy
timeout, PostgreSQL's ``lock_timeout``: tthc/config.py ``engine_options``); then it fails,
nothing is changed, and the app answers 503 "busy" (``Busy`` here, ``is_lock_timeout``
for a write outside ``serialised()``).
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


#: PostgreSQL's SQLSTATEs for "another transaction was in the way": lock_not_available
#: (lock_timeout ran out) and deadlock_detected (this transaction was the one cancelled).
PG_CONTENTION = frozenset({"55P03", "40P01"})


def is_lock_timeout(error: BaseException) -> bool:
    """Whether a database error is a lock not had in time: SQLite's "database is locked",
    PostgreSQL's lock_not_available or deadlock_detected (psycopg's ``sqlstate``)."""
    orig = getattr(error, "orig", None) or error
    if hasattr(orig, "sqlstate"):  # psycopg: the code, not the text (which may quote data)
        return orig.sqlstate in PG_CONTENTION
    return "is locked" in str(orig)  # "database is locked", "database table is locked"


@contextmanager
def serialised(attempts: int = 5) -> Iterator[Session]:
    """A write transaction on the request's session, serialised with every other writer.

    What the request has done so far is committed first (the lock comes next). The block
    runs inside the transaction and is committed at its end; any exception rolls it back.

    :raise Busy: SQLite stayed locked through every attempt (each waits its busy timeout),
        or a statement of the block waited longer than the lock timeout (either engine)
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
                if not is_lock_timeout(error) or attempt == attempts - 1:
                    raise Busy(str(error)) from error
                time.sleep(0.05 * (attempt + 1))
    try:
        yield session
        session.commit()
    except OperationalError as error:
        session.rollback()
        if is_lock_timeout(error):  # PostgreSQL: a row another transaction holds
            raise Busy("lock not had within the busy timeout") from error
        raise
    except BaseException:
        session.rollback()
        raise
