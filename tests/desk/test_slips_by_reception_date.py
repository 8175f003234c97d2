"""Issue 11, done when: the documents of a dossier cite the legal framework in force on the day
it was received (or decided on), whatever day they are printed. Each dossier here is brought
through the desk on its own date (the desk's clock), then printed on the desk's Monday.

- received 15/06/2025: Decree 61/2018 and every form of Circular 01/2018 (01 receipt, 02
  supplement, 03 refusal, 04 apology, 05 control sheet); no stop notice in that set;
- received 01/08/2025: Decree 118/2025 cited on the screens, the forms still those of
  Circular 01/2018 (until Circular 03/2025 takes effect);
- received today: Decree 118/2025 and the forms of Circular 03/2025 (Form 05 the stop notice).
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.desk.conftest import MONDAY, SINGLE, load
from tests.desk.test_form_sets import NEW_BASIS, OLD_BASIS, STOP_REASON, pages, reschedule
from tthc.timeutil import TZ

JUNE_2025 = dt.datetime(2025, 6, 15, 9, 30, tzinfo=TZ)  # before Decree 118/2025
AUGUST_2025 = dt.datetime(2025, 8, 1, 9, 30, tzinfo=TZ)  # Decree 118/2025, the 2018 forms
# Two working days, and no date among its answers (the citizen's answers are dated from the
# real today, which the desk checks against its clock).
CONTRACT = "chung-thuc-hop-dong"
APOLOGY_HINT = "Chỉ một lần, chậm nhất 01 ngày trước ngày hẹn trả ({})."
DECREE_61 = "Nghị định số 61/2018/NĐ-CP"
DECREE_118 = "Nghị định số 118/2025/NĐ-CP"


def _next_day(at: dt.datetime) -> dt.datetime:
    """The next working day at 10:00: a day the dossier may still be rescheduled."""
    from tthc.desk.services import calendar

    day = calendar().next_working_day(at.date())
    return dt.datetime.combine(day, dt.time(10), tzinfo=TZ)


def test_received_on_15_06_2025_every_document_is_of_decree_61_and_circular_01(
        app, dossier, reception, leader, specialist, clock):
    clock(JUNE_2025)
    dossier_id = dossier(CONTRACT, state="progress")
    received = load(app, dossier_id)
    assert (received.framework, received.form_set) == ("nd61-2018", "tt01-2018")
    clock(_next_day(JUNE_2025))
    page = leader.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    assert APOLOGY_HINT.format(DECREE_61 + ", Điều 19 khoản 9") in page
    reschedule(app, dossier_id)

    clock()  # printed on the desk's Monday
    page, receipt, letter, control = pages(reception, dossier_id, "01", "04", "05")
    assert "Văn bản áp dụng: Nghị định số 61/2018/NĐ-CP" in page and "118/2025" not in page
    assert "Mẫu 04: Phiếu xin lỗi và hẹn lại ngày trả kết quả" in page
    assert "Mẫu số 01" in receipt and "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in receipt
    assert "Mẫu số 04" in letter and "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in letter
    assert "Mẫu số 05" in control and "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in control
    for document in (receipt, letter, control):
        assert OLD_BASIS in document
        assert "03/2025" not in document and "118/2025" not in document
    assert "VĂN BẢN XIN LỖI" not in letter
    # Circular 01/2018 has no stop notice: processing cannot be stopped, Form 05 stays the
    # control sheet.
    assert "Dừng giải quyết hồ sơ (Mẫu 05)" not in specialist.get(
        f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    refused = specialist.post(f"/can-bo/ho-so/{dossier_id}/dung", {"ly_do_dung": STOP_REASON})
    assert refused.status_code == 409 and load(app, dossier_id).status == 4


def test_received_on_01_08_2025_decree_118_is_cited_with_the_2018_forms(
        app, dossier, reception, leader, clock):
    clock(AUGUST_2025)
    dossier_id = dossier(CONTRACT, state="progress")
    received = load(app, dossier_id)
    assert (received.framework, received.form_set) == ("nd118-2025", "tt01-2018")
    clock(_next_day(AUGUST_2025))
    page = leader.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    assert APOLOGY_HINT.format(DECREE_118) in page and "61/2018" not in page
    reschedule(app, dossier_id)

    clock()  # printed on the desk's Monday
    page, receipt, letter = pages(reception, dossier_id, "01", "04")
    assert "Văn bản áp dụng: Nghị định số 118/2025/NĐ-CP; biểu mẫu theo Thông tư số " \
           "01/2018/TT-VPCP." in page
    assert "Mẫu số 01" in receipt and OLD_BASIS in receipt
    assert "Mẫu số 04" in letter and "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in letter
    assert OLD_BASIS in letter and "03/2025" not in letter


@pytest.mark.parametrize("when, form_set, basis, other", [
    (JUNE_2025, "tt01-2018", OLD_BASIS, "03/2025"),
    (MONDAY, "tt03-2025", NEW_BASIS, "01/2018"),
], ids=["15-06-2025", "today"])
def test_a_refusal_and_a_request_to_supplement_print_the_set_of_their_day(
        app, dossier, reception, clock, when, form_set, basis, other):
    clock(when)
    refused, supplemented = dossier(), dossier()
    reason = "Giấy tờ không thuộc thẩm quyền chứng thực của Ủy ban nhân dân phường."
    assert reception.post(f"/can-bo/ho-so/{refused}/tu-choi",
                          {"ly_do": reason}).status_code == 303
    assert reception.post(f"/can-bo/ho-so/{supplemented}/bo-sung", {
        "so_muc": "1", "muc-0": "applicant_address",
        "ly-do-0": "Ghi rõ tổ dân phố."}).status_code == 303
    assert load(app, refused).form_set == load(app, supplemented).form_set == form_set
    clock()  # printed on the desk's Monday
    _, refusal = pages(reception, refused, "03")
    _, supplement = pages(reception, supplemented, "02")
    assert "Mẫu số 03" in refusal and "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in refusal
    assert "Mẫu số 02" in supplement and "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in supplement
    for document in (refusal, supplement):
        assert basis in document and other not in document


def test_received_today_the_receipt_and_the_stop_notice_are_of_circular_03(
        app, dossier, reception, specialist):
    dossier_id = dossier(SINGLE, state="progress")  # received through the desk today
    received = load(app, dossier_id)
    assert (received.framework, received.form_set) == ("nd118-2025-tt03", "tt03-2025")
    response = specialist.post(f"/can-bo/ho-so/{dossier_id}/dung", {"ly_do_dung": STOP_REASON})
    assert response.status_code == 303 and load(app, dossier_id).status == 8
    page, receipt, notice, control = pages(reception, dossier_id, "01", "05", "06")
    assert "Văn bản áp dụng: Nghị định số 118/2025/NĐ-CP; biểu mẫu theo Thông tư số " \
           "03/2025/TT-VPCP." in page and "61/2018" not in page
    assert "Mẫu số 01" in receipt and "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in receipt
    assert "Mẫu số 05" in notice and "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in notice
    assert STOP_REASON in notice
    assert "Mẫu số 06" in control and "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in control
    for document in (receipt, notice, control):
        assert NEW_BASIS in document and "01/2018" not in document


def test_a_late_supplement_is_refused_citing_the_framework_of_the_reception_date(
        app, dossier, specialist, clock):
    from tthc.desk.services import calendar

    dossier_id = dossier(SINGLE, state="progress")  # received today: Decree 118/2025
    last = calendar().add_working_days(MONDAY.date(), 3)
    clock(dt.datetime.combine(calendar().next_working_day(last), dt.time(8), tzinfo=TZ))
    response = specialist.post(f"/can-bo/ho-so/{dossier_id}/bo-sung", {
        "so_muc": "1", "muc-0": "", "ly-do-0": "Bản sao giấy khai sinh có chứng thực."})
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "Đã quá 3 ngày làm việc" in html
    assert DECREE_118 in html and "61/2018" not in html
