"""The live check is the hot path: one POST per pause in typing, on a throttled phone. It runs
a bounded number of SQL statements, and does not ask the catalogue which procedure version
is in force: its panel redraws a page rendered under the stored version. Page loads and the
submit follow the law in force (docs/caching.md, "The live check")."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from tests.admin.test_procedures import Admin, new_version, set_today, tomorrow
from tthc.extensions import db

from .conftest import BIRTH, Citizen

COPY = "chung-thuc-ban-sao"
NEW_NAME = "Chứng thực bản sao từ bản chính (mẫu mới)"
# Load the draft with its files, load its version, save the answers, re-read the status
# (the save's compare-and-set), the office for the panel: 5 on 2026-12-05. Asking the
# catalogue for the version in force made it 7 (its procedure, then the version).
MOST_STATEMENTS = 5


@contextmanager
def statements(app):
    """Every SQL statement the app sends while the block runs (SQLAlchemy's public event)."""
    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def record(connection, cursor, statement, parameters, context, executemany):
        seen.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def asks_for_the_version_in_force(statement: str) -> bool:
    """The catalogue's question "which version of this procedure is in force on day D"."""
    return "FROM procedure_version" in statement and "effective_from <=" in statement


def test_a_keystroke_runs_a_few_statements_and_never_asks_the_catalogue(app, citizen):
    path = citizen.start(BIRTH)
    state = {**citizen.page_state(path + "/phan/1"), "_part": "1"}
    for typed in ("Nguyễn Thị H", "Nguyễn Thị Hoà"):  # two keystrokes: the second as the first
        with statements(app) as seen:
            response = citizen.post(path + "/kiem-tra", {**state, "applicant_full_name": typed},
                                    htmx=True)
        assert response.status_code == 200 and "Còn thiếu" in response.get_data(as_text=True)
        assert any(s.startswith("UPDATE dossier") for s in seen)  # the keystroke was saved
        assert not [s for s in seen if asks_for_the_version_in_force(s)]
        assert len(seen) <= MOST_STATEMENTS, "\n".join(seen)
    assert citizen.dossier(path).answers["applicant_full_name"] == "Nguyễn Thị Hoà"


def test_the_page_load_still_asks(app, citizen):
    """The counter above can fail: the same listener sees the question on a page load."""
    path = citizen.start(BIRTH)
    with statements(app) as seen:
        assert citizen.client.get(path).status_code == 200
    assert [s for s in seen if asks_for_the_version_in_force(s)]


def test_a_new_version_reaches_an_open_draft_at_the_next_page_load_or_the_submit(
        app, demo, monkeypatch):
    citizen = Citizen(app, app.test_client())
    opened, sent = citizen.start(COPY), citizen.start(COPY)
    citizen.fill_complete(opened, COPY)
    citizen.fill_complete(sent, COPY)
    started = citizen.dossier(opened).procedure_version_id
    _, response = new_version(Admin(app, demo["staff"]["quantri"]), name_vi=NEW_NAME)
    assert response.status_code == 303
    set_today(monkeypatch, tomorrow())  # the new version is in force from today

    # The panel of the page left open keeps the version that page was rendered under…
    keystroke = citizen.post(opened + "/kiem-tra", {"applicant_full_name": "Trần Văn Bình"},
                             htmx=True)
    assert keystroke.status_code == 200
    kept = citizen.dossier(opened)
    assert kept.procedure_version_id == started
    assert kept.answers["applicant_full_name"] == "Trần Văn Bình"
    # …the next page load follows the law in force.
    page = citizen.client.get(opened)
    assert page.status_code == 200 and NEW_NAME in page.get_data(as_text=True)
    assert citizen.dossier(opened).procedure_version_id != started

    # A submit straight from the old page (no page load since) is sent under the new version.
    assert citizen.action(sent + "/nop").status_code == 303
    submitted = citizen.dossier(sent)
    assert submitted.status == 1 and submitted.procedure_version_id != started
