"""20 officers press "Gọi tiếp" at once: no ticket twice, none lost (SQLite and PostgreSQL).

Each thread has its own app context, hence its own session and connections, against a
database file (SQLite) or a throwaway PostgreSQL database, as gunicorn workers would.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from sqlalchemy import func, select

from tests.auth import factories
from tthc.extensions import db
from tthc.models import Staff, Ticket
from tthc.queue import services

OFFICERS = 20
TICKETS = 120


def _prepare(app) -> tuple[list[int], list[int]]:
    """20 reception officers at counters 1–20; 120 waiting tickets, some priority."""
    with app.app_context():
        office = factories.demo_office()
        group_ids = [g.id for g in factories.groups(office.id)]
        officers = [factories.make_staff(office, f"quay-{n}", counter=n).id
                    for n in range(1, OFFICERS + 1)]
        tickets = [services.issue_ticket(office, group_ids[n % len(group_ids)],
                                         priority_reason="elderly" if n % 7 == 0 else "").id
                   for n in range(TICKETS)]
        return officers, tickets


def _run_threads(count: int, work) -> list:
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list = []

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    return results


def _call_until_empty(app, officers):
    def work(i):
        called = []
        with app.app_context():
            staff = db.session.get(Staff, officers[i])
            while (ticket := services.call_next(staff)) is not None:
                called.append(ticket.id)
        return called

    return _run_threads(len(officers), work)


def _check(app, officers, tickets, results):
    called = [t for per_officer in results for t in per_officer]
    duplicates = [t for t, n in Counter(called).items() if n > 1]
    assert not duplicates, f"tickets called twice: {duplicates}"
    assert sorted(called) == sorted(tickets), "a ticket was lost"
    assert sum(1 for r in results if r) > 1  # the work really was shared
    with app.app_context():
        # the database agrees: each ticket went to the officer who got it, none still waits
        owner = {t: officers[i] for i, per in enumerate(results) for t in per}
        rows = db.session.execute(select(Ticket.id, Ticket.staff_id, Ticket.status)).all()
        assert all(staff_id == owner[tid] for tid, staff_id, _ in rows)
        # each officer's last press found nobody waiting and finished the ticket at its counter
        assert {status for _, _, status in rows} == {"done"}


def _issue_concurrently(app, count=OFFICERS):
    def work(i):
        with app.app_context():
            office = factories.demo_office()
            return services.issue_ticket(office, factories.groups(office.id)[0], source="kiosk"
                                         ).label

    return _run_threads(count, work)


@pytest.mark.sqlite_only("SQLite twin of a PostgreSQL test that runs in both runs")
def test_sqlite_twenty_officers_call_next_at_once(app):
    officers, tickets = _prepare(app)
    _check(app, officers, tickets, _call_until_empty(app, officers))


@pytest.mark.sqlite_only("SQLite twin of a PostgreSQL test that runs in both runs")
def test_sqlite_twenty_kiosks_take_numbers_at_once(app):
    labels = _issue_concurrently(app)
    assert sorted(labels) == [f"A-{n:03d}" for n in range(1, OFFICERS + 1)]


@pytest.mark.postgres
def test_postgres_twenty_officers_call_next_at_once(pg_app):
    officers, tickets = _prepare(pg_app)
    _check(pg_app, officers, tickets, _call_until_empty(pg_app, officers))


@pytest.mark.postgres
def test_postgres_twenty_kiosks_take_numbers_at_once(pg_app):
    labels = _issue_concurrently(pg_app)
    assert sorted(labels) == [f"A-{n:03d}" for n in range(1, OFFICERS + 1)]
    with pg_app.app_context():
        assert db.session.scalar(select(func.max(Ticket.number))) == OFFICERS


@pytest.mark.postgres
def test_postgres_call_order_and_actions(pg_app):
    """The same rules hold on PostgreSQL: priority first, no-show requeue, transfer."""
    with pg_app.app_context():
        office = factories.demo_office()
        a, b, _ = [g.id for g in factories.groups(office.id)]
        staff = factories.make_staff(office, "pg-quay", counter=2)
        first = services.issue_ticket(office, a).id
        urgent = services.issue_ticket(office, a, priority_reason="pregnant").id
        assert services.call_next(staff).id == urgent
        services.act(staff, urgent, "no_show")
        assert services.call_next(staff).id == first
        services.act(staff, first, "transfer", group_id=b)
        assert services.call_next(staff, [b]).id == first
        assert services.call_next(staff, [a]).id == urgent
        services.act(staff, urgent, "no_show")
        assert db.session.get(Ticket, urgent).status == "missed"


def _scan_concurrently(app, count=10):
    """*count* kiosks and phones ask for the same pre-filed dossier's number at once."""
    from tests.queue.helpers import prefile

    dossier_id, *_ = prefile(app)

    def work(i):
        with app.app_context():
            office = factories.demo_office()
            group = services.group_for_field(office.id, "chung-thuc")
            ticket, new = services.ticket_for_dossier(office, group, dossier_id,
                                                      source="kiosk" if i % 2 else "phone")
            return ticket.id, new

    results = _run_threads(count, work)
    assert len({ticket_id for ticket_id, _ in results}) == 1, results
    assert sum(new for _, new in results) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Ticket)
                                 .where(Ticket.dossier_id == dossier_id)) == 1


@pytest.mark.sqlite_only("SQLite twin of a PostgreSQL test that runs in both runs")
def test_sqlite_one_number_per_dossier_when_scanned_at_once(app):
    _scan_concurrently(app)


@pytest.mark.postgres
def test_postgres_one_number_per_dossier_when_scanned_at_once(pg_app):
    _scan_concurrently(pg_app)
