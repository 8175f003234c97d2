"""Admins saving at once (SQLite and PostgreSQL): one new version per date, and one edit of a
version to come from the content they all read; the others are told, nothing is doubled."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import func, select

from tests.queue.test_concurrency import _run_threads
from tthc import timeutil
from tthc.extensions import db
from tthc.models import ProcedureVersion

THREADS = 6
COPY = "chung-thuc-ban-sao"


def _in_force(app):
    from tthc.catalogue import services as catalogue
    from tthc.domain.catalogue import parse_procedure

    with app.app_context():
        row = catalogue.get_in_force(COPY)
        return dict(row.spec), parse_procedure(row.spec)


def _version(raw, spec, day: dt.date, name: str):
    raw = dict(raw, version=day.isoformat(), name_vi=name)
    return raw, dataclasses.replace(spec, version=day, name_vi=name)


def _race(app):
    from tthc.admin import procedures_data as data

    raw, spec = _in_force(app)
    day = timeutil.today() + dt.timedelta(days=1)

    def create(i):
        with app.app_context():
            try:
                data.create(COPY, *reversed(_version(raw, spec, day, f"Tên {i}")))
                return True
            except data.DateTaken:
                return False

    created = _run_threads(THREADS, create)
    with app.app_context():
        rows = db.session.scalars(select(ProcedureVersion).filter_by(effective_from=day)).all()
        assert len(rows) == 1
        row_id, read_hash = rows[0].id, rows[0].content_hash
    assert sorted(created) == [False] * (THREADS - 1) + [True]

    def edit(i):
        with app.app_context():
            try:
                data.replace(row_id, read_hash, *reversed(_version(raw, spec, day, f"Sửa {i}")))
                return True
            except data.Changed:
                return False

    edited = _run_threads(THREADS, edit)
    assert sorted(edited) == [False] * (THREADS - 1) + [True]
    with app.app_context():
        assert db.session.scalar(select(func.count(ProcedureVersion.id))
                                 .filter_by(effective_from=day)) == 1
        winner = edited.index(True)
        assert db.session.get(ProcedureVersion, row_id).name_vi == f"Sửa {winner}"


@pytest.mark.sqlite_only("SQLite twin of a PostgreSQL test that runs in both runs")
def test_sqlite_one_version_per_date_and_one_edit_whatever_the_race(app):
    _race(app)


def test_postgres_one_version_per_date_and_one_edit_whatever_the_race(pg_app):
    _race(pg_app)
