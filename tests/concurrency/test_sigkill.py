"""SIGKILL of gunicorn's workers and master in the middle of submissions, receptions, tickets
and calls (issue 13), on a SQLite file and on PostgreSQL: after each restart nothing is
half-written, lost or given twice. The harness is tests/concurrency/faults.py; a longer run
with a report is scripts/sigkill-faults.py.
"""

from __future__ import annotations

import pytest

from tests.concurrency.faults import Scenario, Server

SECONDS = 20  # per database; about 6 kills, two of them the master's


def _run(app, tmp_path) -> None:
    server = Server(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path, tmp_path / "gunicorn.log")
    scenario = Scenario(app, server)
    server.start()
    try:
        journal = scenario.run(SECONDS)
    finally:
        server.stop()
    print(scenario.summary())
    assert journal.kills["master"] >= 1 and journal.kills["worker"] >= 1
    # the work really went on between the kills, on every side
    assert journal.submitted and journal.received and journal.tickets and journal.calls, \
        scenario.summary()
    assert scenario.check() == []


def test_sigkill_on_sqlite(app, tmp_path):
    _run(app, tmp_path)


@pytest.mark.postgres
def test_sigkill_on_postgresql(pg_app, tmp_path):
    _run(pg_app, tmp_path)
