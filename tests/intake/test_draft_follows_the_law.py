"""A draft not yet sent follows the procedure version in force (docs/admin.md, "The law as
versions"): started today, opened again the day a new version takes effect, the citizen's page
shows the new version's papers, name and fee, and the draft points at it from then on."""

from __future__ import annotations

from tests.admin.test_procedures import Admin, new_version, set_today, tomorrow
from tests.intake.conftest import Citizen
from tthc.extensions import db
from tthc.models import Dossier

COPY = "chung-thuc-ban-sao"
NEW_NAME = "Chứng thực bản sao từ bản chính (mẫu mới)"


def test_a_draft_opened_the_day_a_version_takes_effect_shows_it(app, demo, monkeypatch):
    citizen = Citizen(app, app.test_client())
    path = citizen.start(COPY)
    with app.app_context():
        started = citizen.dossier(path).procedure_version_id
    today_page = citizen.client.get(path).get_data(as_text=True)
    assert NEW_NAME not in today_page

    admin = Admin(app, demo["staff"]["quantri"])
    _, response = new_version(admin, name_vi=NEW_NAME)
    assert response.status_code == 303
    assert NEW_NAME not in citizen.client.get(path).get_data(as_text=True)  # still today

    day = tomorrow()
    set_today(monkeypatch, day)
    page = citizen.client.get(path)
    assert page.status_code == 200 and NEW_NAME in page.get_data(as_text=True)
    with app.app_context():
        dossier = db.session.get(Dossier, citizen.dossier(path).id)
        assert dossier.procedure_version_id != started
        assert dossier.procedure_version.effective_from == day
