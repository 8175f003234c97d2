"""A failed write logs what failed, never the values: on SQLite and on PostgreSQL.

PostgreSQL's error text carries a DETAIL that quotes the row or the key ("Failing row
contains (…, Nguyễn Thị Bí Mật, …)"). SQLAlchemy's ``hide_parameters`` leaves it in; Flask's
traceback of the unhandled error would put it in the app's log. tthc/logs.py cuts it out,
and tthc/errors.py logs the SQLSTATE and the constraint, table and column instead.
"""

from __future__ import annotations

import logging

from sqlalchemy import select

from tests.conftest import dispose, make_app
from tests.intake.conftest import Citizen
from tests.queue.helpers import COPY
from tthc.extensions import db
from tthc.logs import DETAIL_HIDDEN, redact
from tthc.models import Dossier, Office

NAME = "Nguyễn Thị Bí Mật"
ID_NUMBER = "001199012345"
# A value that spans lines and mimics the traceback's own text (PostgreSQL shortens each
# value of a DETAIL to about 64 bytes: the ID number must come early).
HOSTILE = f"\n\nThe above exception {ID_NUMBER}"


def _logged(app, caplog, path: str) -> str:
    """POST to `path` as in production (the error logged, then a 500 page); the log's text,
    each record formatted as a handler would (message and traceback)."""
    app.config.update(WTF_CSRF_ENABLED=False, PROPAGATE_EXCEPTIONS=False)
    with caplog.at_level(logging.ERROR):
        response = app.test_client().post(path)
    assert response.status_code == 500
    assert NAME not in response.get_data(as_text=True)
    return "\n".join(logging.Formatter().format(record) for record in caplog.records)


def _says_what_failed(log: str, engine: str, sqlstate: str, table: str, column: str) -> None:
    assert NAME not in log and "Bí Mật" not in log and ID_NUMBER not in log
    assert "Failing row" not in log
    if engine == "postgres":
        assert f"SQLSTATE {sqlstate}" in log and f"table {table}" in log
        assert f"column {column}" in log
        assert DETAIL_HIDDEN in log  # there was a DETAIL, and it was cut out
    else:  # SQLite's own message names the constraint, never a value
        assert f"NOT NULL constraint failed: {table}.{column}" in log


def test_a_not_null_error_on_a_row_with_a_name(app, caplog, database_engine):
    @app.post("/_ghi")
    def write():
        # A value that spans lines and mimics the traceback's own text.
        db.session.add(Office(code=None, name=NAME, province="Hà Nội", address=HOSTILE))
        db.session.commit()
        return "saved"

    log = _logged(app, caplog, "/_ghi")
    assert "IntegrityError" in log and "Exception on /_ghi" in log  # the error is logged
    _says_what_failed(log, database_engine, "23502", "office", "code")


def test_a_failed_update_of_a_dossier_with_answers(app, caplog, database_engine):
    """The whole new row (the answers: name, ID number) would be the DETAIL."""
    @app.post("/_sua")
    def update():
        dossier = db.session.get(Dossier, dossier_id)
        dossier.answers = {"applicant_full_name": NAME, "applicant_id_number": ID_NUMBER}
        dossier.status = None  # NOT NULL
        db.session.commit()
        return "saved"

    citizen = Citizen(app, app.test_client())
    dossier_id = citizen.dossier(citizen.start(COPY)).id
    log = _logged(app, caplog, "/_sua")
    _says_what_failed(log, database_engine, "23502", "dossier", "status")
    with app.app_context():  # nothing of it was written
        answers = db.session.scalar(select(Dossier.answers).filter_by(id=dossier_id))
        assert NAME not in str(answers)


def test_redact_cuts_every_detail_out_whatever_its_lines():
    text = ('sqlalchemy.exc.IntegrityError: (psycopg.errors.UniqueViolation) duplicate key '
            'value violates unique constraint "staff_phone_key"\n'
            'DETAIL:  Key (phone)=(0912 345 678) already exists.\n'
            '[SQL: INSERT INTO staff (phone) VALUES (%(phone)s::VARCHAR)]\n'
            '[SQL parameters hidden due to hide_parameters=True]\n'
            'psycopg.errors.NotNullViolation: null value in column "status"\n'
            f'DETAIL:  Failing row contains (1, {NAME}\nsecond line\n\n{ID_NUMBER}).\n\n'
            'The above exception was the direct cause of the following exception:\n')
    redacted = redact(text)
    assert "0912 345 678" not in redacted and NAME not in redacted
    assert ID_NUMBER not in redacted and "second line" not in redacted
    assert redacted.count(DETAIL_HIDDEN) == 2
    # What the operator needs stays: the error, the constraint, the statement, the chain.
    assert '"staff_phone_key"' in redacted and "[SQL: INSERT INTO staff" in redacted
    assert "The above exception was the direct cause" in redacted
    assert redact("no database here") == "no database here"


def test_hide_parameters_cannot_be_switched_off(database_url, tmp_path):
    """instance/config.py may give its own engine options, never hide_parameters=False."""
    app = make_app(database_url, tmp_path,
                   SQLALCHEMY_ENGINE_OPTIONS={"hide_parameters": False, "pool_pre_ping": True})
    try:
        assert app.config["SQLALCHEMY_ENGINE_OPTIONS"] == {"hide_parameters": True,
                                                            "pool_pre_ping": True}
        with app.app_context():
            assert db.engine.hide_parameters
    finally:
        dispose(app)


def test_the_outage_line_names_no_value():
    """The 503 handler's line: SQLite's own message; a psycopg error that never reached the
    server (no SQLSTATE, so no DETAIL): its first line, the operator's clue."""
    import sqlite3

    import psycopg
    from sqlalchemy.exc import OperationalError

    from tthc.errors import describe

    error = OperationalError("UPDATE x", {}, sqlite3.OperationalError(
        "attempt to write a readonly database"))
    assert describe(error) == "attempt to write a readonly database"
    error = OperationalError("SELECT 1", {}, psycopg.OperationalError(
        'connection failed: connection to server at "127.0.0.1", port 5432 failed: '
        "Connection refused\nIs the server running on that host?"))
    assert describe(error) == ('OperationalError: connection failed: connection to server '
                               'at "127.0.0.1", port 5432 failed: Connection refused')
