"""Contention: with the database busy, every write path answers an honest 503.

Another writer holds SQLite's write lock longer than the app waits (TTHC_SQLITE_BUSY_MS,
50 ms here instead of 5 s). A citizen's save and live check, a ticket, a sign-in and the
desk's reception each answer 503 with Retry-After and "not saved", never a 500 saying
nothing was lost; afterwards nothing was written, and the same request goes through.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from contextlib import contextmanager

import pytest
from sqlalchemy import select

from tests.auth import factories
from tests.conftest import make_app
from tests.html import check_page
from tests.intake.conftest import Citizen
from tests.queue.helpers import COPY, prefile
from tthc.extensions import db
from tthc.models import Dossier, Staff, Ticket

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
BUSY = "Hệ thống đang bận"


@pytest.fixture
def busy_app(seeded_sqlite, tmp_path):
    path = tmp_path / "tthc.sqlite"
    shutil.copy(seeded_sqlite, path)
    app = make_app(f"sqlite:///{path}", tmp_path, TTHC_SQLITE_BUSY_MS=50)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a 500 must show as one, as in production
    yield app, path
    with app.app_context():
        db.engine.dispose()


@contextmanager
def locked(path):
    """Another writer holds the write lock (readers still read: rollback journal)."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


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
    app, path = busy_app
    citizen = Citizen(app, app.test_client())
    draft = citizen.start(COPY)
    typed = {"applicant_full_name": "Lê Văn Bận"}
    with locked(path):
        assert_busy(citizen.post(draft + "/luu", typed), retry_after=2)
        assert_busy(citizen.post(draft + "/kiem-tra", typed, htmx=True), fragment=True,
                    retry_after=2)
    assert citizen.dossier(draft).answers.get("applicant_full_name", "") == ""  # honest
    saved = citizen.post(draft + "/kiem-tra", typed, htmx=True)
    assert saved.status_code == 200  # the retry goes through once the lock is gone
    assert citizen.dossier(draft).answers["applicant_full_name"] == "Lê Văn Bận"


def test_taking_a_ticket(busy_app):
    app, path = busy_app
    phone = app.test_client()
    with app.app_context():
        group_id = factories.groups(factories.demo_office().id)[0].id
        before = len(db.session.scalars(select(Ticket)).all())
    csrf = CSRF.search(phone.get("/tra-cuu").get_data(as_text=True))[1]
    with locked(path):
        assert_busy(phone.post("/lay-so", data={"csrf_token": csrf, "nhom": group_id,
                                                "uu_tien": ""}))
    with app.app_context():
        assert len(db.session.scalars(select(Ticket)).all()) == before


def test_signing_in(busy_app):
    app, path = busy_app
    with app.app_context():
        factories.make_staff(factories.demo_office(), "tiepnhan2")
    client = app.test_client()
    csrf = CSRF.search(client.get("/can-bo/dang-nhap").get_data(as_text=True))[1]
    form = {"csrf_token": csrf, "username": "tiepnhan2", "password": factories.PASSWORD,
            "next": ""}
    with locked(path):
        assert_busy(client.post("/can-bo/dang-nhap", data=form))
    assert client.post("/can-bo/dang-nhap", data=form).status_code == 303


def test_the_desk_receiving_a_dossier(busy_app):
    app, path = busy_app
    dossier_id, _, _, _ = prefile(app)
    officer = app.test_client()
    with app.app_context():
        staff_id = db.session.scalar(select(Staff.id).filter_by(username="tiepnhan"))
    factories.login(officer, staff_id)
    csrf = CSRF.search(officer.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True))[1]
    with app.app_context():
        before = db.session.get(Dossier, dossier_id).status
    form = {"csrf_token": csrf, "trang_thai": str(before)}  # the status the page shows
    with locked(path):
        assert_busy(officer.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan", data=form))
        assert_busy(officer.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan", data=form,
                                 headers={"HX-Request": "true"}), fragment=True)
    with app.app_context():
        assert db.session.get(Dossier, dossier_id).status == before  # nothing written
    # The lock gone, the desk gets its ordinary answer (here: papers not checked yet).
    again = officer.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan", data=form)
    assert again.status_code == 409
