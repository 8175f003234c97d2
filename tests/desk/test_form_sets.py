"""The set of official forms: chosen by the office's admin, recorded by each dossier at the
desk's first decision, and printed from it afterwards (tthc/data/forms.toml)."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select

from tests.conftest import make_app, migrate_and_seed
from tests.desk.conftest import MONDAY, SINGLE, Officer, load, make_dossier
from tests.html import check_page
from tthc.extensions import db
from tthc.models import AccessLog, Dossier, Staff

SETTINGS = {"ma_don_vi": "000.00.21.H26", "mau_ma": "{unit}-{yymmdd}-{seq:04d}",
            "gio_chot": "15:00", "gio_mo": "07:30", "gio_dong": "17:00"}
OLD_BASIS = "Ban hành kèm theo Thông tư số 01/2018/TT-VPCP"
NEW_BASIS = "Phụ lục I ban hành kèm theo Thông tư số 03/2025/TT-VPCP"


@pytest.fixture
def admin(app, demo):
    return Officer(app, demo["staff"]["quantri"])


def switch(admin, key: str):
    return admin.post("/can-bo/tiep-nhan/cai-dat", {**SETTINGS, "bo_mau": key})


def reschedule(app, dossier_id: int) -> None:
    """Form 04 on a received dossier: a new date three working days after the due date."""
    from tests.desk.test_matrix import working_day_from
    from tthc.desk import services
    from tthc.timeutil import TZ

    with app.app_context():
        dossier = db.session.get(Dossier, dossier_id)
        staff = db.session.get(Staff, dossier.received_by_id)
        due = services.local(dossier.due_at)
        day = working_day_from(due.date() + dt.timedelta(days=3))
        new_due = dt.datetime.combine(day, dt.time(17), TZ)
        services.processing.reschedule(dossier_id, staff, new_due,
                                       "Chờ kết quả xác minh của nơi cư trú trước đây.", ["sms"])


def test_a_dossier_keeps_its_set_after_the_office_switches(app, reception, admin, dossier):
    before = dossier(SINGLE, state="received")
    assert load(app, before).form_set == "tt01-2018"
    assert switch(admin, "tt03-2025").status_code == 303
    after = dossier(SINGLE, state="received")
    assert load(app, after).form_set == "tt03-2025"
    assert load(app, before).form_set == "tt01-2018"
    for dossier_id in (before, after):
        reschedule(app, dossier_id)

    # The first dossier prints TT 01/2018: control sheet No. 05, its apology letter.
    receipt = reception.get(f"/can-bo/ho-so/{before}/phieu/01").get_data(as_text=True)
    check_page(receipt)
    assert "Mẫu số 01" in receipt and OLD_BASIS in receipt and "03/2025" not in receipt
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in receipt
    control = reception.get(f"/can-bo/ho-so/{before}/phieu/05").get_data(as_text=True)
    assert "Mẫu số 05" in control and "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in control
    assert reception.get(f"/can-bo/ho-so/{before}/phieu/06").status_code == 404
    letter = reception.get(f"/can-bo/ho-so/{before}/phieu/04").get_data(as_text=True)
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in letter and OLD_BASIS in letter
    page = reception.get(f"/can-bo/ho-so/{before}").get_data(as_text=True)
    assert "Mẫu 05: Phiếu kiểm soát quá trình giải quyết hồ sơ" in page
    assert f"/can-bo/ho-so/{before}/phieu/05" in page

    # The second prints TT 03/2025: control sheet No. 06, no No. 05 (stop: not produced).
    receipt = reception.get(f"/can-bo/ho-so/{after}/phieu/01").get_data(as_text=True)
    check_page(receipt)
    assert "Mẫu số 01" in receipt and NEW_BASIS in receipt and "01/2018" not in receipt
    control = reception.get(f"/can-bo/ho-so/{after}/phieu/06").get_data(as_text=True)
    assert "Mẫu số 06" in control and "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in control
    assert reception.get(f"/can-bo/ho-so/{after}/phieu/05").status_code == 404
    letter = reception.get(f"/can-bo/ho-so/{after}/phieu/04").get_data(as_text=True)
    check_page(letter)
    assert "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in letter
    assert "PHIẾU XIN LỖI" not in letter and NEW_BASIS in letter
    page = reception.get(f"/can-bo/ho-so/{after}").get_data(as_text=True)
    assert "Mẫu 06: Phiếu kiểm soát quá trình giải quyết hồ sơ" in page
    assert "Mẫu 04: Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết" in page
    assert "Thông báo dừng" not in page

    # Switching back changes neither.
    assert switch(admin, "tt01-2018").status_code == 303
    assert load(app, after).form_set == "tt03-2025"
    again = reception.get(f"/can-bo/ho-so/{after}/phieu/06").get_data(as_text=True)
    assert "Mẫu số 06" in again and NEW_BASIS in again


def test_the_set_is_recorded_at_the_first_decision_whatever_it_is(app, reception, admin,
                                                                  dossier):
    refused, supplemented = dossier(), dossier()
    assert load(app, refused).form_set is None  # nothing decided yet
    reason = "Giấy tờ không thuộc thẩm quyền chứng thực của Ủy ban nhân dân phường."
    response = reception.post(f"/can-bo/ho-so/{refused}/tu-choi", {"ly_do": reason})
    assert response.location.endswith("/phieu/03")
    response = reception.post(f"/can-bo/ho-so/{supplemented}/bo-sung", {
        "so_muc": "1", "muc-0": "applicant_address", "ly-do-0": "Ghi rõ tổ dân phố."})
    assert response.location.endswith("/phieu/02")
    assert load(app, refused).form_set == load(app, supplemented).form_set == "tt01-2018"
    assert switch(admin, "tt03-2025").status_code == 303
    refusal = reception.get(f"/can-bo/ho-so/{refused}/phieu/03").get_data(as_text=True)
    assert OLD_BASIS in refusal and "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in refusal
    # Received after the switch, after its supplement: it keeps the set of its Form 02.
    from tests.desk.conftest import check_all

    with app.app_context():
        dossier_ = db.session.get(Dossier, supplemented)
        dossier_.status, dossier_.supplement_items = 1, dossier_.supplement_items  # sent back
        db.session.commit()
    check_all(reception, app, supplemented)
    assert reception.post(f"/can-bo/ho-so/{supplemented}/tiep-nhan", {}).status_code == 303
    assert load(app, supplemented).form_set == "tt01-2018"
    supplement = reception.get(f"/can-bo/ho-so/{supplemented}/phieu/02").get_data(as_text=True)
    assert OLD_BASIS in supplement and "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in supplement


def test_a_dossier_that_recorded_no_set_prints_the_2018_set(app, reception, admin, dossier):
    from tthc.desk import services

    dossier_id = dossier(SINGLE, state="received")
    with app.app_context():  # as if received before sets were recorded (0004f leaves NULL)
        db.session.get(Dossier, dossier_id).form_set = None
        db.session.commit()
    assert switch(admin, "tt03-2025").status_code == 303
    control = reception.get(f"/can-bo/ho-so/{dossier_id}/phieu/05").get_data(as_text=True)
    assert "Mẫu số 05" in control and OLD_BASIS in control
    with app.app_context():  # a later decision records the set it was printed under
        dossier = db.session.get(Dossier, dossier_id)
        services.pin_form_set(dossier)
        assert dossier.form_set == "tt01-2018"


def test_the_instance_configuration_gives_the_default_set(app, reception, dossier):
    app.config["TTHC_DESK_FORM_SET"] = "tt03-2025"
    dossier_id = dossier(SINGLE, state="received")
    assert load(app, dossier_id).form_set == "tt03-2025"
    assert reception.get(f"/can-bo/ho-so/{dossier_id}/phieu/06").status_code == 200


def test_the_ledger_follows_the_set_the_office_uses(app, leader, admin, dossier):
    from openpyxl import load_workbook

    dossier(state="received")
    period = f"tu={MONDAY:%d/%m/%Y}&den={MONDAY:%d/%m/%Y}"
    html = leader.get(f"/can-bo/so-theo-doi?{period}").get_data(as_text=True)
    assert "Mẫu số 06" in html and OLD_BASIS in html and "SỔ THEO DÕI HỒ SƠ" in html
    assert "Mẫu số 06, in và tải tệp Excel" in leader.get("/can-bo").get_data(as_text=True)
    assert switch(admin, "tt03-2025").status_code == 303
    assert "Mẫu số 07, in và tải tệp Excel" in leader.get("/can-bo").get_data(as_text=True)
    html = leader.get(f"/can-bo/so-theo-doi?{period}").get_data(as_text=True)
    check_page(html)
    assert "Mẫu số 07" in html and NEW_BASIS in html and "SỔ THEO DÕI HỒ SƠ" in html
    sheet = load_workbook(io.BytesIO(leader.get(f"/can-bo/so-theo-doi.xlsx?{period}")
                                     .get_data())).active
    assert sheet["A1"].value == "SỔ THEO DÕI HỒ SƠ"
    assert sheet["A4"].value == f"Mẫu số 07 ({NEW_BASIS})"
    english = leader.get(f"/can-bo/so-theo-doi?{period}&lang=en").get_data(as_text=True)
    assert "DOSSIER LEDGER" in english


def test_the_settings_page_shows_the_sets_and_logs_the_switch(app, admin, demo):
    page = admin.get("/can-bo/tiep-nhan/cai-dat").get_data(as_text=True)
    check_page(page)
    assert 'value="tt01-2018" aria-describedby="bo_mau-note" checked' in page
    assert "Thông tư số 03/2025/TT-VPCP" in page and "chưa kiểm chứng" in page
    assert "Thông báo dừng giải quyết hồ sơ" in page
    assert "phần mềm chưa lập mẫu này" not in page  # every form of both sets is produced
    assert switch(admin, "tt03-2025").status_code == 303
    with app.app_context():
        logged = db.session.scalars(select(AccessLog).filter_by(action="settings")).all()
        assert [(e.detail, e.dossier_id, e.staff_id) for e in logged] == [
            ("desk.form_set: tt01-2018 → tt03-2025", None, demo["staff"]["quantri"])]
    assert switch(admin, "tt03-2025").status_code == 303  # nothing changed: nothing logged
    with app.app_context():
        assert db.session.scalar(select(db.func.count(AccessLog.id))
                                 .filter_by(action="settings")) == 1


def test_only_a_known_set_in_force_can_be_chosen(app, admin, clock):
    bad = switch(admin, "tt99-2030")
    assert bad.status_code == 422
    assert "Chọn một bộ biểu mẫu trong danh sách" in bad.get_data(as_text=True)
    clock(dt.datetime(2025, 9, 1, 9, 30, tzinfo=MONDAY.tzinfo))  # before 15/09/2025
    early = switch(admin, "tt03-2025")
    html = early.get_data(as_text=True)
    assert early.status_code == 422 and "chưa có hiệu lực" in html
    assert re.search(r'value="tt03-2025"[^>]* disabled', html)
    with app.app_context():
        assert not db.session.scalars(select(AccessLog).filter_by(action="settings")).all()


def test_a_page_without_the_choice_keeps_the_set(app, admin, demo):
    assert switch(admin, "tt03-2025").status_code == 303
    assert admin.post("/can-bo/tiep-nhan/cai-dat", SETTINGS).status_code == 303
    with app.app_context():
        from tthc.desk import services

        assert services.settings(demo["office"])["form_set"] == "tt03-2025"


@pytest.mark.parametrize("role", ["tiepnhan", "chuyenmon", "lanhdao"])
def test_only_the_admin_switches_the_set(app, demo, role):
    other = Officer(app, demo["staff"][role])
    response = other.post("/can-bo/tiep-nhan/cai-dat", {**SETTINGS, "bo_mau": "tt03-2025"})
    assert response.status_code == 403
    with app.app_context():
        from tthc.desk import services

        assert services.settings(demo["office"])["form_set"] == "tt01-2018"


# --- the migration ----------------------------------------------------------------------------


def test_one_head_and_the_column_after_upgrade(app, dossier):
    from alembic.script import ScriptDirectory
    from flask import current_app

    dossier_id = dossier(SINGLE, state="received")
    with app.app_context():
        config = current_app.extensions["migrate"].migrate.get_config()
        assert len(ScriptDirectory.from_config(config).get_heads()) == 1
        downgrade(revision="0003q")  # a database from before 0004f, with a received dossier
        assert "form_set" not in {c["name"] for c in inspect(db.engine).get_columns("dossier")}
        upgrade()
        columns = {c["name"]: c for c in inspect(db.engine).get_columns("dossier")}
        assert columns["form_set"]["nullable"]
        db.session.remove()
        assert db.session.get(Dossier, dossier_id).form_set is None
    assert load(app, dossier_id).code  # the dossier survived the round trip


@pytest.mark.postgres
def test_postgres_upgrade_adds_the_column_and_old_dossiers_print_2018(postgres_url, tmp_path):
    app = make_app(postgres_url, tmp_path)
    migrate_and_seed(app)
    try:
        dossier_id = make_dossier(app, SINGLE, state="received")
        with app.app_context():
            downgrade(revision="0003q")
            upgrade()
            db.session.remove()
            dossier = db.session.get(Dossier, dossier_id)
            assert dossier.form_set is None
            from tthc.desk import formsets

            assert formsets.of(dossier).key == "tt01-2018"
    finally:
        with app.app_context():
            db.engine.dispose()


STOP_REASON = "Công dân có văn bản đề nghị dừng giải quyết hồ sơ."


def stopping(app, form_set: str) -> int:
    """A dossier in progress whose documents follow *form_set*."""
    dossier_id = make_dossier(app, state="progress")
    with app.app_context():
        db.session.get(Dossier, dossier_id).form_set = form_set
        db.session.commit()
    return dossier_id


def test_processing_is_stopped_with_the_notice_of_the_2025_set(app, specialist, reception):
    dossier_id = stopping(app, "tt03-2025")
    page = specialist.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    assert "Dừng giải quyết hồ sơ (Mẫu 05)" in page
    # A reason too short to say anything: the page again, the message by the field.
    short = specialist.post(f"/can-bo/ho-so/{dossier_id}/dung", {"ly_do_dung": "dừng"})
    html = short.get_data(as_text=True)
    assert short.status_code == 422 and 'id="ly_do_dung-error"' in html
    assert "Ghi rõ lý do dừng giải quyết" in html and ">dừng</textarea>" in html
    assert load(app, dossier_id).status == 4
    response = specialist.post(f"/can-bo/ho-so/{dossier_id}/dung", {"ly_do_dung": STOP_REASON})
    assert response.status_code == 303
    assert response.location == f"/can-bo/ho-so/{dossier_id}/phieu/05"
    stopped = load(app, dossier_id)
    assert stopped.status == 8
    event = stopped.events[-1]
    assert (event.action, event.source, event.target, event.note) == ("stop", 4, 8, STOP_REASON)
    notice = specialist.get(response.location).get_data(as_text=True)
    check_page(notice)
    assert "Mẫu số 05" in notice and "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in notice
    assert STOP_REASON in notice and NEW_BASIS in notice and stopped.code in notice
    # Listed among the dossier's documents; no way to stop it twice.
    page = reception.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    assert "Mẫu 05: Thông báo dừng giải quyết hồ sơ" in page
    assert "Dừng giải quyết hồ sơ (Mẫu 05)" not in page
    again = specialist.post(f"/can-bo/ho-so/{dossier_id}/dung", {"ly_do_dung": STOP_REASON})
    assert again.status_code == 409 and load(app, dossier_id).status == 8


def test_the_2018_set_has_no_stop_notice(app, specialist):
    dossier_id = stopping(app, "tt01-2018")
    page = specialist.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    assert "Dừng giải quyết" not in page
    refused = specialist.post(f"/can-bo/ho-so/{dossier_id}/dung", {"ly_do_dung": STOP_REASON})
    assert refused.status_code == 409
    assert "không có thông báo dừng giải quyết" in refused.get_data(as_text=True)
    assert load(app, dossier_id).status == 4
    assert specialist.get(f"/can-bo/ho-so/{dossier_id}/phieu/05").status_code == 200  # control


def test_only_a_dossier_in_progress_can_be_stopped(app, specialist):
    dossier_id = make_dossier(app, state="received")
    with app.app_context():
        db.session.get(Dossier, dossier_id).form_set = "tt03-2025"
        db.session.commit()
    assert "Dừng giải quyết hồ sơ" not in specialist.get(
        f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    refused = specialist.post(f"/can-bo/ho-so/{dossier_id}/dung", {"ly_do_dung": STOP_REASON})
    assert refused.status_code == 409 and load(app, dossier_id).status == 2
