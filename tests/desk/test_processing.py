"""After reception: hand-overs (Form 05), the result, its return, the one new date (Form 04),
and "overdue", which is derived, never stored."""

from __future__ import annotations

import datetime as dt
import json

from tests.desk.conftest import MONDAY, SINGLE, load
from tests.html import check_page


def local(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.timezone.utc).astimezone(MONDAY.tzinfo)


def test_hand_overs_are_logged_with_who_and_when(app, reception, specialist, dossier, demo):
    dossier_id = dossier(SINGLE, state="received")
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/chuyen",
                              {"can_bo": str(demo["staff"]["chuyenmon"]), "ghi_chu": "Gấp"})
    assert response.status_code == 303
    stored = load(app, dossier_id)
    assert stored.status == 4 and stored.handler_id == demo["staff"]["chuyenmon"]
    event = stored.events[-1]
    assert event.action == "handover" and event.at is not None
    assert json.loads(event.note) == {"from": demo["staff"]["tiepnhan"],
                                      "to": demo["staff"]["chuyenmon"], "note": "Gấp"}
    # …and back to the leader: a second row, the status stays "in progress"
    specialist.post(f"/can-bo/ho-so/{dossier_id}/chuyen",
                    {"can_bo": str(demo["staff"]["lanhdao"])})
    stored = load(app, dossier_id)
    assert [e.action for e in stored.events].count("handover") == 2 and stored.status == 4
    sheet = reception.get(f"/can-bo/ho-so/{dossier_id}/phieu/06").get_data(as_text=True)
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in sheet
    assert "Trần Văn Chuyên" in sheet and "Lê Văn Đạo" in sheet and "Trước hạn" in sheet


def test_hand_over_needs_a_colleague_of_the_office(app, reception, dossier, other_office):
    dossier_id = dossier(SINGLE, state="received")
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/chuyen",
                              {"can_bo": str(other_office["staff"]["specialist"])})
    assert response.status_code == 422
    assert "Chọn cán bộ nhận hồ sơ" in response.get_data(as_text=True)
    assert load(app, dossier_id).status == 2


def test_same_day_resolved_and_returned_at_the_desk(app, reception, prefiled):
    from tests.desk.conftest import check_all

    dossier_id, citizen, path = prefiled()
    check_all(reception, app, dossier_id)
    reception.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan", {})
    assert reception.post(f"/can-bo/ho-so/{dossier_id}/xu-ly-xong", {}).status_code == 303
    page = reception.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    check_page(page)
    assert 'id="nguoi_nhan"' in page
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/tra-ket-qua",
                              {"kenh_tra": "desk", "nguoi_nhan": "Nguyễn Thị Hoà"})
    assert response.status_code == 303
    stored = load(app, dossier_id)
    assert (stored.status, stored.return_channel, stored.returned_to) == \
        (10, "desk", "Nguyễn Thị Hoà")
    assert stored.resolved_at and stored.returned_at
    assert citizen.client.get(path).get_data(as_text=True).count("Đã trả kết quả") >= 1


def test_return_by_post_needs_the_address(app, reception, dossier):
    dossier_id = dossier(state="resolved")
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/tra-ket-qua", {"kenh_tra": "post"})
    assert response.status_code == 422
    assert "Nhập địa chỉ nhận kết quả qua bưu chính" in response.get_data(as_text=True)
    address = "Số 12 ngõ 34 phố Thụy Khuê, Hà Nội"
    reception.post(f"/can-bo/ho-so/{dossier_id}/tra-ket-qua",
                   {"kenh_tra": "post", "dia_chi": address,
                    "ngay_gui": MONDAY.strftime("%d/%m/%Y"), "ma_buu_gui": "EL123456789VN"})
    stored = load(app, dossier_id)
    assert (stored.status, stored.return_address) == (10, address)


def test_return_at_the_desk_needs_the_receivers_name(app, reception, dossier):
    dossier_id = dossier(state="resolved")
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/tra-ket-qua",
                              {"kenh_tra": "desk", "nguoi_nhan": ""})
    assert response.status_code == 422 and load(app, dossier_id).status == 9
    electronic = reception.post(f"/can-bo/ho-so/{dossier_id}/tra-ket-qua",
                                {"kenh_tra": "online"})
    assert electronic.status_code == 303 and load(app, dossier_id).return_channel == "online"


def test_overdue_is_derived_from_the_due_date(app, reception, dossier, clock):
    dossier_id = dossier(SINGLE, state="received")
    page = reception.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    assert 'class="overdue"' not in page
    clock(MONDAY + dt.timedelta(days=10))
    page = reception.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    assert 'class="overdue"' in page
    home = reception.get("/can-bo/tiep-nhan")
    assert home.status_code == 200


def test_one_new_date_at_least_a_day_before_the_due_date(app, specialist, leader, dossier,
                                                         clock):
    from tests.desk.test_matrix import working_day_from

    dossier_id = dossier(SINGLE, state="progress")
    due = local(load(app, dossier_id).due_at)
    new_day = working_day_from(due.date() + dt.timedelta(days=3))
    reason = "Chờ kết quả xác minh tình trạng hôn nhân ở nơi cư trú trước đây."
    late = clock(due - dt.timedelta(hours=12))
    refused = leader.post(f"/can-bo/ho-so/{dossier_id}/hen-lai",
                          {"ngay": new_day.strftime("%d/%m/%Y"), "ly_do_tre": reason,
                           "bao_tin": ["sms", "zalo"]})
    assert refused.status_code == 409 and "01 ngày" in refused.get_data(as_text=True)
    clock(late - dt.timedelta(days=2))
    response = specialist.post(f"/can-bo/ho-so/{dossier_id}/hen-lai",
                               {"ngay": new_day.strftime("%d/%m/%Y"), "ly_do_tre": reason,
                                "bao_tin": ["sms", "zalo"]})
    assert response.location.endswith("/phieu/04")
    stored = load(app, dossier_id)
    assert stored.rescheduled and local(stored.original_due_at) == due
    assert local(stored.due_at).date() == new_day and local(stored.due_at).hour == 17
    letter = specialist.get(response.location).get_data(as_text=True)
    assert "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in letter  # TT 03/2025
    assert reason in letter
    assert due.strftime("%d/%m/%Y") in letter and new_day.strftime("%d/%m/%Y") in letter
    again = leader.post(f"/can-bo/ho-so/{dossier_id}/hen-lai",
                        {"ngay": (new_day + dt.timedelta(days=7)).strftime("%d/%m/%Y"),
                         "ly_do_tre": reason, "bao_tin": ["sms", "zalo"]})
    assert again.status_code == 409 and "không được hẹn lại thêm" in again.get_data(as_text=True)


def test_a_new_date_must_be_a_working_day_and_well_formed(app, leader, dossier):
    dossier_id = dossier(SINGLE, state="received")
    due = local(load(app, dossier_id).due_at).date()
    sunday = due + dt.timedelta(days=(6 - due.weekday()) or 7)
    response = leader.post(f"/can-bo/ho-so/{dossier_id}/hen-lai",
                           {"ngay": sunday.strftime("%d/%m/%Y"), "ly_do_tre": "Chờ xác minh",
                            "bao_tin": "sms"})
    assert response.status_code == 422 and "không phải ngày làm việc" in \
        response.get_data(as_text=True)
    bad = leader.post(f"/can-bo/ho-so/{dossier_id}/hen-lai",
                      {"ngay": "31/02/2026", "gio": "25:00", "ly_do_tre": ""})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "Không có ngày 31/02/2026" in html and "giờ:phút" in html and "Ghi rõ lý do" in html
    assert 'value="31/02/2026"' in html
