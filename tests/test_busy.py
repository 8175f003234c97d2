"""Contention: with the database busy, every write path answers an honest 503.

Another writer holds a lock longer than the app waits (TTHC_DB_BUSY_MS, 50 ms here instead
of 5 s): on SQLite the file's write lock (``BEGIN IMMEDIATE``), on PostgreSQL the row or
table the request must write (``SELECT … FOR UPDATE``, ``LOCK TABLE``), which makes its
``lock_timeout`` run out (SQLSTATE 55P03). A citizen's save and live check, a ticket, a
sign-in and the desk's reception each answer 503 with Retry-After and "not saved", never a
500 saying nothing was lost, nor a wait without end; afterwards nothing was written, and the
same request goes through.
"""

from __future__ import annotations

import re
import sqlite3
from contextlib import contextmanager, suppress

import psycopg
import pytest
from sqlalchemy import select

from tests.auth import factories
from tests.conftest import dispose, make_app
from tests.html import check_page
from tests.intake.conftest import Citizen
from tests.queue.helpers import COPY, prefile
from tthc import config
from tthc.extensions import db
from tthc.models import Counter, Dossier, Staff, Ticket

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
BUSY = "Hệ thống đang bận"


@pytest.fixture
def busy_app(database_url, tmp_path):
    """The app on the run's engine, waiting 50 ms for a lock."""
    app = make_app(database_url, tmp_path, TTHC_DB_BUSY_MS=50)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a 500 must show as one, as in production
    yield app
    dispose(app)


