"""Fixtures for ratings and feedback: a dossier brought to a state with its secret link, a
finished ticket, the citizen's phone and the kiosk, a signed-in leader."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from tests.auth import factories
from tests.desk.conftest import Officer, clock  # noqa: F401  (clock: the desk's, autouse)
from tests.intake.conftest import complete_answers, papers_to_bring
from tthc.extensions import db
from tthc.models import AccessLog, Feedback, Office, Rating, Staff

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
COPY = "chung-thuc-ban-sao"  # a same-day procedure
LAST4 = "5678"  # of the test applicant's phone, 0912 345 678
STEPS = ["checked", "received", "progress", "resolved", "returned"]


def make_dossier(app, state: str = "returned", *, office_id: int | None = None,
                 code: str = COPY) -> tuple[int, str]:
    """A dossier brought to *state* through the services: (id, its secret link token)."""
    from tthc.catalogue import services as catalogue
    from tthc.desk import services
    from tthc.domain import reception
    from tthc.intake import services as intake

    with app.app_context():
        office = db.session.get(Office, office_id) if office_id else factories.demo_office()
        staff = next(s for s in db.session.scalars(select(Staff).filter_by(office_id=office.id))
                     if s.has_role("reception"))
        version = catalogue.get_in_force(code)
        dossier, token = intake.create_draft(version, office, None)
        spec = catalogue.spec_of(version)
        answers = complete_answers(spec)
        intake.save(dossier, answers, papers_to_bring(spec, answers))
        if state != "draft":
            intake.submit(dossier)
        reached = STEPS[:STEPS.index(state) + 1] if state in STEPS else []
        if "checked" in reached:
            keys = [p.key for p in services.desk_report(dossier).completeness.papers]
            services.reception.save_checks(
                dossier, {k: reception.PaperCheck("original") for k in keys}, staff)
        if "received" in reached:
            services.reception.receive(dossier.id, staff)
        if "progress" in reached:
            services.processing.hand_over(dossier.id, staff, staff)
        if "resolved" in reached:
            services.processing.resolve(dossier.id, staff)
        if "returned" in reached:
            services.returns.return_result(dossier.id, staff, channel="desk",
                                           receiver="Nguyễn Thị Hoà")
        return dossier.id, token


@pytest.fixture
def dossier(app):
    """dossier(state="returned", office_id=None) → (id, token)."""
    return lambda state="returned", **kwargs: make_dossier(app, state, **kwargs)


@pytest.fixture
def finished_ticket(app, demo):
    """finished_ticket(finish=True, dossier=False, office_id=None) → (id, label, token): a
    ticket of today called to a counter and, by default, finished there."""
    from tthc.queue import services

    def make(finish: bool = True, dossier_id: int | None = None,
             office_id: int | None = None, staff_id: int | None = None):
        with app.app_context():
            office_id = office_id or demo["office"]
            group = factories.groups(office_id)[0]
            ticket = services.issue_ticket(office_id, group, source="kiosk",
                                           dossier_id=dossier_id)
            staff = db.session.get(Staff, staff_id or demo["staff"]["tiepnhan"])
            services.call_next(staff, [group.id])
            if finish:
                services.act(db.session.get(Staff, staff.id), ticket.id, "finish")
            return ticket.id, ticket.label, ticket.token

    return make


class Phone:
    """A citizen's phone: a test client that posts forms (with a CSRF token when asked)."""

    def __init__(self, client):
        self.client = client
        self._csrf: str | None = None

    def csrf(self) -> str:
        if self._csrf is None:
            self._csrf = CSRF.search(self.client.get("/danh-gia").get_data(as_text=True))[1]
        return self._csrf

    def get(self, path: str, **kwargs):
        return self.client.get(path, **kwargs)

    def post(self, path: str, data=None, *, csrf: bool = False, **kwargs):
        data = dict(data or {})
        if csrf:
            data["csrf_token"] = self.csrf()
        return self.client.post(path, data=data, **kwargs)


@pytest.fixture
def phone(app):
    return Phone(app.test_client())


@pytest.fixture
def kiosk(app):
    """The tablet at the exit (a browser with no staff session)."""
    return Phone(app.test_client())


@pytest.fixture
def leader(app, demo):
    return Officer(app, demo["staff"]["lanhdao"])


def ratings(app) -> list[Rating]:
    with app.app_context():
        rows = list(db.session.scalars(select(Rating).order_by(Rating.id)))
        db.session.expunge_all()
        return rows


def feedback_rows(app) -> list[Feedback]:
    with app.app_context():
        rows = list(db.session.scalars(select(Feedback).order_by(Feedback.id)))
        db.session.expunge_all()
        return rows


def access_log(app, dossier_id: int) -> list[tuple[int, str, str]]:
    with app.app_context():
        return [(r.staff_id, r.action, r.detail) for r in db.session.scalars(
            select(AccessLog).filter_by(dossier_id=dossier_id).order_by(AccessLog.id))]


@pytest.fixture
def move_clock(monkeypatch):
    """move_clock(days) → the ratings' clock, that many days from now."""
    from tthc.feedback import services

    def move(days: float) -> dt.datetime:
        at = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=days)
        monkeypatch.setattr(services, "now", lambda: at)
        return at

    return move
