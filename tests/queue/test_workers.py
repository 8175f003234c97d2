"""Two workers on one database (``make run`` starts two): a change made through one applies
at once through the other. Nothing the queue reads may be remembered per process."""

from __future__ import annotations

import pytest

from tests.auth import factories
from tests.conftest import make_app
from tests.queue.helpers import load, post
from tthc.extensions import db
from tthc.models import ServiceGroup


@pytest.fixture
def second_worker(app, tmp_path):
    """Another app instance on the same SQLite file, as a second gunicorn worker would be."""
    other = make_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path)
    yield other
    with other.app_context():
        db.engine.dispose()


def test_a_new_call_order_applies_at_once_in_the_other_worker(app, second_worker, demo, issue):
    first, _, _ = issue(demo["groups"][0])
    urgent, _, _ = issue(demo["groups"][0], "elderly")
    officer = second_worker.test_client()
    factories.login(officer, demo["staff"]["tiepnhan"])
    # The second worker has read the call order already (its counter screen shows the queue).
    assert "A-002" in officer.get("/can-bo/quay").get_data(as_text=True)

    admin = app.test_client()
    factories.login(admin, demo["staff"]["quantri"])
    assert post(admin, "/can-bo/hang-doi/cai-dat", {"thu_tu": "arrival"}).status_code == 303

    post(officer, "/can-bo/quay/goi-tiep")
    assert load(app, first).status == "called"  # by arrival, at once
    assert load(app, urgent).status == "waiting"


def test_a_new_service_group_can_be_called_at_once_in_the_other_worker(app, second_worker,
                                                                      demo):
    officer = second_worker.test_client()
    factories.login(officer, demo["staff"]["tiepnhan"])
    assert officer.get("/can-bo/quay").status_code == 200  # it has read the groups
    with app.app_context():
        group = ServiceGroup(office_id=demo["office"], prefix="D", name_vi="Đất đai",
                             name_en="Land", fields=[], position=4)
        db.session.add(group)
        db.session.commit()
        group_id = group.id
    issue_ticket_in = app.test_client()
    post(issue_ticket_in, "/lay-so", {"nhom": group_id, "uu_tien": ""})

    called = post(officer, "/can-bo/quay/goi-tiep", {"chon_nhom": "1", "nhom": [str(group_id)]})
    assert called.headers.get("X-Queue-Called") == "D-001"
    assert "Đất đai" in officer.get("/can-bo/quay").get_data(as_text=True)
