"""The legal framework by date: a dossier follows the texts in force on the day it is received
(tthc/data/frameworks.toml), cites them on the desk's screens and prints their forms; the set
of forms it recorded at the desk's first decision stays; the admin's day for an unverified
version decides the next receptions."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select

from tests.conftest import make_app, migrate_and_seed
from tests.desk.conftest import MONDAY, SINGLE, Officer, load, make_dossier
from tests.html import check_page
from tthc.extensions import db
from tthc.models import AccessLog, Dossier, Setting, Staff
from tthc.timeutil import TZ

OLD_BASIS = "Ban hành kèm theo Thông tư số 01/2018/TT-VPCP"
NEW_BASIS = "Phụ lục I ban hành kèm theo Thông tư số 03/2025/TT-VPCP"
TT03 = "nd118-2025-tt03"
UNVERIFIED = "chưa kiểm chứng"  # the admin's words: never on a desk page or a slip


@pytest.fixture
def admin(app, demo):
    return Officer(app, demo["staff"]["quantri"])


def set_date(admin, key: str, day: dt.date):
    """The admin sets the day an unverified framework version takes effect."""
    return admin.post("/can-bo/quan-tri/van-ban", {"phien_ban": key,
                                                   "ngay": day.strftime("%d/%m/%Y")})


def reschedule(app, dossier_id: int) -> None:
    """Form 04 on a received dossier: a new date three working days after the due date."""
    from tests.desk.test_matrix import working_day_from
    from tthc.desk import services

    with app.app_context():
        dossier = db.session.get(Dossier, dossier_id)
        staff = db.session.get(Staff, dossier.received_by_id)
        due = services.local(dossier.due_at)
        day = working_day_from(due.date() + dt.timedelta(days=3))
        new_due = dt.datetime.combine(day, dt.time(17), TZ)
        services.processing.reschedule(dossier_id, staff, new_due,
                                       "Chờ kết quả xác minh của nơi cư trú trước đây.", ["sms"])


def pages(officer, dossier_id: int, *forms: str) -> list[str]:
    """The dossier's page and its documents *forms*, each checked as valid HTML."""
    found = []
    for path in ["", *(f"/phieu/{form}" for form in forms)]:
        response = officer.get(f"/can-bo/ho-so/{dossier_id}{path}")
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        check_page(html)
        assert UNVERIFIED not in html.lower(), path
        found.append(html)
    return found


def test_a_dossier_received_on_15_06_2025_cites_decree_61_and_prints_the_2018_forms(
        app, reception, dossier, clock):
    clock(dt.datetime(2025, 6, 13, 9, 30, tzinfo=TZ))  # a working Friday: same day
    decision = reception.get(f"/can-bo/ho-so/{dossier()}").get_data(as_text=True)
    assert "không lập giấy hẹn (Nghị định số 61/2018/NĐ-CP, Điều 17 khoản 4)" in decision
    clock(dt.datetime(2025, 6, 15, 9, 30, tzinfo=TZ))
    dossier_id = dossier()
    from tests.desk.conftest import check_all

    check_all(reception, app, dossier_id)
    assert reception.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan",
                          {"in_phieu": "1"}).status_code == 303
    received = load(app, dossier_id)
    assert (received.framework, received.form_set) == ("nd61-2018", "tt01-2018")
    clock()  # today: what it recorded stays
    page, receipt, control = pages(reception, dossier_id, "01", "05")
    assert "Văn bản áp dụng: Nghị định số 61/2018/NĐ-CP (sửa đổi, bổ sung bởi Nghị định " \
           "số 107/2021/NĐ-CP); biểu mẫu theo Thông tư số 01/2018/TT-VPCP." in page
    assert "118/2025" not in page
    assert "Mẫu số 01" in receipt and OLD_BASIS in receipt and "03/2025" not in receipt
    assert "Mẫu số 05" in control and "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in control
    assert reception.get(f"/can-bo/ho-so/{dossier_id}/phieu/06").status_code == 404


