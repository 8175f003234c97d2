"""The official documents carry the dossier's data; the ledger (Form 06) lists, prints, exports."""

from __future__ import annotations

import datetime as dt
import io
import re

from sqlalchemy import select

from tests.desk.conftest import MONDAY, SINGLE, load
from tests.html import check_page
from tthc.extensions import db
from tthc.models import AccessLog


def test_form_01_has_the_code_due_date_and_hour_papers_and_qr(app, reception, dossier):
    dossier_id = dossier(SINGLE, state="received")
    stored = load(app, dossier_id)
    response = reception.get(f"/can-bo/ho-so/{dossier_id}/phieu/01")
    html = response.get_data(as_text=True)
    check_page(html)
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in html
    assert stored.code in html
    due = stored.due_at.replace(tzinfo=dt.timezone.utc).astimezone(MONDAY.tzinfo)
    assert f"17 giờ 00 phút, ngày {due:%d/%m/%Y}" in html
    assert f"09 giờ 30 phút, ngày {MONDAY:%d/%m/%Y}" in html  # received
    assert "3 ngày làm việc" in html
    assert "Nguyễn Thị Hoà" in html and "Số 12 ngõ 34 phố Thụy Khuê" in html
    assert "Đã xem bản chính" not in html and "Bản chính" in html  # the papers' table
    assert re.search(r'<svg[^>]*class="qr"', html)
    assert f"/tra-cuu?ma={stored.code}" in html or "tra-cuu" in html
    assert f"Quyển số: {MONDAY.year}, Số thứ tự: 1" in html
    assert "Nguyễn Thị Tiếp" in html  # the receiving officer signs


def test_slips_stay_in_vietnamese_on_an_english_screen(app, reception, dossier):
    dossier_id = dossier(state="received")
    reception.get("/can-bo/tiep-nhan?lang=en")
    html = reception.get(f"/can-bo/ho-so/{dossier_id}/phieu/01").get_data(as_text=True)
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in html


def test_a_reprint_says_so_and_every_print_is_logged(app, reception, dossier):
    dossier_id = dossier(state="received")
    first = reception.get(f"/can-bo/ho-so/{dossier_id}/phieu/01").get_data(as_text=True)
    again = reception.get(f"/can-bo/ho-so/{dossier_id}/phieu/01").get_data(as_text=True)
    assert "bản in lại" not in first and "bản in lại" in again
    with app.app_context():
        prints = db.session.scalars(select(AccessLog.detail).filter_by(
            dossier_id=dossier_id, action="print")).all()
    assert prints == ["mẫu 01", "mẫu 01"]


def test_a_slip_the_dossier_does_not_have_is_404(app, reception, dossier):
    dossier_id = dossier()
    for form in ("01", "02", "03", "04", "05", "99"):
        assert reception.get(f"/can-bo/ho-so/{dossier_id}/phieu/{form}").status_code == 404


def test_the_ledger_lists_received_dossiers_in_order_masked(app, reception, leader, dossier):
    first = dossier(state="received")
    second = dossier(SINGLE, state="received")
    dossier()  # not received: not in the ledger
    response = leader.get(f"/can-bo/so-theo-doi?tu={MONDAY:%d/%m/%Y}&den={MONDAY:%d/%m/%Y}")
    html = response.get_data(as_text=True)
    check_page(html)
    assert "SỔ THEO DÕI HỒ SƠ" in html
    codes = [load(app, first).code, load(app, second).code]
    assert html.index(codes[0]) < html.index(codes[1])
    assert "+84 *** *** 678" in html and "0912 345 678" not in html
    assert "Nguyễn Thị Hoà" in html
    with app.app_context():
        listed = db.session.scalars(select(AccessLog.dossier_id).filter_by(action="list")).all()
    assert sorted(listed) == sorted([first, second])


def test_the_ledger_filters_by_date(app, reception, dossier):
    dossier(state="received")
    day_before = MONDAY.date() - dt.timedelta(days=1)
    html = reception.get(f"/can-bo/so-theo-doi?tu=01/01/2026&den={day_before:%d/%m/%Y}"
                         ).get_data(as_text=True)
    assert "Không có hồ sơ nào" in html


def test_the_ledger_says_what_is_wrong_with_a_date(reception):
    response = reception.get("/can-bo/so-theo-doi?tu=32/01/2026&den=01/01/2026")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Không có ngày 32/01/2026" in html and 'value="32/01/2026"' in html
    reversed_ = reception.get("/can-bo/so-theo-doi?tu=02/01/2026&den=01/01/2026")
    assert reversed_.status_code == 422 and "Ngày kết thúc" in reversed_.get_data(as_text=True)
    xlsx = reception.get("/can-bo/so-theo-doi.xlsx?tu=nonsense")
    assert xlsx.status_code == 422


def test_the_ledger_exports_to_xlsx(app, reception, dossier):
    from openpyxl import load_workbook

    dossier_id = dossier(state="returned")
    response = reception.get(f"/can-bo/so-theo-doi.xlsx?tu={MONDAY:%d/%m/%Y}")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    assert sheet["A1"].value == "SỔ THEO DÕI HỒ SƠ"
    assert sheet["B5"].value == "Mã hồ sơ"
    row = [c.value for c in sheet[6]]
    assert row[0] == 1 and row[1] == load(app, dossier_id).code
    assert row[6] == "+84 *** *** 678"
    header = [c.value for c in sheet[5]]
    assert header[3] == "Số lượng hồ sơ (bộ)" and row[3] == "01"  # the dossier's sets
    assert header[7] == "Cơ quan chủ trì giải quyết" and row[7] == sheet["A2"].value
    assert header[13] == "Ký nhận" and row[13] is None  # signed on the printed book
    assert header[15] == "Ghi chú" and "Đã trả kết quả" in row[15]
    with app.app_context():
        assert db.session.scalar(select(AccessLog.action).filter_by(dossier_id=dossier_id,
                                                                    action="export"))


def test_settings_are_checked_and_saved(app, demo):
    from tests.desk.conftest import Officer

    admin = Officer(app, demo["staff"]["quantri"])
    page = admin.get("/can-bo/tiep-nhan/cai-dat").get_data(as_text=True)
    check_page(page)
    # No cut-off of the office's own: the field is empty and names the law's hour.
    assert 'id="gio_chot" name="gio_chot" value=""' in page and "15:00" in page
    assert "000.00.21.H26" in page and "gio_mo" not in page and "gio_dong" not in page
    bad = admin.post("/can-bo/tiep-nhan/cai-dat", {
        "ma_don_vi": "có dấu cách", "mau_ma": "{unit}-{seq:04d}", "gio_chot": "18:00"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "phải có ngày tiếp nhận" in html and "Giờ chốt phải" in html
    assert "không có dấu cách" in html and 'value="{unit}-{seq:04d}"' in html
    ok = admin.post("/can-bo/tiep-nhan/cai-dat", {
        "ma_don_vi": "000.00.99.X01", "mau_ma": "{unit}-{yyyymmdd}-{seq:05d}",
        "gio_chot": "16h00"})
    assert ok.status_code == 303
    with app.app_context():
        from tthc.desk import services

        assert services.settings(demo["office"]) == {
            "cutoff": "16:00",
            "pattern": "{unit}-{yyyymmdd}-{seq:05d}"}
