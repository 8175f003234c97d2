"""Form 02 (a supplement, once and completely) and Form 03 (a refusal with its reason)."""

from __future__ import annotations

import datetime as dt

from tests.desk.conftest import MONDAY, SINGLE, check_all, load
from tests.html import check_page


def ask_for_copies(reception, dossier_id: int):
    """The officer finds the photocopies invalid, then opens Form 02."""
    reception.post(f"/can-bo/ho-so/{dossier_id}/giay-to", {
        "_form": "kiem-tra", "kt-ban_chinh": "original", "kt-ban_sao": "invalid",
        "ghi-chu-ban_sao": "thiếu trang 2 của hộ chiếu"})
    return reception.get(f"/can-bo/ho-so/{dossier_id}/bo-sung")


def test_form_02_is_generated_from_the_check_and_editable(app, reception, prefiled):
    dossier_id, _, _ = prefiled()
    page = ask_for_copies(reception, dossier_id)
    html = page.get_data(as_text=True)
    check_page(html)
    assert "«Bản chụp cần chứng thực» không hợp lệ: thiếu trang 2 của hộ chiếu" in html
    assert 'name="muc-0" value="paper:ban_sao"' in html


def test_the_supplement_is_stored_as_the_citizens_draft_reads_it(app, reception, prefiled):
    dossier_id, citizen, path = prefiled()
    ask_for_copies(reception, dossier_id)
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/bo-sung", {
        "so_muc": "2", "muc-0": "paper:ban_sao", "de-xuat-0": "1", "chon-0": "1",
        "ly-do-0": "Mang bản chụp đủ các trang của hộ chiếu.",
        "muc-1": "applicant_address", "ly-do-1": "Ghi rõ tổ dân phố.",
        "ly_do_chung": "Hồ sơ chưa đầy đủ."})
    assert response.status_code == 303
    assert response.location.endswith(f"/can-bo/ho-so/{dossier_id}/phieu/02")
    stored = load(app, dossier_id)
    assert stored.status == 5
    assert stored.supplement_items == [
        {"target": "paper:ban_sao", "label": "Bản chụp cần chứng thực",
         "reason": "Mang bản chụp đủ các trang của hộ chiếu."},
        {"target": "applicant_address", "label": "Nơi cư trú", "reason": "Ghi rõ tổ dân phố."}]
    assert "ban_sao" not in stored.papers_confirmed and "ban_sao" not in stored.paper_checks
    assert stored.supplement_count == 0  # asked at intake: no clock was running

    slip = reception.get(response.location).get_data(as_text=True)
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in slip
    assert "Mang bản chụp đủ các trang của hộ chiếu." in slip and "Hồ sơ chưa đầy đủ." in slip

    # The citizen's phone: the draft reopens with just those items.
    draft = citizen.client.get(path).get_data(as_text=True)
    assert "Bộ phận Một cửa yêu cầu bổ sung" in draft
    assert 'id="giay-to-ban_sao"' in draft and 'id="applicant_address"' in draft
    assert 'id="giay-to-ban_chinh"' not in draft and 'id="applicant_full_name"' not in draft
    assert "Ghi rõ tổ dân phố." in draft


def test_the_citizen_completes_it_and_the_desk_receives(app, reception, prefiled):
    dossier_id, citizen, path = prefiled()
    ask_for_copies(reception, dossier_id)
    reception.post(f"/can-bo/ho-so/{dossier_id}/bo-sung", {
        "so_muc": "1", "muc-0": "paper:ban_sao", "de-xuat-0": "1", "chon-0": "1",
        "ly-do-0": "Mang bản chụp đủ các trang."})
    citizen.post(path + "/luu", {"papers_confirmed": ["ban_sao"]})
    assert citizen.action(path + "/nop").status_code == 303
    assert load(app, dossier_id).status == 1
    check_all(reception, app, dossier_id)
    reception.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan", {})
    stored = load(app, dossier_id)
    assert stored.status == 2 and stored.code
    assert [e.action for e in stored.events][-3:] == ["request_supplement", "complete_supplement",
                                                     "receive"]
    timeline = citizen.client.get(path).get_data(as_text=True)
    assert "Yêu cầu bổ sung giấy tờ" in timeline and "Được tiếp nhận" in timeline


