"""20 receptions at once give 20 distinct dossier codes, and a draft taken at two counters at
once is sent once (SQLite and PostgreSQL).

Each thread has its own app context, hence its own session and connection, as gunicorn
workers would. Codes come from the office's daily sequence (the queue's atomic counter).
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, text

from tests.conftest import make_app, migrate_and_seed
from tests.desk.conftest import MONDAY, make_dossier
from tests.queue.test_concurrency import _run_threads
from tthc.domain.status import IllegalTransition, Status
from tthc.extensions import db
from tthc.models import Dossier, DossierEvent, Staff

RECEPTIONS = 20


def _officers(app) -> list[int]:
    from tests.auth import factories

    with app.app_context():
        office = factories.demo_office()
        return [factories.make_staff(office, f"tn-{n}", counter=n).id
                for n in range(1, RECEPTIONS + 1)]


def _receive_all(app, dossiers: list[int], officers: list[int]) -> list[str]:
    from tthc.desk import services

    def work(i):
        with app.app_context():
            staff = db.session.get(Staff, officers[i])
            return services.reception.receive(dossiers[i], staff).code

    return _run_threads(len(dossiers), work)


def _check(app, codes: list[str]) -> None:
    assert len(set(codes)) == RECEPTIONS, codes
    day = MONDAY.strftime("%y%m%d")
    assert sorted(codes) == [f"000.00.21.H26-{day}-{n:04d}" for n in range(1, RECEPTIONS + 1)]
    with app.app_context():
        rows = db.session.execute(select(Dossier.code, Dossier.status)).all()
        assert sorted(c for c, _ in rows) == sorted(codes)  # what the threads saw is stored
        assert {s for _, s in rows} == {int(Status.RECEIVED)}


@pytest.mark.sqlite_only("SQLite twin of a PostgreSQL test that runs in both runs")
@pytest.mark.parametrize("journal", ["delete", "wal"])
def test_sqlite_twenty_receptions_at_once(app, journal):
    if journal == "wal":  # production's mode (tthc.configure_sqlite); it stays with the file
        with app.app_context():
            db.session.execute(text("PRAGMA journal_mode=WAL"))
            db.session.commit()
    dossiers = [make_dossier(app, state="checked") for _ in range(RECEPTIONS)]
    _check(app, _receive_all(app, dossiers, _officers(app)))


def test_sqlite_two_officers_receiving_one_dossier_receive_it_once(app):
    from tthc.desk import services

    dossier = make_dossier(app, state="checked")
    officers = _officers(app)[:2]

    def work(i):
        with app.app_context():
            try:
                staff = db.session.get(Staff, officers[i])
                return services.reception.receive(dossier, staff).code
            except IllegalTransition:
                return None

    results = _run_threads(2, work)
    assert results.count(None) == 1 and (results[0] or results[1]).endswith("-0001")
    with app.app_context():
        events = db.session.scalars(select(DossierEvent).filter_by(dossier_id=dossier,
                                                                   action="receive")).all()
        assert len(events) == 1


def _accept_one_draft_twice(app) -> list:
    """Two officers take the same pre-filed draft at the counter at once."""
    from tthc.desk import services

    dossier = make_dossier(app, state="draft")
    officers = _officers(app)[:2]

    def work(i):
        with app.app_context():
            try:
                staff = db.session.get(Staff, officers[i])
                return services.reception.submit_for_citizen(dossier, staff).status
            except IllegalTransition:
                return None

    results = _run_threads(2, work)
    with app.app_context():
        events = db.session.scalars(select(DossierEvent).filter_by(dossier_id=dossier,
                                                                   action="submit")).all()
    return results, events


@pytest.mark.sqlite_only("SQLite twin of a PostgreSQL test that runs in both runs")
def test_sqlite_two_officers_taking_one_draft_send_it_once(app):
    results, events = _accept_one_draft_twice(app)
    assert results.count(None) == 1 and int(Status.NEW) in results
    assert len(events) == 1


@pytest.fixture
def pg_app(postgres_url, tmp_path, monkeypatch):
    app = make_app(postgres_url, tmp_path)
    migrate_and_seed(app)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.mark.postgres
def test_postgres_twenty_receptions_at_once(pg_app):
    dossiers = [make_dossier(pg_app, state="checked") for _ in range(RECEPTIONS)]
    codes = _receive_all(pg_app, dossiers, _officers(pg_app))
    _check(pg_app, codes)
    assert all(re.fullmatch(r"000\.00\.21\.H26-\d{6}-\d{4}", c) for c in codes)


@pytest.mark.postgres
def test_postgres_two_officers_taking_one_draft_send_it_once(pg_app):
    results, events = _accept_one_draft_twice(pg_app)
    assert results.count(None) == 1 and int(Status.NEW) in results
    assert len(events) == 1
