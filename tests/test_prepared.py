"""tthc.prepared gives what Connection.execute gives, on a real SQLite file."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import (JSON, Boolean, Column, Date, DateTime, Integer, MetaData, String, Table,
                        bindparam, create_engine, insert, select, update)
from sqlalchemy.exc import IntegrityError

from tthc.prepared import Prepared

metadata = MetaData()
thing = Table(
    "thing", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(50), unique=True),
    Column("flag", Boolean),
    Column("day", Date),
    Column("at", DateTime(timezone=True)),
    Column("data", JSON),
    Column("n", Integer, default=0),
)
AT = dt.datetime(2026, 11, 28, 9, 5, 0, tzinfo=dt.timezone.utc)  # no microseconds on purpose


@pytest.fixture
def conn(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'p.sqlite'}")
    metadata.create_all(engine)
    with engine.connect() as connection:
        connection.execute(insert(thing), [
            {"name": "một", "flag": True, "day": dt.date(2026, 11, 30), "at": AT,
             "data": {"a": [1, "hai"]}, "n": 1},
            {"name": "hai", "flag": False, "day": None, "at": None, "data": None, "n": 2},
        ])
        yield connection
    engine.dispose()


def same_rows(conn, statement, params):
    expected = [tuple(row) for row in conn.execute(statement, params)]
    got = Prepared(statement).rows(conn, params)
    return got, expected


def test_select_with_types_and_repeated_parameters(conn):
    stmt = select(thing.c.id, thing.c.name, thing.c.flag, thing.c.day, thing.c.at,
                  thing.c.data).where(
        (thing.c.day == bindparam("d")) | (thing.c.n >= bindparam("low")),
        thing.c.n <= bindparam("low") + 5, thing.c.name != "ba").order_by(thing.c.id)
    got, expected = same_rows(conn, stmt, {"d": dt.date(2026, 11, 30), "low": 2})
    assert got == expected and len(got) == 2
    assert got[0][2] is True and got[0][3] == dt.date(2026, 11, 30) and got[0][5] == {"a": [1, "hai"]}
    assert got[0][4].replace(tzinfo=None) == AT.replace(tzinfo=None)


def test_update_binds_dates_and_times_as_sqlalchemy_stores_them(conn):
    stmt = update(thing).where(thing.c.id == bindparam("i")).values(
        at=bindparam("when"), day=bindparam("d"), flag=bindparam("f"), n=thing.c.n + 1)
    Prepared(stmt).rows(conn, {"i": 2, "when": AT, "d": dt.date(2026, 1, 2), "f": True})
    conn.execute(stmt, {"i": 1, "when": AT, "d": dt.date(2026, 1, 2), "f": True})
    raw = conn.exec_driver_sql("SELECT at, day, flag, n FROM thing ORDER BY id").all()
    assert raw[0][:3] == raw[1][:3]  # the same stored text as SQLAlchemy's own execute
    assert [r[3] for r in raw] == [2, 3]


def test_returning_and_literal_values(conn):
    stmt = update(thing).where(thing.c.name == bindparam("who")).values(
        flag=False, data=bindparam("data")).returning(thing.c.id, thing.c.flag, thing.c.data)
    got = Prepared(stmt).rows(conn, {"who": "một", "data": ["x", {"y": None}]})
    assert got == [(1, False, ["x", {"y": None}])]
    assert Prepared(stmt).first(conn, {"who": "không có", "data": None}) is None


def test_a_missing_parameter_and_a_database_error(conn):
    stmt = select(thing.c.id).where(thing.c.n == bindparam("n"))
    with pytest.raises(KeyError):
        Prepared(stmt).rows(conn, {})
    duplicate = insert(thing).values(name=bindparam("name"))
    with pytest.raises(IntegrityError):  # SQLAlchemy's error, as from execute
        Prepared(duplicate).rows(conn, {"name": "một"})


def test_expanding_parameters_are_refused(conn):
    stmt = select(thing.c.id).where(thing.c.n.in_(bindparam("ns", expanding=True)))
    with pytest.raises(ValueError):
        Prepared(stmt).rows(conn, {"ns": [1]})


def test_other_databases_and_sessions_use_execute(conn):
    class NotAConnection:
        def __init__(self):
            self.calls = []

        def execute(self, statement, params):
            self.calls.append(params)
            return conn.execute(statement, params)

    stmt = select(thing.c.name).where(thing.c.id == bindparam("i"))
    session_like = NotAConnection()
    assert Prepared(stmt).rows(session_like, {"i": 1}) == [("một",)]
    assert session_like.calls == [{"i": 1}]
