"""Fixtures for the desk: signed-in officers of the demo office and another, dossiers in
every state the desk meets, and a helper that posts forms with the page's CSRF token."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from tests.auth import factories

from tests.intake.conftest import Citizen, complete_answers, papers_to_bring, procedure
from tthc.extensions import db
from tthc.models import Dossier, Office, Staff
from tthc.domain.workdays import load_calendar_file
from tthc.timeutil import TZ

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
DOSSIER_POST = re.compile(r"/can-bo/ho-so/([0-9]+)/")
COPY = "chung-thuc-ban-sao"  # same day: the Monday model
SINGLE = "xac-nhan-tinh-trang-hon-nhan"  # 3 working days: Form 01 with a due date


class Officer:
    """A desk computer: a test client signed in as one staff member."""

    def __init__(self, app, staff_id: int):
        self.app, self.staff_id = app, staff_id
        self.client = app.test_client()
        factories.login(self.client, staff_id)
        self._csrf: str | None = None

    def csrf(self) -> str:
        if self._csrf is None:
            self._csrf = factories.csrf(self.client)
        return self._csrf

    def get(self, path: str, **kwargs):
        return self.client.get(path, **kwargs)

    def post(self, path: str, data=None, **kwargs):
        """Post *data* with the CSRF token; to a dossier, with the status a page opened just
        now would carry (``trang_thai``), unless *data* gives one (None: the field left out)."""
        data = {"csrf_token": self.csrf(), **(data or {})}
        found = DOSSIER_POST.search(path)
        if found and "trang_thai" not in data:
            data["trang_thai"] = str(self.status_of(int(found[1])))
        return self.client.post(path, data={k: v for k, v in data.items() if v is not None},
                                **kwargs)

    def status_of(self, dossier_id: int) -> int | str:
        """The dossier's status now, as its page would show it ("" for no such dossier)."""
        with self.app.app_context():
            found = db.session.get(Dossier, dossier_id)
            return found.status if found is not None else ""


@pytest.fixture
def reception(app, demo):
    return Officer(app, demo["staff"]["tiepnhan"])


@pytest.fixture
def specialist(app, demo):
    return Officer(app, demo["staff"]["chuyenmon"])


@pytest.fixture
def leader(app, demo):
    return Officer(app, demo["staff"]["lanhdao"])


def _next_working_monday(day: dt.date) -> dt.date:
    calendar = load_calendar_file()
    while day.weekday() != 0 or not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


# The next working Monday, 09:30 (before the 15:00 cut-off): never before the real date, so
# that the test answers' recent dates (a birth 5 days ago…) are valid on the desk's clock too.
MONDAY = dt.datetime.combine(_next_working_monday(dt.datetime.now(TZ).date()), dt.time(9, 30),
                             tzinfo=TZ)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """The desk's clock, fixed (the next working Monday 09:30); clock(at) moves it."""
    from tthc.desk import services

    def set_to(at: dt.datetime = MONDAY) -> dt.datetime:
        monkeypatch.setattr(services, "now", lambda: at)
        monkeypatch.setattr(services, "today", lambda: at.date())
        return at

    set_to()
    return set_to


def make_dossier(app, code: str = COPY, *, state: str = "new", office_id: int | None = None,
                 staff_id: int | None = None) -> int:
    """A dossier of the demo office (or *office_id*) brought to *state* through the services:
    draft, new, checked (every paper seen), received, progress, resolved, returned."""
    from tthc.catalogue import services as catalogue
    from tthc.desk import services
    from tthc.domain import reception
    from tthc.intake import services as intake

    with app.app_context():
        office = db.session.get(Office, office_id) if office_id else factories.demo_office()
        staff = db.session.get(Staff, staff_id) if staff_id else next(
            s for s in db.session.scalars(select(Staff).filter_by(office_id=office.id))
            if s.has_role("reception"))
        version = catalogue.get_in_force(code)
        dossier, _ = intake.create_draft(version, office, None)
        spec = catalogue.spec_of(version)
        answers = complete_answers(spec)
        intake.save(dossier, answers, papers_to_bring(spec, answers))
        if state != "draft":
            intake.submit(dossier)
        steps = ["checked", "received", "progress", "resolved", "returned"]
        reached = steps[:steps.index(state) + 1] if state in steps else []
        if "checked" in reached:
            keys = [p.key for p in services.desk_report(dossier).completeness.papers]
            services.reception.save_checks(
                dossier, {k: reception.PaperCheck("original") for k in keys}, staff)
        if "received" in reached:
            services.reception.receive(dossier.id, staff)
        if "progress" in reached:
            other = db.session.scalar(select(Staff).filter_by(office_id=office.id)
                                      .where(Staff.id != staff.id))
            services.processing.hand_over(dossier.id, staff, other or staff)
        if "resolved" in reached:
            services.processing.resolve(dossier.id, staff)
        if "returned" in reached:
            services.returns.return_result(dossier.id, staff, channel="desk",
                                           receiver="Nguyễn Thị Hoà")
        return dossier.id


@pytest.fixture
def dossier(app):
    """dossier(code=COPY, state="new", office_id=None) → id (see make_dossier)."""
    return lambda code=COPY, **kwargs: make_dossier(app, code, **kwargs)


@pytest.fixture
def prefiled(app):
    """prefiled(code=COPY, submit=True, bring=True) → (dossier id, Citizen, draft path)."""

    def make(code: str = COPY, *, submit: bool = True):
        citizen = Citizen(app, app.test_client())
        path = citizen.start(code)
        citizen.fill_complete(path, code)
        if submit:
            assert citizen.action(path + "/nop").status_code == 303
        return citizen.dossier(path).id, citizen, path

    return make


def load(app, dossier_id: int) -> Dossier:
    """A detached copy of a dossier with its events, read afresh."""
    with app.app_context():
        dossier = db.session.get(Dossier, dossier_id)
        dossier.events, dossier.uploads  # load before the session closes
        db.session.expunge(dossier)
        return dossier


def check_all(officer: Officer, app, dossier_id: int, verdict: str = "original", **overrides):
    """Give every applicable paper a verdict (overrides: key → verdict)."""
    with app.app_context():
        from tthc.desk import services

        dossier = db.session.get(Dossier, dossier_id)
        keys = [p.key for p in services.desk_report(dossier).completeness.papers]
    data = {"_form": "kiem-tra"}
    for key in keys:
        data[f"kt-{key}"] = overrides.get(key, verdict)
    response = officer.post(f"/can-bo/ho-so/{dossier_id}/giay-to", data)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return keys


__all__ = ["COPY", "MONDAY", "SINGLE", "Officer", "check_all", "complete_answers", "load",
           "make_dossier", "papers_to_bring", "procedure"]