def test_a_dossier_received_today_cites_decree_118_and_prints_the_2025_forms(
        app, reception, leader, dossier):
    new = dossier()
    decision = reception.get(f"/can-bo/ho-so/{new}").get_data(as_text=True)
    assert "không lập giấy hẹn (Nghị định số 118/2025/NĐ-CP)" in decision
    assert "61/2018" not in decision
    dossier_id = dossier(SINGLE, state="received")
    received = load(app, dossier_id)
    assert (received.framework, received.form_set) == (TT03, "tt03-2025")
    page, = pages(leader, dossier_id)  # the leader may reschedule
    assert "Chỉ một lần, chậm nhất 01 ngày trước ngày hẹn trả (Nghị định số 118/2025/NĐ-CP)." \
        in page
    assert "Văn bản áp dụng: Nghị định số 118/2025/NĐ-CP; biểu mẫu theo Thông tư số " \
           "03/2025/TT-VPCP." in page and "61/2018" not in page
    reschedule(app, dossier_id)
    page, receipt, control, letter = pages(reception, dossier_id, "01", "06", "04")
    assert "Mẫu số 01" in receipt and NEW_BASIS in receipt and "01/2018" not in receipt
    assert "Mẫu số 06" in control and "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in control
    assert "Mẫu số 04" in letter and NEW_BASIS in letter
    assert "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in letter
    assert "PHIẾU XIN LỖI" not in letter
    assert "Mẫu 06: Phiếu kiểm soát quá trình giải quyết hồ sơ" in page
    assert "Mẫu 04: Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết" in page
    assert reception.get(f"/can-bo/ho-so/{dossier_id}/phieu/05").status_code == 404  # not stopped
    # The ledger is the 2025 Form 07.
    period = f"tu={MONDAY:%d/%m/%Y}&den={MONDAY:%d/%m/%Y}"
    ledger = leader.get(f"/can-bo/so-theo-doi?{period}").get_data(as_text=True)
    check_page(ledger)
    assert "Mẫu số 07" in ledger and NEW_BASIS in ledger and UNVERIFIED not in ledger.lower()
    for column in ("Cơ quan chủ trì giải quyết", "Ký nhận", "Số lượng hồ sơ (bộ)"):
        assert f'<th scope="col">{column}</th>' in ledger


def test_from_01_07_2025_decree_118_with_the_2018_forms_until_circular_03(
        app, reception, dossier, clock):
    clock(dt.datetime(2025, 8, 1, 9, 30, tzinfo=TZ))
    dossier_id = dossier(state="received")
    received = load(app, dossier_id)
    assert (received.framework, received.form_set) == ("nd118-2025", "tt01-2018")
    clock()
    page, receipt, control = pages(reception, dossier_id, "01", "05")
    assert "Văn bản áp dụng: Nghị định số 118/2025/NĐ-CP; biểu mẫu theo Thông tư số " \
           "01/2018/TT-VPCP." in page
    assert OLD_BASIS in receipt and "Mẫu số 05" in control


def test_the_admins_day_for_circular_03_decides_the_next_receptions(app, reception, leader,
                                                                     admin, demo, dossier):
    before = dossier(SINGLE, state="received")
    later = MONDAY.date() + dt.timedelta(days=7)
    assert set_date(admin, TT03, later).status_code == 303
    with app.app_context():
        logged = db.session.scalars(select(AccessLog).filter_by(action="settings")).all()
        assert [(e.detail, e.dossier_id, e.staff_id) for e in logged] == [
            (f"framework.date.{TT03}: 2025-09-15 → {later.isoformat()}", None,
             demo["staff"]["quantri"])]
    after = dossier(SINGLE, state="received")
    assert (load(app, after).framework, load(app, after).form_set) == ("nd118-2025",
                                                                       "tt01-2018")
    assert (load(app, before).framework, load(app, before).form_set) == (TT03, "tt03-2025")
    assert OLD_BASIS in reception.get(f"/can-bo/ho-so/{after}/phieu/01").get_data(as_text=True)
    assert NEW_BASIS in reception.get(f"/can-bo/ho-so/{before}/phieu/01").get_data(
        as_text=True)
    # The ledger and the staff home follow the framework in force today: Form 06 again.
    assert "Mẫu số 06, in và tải tệp Excel" in leader.get("/can-bo").get_data(as_text=True)
    period = f"tu={MONDAY:%d/%m/%Y}&den={MONDAY:%d/%m/%Y}"
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(leader.get(f"/can-bo/so-theo-doi.xlsx?{period}")
                                     .get_data())).active
    assert sheet["A4"].value == f"Mẫu số 06 ({OLD_BASIS})"
    # The same day again changes and logs nothing; the file's day back restores TT 03.
    assert set_date(admin, TT03, later).status_code == 303
    assert set_date(admin, TT03, dt.date(2025, 9, 15)).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(db.func.count(AccessLog.id))
                                 .filter_by(action="settings")) == 2
    assert "Mẫu số 07, in và tải tệp Excel" in leader.get("/can-bo").get_data(as_text=True)


