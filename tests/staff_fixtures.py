"""Staff scenes shared by the auth, queue and desk tests: the demo office, another office,
issued tickets, a signed-in reception officer."""

import pytest
from sqlalchemy import select

from tests.auth import factories
from tthc.extensions import db
from tthc.models import Staff
from tthc.queue import services


@pytest.fixture
def demo(app):
    """Ids of the demo office, its groups (A, B, C) and its accounts by username."""
    with app.app_context():
        office = factories.demo_office()
        staff = {s.username: s.id for s in db.session.scalars(
            select(Staff).filter_by(office_id=office.id))}
        return {"office": office.id, "groups": [g.id for g in factories.groups(office.id)],
                "staff": staff}


@pytest.fixture
def other_office(app):
    """A second office with its own groups and one account per role (reception at counter 1)."""
    with app.app_context():
        office = factories.make_office("khac")
        staff = {role: factories.make_staff(office, f"khac-{role}", (role,)).id
                 for role in factories.ROLES}
        return {"id": office.id, "staff": staff,
                "groups": [g.id for g in factories.groups(office.id)]}


@pytest.fixture
def issue(app):
    """issue(group_id, priority_reason="", office_id=None) → (ticket id, label, token)."""

    def make(group_id: int, priority_reason: str = "", office_id: int | None = None):
        with app.app_context():
            office_id = office_id or factories.demo_office().id
            t = services.issue_ticket(office_id, group_id, source="kiosk",
                                      priority_reason=priority_reason)
            return t.id, t.label, t.token

    return make


@pytest.fixture
def officer(app, demo):
    """A test client signed in as the demo reception officer (tiepnhan, counter 1)."""
    client = app.test_client()
    factories.login(client, demo["staff"]["tiepnhan"])
    return client

