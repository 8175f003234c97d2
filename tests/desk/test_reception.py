"""At the counter: open a dossier by code or scan, walk-ins and assisted filing, corrections,
the paper check, and receiving same day or with a slip."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests.desk.conftest import COPY, MONDAY, SINGLE, check_all, load
from tests.html import check_page
from tthc.extensions import db
from tthc.models import AccessLog, Ticket


def logs(app, dossier_id: int) -> list[tuple[str, str]]:
    with app.app_context():
        return [(r.action, r.detail) for r in db.session.scalars(
            select(AccessLog).filter_by(dossier_id=dossier_id).order_by(AccessLog.id))]


# --- the desk's home and opening a dossier --------------------------------------------------


def test_home_lists_waiting_dossiers_with_masked_phones(app, reception, dossier):
    dossier_id = dossier()
    html = reception.get("/can-bo/tiep-nhan").get_data(as_text=True)
    check_page(html)
    code = load(app, dossier_id).prefiling_code
    assert f"{code[:4]}-{code[4:]}" in html  # written as everywhere else
    assert "+84 *** *** 678" in html and "0912 345 678" not in html
    assert "Nguyễn Thị Hoà" not in html  # lists show no names


def test_open_by_code_as_read_aloud(app, reception, dossier):
    dossier_id = dossier()
    code = load(app, dossier_id).prefiling_code
    typed = f" {code[:4].lower()} – {code[4:]} "  # spaces, a dash, lower case
    response = reception.post("/can-bo/tiep-nhan/mo", {"ma": typed})
    assert response.status_code == 303
    assert response.location.endswith(f"/can-bo/ho-so/{dossier_id}")


def test_open_by_the_draft_link_a_scanner_types(app, reception, prefiled):
    dossier_id, _, path = prefiled()
    response = reception.post("/can-bo/tiep-nhan/mo", {"ma": f"https://phuong.example{path}"})
    assert response.location.endswith(f"/can-bo/ho-so/{dossier_id}")


def test_open_by_official_code_and_lookup_link(app, reception, dossier):
    dossier_id = dossier(state="received")
    code = load(app, dossier_id).code
    for raw in (code.lower(), f"http://localhost/tra-cuu?ma={code}"):
        response = reception.post("/can-bo/tiep-nhan/mo", {"ma": raw})
        assert response.location.endswith(f"/can-bo/ho-so/{dossier_id}"), raw


def test_open_by_a_ticket_link_given_for_the_dossier(app, reception, dossier, demo):
    from tthc.queue import services as queue

    dossier_id = dossier()
    with app.app_context():
        ticket = queue.issue_ticket(demo["office"], demo["groups"][0], dossier_id=dossier_id)
        token = ticket.token
    response = reception.post("/can-bo/tiep-nhan/mo", {"ma": f"http://x/so/{token}"})
    assert response.location.endswith(f"/can-bo/ho-so/{dossier_id}")


def test_unknown_code_keeps_what_was_typed_beside_a_message(reception):
    response = reception.post("/can-bo/tiep-nhan/mo", {"ma": "ZZZZ-9999"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Không tìm thấy hồ sơ" in html and 'value="ZZZZ-9999"' in html
    assert 'aria-invalid="true"' in html
    empty = reception.post("/can-bo/tiep-nhan/mo", {"ma": "  "})
    assert empty.status_code == 422 and "Nhập hoặc quét mã" in empty.get_data(as_text=True)


def test_the_ticket_at_the_counter_is_linked_and_opens_the_dossier(app, reception, dossier,
                                                                  demo):
    from tthc.models import Staff
    from tthc.queue import services as queue

    dossier_id = dossier()
    with app.app_context():
        queue.issue_ticket(demo["office"], demo["groups"][0])
        queue.call_next(db.session.get(Staff, demo["staff"]["tiepnhan"]))
    code = load(app, dossier_id).prefiling_code
    reception.post("/can-bo/tiep-nhan/mo", {"ma": code})
    with app.app_context():
        assert db.session.scalar(select(Ticket.dossier_id)) == dossier_id
    html = reception.get("/can-bo/tiep-nhan").get_data(as_text=True)
    assert "A-001" in html and f"/can-bo/ho-so/{dossier_id}" in html


# --- walk-ins and assisted filing ------------------------------------------------------------


def test_a_walk_in_gets_the_catalogue_form_and_is_sent_at_the_counter(app, reception):
    page = reception.get("/can-bo/tiep-nhan/moi")
    check_page(page.get_data(as_text=True))
    response = reception.post("/can-bo/tiep-nhan/moi", {"thu_tuc": COPY, "kenh": "1"})
    assert response.status_code == 303
    dossier_id = int(response.location.split("/")[-1].split("#")[0])
    stored = load(app, dossier_id)
    assert (stored.status, stored.channel, stored.assisted) == (1, 1, False)
    assert [e.action for e in stored.events] == ["create", "submit"]
    assert stored.events[-1].staff_id is not None  # sent by the citizen through the officer
    html = reception.get(response.location).get_data(as_text=True)
    check_page(html)
    assert 'id="applicant_full_name"' in html and "Còn" in html  # the form and its gaps
    assert ("create", "kênh 1") in logs(app, dossier_id)


def test_assisted_filing_records_the_officer_and_the_portal_code(app, reception, demo):
    response = reception.post("/can-bo/tiep-nhan/moi", {
        "thu_tuc": COPY, "kenh": "2", "ma_dvc": "G22.99.21-260302-0003"})
    stored = load(app, int(response.location.split("/")[-1].split("#")[0]))
    assert (stored.channel, stored.assisted, stored.portal_code) == \
        (2, True, "G22.99.21-260302-0003")
    assert stored.assisted_by_id == demo["staff"]["tiepnhan"]


def test_walk_in_form_errors_are_beside_the_fields(reception):
    response = reception.post("/can-bo/tiep-nhan/moi", {"thu_tuc": "khong-co", "kenh": "9",
                                                       "ma_dvc": "có dấu cách"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    check_page(html)
    assert "Chọn thủ tục" in html and "Chọn cách nộp" in html
    assert 'value="có dấu cách"' in html


def test_staff_type_the_walk_ins_answers_and_the_check_follows(app, reception):
    from tests.intake.conftest import APPLICANT

    response = reception.post("/can-bo/tiep-nhan/moi", {"thu_tuc": COPY, "kenh": "1"})
    dossier_id = int(response.location.split("/")[-1].split("#")[0])
    answers = {**APPLICANT, "documents": "1", "pages": "2", "copies": "3", "has_copies": "1"}
    saved = reception.post(f"/can-bo/ho-so/{dossier_id}/thong-tin", answers)
    assert saved.status_code == 303
    assert load(app, dossier_id).applicant_name == "Nguyễn Thị Hoà"
    wrong = reception.post(f"/can-bo/ho-so/{dossier_id}/thong-tin",
                           {**answers, "applicant_id_number": "12345"})
    assert wrong.status_code == 422
    html = wrong.get_data(as_text=True)
    assert "12 chữ số" in html and 'value="12345"' in html  # kept, with its message


# --- corrections -----------------------------------------------------------------------------


def test_a_typo_corrected_after_reception_is_logged_by_field_name_only(app, reception, dossier):
    from tests.intake.conftest import APPLICANT

    dossier_id = dossier(state="received")
    stored = load(app, dossier_id)
    answers = {**stored.answers, "applicant_full_name": "Nguyễn Thị Hòa"}
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/thong-tin", answers)
    assert response.status_code == 303
    assert load(app, dossier_id).answers["applicant_full_name"] == "Nguyễn Thị Hòa"
    updates = [d for a, d in logs(app, dossier_id) if a == "update"]
    assert updates == ["sửa: applicant_full_name"]
    assert APPLICANT["applicant_full_name"] not in " ".join(updates)
    slip = reception.get(f"/can-bo/ho-so/{dossier_id}/phieu/01").get_data(as_text=True)
    assert "Nguyễn Thị Hòa" in slip  # reprinted with the corrected name


def test_a_mis_chosen_procedure_is_corrected_and_the_due_date_follows(app, reception, dossier):
    dossier_id = dossier(state="received")
    assert load(app, dossier_id).same_day
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/thu-tuc", {"thu_tuc": SINGLE})
    assert response.status_code == 303
    stored = load(app, dossier_id)
    with app.app_context():
        from tthc.catalogue import services as catalogue

        assert stored.procedure_version_id == catalogue.get_in_force(SINGLE).id
    assert not stored.same_day
    assert ("update", f"thủ tục: {COPY} → {SINGLE}") in logs(app, dossier_id)
    bad = reception.post(f"/can-bo/ho-so/{dossier_id}/thu-tuc", {"thu_tuc": "khong-co"})
    assert bad.status_code == 422 and "Chọn thủ tục đúng" in bad.get_data(as_text=True)


def test_the_channel_and_portal_code_can_be_recorded_later(app, reception, dossier):
    dossier_id = dossier()
    reception.post(f"/can-bo/ho-so/{dossier_id}/kenh", {"kenh": "2", "ma_dvc": "ABC-1"})
    stored = load(app, dossier_id)
    assert (stored.channel, stored.portal_code, stored.assisted) == (2, "ABC-1", True)


# --- the paper check -----------------------------------------------------------------------


def test_verdicts_are_stored_per_paper_with_notes(app, reception, dossier):
    dossier_id = dossier()
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/giay-to", {
        "_form": "kiem-tra", "kt-ban_chinh": "original", "kt-ban_sao": "invalid",
        "ghi-chu-ban_sao": "Thiếu trang 2", "so-luong-ban_sao": "3"})
    assert response.status_code == 303
    checks = load(app, dossier_id).paper_checks
    assert checks["ban_chinh"]["verdict"] == "original"
    assert (checks["ban_sao"]["verdict"], checks["ban_sao"]["note"],
            checks["ban_sao"]["quantity"]) == ("invalid", "Thiếu trang 2", 3)
    html = reception.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    assert "Bản chụp cần chứng thực: không hợp lệ" in html


def test_the_check_answers_htmx_with_its_panel_only(app, reception, dossier, htmx_headers):
    dossier_id = dossier()
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/giay-to",
                              {"_form": "kiem-tra", "kt-ban_chinh": "original",
                               "kt-ban_sao": "copy"}, headers=htmx_headers)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html and "Hồ sơ đủ điều kiện tiếp nhận" in html
    check_page(html, full_page=False)
    bad = reception.post(f"/can-bo/ho-so/{dossier_id}/giay-to",
                         {"_form": "kiem-tra", "so-luong-ban_chinh": "nhiều"},
                         headers=htmx_headers)
    assert bad.status_code == 422 and "Nhập số bản từ 1 đến 99" in bad.get_data(as_text=True)


def test_checking_papers_of_a_received_dossier_with_htmx_says_why_in_the_message_area(
        app, reception, dossier, htmx_headers):
    dossier_id = dossier(state="received")
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/giay-to",
                              {"_form": "kiem-tra", "kt-ban_chinh": "original"},
                              headers=htmx_headers)
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "<html" not in html
    assert response.headers["HX-Retarget"] == "#flash"
    assert "không kiểm tra lại giấy tờ được" in html


def test_nothing_counts_until_the_officer_has_seen_it(app, reception, dossier):
    dossier_id = dossier()  # the citizen marked every paper "will bring"
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan", {})
    assert response.status_code == 409
    assert "Hồ sơ chưa đủ" in response.get_data(as_text=True)
    assert load(app, dossier_id).status == 1


# --- receiving -------------------------------------------------------------------------------


def test_same_day_reception_gets_a_code_and_no_slip(app, reception, dossier):
    dossier_id = dossier()
    check_all(reception, app, dossier_id)
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan", {})
    assert response.status_code == 303
    assert response.location.endswith(f"/can-bo/ho-so/{dossier_id}#giai-quyet")  # no slip
    stored = load(app, dossier_id)
    assert stored.status == 2 and stored.same_day and not stored.slip_requested
    assert stored.code == f"000.00.21.H26-{MONDAY:%y%m%d}-0001"
    due = stored.due_at.replace(tzinfo=dt.timezone.utc).astimezone(MONDAY.tzinfo)
    assert (due.date(), due.hour) == (MONDAY.date(), 17)
    assert [e.action for e in stored.events][-1] == "receive"
    assert ("update", f"tiếp nhận, mã {stored.code}") in logs(app, dossier_id)


def test_the_citizen_may_still_ask_for_the_slip(app, reception, dossier):
    dossier_id = dossier(state="checked")
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan", {"in_phieu": "1"})
    assert response.location.endswith(f"/can-bo/ho-so/{dossier_id}/phieu/01")
    stored = load(app, dossier_id)
    assert stored.same_day and stored.slip_requested


def test_a_multi_day_procedure_gets_form_01_with_its_due_date(app, reception, dossier):
    dossier_id = dossier(SINGLE, state="checked")
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan", {})
    assert response.location.endswith("/phieu/01")
    stored = load(app, dossier_id)
    assert not stored.same_day and stored.slip_requested


def test_after_the_cut_off_the_screen_warns_and_the_officer_chooses(app, reception, dossier,
                                                                    clock):
    clock(MONDAY.replace(hour=15, minute=40))
    dossier_id = dossier(state="checked")
    html = reception.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    assert "Đã quá 15:00" in html and 'name="giu_hen"' in html
    kept = dossier(state="checked")
    reception.post(f"/can-bo/ho-so/{kept}/tiep-nhan", {"giu_hen": "1"})
    assert load(app, kept).same_day
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan", {"giu_hen": "0"})
    assert response.location.endswith("/phieu/01")
    stored = load(app, dossier_id)
    due = stored.due_at.replace(tzinfo=dt.timezone.utc).astimezone(MONDAY.tzinfo)
    assert not stored.same_day and due.date() > MONDAY.date()


def test_the_cut_off_is_office_configuration(app, reception, dossier, clock, demo):
    from tthc.models import Setting

    with app.app_context():
        db.session.add(Setting(office_id=demo["office"], key="desk.cutoff", value="16:00"))
        db.session.commit()
    clock(MONDAY.replace(hour=15, minute=40))
    dossier_id = dossier(state="checked")
    html = reception.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    assert "Đã quá" not in html
    reception.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan", {})
    assert load(app, dossier_id).same_day


def test_receiving_twice_is_refused_with_a_message(app, reception, dossier):
    dossier_id = dossier(state="received")
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan", {})
    assert response.status_code == 409
    assert "Không thể thực hiện thao tác" in response.get_data(as_text=True)


def test_a_draft_the_citizen_did_not_send_is_taken_at_the_counter(app, reception, dossier):
    dossier_id = dossier(state="draft")
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/nhan-ho-so", {})
    assert response.status_code == 303
    stored = load(app, dossier_id)
    assert (stored.status, stored.channel) == (1, 1)
    again = reception.post(f"/can-bo/ho-so/{dossier_id}/nhan-ho-so", {})
    assert again.status_code == 409


def test_without_a_unit_code_no_code_is_given_and_nothing_changes(app, reception, dossier,
                                                                  demo):
    from tthc.models import Office

    with app.app_context():
        db.session.get(Office, demo["office"]).unit_code = ""
        db.session.commit()
    dossier_id = dossier(state="checked")
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan", {})
    assert response.status_code == 409 and "mã đơn vị" in response.get_data(as_text=True)
    stored = load(app, dossier_id)
    assert (stored.status, stored.code) == (1, None)


def test_the_code_pattern_is_office_configuration(app, reception, dossier, demo):
    from tthc.models import Setting

    with app.app_context():
        db.session.add(Setting(office_id=demo["office"], key="desk.code_pattern",
                               value="{unit}/{yyyymmdd}/{seq:05d}"))
        db.session.commit()
    dossier_id = dossier(state="received")
    assert load(app, dossier_id).code == f"000.00.21.H26/{MONDAY:%Y%m%d}/00001"


def test_the_withdrawal_asked_at_the_counter_is_recorded(app, reception, dossier):
    dossier_id = dossier()
    reception.post(f"/can-bo/ho-so/{dossier_id}/rut", {})
    stored = load(app, dossier_id)
    assert stored.status == 7 and stored.events[-1].staff_id is not None


@pytest.mark.parametrize("state", ["draft", "new", "checked", "received", "progress",
                                   "resolved", "returned"])
@pytest.mark.parametrize("who", ["reception", "specialist", "leader"])
def test_the_dossier_page_is_sound_in_every_state_for_every_reader(app, dossier, state, who,
                                                                   reception, specialist,
                                                                   leader):
    officer = {"reception": reception, "specialist": specialist, "leader": leader}[who]
    dossier_id = dossier(SINGLE, state=state)
    response = officer.get(f"/can-bo/ho-so/{dossier_id}")
    assert response.status_code == 200
    check_page(response.get_data(as_text=True))
    english = officer.get(f"/can-bo/ho-so/{dossier_id}?lang=en")
    assert english.status_code == 200 and 'lang="en"' in english.get_data(as_text=True)