def test_the_set_is_recorded_at_the_first_decision_and_kept(app, reception, admin, dossier):
    refused, supplemented = dossier(), dossier()
    assert load(app, refused).form_set is None  # nothing decided yet
    reason = "Giấy tờ không thuộc thẩm quyền chứng thực của Ủy ban nhân dân phường."
    response = reception.post(f"/can-bo/ho-so/{refused}/tu-choi", {"ly_do": reason})
    assert response.location.endswith("/phieu/03")
    response = reception.post(f"/can-bo/ho-so/{supplemented}/bo-sung", {
        "so_muc": "1", "muc-0": "applicant_address", "ly-do-0": "Ghi rõ tổ dân phố."})
    assert response.location.endswith("/phieu/02")
    assert load(app, refused).form_set == load(app, supplemented).form_set == "tt03-2025"
    assert load(app, refused).framework is None  # not received
    # Circular 03 moved after today: the documents already decided keep their set.
    assert set_date(admin, TT03, MONDAY.date() + dt.timedelta(days=7)).status_code == 303
    refusal = reception.get(f"/can-bo/ho-so/{refused}/phieu/03").get_data(as_text=True)
    assert NEW_BASIS in refusal and "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in refusal
    from tests.desk.conftest import check_all

    with app.app_context():
        dossier_ = db.session.get(Dossier, supplemented)
        dossier_.status, dossier_.supplement_items = 1, dossier_.supplement_items  # sent back
        db.session.commit()
    check_all(reception, app, supplemented)
    assert reception.post(f"/can-bo/ho-so/{supplemented}/tiep-nhan", {}).status_code == 303
    # Received now: the framework of today (Decree 118, the 2018 forms), the set of its Form 02.
    assert load(app, supplemented).framework == "nd118-2025"
    assert load(app, supplemented).form_set == "tt03-2025"
    supplement = reception.get(f"/can-bo/ho-so/{supplemented}/phieu/02").get_data(as_text=True)
    assert NEW_BASIS in supplement and "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in supplement


def test_a_dossier_that_recorded_nothing_follows_its_reception_date(app, reception, dossier):
    from tthc.desk import services

    dossier_id = dossier(SINGLE, state="received")
    with app.app_context():  # as if received on 15/06/2025, before anything was recorded
        dossier = db.session.get(Dossier, dossier_id)
        dossier.form_set = dossier.framework = None
        dossier.received_at = dt.datetime(2025, 6, 15, 2, 30, tzinfo=dt.timezone.utc)
        db.session.commit()
    page, control = pages(reception, dossier_id, "05")
    assert "Văn bản áp dụng: Nghị định số 61/2018/NĐ-CP" in page
    assert "Mẫu số 05" in control and OLD_BASIS in control
    with app.app_context():  # a later decision records the set it was printed under
        dossier = db.session.get(Dossier, dossier_id)
        services.pin_form_set(dossier, receiving=True)
        assert (dossier.form_set, dossier.framework) == ("tt01-2018", None)


# --- the migration ----------------------------------------------------------------------------


def test_one_head_and_the_column_after_upgrade(app, dossier):
    from alembic.script import ScriptDirectory
    from flask import current_app

    dossier_id = dossier(SINGLE, state="received")
    with app.app_context():
        config = current_app.extensions["migrate"].migrate.get_config()
        assert len(ScriptDirectory.from_config(config).get_heads()) == 1
        downgrade(revision="0003q")  # a database from before 0004f, with a received dossier
        names = {c["name"] for c in inspect(db.engine).get_columns("dossier")}
        assert not names & {"form_set", "framework", "sets"}
        office = db.session.scalar(select(Dossier.office_id).where(Dossier.id == dossier_id))
        db.session.execute(db.text("INSERT INTO setting (office_id, key, value) VALUES "
                                   "(:office, 'desk.form_set', '\"tt01-2018\"')"),
                           {"office": office})
        db.session.commit()
        upgrade()
        assert db.session.scalar(select(Setting).filter_by(key="desk.form_set")) is None
        columns = {c["name"]: c for c in inspect(db.engine).get_columns("dossier")}
        assert columns["form_set"]["nullable"] and columns["framework"]["nullable"]
        assert not columns["sets"]["nullable"]
        db.session.remove()
        upgraded = db.session.get(Dossier, dossier_id)
        assert (upgraded.form_set, upgraded.framework, upgraded.sets) == (None, None, 1)
    assert load(app, dossier_id).code  # the dossier survived the round trip


@pytest.mark.sqlite_only("reads SQLite's sqlite_master")
def test_0007f_keeps_the_history_trigger_both_ways_on_sqlite(app):
    """SQLite copies the dossier table for 0007f; the trigger of 0007s must survive."""
    def triggers() -> set[str]:
        return set(db.session.scalars(db.text(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'dossier'")))

    with app.app_context():
        assert "dossier_history_kept" in triggers()
        downgrade(revision="0007o")
        assert "dossier_history_kept" in triggers()
        upgrade()
        assert "dossier_history_kept" in triggers()


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
            assert (dossier.form_set, dossier.framework, dossier.sets) == (None, None, 1)
            from tthc.desk import formsets

            assert formsets.of(dossier).key == "tt01-2018"
            received = dossier.received_at.date()  # the upgrade keeps the reception date
            assert formsets.framework_of(dossier, received).key == "nd118-2025-tt03"
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
