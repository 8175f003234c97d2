"""tthc.transactions.serialised(): the one way to run a serialised write, on both engines.

Each thread has its own app context, hence its own session and connection, as gunicorn
workers and their threads would. The increment reads, waits a little, then writes: without
the serialisation, updates are lost (or SQLite refuses the second writer).
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import threading
import time

import pytest
from sqlalchemy import select, update

from tests.conftest import make_app
from tthc.extensions import db
from tthc.models import Counter, Office
from tthc.transactions import Busy, serialised

THREADS = 20
ROUNDS = 5
DAY = dt.date(2026, 1, 5)


def _counter(app) -> int:
    """A fresh counter row at 0, in the demo office; its id."""
    with app.app_context():
        office_id = db.session.scalar(select(Office.id).filter_by(code="demo"))
        row = Counter(office_id=office_id, name="test:increments", day=DAY, value=0)
        db.session.add(row)
        db.session.commit()
        return row.id


def _value(app, counter_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(Counter.value).where(Counter.id == counter_id))


def _increment(counter_id: int) -> None:
    """Read the value, then write it plus one: a read-then-write that must not interleave."""
    with serialised() as session:
        read = select(Counter.value).where(Counter.id == counter_id)
        if session.get_bind().dialect.name == "postgresql":
            read = read.with_for_update()  # the caller locks what it reads (see serialised)
        value = session.scalar(read)
        time.sleep(0.001)  # let another writer try to slip in between
        session.execute(update(Counter).where(Counter.id == counter_id).values(value=value + 1))


def _increment_concurrently(app, counter_id: int) -> None:
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def run():
        try:
            with app.app_context():
                barrier.wait()
                for _ in range(ROUNDS):
                    _increment(counter_id)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors


@pytest.mark.sqlite_only("SQLite twin of a PostgreSQL test that runs in both runs")
def test_sqlite_twenty_threads_lose_no_update(app):
    counter_id = _counter(app)
    _increment_concurrently(app, counter_id)
    assert _value(app, counter_id) == THREADS * ROUNDS


@pytest.mark.postgres
def test_postgres_twenty_threads_lose_no_update(pg_app):
    counter_id = _counter(pg_app)
    _increment_concurrently(pg_app, counter_id)
    assert _value(pg_app, counter_id) == THREADS * ROUNDS


@pytest.mark.parametrize("engine", [
    "sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_an_exception_rolls_the_whole_block_back(request, engine):
    app = request.getfixturevalue("app" if engine == "sqlite" else "pg_app")
    counter_id = _counter(app)
    with app.app_context():
        with pytest.raises(ZeroDivisionError):
            with serialised() as session:
                session.execute(update(Counter).where(Counter.id == counter_id)
                                .values(value=Counter.value + 5))
                session.add(Counter(office_id=1, name="test:never", day=DAY, value=1))
                1 / 0
        # The session is usable again, and the next block commits.
        _increment(counter_id)
    assert _value(app, counter_id) == 1
    with app.app_context():
        assert db.session.scalar(select(Counter.id).filter_by(name="test:never")) is None


@pytest.fixture
def impatient_app(seeded_sqlite, tmp_path):
    """The app on a database file, waiting only 50 ms for SQLite's write lock."""
    path = tmp_path / "busy.sqlite"
    shutil.copy(seeded_sqlite, path)
    app = make_app(f"sqlite:///{path}", tmp_path,
                   SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"timeout": 0.05}})
    yield app, path
    with app.app_context():
        db.engine.dispose()


@pytest.mark.sqlite_only("holds the SQLite file's write lock through sqlite3")
def test_busy_when_sqlite_stays_locked_by_another_writer(impatient_app):
    app, path = impatient_app
    counter_id = _counter(app)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another connection holds the write lock throughout
    ran = []
    try:
        with app.app_context():
            with pytest.raises(Busy):
                with serialised():
                    ran.append(True)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert not ran  # the block never ran without the lock
    with app.app_context():
        _increment(counter_id)  # the lock released, the next block goes through
    assert _value(app, counter_id) == 1
