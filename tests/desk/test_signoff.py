"""The leader's sign-off: hand over for signature (trình ký), approve with the result
document's number and date, or send back with a reason; who may do it, what bad input gets,
and approve against send back at once (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from sqlalchemy import select

from tests.desk.conftest import MONDAY, SINGLE, Officer, load, make_dossier
from tests.html import check_page
from tests.queue.test_concurrency import _run_threads
from tthc.extensions import db
from tthc.models import AccessLog, Staff

TODAY = MONDAY.strftime("%d/%m/%Y")


def handed_to_leader(app, demo, note: str = "") -> int:
    """A dossier in progress with the specialist, handed to the leader for signature."""
    dossier_id = make_dossier(app, SINGLE, state="received")
    specialist = Officer(app, demo["staff"]["chuyenmon"])
    Officer(app, demo["staff"]["tiepnhan"]).post(f"/can-bo/ho-so/{dossier_id}/chuyen",
                                                 {"can_bo": str(demo["staff"]["chuyenmon"])})
    response = specialist.post(f"/can-bo/ho-so/{dossier_id}/trinh-ky",
                               {"lanh_dao": str(demo["staff"]["lanhdao"]),
                                "ghi_chu_trinh": note})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return dossier_id


def approve(officer: Officer, dossier_id: int, number="125/QĐ-UBND", date=TODAY, round_="1"):
    return officer.post(f"/can-bo/ho-so/{dossier_id}/ky-duyet",
                        {"lan": round_, "so_ky_hieu": number, "ngay_ky": date})


def send_back(officer: Officer, dossier_id: int,
              reason="Dự thảo ghi sai năm sinh của người yêu cầu.", round_="1"):
    return officer.post(f"/can-bo/ho-so/{dossier_id}/tra-lai",
                        {"lan": round_, "ly_do_tra_lai": reason})


def log_details(app, dossier_id: int) -> list[tuple[str, str]]:
    with app.app_context():
        return [(r.action, r.detail) for r in db.session.scalars(
            select(AccessLog).filter_by(dossier_id=dossier_id).order_by(AccessLog.id))]


def test_handing_over_for_signature_puts_it_in_the_leaders_tray(app, demo, specialist, leader):
    dossier_id = handed_to_leader(app, demo, note="Xin ký trong ngày")
    stored = load(app, dossier_id)
    assert stored.status == 4 and stored.signoff_by_id == demo["staff"]["lanhdao"]
    assert stored.signoff_round == 1 and stored.handler_id == demo["staff"]["chuyenmon"]
    event = stored.events[-1]
    assert event.action == "submit_for_signature" and (event.source, event.target) == (4, 4)
    assert json.loads(event.note) == {"from": demo["staff"]["chuyenmon"],
                                      "to": demo["staff"]["lanhdao"], "note": "Xin ký trong ngày"}
    assert ("update", f"trình lãnh đạo #{demo['staff']['lanhdao']} ký") \
        in log_details(app, dossier_id)
    # The leader sees the two answers; the specialist only that it waits.
    page = leader.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    check_page(page)
    assert 'id="so_ky_hieu"' in page and 'id="ly_do_tra_lai"' in page
    assert 'name="lan" value="1"' in page
    mine = specialist.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    check_page(mine)
    assert "Đang chờ lãnh đạo ký" in mine and 'id="so_ky_hieu"' not in mine
    # The control sheet (TT 03/2025 Form 06) has the hand-over for signature as a row.
    sheet = specialist.get(f"/can-bo/ho-so/{dossier_id}/phieu/06").get_data(as_text=True)
    assert sheet.count("Lê Văn Đạo") >= 1
    history = section(mine, "lich-su-title")
    assert "Trình lãnh đạo ký" in history
    assert re.search(r"Từ Trần Văn Chuyên[^<]* đến Lê Văn Đạo[^<]*\. Xin ký trong ngày", history)


def test_the_officer_cannot_resolve_what_the_leader_holds(app, demo, specialist):
    dossier_id = handed_to_leader(app, demo)
    response = specialist.post(f"/can-bo/ho-so/{dossier_id}/xu-ly-xong", {})
    assert response.status_code == 409
    assert "Hồ sơ đang chờ lãnh đạo ký" in response.get_data(as_text=True)
    assert load(app, dossier_id).status == 4


def test_the_leader_approves_with_the_result_documents_number_and_date(app, demo, leader,
                                                                      reception):
    dossier_id = handed_to_leader(app, demo)
    response = approve(leader, dossier_id)
    assert response.status_code == 303
    stored = load(app, dossier_id)
    assert stored.status == 9 and stored.signoff_by_id is None
    assert stored.result_number == "125/QĐ-UBND" and stored.result_date == MONDAY.date()
    assert stored.signed_by_id == demo["staff"]["lanhdao"] and stored.signed_at is not None
    assert stored.resolved_at is not None
    event = stored.events[-1]
    assert (event.action, event.source, event.target) == ("approve", 4, 9)
    assert event.note == f"125/QĐ-UBND, {TODAY}"
    assert ("update", "ký duyệt kết quả") in log_details(app, dossier_id)
    # Where the result is returned, and in the ledger's notes.
    page = reception.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    check_page(page)
    assert "125/QĐ-UBND" in page and 'id="nguoi_nhan"' in page
    assert reception.post(f"/can-bo/ho-so/{dossier_id}/tra-ket-qua",
                          {"kenh_tra": "desk", "nguoi_nhan": "Nguyễn Thị Hoà"}).status_code == 303
    assert "125/QĐ-UBND" in reception.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    ledger = reception.get(f"/can-bo/so-theo-doi?tu={TODAY}&den={TODAY}").get_data(as_text=True)
    assert f"văn bản kết quả số 125/QĐ-UBND ngày {TODAY}" in ledger


@pytest.mark.parametrize("number, date, field, message", [
    ("", TODAY, "so_ky_hieu", "Nhập số, ký hiệu văn bản kết quả"),
    ("QĐ-UBND", TODAY, "so_ky_hieu", "Số, ký hiệu văn bản gồm chữ số"),
    ("12<b>/QĐ", TODAY, "so_ky_hieu", "Số, ký hiệu văn bản gồm chữ số"),
    ("125/QĐ-UBND", "", "ngay_ky", "Nhập ngày ký văn bản kết quả"),
    ("125/QĐ-UBND", "31/02/2026", "ngay_ky", "Không có ngày 31/02/2026"),
    ("125/QĐ-UBND", (MONDAY + dt.timedelta(days=1)).strftime("%d/%m/%Y"), "ngay_ky",
     "Ngày ký không thể sau hôm nay"),
    ("125/QĐ-UBND", (MONDAY - dt.timedelta(days=3)).strftime("%d/%m/%Y"), "ngay_ky",
     "Ngày ký không thể trước ngày tiếp nhận hồ sơ"),
])
def test_a_wrong_number_or_date_is_said_beside_its_field(app, demo, leader, number, date, field,
                                                         message):
    dossier_id = handed_to_leader(app, demo)
    response = approve(leader, dossier_id, number=number, date=date)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    check_page(page)
    beside = page.split(f'id="{field}-error"', 1)[1].split("</p>", 1)[0]
    assert message in beside
    assert f'value="{number}"' in page.replace("&lt;", "<").replace("&gt;", ">") \
        and f'value="{date}"' in page  # nothing typed is lost
    stored = load(app, dossier_id)
    assert stored.status == 4 and stored.signoff_by_id == demo["staff"]["lanhdao"]
    assert stored.result_number == ""


def test_the_leader_sends_back_with_a_reason_and_the_officer_sees_it(app, demo, leader,
                                                                     specialist):
    dossier_id = handed_to_leader(app, demo)
    reason = "Dự thảo ghi sai năm sinh của người yêu cầu."
    assert send_back(leader, dossier_id, reason).status_code == 303
    stored = load(app, dossier_id)
    assert stored.status == 4 and stored.signoff_by_id is None
    assert stored.handler_id == demo["staff"]["chuyenmon"]
    event = stored.events[-1]
    assert (event.action, event.source, event.target) == ("send_back", 4, 4)
    assert json.loads(event.note) == {"from": demo["staff"]["lanhdao"],
                                      "to": demo["staff"]["chuyenmon"], "note": reason}
    assert ("update", "trả lại để xử lý tiếp") in log_details(app, dossier_id)
    page = specialist.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    check_page(page)
    assert "Lãnh đạo trả lại" in page and reason in page
    # Corrected, it is handed over again: a new round.
    assert specialist.post(f"/can-bo/ho-so/{dossier_id}/trinh-ky",
                           {"lanh_dao": str(demo["staff"]["lanhdao"])}).status_code == 303
    assert load(app, dossier_id).signoff_round == 2
    assert approve(leader, dossier_id, round_="2").status_code == 303


def test_a_short_reason_is_said_beside_its_field_and_kept(app, demo, leader):
    dossier_id = handed_to_leader(app, demo)
    response = send_back(leader, dossier_id, reason="Sai tên")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    check_page(page)
    assert "ít nhất 10 ký tự" in page.split('id="ly_do_tra_lai-error"', 1)[1].split("</p>", 1)[0]
    assert ">Sai tên</textarea>" in page
    assert load(app, dossier_id).signoff_by_id == demo["staff"]["lanhdao"]


def test_handing_over_needs_a_leader_of_the_office(app, demo, specialist, other_office):
    dossier_id = make_dossier(app, SINGLE, state="progress")
    for chosen in ("", str(demo["staff"]["chuyenmon"]), str(other_office["staff"]["leader"])):
        response = specialist.post(f"/can-bo/ho-so/{dossier_id}/trinh-ky", {"lanh_dao": chosen})
        assert response.status_code == 422
        assert "Chọn lãnh đạo ký duyệt kết quả" in response.get_data(as_text=True)
    assert load(app, dossier_id).signoff_by_id is None


@pytest.mark.parametrize("path", ["ky-duyet", "tra-lai"])
def test_only_a_leader_of_the_dossiers_office_answers(app, demo, reception, specialist,
                                                      other_office, path):
    dossier_id = handed_to_leader(app, demo)
    data = {"lan": "1", "so_ky_hieu": "125/QĐ-UBND", "ngay_ky": TODAY,
            "ly_do_tra_lai": "Dự thảo ghi sai năm sinh của người yêu cầu."}
    for officer in (reception, specialist):
        response = officer.post(f"/can-bo/ho-so/{dossier_id}/{path}", data)
        assert response.status_code == 403
    theirs = Officer(app, other_office["staff"]["leader"])
    assert theirs.post(f"/can-bo/ho-so/{dossier_id}/{path}", data).status_code == 404
    stored = load(app, dossier_id)
    assert stored.status == 4 and stored.signoff_by_id == demo["staff"]["lanhdao"]
    with app.app_context():  # another office's officer left no trace on our dossier
        assert not db.session.scalars(select(AccessLog).filter_by(
            dossier_id=dossier_id, staff_id=other_office["staff"]["leader"])).all()


def test_a_leader_cannot_hand_over_for_signature(app, demo, leader):
    dossier_id = make_dossier(app, SINGLE, state="progress")
    response = leader.post(f"/can-bo/ho-so/{dossier_id}/trinh-ky",
                           {"lanh_dao": str(demo["staff"]["lanhdao"])})
    assert response.status_code == 403


def test_an_answer_to_an_older_round_is_refused(app, demo, leader, specialist):
    dossier_id = handed_to_leader(app, demo)  # the leader's page shows round 1…
    with app.app_context():
        other = Staff(office_id=demo["office"], username="lanhdao2", full_name="Phạm Thị Ký",
                      password_hash="x", roles=["leader"])
        db.session.add(other)
        db.session.commit()
        other_id = other.id
    # …then the officer hands it to another leader: round 2.
    assert specialist.post(f"/can-bo/ho-so/{dossier_id}/trinh-ky",
                           {"lanh_dao": str(other_id)}).status_code == 303
    response = approve(leader, dossier_id, round_="1")
    assert response.status_code == 409
    assert "đã được trình ký lại" in response.get_data(as_text=True)
    stored = load(app, dossier_id)
    assert stored.status == 4 and stored.signoff_by_id == other_id


def test_approve_after_send_back_and_send_back_after_approve_are_409(app, demo, leader):
    first = handed_to_leader(app, demo)
    assert send_back(leader, first).status_code == 303
    response = approve(leader, first)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    check_page(page)
    assert "Hồ sơ không còn chờ ký" in page
    second = handed_to_leader(app, demo)
    assert approve(leader, second).status_code == 303
    response = send_back(leader, second)
    assert response.status_code == 409
    assert "khi hồ sơ đang “Đã xử lý xong”" in response.get_data(as_text=True)
    assert load(app, second).status == 9


# --- approve against send back, at once --------------------------------------------------------


def _race(app, demo) -> None:
    """Two leaders answer the same request at once: one approves, the other sends back."""
    with app.app_context():
        office = demo["office"]
        second = Staff(office_id=office, username="lanhdao2", full_name="Phạm Thị Ký",
                       password_hash="x", roles=["leader"])
        db.session.add(second)
        db.session.commit()
        leaders = [demo["staff"]["lanhdao"], second.id]
    dossier_id = handed_to_leader(app, demo)
    officers = [Officer(app, leaders[0]), Officer(app, leaders[1])]
    for officer in officers:
        officer.csrf()  # the pages are open before either presses

    def work(i):
        response = approve(officers[0], dossier_id) if i == 0 else send_back(officers[1],
                                                                             dossier_id)
        return response.status_code, response.get_data(as_text=True)

    results = _run_threads(2, work)
    codes = sorted(code for code, _ in results)
    assert codes == [303, 409], codes
    stored = load(app, dossier_id)
    lost = next(body for code, body in results if code == 409)
    decided = [e.action for e in stored.events if e.action in ("approve", "send_back")]
    assert len(decided) == 1  # one answer only
    if decided == ["approve"]:
        assert stored.status == 9 and stored.result_number == "125/QĐ-UBND"
        assert "Đã xử lý xong" in lost  # the page as it now is
    else:
        assert stored.status == 4 and stored.result_number == ""
        assert "Hồ sơ không còn chờ ký" in lost
    assert stored.signoff_by_id is None


def _demo_ids(app) -> dict:
    from tests.auth import factories

    with app.app_context():
        office = factories.demo_office()
        return {"office": office.id, "staff": {s.username: s.id for s in db.session.scalars(
            select(Staff).filter_by(office_id=office.id))}}


@pytest.mark.sqlite_only("SQLite twin of a PostgreSQL test that runs in both runs")
def test_sqlite_approve_and_send_back_at_once_one_wins(app, demo):
    _race(app, demo)


@pytest.mark.postgres
def test_postgres_approve_and_send_back_at_once_one_wins(pg_app):
    _race(pg_app, _demo_ids(pg_app))


# --- the start pages: the officer's own work ---------------------------------------------------


def section(page: str, title_id: str) -> str:
    """The part of the page under one heading, up to the next section."""
    return page.split(f'id="{title_id}"', 1)[1].split("</section>", 1)[0]


def in_hand(app, demo, username: str, due: dt.datetime) -> tuple[int, str]:
    """A dossier in progress handed to *username*, due at *due*; (id, code)."""
    from tthc.models import Dossier

    dossier_id = make_dossier(app, SINGLE, state="received")
    Officer(app, demo["staff"]["tiepnhan"]).post(f"/can-bo/ho-so/{dossier_id}/chuyen",
                                                 {"can_bo": str(demo["staff"][username])})
    with app.app_context():
        row = db.session.get(Dossier, dossier_id)
        row.due_at = due
        db.session.commit()
        return dossier_id, row.code


def test_the_specialists_start_page_is_their_own_work(app, demo, specialist):
    from tthc.desk import services

    tomorrow = services.calendar().next_working_day(MONDAY.date())
    later, _ = in_hand(app, demo, "chuyenmon", MONDAY + dt.timedelta(days=14))
    _, soon = in_hand(app, demo, "chuyenmon",
                      dt.datetime.combine(tomorrow, dt.time(16), tzinfo=MONDAY.tzinfo))
    _, late = in_hand(app, demo, "chuyenmon", MONDAY - dt.timedelta(hours=1))
    _, theirs = in_hand(app, demo, "lanhdao", MONDAY - dt.timedelta(hours=1))
    page = specialist.get("/can-bo/viec-cua-toi")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    check_page(html)
    assert "<h1>Việc của tôi</h1>" in html and "Chờ ký" not in html
    mine = section(html, "dang-giai-quyet-title")
    assert all(code in mine for code in (load(app, later).code, soon, late))
    assert theirs not in html  # another officer's work
    assert soon in section(html, "sap-den-han-title")
    assert late not in section(html, "sap-den-han-title")
    assert late in section(html, "qua-han-title") and soon not in section(html, "qua-han-title")
    assert load(app, later).code not in section(html, "sap-den-han-title")


@pytest.mark.parametrize("today, end", [
    ("2026-04-22", "2026-04-24"),  # Wednesday: Wednesday and Thursday
    ("2026-04-24", "2026-04-29"),  # Friday: then Tuesday, after the weekend and Giỗ Tổ (27/04)
    ("2026-04-25", "2026-04-30"),  # Saturday: Tuesday and Wednesday
    ("2026-02-13", "2026-02-24"),  # Friday before Tết (16–20/02): then Monday 23/02
])
def test_due_soon_means_the_next_two_working_days(app, today, end):
    """Hand-counted on the 2026 holiday table: due before midnight starting *end*."""
    from tthc.desk.services import signoff

    with app.app_context():
        found = signoff.due_soon_end(dt.date.fromisoformat(today))
    assert found == dt.datetime.combine(dt.date.fromisoformat(end), dt.time(0),
                                        tzinfo=MONDAY.tzinfo)


def test_the_leaders_start_page_shows_what_awaits_their_signature_first(app, demo, leader,
                                                                        specialist):
    dossier_id = handed_to_leader(app, demo)
    code = load(app, dossier_id).code
    html = leader.get("/can-bo/viec-cua-toi").get_data(as_text=True)
    check_page(html)
    headings = [part.split(">", 1)[1].split("<", 1)[0]
                for part in html.split("<h2 ")[1:]]
    assert headings[0].startswith("Chờ ký (1)")
    assert code in section(html, "cho-ky-title")
    assert code not in section(html, "dang-giai-quyet-title")  # the specialist handles it
    assert code in section(specialist.get("/can-bo/viec-cua-toi").get_data(as_text=True),
                           "dang-giai-quyet-title")
    approve(leader, dossier_id)
    html = leader.get("/can-bo/viec-cua-toi").get_data(as_text=True)
    assert "Chờ ký (0)" in html and code not in html


def test_the_staff_home_offers_each_role_its_own_start(app, demo, reception, specialist,
                                                        leader):
    assert 'href="/can-bo/viec-cua-toi"' not in reception.get("/can-bo").get_data(as_text=True)
    for officer in (specialist, leader):
        home = officer.get("/can-bo").get_data(as_text=True)
        check_page(home)
        assert 'href="/can-bo/viec-cua-toi"' in home
        assert "<strong>Tiếp nhận hồ sơ</strong>" not in home
    assert "<strong>Tiếp nhận hồ sơ</strong>" in reception.get("/can-bo").get_data(as_text=True)