@contextmanager
def locked(app, statement: str = "", *params, at_most: int = 10):
    """Another writer holds a lock: SQLite's write lock (readers still read: rollback
    journal), or on PostgreSQL what `statement` locks, until the block ends (or, on
    PostgreSQL, for `at_most` seconds of the block)."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite:///"):
        other = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    # Should the app wait without end, the server ends this transaction after `at_most`
    # seconds: the request then goes through, and the test fails on its 200 instead of
    # hanging.
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"),
                         options=f"-c idle_in_transaction_session_timeout={at_most * 1000}"
                         ) as other:
        other.execute(statement, params)  # psycopg opens a transaction: held until rollback
        try:
            yield
        finally:
            with suppress(psycopg.Error):  # already ended by the server (see above)
                other.rollback()


def row_locked(app, model, row_id: int, *, at_most: int = 10):
    """On PostgreSQL, the row `row_id` of `model` locked by another transaction."""
    return locked(app, f"SELECT id FROM {model.__table__.name} WHERE id = %s FOR UPDATE",
                  row_id, at_most=at_most)


def assert_busy(response, *, fragment: bool = False, retry_after: int | None = None) -> None:
    """503, a Retry-After (Flask-Limiter may push it to its window's end on limited routes),
    and a message that says busy, never that what was typed is safe."""
    assert response.status_code == 503, response.status_code
    assert int(response.headers["Retry-After"]) > 0
    if retry_after is not None:
        assert response.headers["Retry-After"] == str(retry_after)
    body = response.get_data(as_text=True)
    assert BUSY in body and "không bị mất" not in body
    if fragment:
        assert "<html" not in body and response.headers["HX-Retarget"] == "#flash"
    else:
        check_page(body)


def test_a_citizens_save_and_live_check(busy_app):
    app = busy_app
    citizen = Citizen(app, app.test_client())
    draft = citizen.start(COPY)
    typed = {"applicant_full_name": "Lê Văn Bận"}
    with row_locked(app, Dossier, citizen.dossier(draft).id):
        assert_busy(citizen.post(draft + "/luu", typed), retry_after=2)
        assert_busy(citizen.post(draft + "/kiem-tra", typed, htmx=True), fragment=True,
                    retry_after=2)
    assert citizen.dossier(draft).answers.get("applicant_full_name", "") == ""  # honest
    saved = citizen.post(draft + "/kiem-tra", typed, htmx=True)
    assert saved.status_code == 200  # the retry goes through once the lock is gone
    assert citizen.dossier(draft).answers["applicant_full_name"] == "Lê Văn Bận"


def test_taking_a_ticket(busy_app):
    app = busy_app
    phone = app.test_client()
    with app.app_context():
        group_id = factories.groups(factories.demo_office().id)[0].id
        before = len(db.session.scalars(select(Ticket)).all())
    csrf = CSRF.search(phone.get("/tra-cuu").get_data(as_text=True))[1]
    form = {"csrf_token": csrf, "nhom": group_id, "uu_tien": ""}
    # PostgreSQL: the day's ticket counter may not exist yet, so no row to lock: another
    # writer holds the whole table against writes (reads still go), as SQLite's lock does.
    with locked(app, f"LOCK TABLE {Counter.__table__.name} IN EXCLUSIVE MODE"):
        assert_busy(phone.post("/lay-so", data=form))
    with app.app_context():
        assert len(db.session.scalars(select(Ticket)).all()) == before
    assert phone.post("/lay-so", data=form).status_code == 303


def test_signing_in(busy_app):
    app = busy_app
    with app.app_context():
        staff_id = factories.make_staff(factories.demo_office(), "tiepnhan2").id
    client = app.test_client()
    csrf = CSRF.search(client.get("/can-bo/dang-nhap").get_data(as_text=True))[1]
    form = {"csrf_token": csrf, "username": "tiepnhan2", "password": factories.PASSWORD,
            "next": ""}
    with row_locked(app, Staff, staff_id):
        assert_busy(client.post("/can-bo/dang-nhap", data=form))
    assert client.post("/can-bo/dang-nhap", data=form).status_code == 303


def test_the_desk_receiving_a_dossier(busy_app):
    app = busy_app
    dossier_id, _, _, _ = prefile(app)
    officer = app.test_client()
    with app.app_context():
        staff_id = db.session.scalar(select(Staff.id).filter_by(username="tiepnhan"))
    factories.login(officer, staff_id)
    csrf = CSRF.search(officer.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True))[1]
    with app.app_context():
        before = db.session.get(Dossier, dossier_id).status
    form = {"csrf_token": csrf, "trang_thai": str(before)}  # the status the page shows
    with row_locked(app, Dossier, dossier_id):
        assert_busy(officer.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan", data=form))
        assert_busy(officer.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan", data=form,
                                 headers={"HX-Request": "true"}), fragment=True)
    with app.app_context():
        assert db.session.get(Dossier, dossier_id).status == before  # nothing written
    # The lock gone, the desk gets its ordinary answer (here: papers not checked yet).
    again = officer.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan", data=form)
    assert again.status_code == 409


# --------------------------------------------------------------------------- the setting

def test_one_busy_timeout_for_both_engines():
    """TTHC_DB_BUSY_MS; TTHC_SQLITE_BUSY_MS, its old name, still read; 5 s by default."""
    def from_environ(**environ):
        return config.busy_ms({**config.DEFAULTS, **config.from_environ(environ)})

    assert from_environ() == 5000
    assert from_environ(TTHC_SQLITE_BUSY_MS="800") == 800  # an old /etc/tthc/tthc.env
    assert from_environ(TTHC_SQLITE_BUSY_MS="800", TTHC_DB_BUSY_MS="1200") == 1200
    assert config.busy_ms({**config.DEFAULTS, "TTHC_SQLITE_BUSY_MS": 800}) == 800  # config.py
    with pytest.raises(config.ConfigurationError):
        config.busy_ms({"TTHC_DB_BUSY_MS": "5s"})
    assert config.engine_options("sqlite:///x.sqlite", 1200)["connect_args"] == {"timeout": 1.2}
    assert config.engine_options("postgresql+psycopg://h/db", 1200)["connect_args"] == {
        "options": "-c lock_timeout=1200"}


def test_postgresql_connections_get_the_lock_timeout(pg_app):
    with pg_app.app_context():
        assert db.session.scalar(select(db.text("current_setting('lock_timeout')"))) == "5s"