def test_after_reception_the_legal_time_restarts_and_the_wait_is_kept(app, reception,
                                                                      specialist, dossier,
                                                                      clock):
    dossier_id = dossier(SINGLE, state="received")
    first = load(app, dossier_id)
    response = specialist.post(f"/can-bo/ho-so/{dossier_id}/bo-sung", {
        "so_muc": "1", "muc-0": "", "ly-do-0": "Nộp bản sao giấy xác nhận nơi cư trú trước đây."})
    assert response.status_code == 303
    assert load(app, dossier_id).supplement_count == 1
    back = clock(MONDAY + dt.timedelta(days=2))  # Wednesday, the citizen comes back
    reception.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan", {})
    stored = load(app, dossier_id)
    assert stored.status == 2 and stored.code == first.code
    assert stored.received_at == first.received_at  # the first reception stays
    due = stored.due_at.replace(tzinfo=dt.timezone.utc).astimezone(MONDAY.tzinfo)
    with app.app_context():
        from tthc.desk import services

        expected = services.calendar().add_working_days(back.date(), 3)
    assert due.date() == expected  # 3 working days counted again from Wednesday
    assert stored.supplement_wait_seconds == 2 * 24 * 3600


def test_form_02_needs_an_item_and_a_reason_for_each(app, reception, dossier):
    dossier_id = dossier()
    empty = reception.post(f"/can-bo/ho-so/{dossier_id}/bo-sung", {"so_muc": "1", "muc-0": ""})
    assert empty.status_code == 422
    assert "Ghi ít nhất một nội dung" in empty.get_data(as_text=True)
    unexplained = reception.post(f"/can-bo/ho-so/{dossier_id}/bo-sung", {
        "so_muc": "1", "muc-0": "paper:ban_sao", "de-xuat-0": "1", "chon-0": "1", "ly-do-0": ""})
    assert unexplained.status_code == 422
    twice = reception.post(f"/can-bo/ho-so/{dossier_id}/bo-sung", {
        "so_muc": "2", "muc-0": "applicant_address", "ly-do-0": "a",
        "muc-1": "applicant_address", "ly-do-1": "b"})
    assert twice.status_code == 422 and "đã có ở trên" in twice.get_data(as_text=True)
    assert load(app, dossier_id).status == 1


def test_refusal_needs_its_specific_reason_and_prints_form_03(app, reception, dossier):
    dossier_id = dossier()
    vague = reception.post(f"/can-bo/ho-so/{dossier_id}/tu-choi", {"ly_do": "không"})
    assert vague.status_code == 422
    html = vague.get_data(as_text=True)
    assert "Ghi rõ lý do cụ thể" in html and 'value="không"' not in html  # a textarea keeps it
    assert ">không</textarea>" in html
    reason = "Bản chính là giấy tờ nước ngoài chưa được hợp pháp hóa lãnh sự."
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/tu-choi", {"ly_do": reason})
    assert response.location.endswith("/phieu/03")
    stored = load(app, dossier_id)
    assert (stored.status, stored.refusal_reason) == (3, reason)
    slip = reception.get(response.location).get_data(as_text=True)
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in slip and reason in slip


def test_a_specialist_refuses_after_appraisal(app, specialist, dossier):
    dossier_id = dossier(SINGLE, state="progress")
    response = specialist.post(f"/can-bo/ho-so/{dossier_id}/tu-choi",
                               {"ly_do": "Người yêu cầu không cư trú tại phường."})
    assert response.status_code == 303 and load(app, dossier_id).status == 3
