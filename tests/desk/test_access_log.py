"""Every staff read or change of a dossier is in the access log, and no log holds personal data."""

from __future__ import annotations

from sqlalchemy import select

from tests.desk.conftest import SINGLE, check_all
from tests.intake.conftest import APPLICANT
from tthc.extensions import db
from tthc.models import AccessLog


def entries(app, dossier_id: int | None = None) -> list[AccessLog]:
    with app.app_context():
        stmt = select(AccessLog).order_by(AccessLog.id)
        if dossier_id is not None:
            stmt = stmt.filter_by(dossier_id=dossier_id)
        rows = db.session.scalars(stmt).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def test_a_whole_dossier_life_leaves_one_entry_per_read_and_change(app, reception, specialist,
                                                                  dossier, demo):
    dossier_id = dossier(SINGLE)
    steps = [
        (reception, "GET", f"/can-bo/ho-so/{dossier_id}", {}, "view"),
        (reception, "POST", f"/can-bo/ho-so/{dossier_id}/kenh", {"kenh": "1"}, "update"),
        (reception, "GET", f"/can-bo/ho-so/{dossier_id}/bo-sung", {}, "view"),
    ]
    for officer, method, path, data, action in steps:
        before = len(entries(app, dossier_id))
        response = officer.get(path) if method == "GET" else officer.post(path, data)
        assert response.status_code in (200, 303)
        new = entries(app, dossier_id)[before:]
        assert [e.action for e in new] == [action], path
        assert new[0].staff_id == officer.staff_id and new[0].office_id == demo["office"]
    check_all(reception, app, dossier_id)
    reception.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan", {})
    reception.get(f"/can-bo/ho-so/{dossier_id}/phieu/01")
    specialist.get(f"/can-bo/ho-so/{dossier_id}")
    specialist.post(f"/can-bo/ho-so/{dossier_id}/xu-ly-xong", {})
    reception.post(f"/can-bo/ho-so/{dossier_id}/tra-ket-qua",
                   {"kenh_tra": "desk", "nguoi_nhan": APPLICANT["applicant_full_name"]})
    actions = [(e.action, e.staff_id) for e in entries(app, dossier_id)]
    assert ("print", reception.staff_id) in actions
    assert ("view", specialist.staff_id) in actions
    assert actions.count(("update", reception.staff_id)) >= 4  # channel, check, receive, return
    assert ("update", specialist.staff_id) in actions  # resolved


def test_no_log_entry_and_no_url_holds_personal_data(app, reception, prefiled):
    from tests.desk.conftest import load

    dossier_id, _, _ = prefiled()
    code = load(app, dossier_id).prefiling_code
    opened = reception.post("/can-bo/tiep-nhan/mo", {"ma": code})
    assert opened.location.endswith(f"/can-bo/ho-so/{dossier_id}")  # the code went by POST
    answers = {**load(app, dossier_id).answers, "applicant_phone": "0987 654 321",
               "applicant_id_number": "001190054321"}
    reception.post(f"/can-bo/ho-so/{dossier_id}/thong-tin", answers)
    check_all(reception, app, dossier_id)
    reception.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan", {})
    reception.get("/can-bo/so-theo-doi")
    details = " ".join(e.detail for e in entries(app))
    for value in (*APPLICANT.values(), "0987 654 321", "001190054321", "0987654321"):
        if len(value) > 3:  # not the "nu" of sex=nu, which is in "number"
            assert value not in details
    assert "applicant_phone" in details  # the field names are what was changed


def test_downloading_a_citizens_file_is_logged(app, reception, dossier):
    from tthc.intake import uploads
    from tthc.models import Upload

    dossier_id = dossier()
    with app.app_context():
        name = uploads.store(b"%PDF-1.4 a scan", uploads.PDF)
        upload = Upload(dossier_id=dossier_id, paper_key="ban_chinh", stored_name=name,
                        content_type=uploads.PDF, size=15)
        db.session.add(upload)
        db.session.commit()
        upload_id = upload.id
    response = reception.get(f"/can-bo/ho-so/{dossier_id}/tep/{upload_id}")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert "attachment" in response.headers["Content-Disposition"]
    assert [e.action for e in entries(app, dossier_id)][-1] == "download"
    assert reception.get(f"/can-bo/ho-so/{dossier_id}/tep/{upload_id + 1}").status_code == 404


def test_staff_pages_are_never_cached(app, reception, dossier):
    dossier_id = dossier()
    response = reception.get(f"/can-bo/ho-so/{dossier_id}")
    assert response.headers["Cache-Control"] == "no-store"


def test_a_refused_action_that_shows_the_dossier_is_logged_as_a_read(app, reception,
                                                                     specialist, dossier):
    dossier_id = dossier(SINGLE)
    before = len(entries(app, dossier_id))
    # Not received yet: the result cannot be marked ready; the page comes back with why (409).
    response = specialist.post(f"/can-bo/ho-so/{dossier_id}/xu-ly-xong", {})
    assert response.status_code == 409
    assert b"<form" in response.data  # the whole dossier page, not a message alone
    # An invalid form (no return channel chosen) shows the dossier again too (422).
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/tra-ket-qua", {})
    assert response.status_code == 422
    # Form 02 with nothing chosen: its page (the dossier's items) comes back (422).
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/bo-sung", {"so_muc": "1"})
    assert response.status_code == 422
    new = entries(app, dossier_id)[before:]
    assert [(e.action, e.staff_id, e.detail) for e in new] == [
        ("refused", specialist.staff_id, "xu-ly-xong (409)"),
        ("refused", reception.staff_id, "tra-ket-qua (422)"),
        ("refused", reception.staff_id, "bo-sung (422)"),
    ]


def test_a_refusal_for_htmx_shows_only_its_message_and_adds_no_read(app, specialist, dossier,
                                                                    htmx_headers):
    dossier_id = dossier(SINGLE)
    before = len(entries(app, dossier_id))
    response = specialist.post(f"/can-bo/ho-so/{dossier_id}/xu-ly-xong", {},
                               headers=htmx_headers)
    assert response.status_code == 409
    assert len(entries(app, dossier_id)) == before


def test_a_database_too_busy_for_the_log_line_still_gives_the_page(app, reception, dossier,
                                                                   monkeypatch, caplog):
    from sqlalchemy.exc import OperationalError

    from tthc.desk import pages, services
    from tthc.transactions import Busy

    def locked(*args, **kwargs):
        raise Busy("database is locked")

    def busy_log(*args, **kwargs):
        raise OperationalError("INSERT INTO access_log", {}, Exception("database is locked"))

    monkeypatch.setattr(services.reception, "refuse", locked)
    monkeypatch.setattr(pages, "logged", busy_log)
    dossier_id = dossier(SINGLE)
    reason = "Việc chứng thực không thuộc thẩm quyền của UBND cấp xã."
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/tu-choi", {"ly_do": reason})
    assert response.status_code == 503 and reason in response.get_data(as_text=True)
    assert f"refused action on dossier {dossier_id} not recorded" in caplog.text
