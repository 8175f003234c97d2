"""Both sides at once: a citizen's phone and a desk computer as test clients, each request in
its own thread (hence its own app context, session and connection, as gunicorn workers), on a
SQLite file and on the throwaway PostgreSQL cluster.

The desk's clock is the next working Monday 09:30 (as in tests/desk), so that a reception
never depends on the hour the suite runs at.
"""

from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy import select

from tests.auth import factories
from tests.desk.conftest import COPY, MONDAY
from tests.intake.conftest import complete_answers, papers_to_bring
from tthc.extensions import db
from tthc.models import Dossier, DossierEvent, Office, Staff

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_app(request):
    """The app on a SQLite file, then on PostgreSQL."""
    return request.getfixturevalue("app" if request.param == "sqlite" else "pg_app")


@pytest.fixture(autouse=True)
def desk_clock(monkeypatch):
    from tthc.desk import services

    monkeypatch.setattr(services, "now", lambda: MONDAY)
    monkeypatch.setattr(services, "today", lambda: MONDAY.date())


class Browser:
    """A test client with its CSRF token: a phone, or a desk computer once signed in."""

    def __init__(self, app, staff_id: int | None = None):
        self.client = app.test_client()
        if staff_id is not None:
            factories.login(self.client, staff_id)
        self.token = factories.csrf(self.client)

    def post(self, path: str, data=None, **kwargs):
        return self.client.post(path, data={"csrf_token": self.token, **(data or {})},
                                **kwargs)


def reception_officer(app) -> int:
    with app.app_context():
        office = factories.demo_office()
        return next(s.id for s in db.session.scalars(select(Staff).filter_by(office_id=office.id))
                    if s.has_role("reception"))


def sent_dossier(app, staff_id: int, *, checked: bool = True) -> tuple[int, str]:
    """A complete dossier sent online (status 1), every paper seen at the desk when
    *checked*: (id, link token)."""
    from tthc.catalogue import services as catalogue
    from tthc.desk import services
    from tthc.domain import reception
    from tthc.intake import services as intake

    with app.app_context():
        office = factories.demo_office()
        staff = db.session.get(Staff, staff_id)
        version = catalogue.get_in_force(COPY)
        dossier, token = intake.create_draft(version, office, None)
        spec = catalogue.spec_of(version)
        answers = complete_answers(spec)
        intake.save(dossier, answers, papers_to_bring(spec, answers))
        intake.submit(dossier)
        if checked:
            keys = [p.key for p in services.desk_report(dossier).completeness.papers]
            services.reception.save_checks(
                dossier, {k: reception.PaperCheck("original") for k in keys}, staff)
        return dossier.id, token


def at_once(*calls):
    """Run the calls in threads released together by a barrier; their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)
    errors: list = []

    def run(i):
        try:
            barrier.wait()
            results[i] = calls[i]()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    return results


def history(app, dossier_id: int) -> tuple[Dossier, list[str]]:
    """The dossier as stored (detached) and the actions of its events, in order."""
    with app.app_context():
        dossier = db.session.get(Dossier, dossier_id)
        actions = list(db.session.scalars(select(DossierEvent.action).filter_by(
            dossier_id=dossier_id).order_by(DossierEvent.id)))
        db.session.expunge(dossier)
        return dossier, actions


__all__ = ["Browser", "Office", "at_once", "history", "reception_officer", "sent_dossier"]
