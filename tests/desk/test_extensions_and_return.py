"""Issue 11 at reception: the extra time the law allows (domain.md §5, §12 item 7), the return
channel chosen when filing or at the desk (only those the procedure allows, Form 01 item 6),
and a result sent by public post (hand-over day and tracking number)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.desk.conftest import COPY, MONDAY, check_all, load
from tests.html import check_page
from tthc.domain.workdays import load_calendar_file

MARRIAGE = "dang-ky-ket-hon"
RECOGNITION = "nhan-cha-me-con"
CORRECTION = "thay-doi-cai-chinh-ho-tich"
ADDRESS = "Số 12 ngõ 34 phố Thụy Khuê, phường Tây Hồ, Hà Nội"

# (procedure, extension key, legal working days, working days the law adds)
EXTENSIONS = [
    (COPY, "nhieu_giay_to", 0, 2),
    (MARRIAGE, "xac_minh", 0, 5),
    (RECOGNITION, "xac_minh", 3, 5),
    (CORRECTION, "xac_minh", 3, 3),
]


def lawful_due(days: int) -> dt.datetime:
    """Received on MONDAY before the cut-off: due at closing time, *days* working days on
    (counted on the holiday table, as domain.md §12 item 1 counts by hand)."""
    day = load_calendar_file().add_working_days(MONDAY.date(), days)
    return dt.datetime.combine(day, dt.time(17), tzinfo=MONDAY.tzinfo)


def printed(at: dt.datetime) -> str:
    return f"17 giờ 00 phút, ngày {at.strftime('%d/%m/%Y')}"


def citizen_address(app, dossier_id: int) -> str:
    return load(app, dossier_id).answers["applicant_address"]


def field_message(page: str, name: str) -> str:
    """The text of the message element beside the field *name*."""
    found = re.search(rf'id="{name}-error">(.*?)</p>', page, re.S)
    assert found, name
    return found[1]


@pytest.mark.parametrize("code,key,legal,extra", EXTENSIONS)
def test_an_extension_gives_the_lawful_date_on_the_slip(app, reception, dossier, clock,
                                                        code, key, legal, extra):
    dossier_id = dossier(code, state="checked")
    page = reception.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    check_page(page)
    due = lawful_due(legal + extra)
    # the choice says the date it gives before the officer picks it
    assert f'name="gia_han" value="{key}"' in page and printed(due) in page

    response = reception.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan", {"gia_han": key})
    assert response.status_code == 303
    assert "/phieu/01" in response.headers["Location"]  # the slip is required
    stored = load(app, dossier_id)
    assert (stored.status, stored.extension_key, stored.extension_days) == (2, key, extra)
    with app.app_context():
        from sqlalchemy import select

        from tthc.extensions import db
        from tthc.models import AccessLog

        details = db.session.scalars(select(AccessLog.detail).filter_by(
            dossier_id=dossier_id, action="update")).all()
    assert any(f"gia hạn {key}" in d for d in details)  # the change is in the access log
    assert not stored.same_day and stored.slip_requested
    assert stored.due_at.astimezone(MONDAY.tzinfo) == due

    slip = reception.get(response.headers["Location"]).get_data(as_text=True)
    assert printed(due) in slip
    assert f"gia hạn thêm {extra} ngày làm việc" in slip
    shown = reception.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    assert f"gia hạn {extra} ngày làm việc" in shown

    # 17:00 and after on the day it came: the law gave it more time, it is not overdue
    clock(MONDAY.replace(hour=17, minute=30))
    late = reception.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    assert 'class="overdue"' not in late


def test_without_the_extension_a_same_day_dossier_is_overdue_after_closing(app, reception,
                                                                           dossier, clock):
    # the counterpart of the test above: the same dossier, received without extra time
    dossier_id = dossier(COPY, state="checked")
    assert reception.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan", {}).status_code == 303
    assert load(app, dossier_id).same_day
    clock(MONDAY.replace(hour=17, minute=30))
    assert 'class="overdue"' in reception.get(f"/can-bo/ho-so/{dossier_id}").get_data(
        as_text=True)


def test_an_extension_the_procedure_does_not_allow_is_refused(app, reception, dossier):
    dossier_id = dossier(COPY, state="checked")
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan", {"gia_han": "xac_minh"})
    assert response.status_code == 422
    assert "Thủ tục này không có lý do gia hạn đã chọn" in field_message(
        response.get_data(as_text=True), "gia_han")
    assert load(app, dossier_id).status == 1


def test_the_channel_chosen_when_filing_reaches_the_desk_and_form_01(app, reception, prefiled):
    dossier_id, citizen, path = prefiled(COPY, submit=False)
    draft = citizen.client.get(path).get_data(as_text=True)
    check_page(draft)
    assert re.search(r'name="nhan_kq" value="desk" checked', draft)  # until one is chosen
    assert f">{citizen_address(app, dossier_id)}</textarea>" in draft  # prefilled
    # the review's send button posts the choice alone (no answers): nothing else changes
    response = citizen.action(path + "/nop", data={"nkq_shown": "1", "nhan_kq": "post",
                                                   "dia_chi_nhan": ADDRESS})
    assert response.status_code == 303
    stored = load(app, dossier_id)
    assert (stored.status, stored.return_channel, stored.return_address) == (1, "post", ADDRESS)

    page = reception.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    check_page(page)
    assert re.search(r'name="kenh_tra" value="post" checked', page)
    assert f">{ADDRESS}</textarea>" in page  # nothing to type again
    check_all(reception, app, dossier_id)
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan",
                              {"kenh_tra": "post", "dia_chi_tra": ADDRESS, "in_phieu": "1"})
    assert response.status_code == 303
    slip = reception.get(response.headers["Location"]).get_data(as_text=True)
    item6 = re.search(r"6\. Đăng ký nhận kết quả tại.*?</p>", slip, re.S)[0]
    assert "Qua dịch vụ bưu chính công ích" in item6 and ADDRESS in item6
    status = citizen.client.get(path).get_data(as_text=True)
    assert "Qua dịch vụ bưu chính công ích" in status


def test_the_desk_changes_the_channel_at_reception(app, reception, dossier):
    dossier_id = dossier(COPY, state="checked")
    with app.app_context():
        from tthc.extensions import db
        from tthc.models import Dossier

        db.session.get(Dossier, dossier_id).return_channel = "post"
        db.session.commit()
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan",
                              {"kenh_tra": "desk", "in_phieu": "1"})
    assert response.status_code == 303
    assert load(app, dossier_id).return_channel == "desk"
    slip = reception.get(response.headers["Location"]).get_data(as_text=True)
    item6 = re.search(r"6\. Đăng ký nhận kết quả tại.*?</p>", slip, re.S)[0]
    assert "Nhận tại Bộ phận Một cửa" in item6


def test_a_channel_the_procedure_does_not_allow_is_refused_at_the_desk(app, reception, dossier):
    dossier_id = dossier(MARRIAGE, state="checked")
    page = reception.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    assert 'name="kenh_tra" value="post"' not in page  # in person only (Luật Hộ tịch Art 18)
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan",
                              {"kenh_tra": "post", "dia_chi_tra": ADDRESS})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    check_page(html)
    assert "Thủ tục này không trả kết quả theo cách đã chọn" in field_message(html, "kenh_tra")
    stored = load(app, dossier_id)
    assert (stored.status, stored.return_channel) == (1, "")


def test_a_channel_the_procedure_does_not_allow_is_refused_when_filing(app, prefiled):
    dossier_id, citizen, path = prefiled(MARRIAGE, submit=False)
    draft = citizen.client.get(path).get_data(as_text=True)
    check_page(draft)
    assert 'name="nhan_kq" value="desk"' in draft and 'value="post"' not in draft
    response = citizen.action(path + "/nop", data={"nkq_shown": "1", "nhan_kq": "post"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Thủ tục này không trả kết quả theo cách đã chọn" in field_message(html, "nhan_kq")
    assert load(app, dossier_id).status == 0


def test_by_post_an_address_is_needed_when_filing(app, reception, prefiled):
    dossier_id, citizen, path = prefiled(COPY, submit=False)
    response = citizen.action(path + "/nop", data={"nkq_shown": "1", "nhan_kq": "post",
                                                   "dia_chi_nhan": "HN"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    check_page(html)
    assert "Nhập địa chỉ nhận kết quả qua bưu chính" in field_message(html, "dia_chi_nhan")
    assert ">HN</textarea>" in html and load(app, dossier_id).status == 0  # nothing lost
    # left empty: the place of residence, fixed on the dossier at reception (Form 01)
    response = citizen.action(path + "/nop", data={"nkq_shown": "1", "nhan_kq": "post",
                                                   "dia_chi_nhan": ""})
    assert response.status_code == 303
    assert load(app, dossier_id).return_address == ""
    check_all(reception, app, dossier_id)
    assert reception.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan", {}).status_code == 303
    stored = load(app, dossier_id)
    assert (stored.return_channel, stored.return_address) == \
        ("post", stored.answers["applicant_address"])


def test_a_postal_return_records_the_hand_over_and_tracking_number(app, reception, prefiled):
    dossier_id, citizen, path = prefiled(COPY)
    check_all(reception, app, dossier_id)
    reception.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan",
                   {"kenh_tra": "post", "dia_chi_tra": ADDRESS})
    assert reception.post(f"/can-bo/ho-so/{dossier_id}/xu-ly-xong", {}).status_code == 303
    page = reception.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    check_page(page)
    assert re.search(r'name="kenh_tra" value="post" checked', page)
    # the tracking number is required with a postal return; what was typed stays
    missing = reception.post(f"/can-bo/ho-so/{dossier_id}/tra-ket-qua",
                             {"kenh_tra": "post", "dia_chi": ADDRESS,
                              "ngay_gui": MONDAY.strftime("%d/%m/%Y"), "ma_buu_gui": ""})
    assert missing.status_code == 422
    html = missing.get_data(as_text=True)
    assert "mã vận đơn" in field_message(html, "ma_buu_gui")
    assert MONDAY.strftime("%d/%m/%Y") in html and load(app, dossier_id).status == 9

    response = reception.post(f"/can-bo/ho-so/{dossier_id}/tra-ket-qua",
                              {"kenh_tra": "post", "dia_chi": ADDRESS,
                               "ngay_gui": MONDAY.strftime("%d/%m/%Y"),
                               "ma_buu_gui": "el 123456789 vn"})
    assert response.status_code == 303
    assert "EL123456789VN" not in response.headers["Location"]  # nothing of it in URLs
    stored = load(app, dossier_id)
    assert (stored.status, stored.return_channel, stored.post_handed_on,
            stored.post_tracking) == (10, "post", MONDAY.date(), "EL123456789VN")
    shown = reception.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    assert "số hiệu bưu gửi EL123456789VN" in shown
    status = citizen.client.get(path).get_data(as_text=True)
    check_page(status)
    assert "EL123456789VN" in status and MONDAY.strftime("%d/%m/%Y") in status


def test_the_return_offers_only_the_channels_allowed(app, reception, dossier):
    dossier_id = dossier(MARRIAGE, state="resolved")
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/tra-ket-qua",
                              {"kenh_tra": "online"})
    assert response.status_code == 422
    assert "Thủ tục này không trả kết quả theo cách đã chọn" in field_message(
        response.get_data(as_text=True), "kenh_tra")
    assert load(app, dossier_id).status == 9


def test_a_long_form_offers_the_choice_with_the_review_send_button(app, prefiled):
    dossier_id, citizen, path = prefiled("dang-ky-khai-sinh", submit=False)
    review = citizen.client.get(path + "/kiem-tra-lai")
    assert review.status_code == 200
    html = review.get_data(as_text=True)
    check_page(html)
    send = html[html.index('action="' + path + '/nop"'):]
    assert 'name="nhan_kq" value="post"' in send[:send.index("</form>")]
    response = citizen.action(path + "/nop", data={"nkq_shown": "1", "nhan_kq": "zalo"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    check_page(html)
    assert "Kiểm tra lại trước khi nộp" in html  # the review again, the message beside
    assert "Thủ tục này không trả kết quả theo cách đã chọn" in field_message(html, "nhan_kq")
    assert load(app, dossier_id).status == 0


def test_a_change_of_procedure_keeps_the_extension_only_as_the_new_one_allows(app, reception,
                                                                             dossier):
    dossier_id = dossier(RECOGNITION, state="checked")
    reception.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan", {"gia_han": "xac_minh"})
    assert load(app, dossier_id).due_at.astimezone(MONDAY.tzinfo) == lawful_due(3 + 5)
    # the same reason under the right procedure: its own days (Luật Hộ tịch Art 28: +3)
    assert reception.post(f"/can-bo/ho-so/{dossier_id}/thu-tuc",
                          {"thu_tuc": CORRECTION}).status_code == 303
    stored = load(app, dossier_id)
    assert (stored.extension_key, stored.extension_days) == ("xac_minh", 3)
    assert stored.due_at.astimezone(MONDAY.tzinfo) == lawful_due(3 + 3)
    # a procedure without that reason: the plain legal time
    reception.post(f"/can-bo/ho-so/{dossier_id}/thu-tuc", {"thu_tuc": "dang-ky-giam-ho"})
    stored = load(app, dossier_id)
    assert (stored.extension_key, stored.extension_days) == ("", 0)
    assert stored.due_at.astimezone(MONDAY.tzinfo) == lawful_due(3)


def test_received_again_after_a_supplement_the_reason_is_offered_as_chosen(app, reception,
                                                                          dossier, demo):
    from tthc.desk import services
    from tthc.extensions import db
    from tthc.intake import services as intake
    from tthc.models import Dossier, Staff

    dossier_id = dossier(MARRIAGE, state="checked")
    reception.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan", {"gia_han": "xac_minh"})
    with app.app_context():
        staff = db.session.get(Staff, demo["staff"]["tiepnhan"])
        services.reception.request_supplement(dossier_id, staff, [
            services.reception.PostedItem("", "", "Bổ sung giấy xác nhận tình trạng hôn nhân")],
            "xác minh")
        intake.submit(db.session.get(Dossier, dossier_id))  # the citizen sends it again
    assert load(app, dossier_id).status == 1
    page = reception.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    assert re.search(r'name="gia_han" value="xac_minh" checked', page)


def test_the_766_measure_counts_the_extension_in_the_legal_time(app, reception, dossier):
    # After a supplement the first due date is counted again from the legal time: the
    # extension granted at reception is part of it, on the desk and in the reports alike.
    dossier_id = dossier(MARRIAGE, state="checked")
    assert reception.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan",
                          {"gia_han": "xac_minh"}).status_code == 303
    with app.app_context():
        from tthc.desk.services import returns
        from tthc.extensions import db
        from tthc.models import Dossier

        assert returns.times(db.session.get(Dossier, dossier_id)).statutory_days == 5
