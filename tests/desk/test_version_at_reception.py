"""A dossier keeps the procedure version in force on its reception date: one sent under a
version and received after a new one took effect is checked and received under the new one
(docs/admin.md, "The law as versions")."""

from __future__ import annotations

from tests.admin.test_procedures import Admin, new_version, set_today, tomorrow
from tests.desk.conftest import COPY, load
from tthc.extensions import db
from tthc.models import Dossier

NEW_NAME = "Chứng thực bản sao từ bản chính (mẫu mới)"


def test_a_dossier_received_after_a_new_version_takes_it(app, demo, reception, dossier,
                                                         monkeypatch):
    dossier_id = dossier(COPY, state="new")  # sent today, under today's version
    sent_under = load(app, dossier_id).procedure_version_id
    _, response = new_version(Admin(app, demo["staff"]["quantri"]), name_vi=NEW_NAME)
    assert response.status_code == 303
    # Today the desk still sees the version in force today.
    assert NEW_NAME not in reception.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    assert load(app, dossier_id).procedure_version_id == sent_under

    day = tomorrow()
    set_today(monkeypatch, day)
    page = reception.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    assert NEW_NAME in page
    with app.app_context():
        moved = db.session.get(Dossier, dossier_id)
        assert moved.procedure_version_id != sent_under
        assert moved.procedure_version.effective_from == day
