"""Issue 11 at the desk: the fee (6) may be withdrawn or stopped, a supplement awaited (5) may
be stopped, a supplement after appraisal only within 3 working days of reception, a change of
procedure after reception is in the history, and the history outlives any attempt to delete
its dossier (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from tests.desk.conftest import COPY, MONDAY, SINGLE, load
from tests.html import check_page
from tthc.extensions import db
from tthc.models import AccessLog, Dossier, DossierEvent
from tthc.models.dossier import HistoryKept
from tthc.timeutil import TZ


def tt03(app, dossier_id: int) -> None:
    """Put the dossier under the 2025 set of forms, whose Form 05 is the stop notice."""
    with app.app_context():
        db.session.get(Dossier, dossier_id).form_set = "tt03-2025"
        db.session.commit()


def awaiting_fee(app, dossier, specialist) -> int:
    dossier_id = dossier(SINGLE, state="progress")
    response = specialist.post(f"/can-bo/ho-so/{dossier_id}/yeu-cau-nop-phi",
                               {"ghi_chu_phi": "Lệ phí 10.000 đồng"})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    assert load(app, dossier_id).status == 6
    return dossier_id


def supplement_after_reception(app, dossier_id: int, staff_id: int) -> None:
    from tthc.desk import services
    from tthc.desk.services.reception import PostedItem
    from tthc.models import Staff

    with app.app_context():
        staff = db.session.get(Staff, staff_id)
        services.reception.request_supplement(
            dossier_id, staff, [PostedItem("", "", "Bản sao giấy khai sinh có chứng thực.")], "")


# --- the fee: paid, withdrawn, or stopped ------------------------------------------------------


def test_awaiting_the_fee_the_page_offers_paid_withdraw_and_stop(app, dossier, specialist,
                                                                  reception, demo):
    dossier_id = awaiting_fee(app, dossier, specialist)
    tt03(app, dossier_id)
    page = reception.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    check_page(page)
    assert 'id="nop-phi"' in page and "Đã nộp phí, lệ phí" in page
    assert f"/can-bo/ho-so/{dossier_id}/rut" in page  # the counter records a withdrawal
    assert f"/can-bo/ho-so/{dossier_id}/dung" not in page  # stopping is not the counter's
    assert f"/can-bo/ho-so/{dossier_id}/dung" in \
        specialist.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    # the officer who holds it still sees it among their work while the fee is awaited
    assert load(app, dossier_id).handler_id == demo["staff"]["chuyenmon"]
    assert f"/can-bo/ho-so/{dossier_id}" in \
        specialist.get("/can-bo/viec-cua-toi").get_data(as_text=True)
    assert reception.post(f"/can-bo/ho-so/{dossier_id}/da-nop-phi", {}).status_code == 303
    stored = load(app, dossier_id)
    assert stored.status == 4
    assert [e.action for e in stored.events][-2:] == ["request_fee", "fee_paid"]
    assert stored.events[-2].note == "Lệ phí 10.000 đồng"


def test_awaiting_the_fee_the_citizen_withdraws_at_the_counter(app, dossier, specialist,
                                                                reception):
    dossier_id = awaiting_fee(app, dossier, specialist)
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/rut", {})
    assert response.status_code == 303
    stored = load(app, dossier_id)
    assert stored.status == 7
    assert (stored.events[-1].action, stored.events[-1].source, stored.events[-1].actor) == \
        ("withdraw", 6, "staff")


def test_awaiting_the_fee_the_office_stops_processing(app, dossier, specialist, leader):
    dossier_id = awaiting_fee(app, dossier, specialist)
    tt03(app, dossier_id)
    response = leader.post(f"/can-bo/ho-so/{dossier_id}/dung",
                           {"ly_do_dung": "Công dân không nộp lệ phí sau nhiều lần nhắc."})
    assert response.status_code == 303 and response.location.endswith("/phieu/05")
    stored = load(app, dossier_id)
    assert stored.status == 8 and stored.events[-1].source == 6
    assert "THÔNG BÁO" in leader.get(response.location).get_data(as_text=True).upper()


def test_fee_paid_is_refused_unless_the_fee_is_awaited(app, dossier, reception):
    dossier_id = dossier(SINGLE, state="progress")
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/da-nop-phi", {})
    assert response.status_code == 409
    assert "Không thể thực hiện thao tác “Đã nộp phí, lệ phí” khi hồ sơ đang “Đang xử lý”" in \
        response.get_data(as_text=True)
    assert load(app, dossier_id).status == 4


# --- a supplement awaited may be stopped, once the dossier was received ------------------------


def test_a_received_dossier_waiting_for_a_supplement_can_be_stopped(app, dossier, demo,
                                                                    reception, leader):
    dossier_id = dossier(SINGLE, state="progress")
    tt03(app, dossier_id)
    supplement_after_reception(app, dossier_id, demo["staff"]["chuyenmon"])
    assert load(app, dossier_id).status == 5
    page = leader.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    check_page(page)
    assert f"/can-bo/ho-so/{dossier_id}/dung" in page
    response = leader.post(f"/can-bo/ho-so/{dossier_id}/dung",
                           {"ly_do_dung": "Quá thời hạn mà công dân không bổ sung hồ sơ."})
    assert response.status_code == 303
    stored = load(app, dossier_id)
    assert stored.status == 8 and stored.events[-1].source == 5


def test_a_dossier_never_received_is_not_stopped_but_withdrawn(app, dossier, reception, leader):
    dossier_id = dossier(COPY, state="new")
    tt03(app, dossier_id)
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/bo-sung", {
        "so_muc": "1", "muc-0": "", "ly-do-0": "Mang bản chính để đối chiếu."})
    assert response.status_code == 303 and load(app, dossier_id).status == 5
    assert f"/can-bo/ho-so/{dossier_id}/dung" not in \
        leader.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    refused = leader.post(f"/can-bo/ho-so/{dossier_id}/dung",
                          {"ly_do_dung": "Công dân không bổ sung hồ sơ."})
    assert refused.status_code == 409
    assert "chưa được tiếp nhận nên chưa có việc giải quyết để dừng" in \
        refused.get_data(as_text=True)
    assert load(app, dossier_id).status == 5


def test_stopping_a_received_dossier_not_yet_in_progress_is_refused(app, dossier, leader):
    dossier_id = dossier(SINGLE, state="received")
    tt03(app, dossier_id)
    response = leader.post(f"/can-bo/ho-so/{dossier_id}/dung",
                           {"ly_do_dung": "Công dân có văn bản đề nghị dừng giải quyết."})
    assert response.status_code == 409
    assert "Không thể thực hiện thao tác “Dừng xử lý” khi hồ sơ đang “Được tiếp nhận”" in \
        response.get_data(as_text=True)
    assert load(app, dossier_id).status == 2


# --- a supplement after appraisal: 3 working days from reception (Art 19(4)) -------------------


def _last_day() -> dt.date:
    from tthc.desk.services import calendar
    from tthc.domain.status import supplement_notice_last_day

    return supplement_notice_last_day(MONDAY.date(), calendar(), 3)


ASK = {"so_muc": "1", "muc-0": "", "ly-do-0": "Bản sao giấy khai sinh có chứng thực."}


def test_a_supplement_on_the_third_working_day_is_in_time(app, dossier, specialist, clock):
    dossier_id = dossier(SINGLE, state="progress")
    last = _last_day()
    assert last > MONDAY.date() + dt.timedelta(days=2)  # three working days, not calendar days
    clock(dt.datetime.combine(last, dt.time(16, 59), tzinfo=TZ))
    page = specialist.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    assert "Yêu cầu bổ sung sau khi thẩm định (Mẫu 02)" in page
    response = specialist.post(f"/can-bo/ho-so/{dossier_id}/bo-sung", ASK)
    assert response.status_code == 303
    assert load(app, dossier_id).status == 5


def test_a_supplement_after_the_third_working_day_is_refused(app, dossier, specialist, clock):
    from tthc.desk.services import calendar

    dossier_id = dossier(SINGLE, state="progress")
    last = _last_day()
    clock(dt.datetime.combine(calendar().next_working_day(last), dt.time(7, 45), tzinfo=TZ))
    page = specialist.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    check_page(page)
    assert 'id="bo-sung-het-han"' in page and "Yêu cầu bổ sung sau khi thẩm định (Mẫu 02)" \
        not in page
    form = specialist.get(f"/can-bo/ho-so/{dossier_id}/bo-sung")
    # The citation of the version the dossier follows (received today: Decree 118/2025).
    assert form.status_code == 409 and "(Nghị định số 118/2025/NĐ-CP)" in \
        form.get_data(as_text=True)
    response = specialist.post(f"/can-bo/ho-so/{dossier_id}/bo-sung", ASK)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Đã quá 3 ngày làm việc kể từ ngày tiếp nhận hồ sơ" in html
    assert last.strftime("%d/%m/%Y") in html and "(Nghị định số 118/2025/NĐ-CP)" in html
    assert "61/2018" not in html
    stored = load(app, dossier_id)
    assert stored.status == 4 and stored.supplement_count == 0


def test_the_limit_does_not_apply_at_reception(app, dossier, reception, clock):
    dossier_id = dossier(COPY, state="new")
    clock(MONDAY + dt.timedelta(days=30))
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/bo-sung", ASK)
    assert response.status_code == 303 and load(app, dossier_id).status == 5


# --- a change of procedure after reception is a dossier event ----------------------------------


def test_a_change_of_procedure_after_reception_is_in_the_history(app, dossier, reception):
    dossier_id = dossier(COPY, state="received")
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/thu-tuc", {"thu_tuc": SINGLE})
    assert response.status_code == 303
    stored = load(app, dossier_id)
    event = stored.events[-1]
    assert (event.action, event.source, event.target) == ("change_procedure", 2, 2)
    assert event.detail == {"from": COPY, "to": SINGLE}
    assert event.staff_id is not None and "→" in event.note
    page = reception.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    check_page(page)
    history = page[page.index('id="lich-su"'):]
    assert "Đổi thủ tục" in history and event.note in history


def test_before_reception_a_change_of_procedure_is_only_logged(app, dossier, reception):
    dossier_id = dossier(COPY, state="new")
    before = len(load(app, dossier_id).events)
    reception.post(f"/can-bo/ho-so/{dossier_id}/thu-tuc", {"thu_tuc": SINGLE})
    assert len(load(app, dossier_id).events) == before
    with app.app_context():
        assert db.session.scalar(select(AccessLog.detail).where(
            AccessLog.dossier_id == dossier_id, AccessLog.detail.like("thủ tục:%"))) \
            == f"thủ tục: {COPY} → {SINGLE}"


# --- the history outlives its dossier ----------------------------------------------------------


def _history_is_kept(app, dossier_id: int) -> None:
    with app.app_context():
        events = db.session.scalar(select(db.func.count(DossierEvent.id))
                                   .where(DossierEvent.dossier_id == dossier_id))
        assert events > 0
        with pytest.raises(HistoryKept):  # through the ORM
            db.session.delete(db.session.get(Dossier, dossier_id))
            db.session.flush()
        db.session.rollback()
        with pytest.raises(IntegrityError):  # behind the ORM's back: the database refuses
            db.session.execute(text("DELETE FROM dossier WHERE id = :id"), {"id": dossier_id})
            db.session.flush()
        db.session.rollback()
        assert db.session.get(Dossier, dossier_id) is not None
        assert db.session.scalar(select(db.func.count(DossierEvent.id)).where(
            DossierEvent.dossier_id == dossier_id)) == events


def _only_a_deliberate_purge_removes_a_draft(app, draft_id: int) -> None:
    """Even a draft has its history (created); a purge of abandoned drafts (personal data)
    must delete that history on purpose first: it never goes as a side effect."""
    _history_is_kept(app, draft_id)
    with app.app_context():
        db.session.execute(text("DELETE FROM dossier_link WHERE dossier_id = :id"),
                           {"id": draft_id})
        db.session.execute(text("DELETE FROM dossier_event WHERE dossier_id = :id"),
                           {"id": draft_id})
        db.session.delete(db.session.get(Dossier, draft_id))
        db.session.commit()
        assert db.session.get(Dossier, draft_id) is None


@pytest.mark.sqlite_only("SQLite twin of a PostgreSQL test that runs in both runs")
def test_the_history_cannot_be_deleted_with_its_dossier_sqlite(app, dossier):
    _history_is_kept(app, dossier(SINGLE, state="progress"))
    _only_a_deliberate_purge_removes_a_draft(app, dossier(state="draft"))


@pytest.mark.postgres
def test_the_history_cannot_be_deleted_with_its_dossier_postgresql(pg_app, clock):
    from tests.desk.conftest import make_dossier

    _history_is_kept(pg_app, make_dossier(pg_app, SINGLE, state="progress"))
    _only_a_deliberate_purge_removes_a_draft(pg_app, make_dossier(pg_app, state="draft"))


def test_no_fee_request_while_a_leader_holds_the_result(app, dossier, demo, specialist):
    dossier_id = dossier(SINGLE, state="progress")
    with app.app_context():
        held = db.session.get(Dossier, dossier_id)
        held.signoff_by_id, held.signoff_round = demo["staff"]["lanhdao"], 1
        db.session.commit()
    assert f"/can-bo/ho-so/{dossier_id}/yeu-cau-nop-phi" not in \
        specialist.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    response = specialist.post(f"/can-bo/ho-so/{dossier_id}/yeu-cau-nop-phi", {})
    assert response.status_code == 409
    assert "Hồ sơ đang chờ lãnh đạo ký" in response.get_data(as_text=True)
    assert load(app, dossier_id).status == 4
