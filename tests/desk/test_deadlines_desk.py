"""The desk's deadlines: the 766 measure on the dossier page and in the ledger is the reports'
rule (supplement waits in working days, domain.md §12 item 2), and the control sheet judges
each step against that due date, not against a date reset by Form 04.

The history's times are stamped by the server's clock, the desk's clock by the fixture;
each test sets the events' times to the moments it plays, as a real day would record them.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests.desk.conftest import MONDAY, SINGLE, load
from tests.html import check_page
from tthc.extensions import db
from tthc.models import DossierEvent, Staff
from tthc.timeutil import TZ


def vn(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=TZ)


def stamp(app, dossier_id: int, action: str, at: dt.datetime) -> None:
    """Give the latest *action* event of the dossier the time *at*."""
    with app.app_context():
        event = db.session.scalars(
            select(DossierEvent).filter_by(dossier_id=dossier_id, action=action)
            .order_by(DossierEvent.id.desc())).first()
        event.at = at
        db.session.commit()


@pytest.fixture
def back_in_time(clock, monkeypatch):
    """Set the desk's clock to a day of 2026 while the answers are checked against the
    test day (the test answers' dates are recent: a past clock would find them ahead)."""
    from tthc.desk import services

    def set_to(at: dt.datetime) -> dt.datetime:
        clock(at)
        monkeypatch.setattr(services, "today", lambda: MONDAY.date())
        return at

    return set_to


def test_the_supplement_wait_is_subtracted_in_working_days(app, demo, reception, specialist,
                                                            leader, dossier, back_in_time):
    """§12 item 2: received Thu 12/02/2026, a supplement asked the same day, complete again
    Mon 23/02 after Tết, resolved Fri 27/02. 3 working days: the legal time restarted on
    23/02 ends Thu 26/02, so the dossier is late; subtracting the 11 calendar days of the
    wait would wrongly call it early."""
    from tthc.desk import services

    back_in_time(vn(2026, 2, 12, 9))
    dossier_id = dossier(SINGLE, state="received")
    stamp(app, dossier_id, "receive", vn(2026, 2, 12, 9))
    back_in_time(vn(2026, 2, 12, 14))
    response = specialist.post(f"/can-bo/ho-so/{dossier_id}/bo-sung", {
        "so_muc": "1", "muc-0": "", "ly-do-0": "Nộp bản sao giấy xác nhận nơi cư trú trước đây."})
    assert response.status_code == 303
    stamp(app, dossier_id, "request_supplement", vn(2026, 2, 12, 14))
    back_in_time(vn(2026, 2, 23, 10))
    assert reception.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan", {}).status_code == 303
    stamp(app, dossier_id, "receive", vn(2026, 2, 23, 10))
    restarted = load(app, dossier_id).due_at.astimezone(TZ)
    assert restarted == vn(2026, 2, 26, 17)  # Art 19(4): 24, 25, 26/02

    back_in_time(vn(2026, 2, 27, 10))
    with app.app_context():
        officer = db.session.get(Staff, demo["staff"]["chuyenmon"])
        services.processing.hand_over(dossier_id, officer, officer)
        services.processing.resolve(dossier_id, officer)
    stamp(app, dossier_id, "start", vn(2026, 2, 27, 9))
    stamp(app, dossier_id, "handover", vn(2026, 2, 27, 9))
    stamp(app, dossier_id, "resolve", vn(2026, 2, 27, 10))

    page = reception.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    check_page(page)
    assert "Kết quả giải quyết (Quyết định 766)" in page
    measure = page.split("Kết quả giải quyết (Quyết định 766)", 1)[1][:200]
    assert "Quá hạn" in measure and "Trước hạn" not in measure

    ledger = leader.get("/can-bo/so-theo-doi?tu=12/02/2026&den=12/02/2026").get_data(as_text=True)
    check_page(ledger)
    code = load(app, dossier_id).code
    row = ledger.split(code, 1)[1].split("</tr>", 1)[0]
    assert "quá hạn" in row and "trước hạn" not in row

    sheet = reception.get(f"/can-bo/ho-so/{dossier_id}/phieu/06").get_data(as_text=True)  # TT 03
    check_page(sheet)
    result_row = sheet.split("Có kết quả giải quyết", 1)[1].split("</tr>", 1)[0]
    assert "Quá hạn" in result_row
    # The hand-over on the same morning, before the due hour had passed? No: 27/02 is after
    # Thu 26/02 at close, so it is late too; the reception row is not judged.
    handover_row = sheet.split("Giao, nhận hồ sơ", 1)[1].split("</tr>", 1)[0]
    assert "Quá hạn" in handover_row


def test_the_same_dossier_resolved_on_the_moved_due_date_is_on_time(app, demo, reception,
                                                                     specialist, dossier,
                                                                     back_in_time):
    from tthc.desk import services

    back_in_time(vn(2026, 2, 12, 9))
    dossier_id = dossier(SINGLE, state="received")
    stamp(app, dossier_id, "receive", vn(2026, 2, 12, 9))
    back_in_time(vn(2026, 2, 12, 14))
    specialist.post(f"/can-bo/ho-so/{dossier_id}/bo-sung", {
        "so_muc": "1", "muc-0": "", "ly-do-0": "Nộp bản sao giấy xác nhận nơi cư trú trước đây."})
    stamp(app, dossier_id, "request_supplement", vn(2026, 2, 12, 14))
    back_in_time(vn(2026, 2, 23, 10))
    reception.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan", {})
    stamp(app, dossier_id, "receive", vn(2026, 2, 23, 10))
    back_in_time(vn(2026, 2, 26, 16))
    with app.app_context():
        officer = db.session.get(Staff, demo["staff"]["chuyenmon"])
        services.processing.hand_over(dossier_id, officer, officer)
        services.processing.resolve(dossier_id, officer)
    stamp(app, dossier_id, "resolve", vn(2026, 2, 26, 16))
    page = reception.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    measure = page.split("Kết quả giải quyết (Quyết định 766)", 1)[1][:200]
    assert "Đúng hạn" in measure


def test_the_control_sheet_is_not_excused_by_a_new_date(app, demo, reception, dossier, clock):
    """Received Monday 09:30, 3 working days: due Thursday at close. Form 04 on Tuesday
    moves the date to the next Tuesday; the result comes on Friday: late against the legal
    due date, as the ledger and the 766 figures say, though before the new date."""
    from tthc.desk import services

    dossier_id = dossier(SINGLE, state="received")
    stamp(app, dossier_id, "receive", MONDAY)
    with app.app_context():
        calendar = services.calendar()
        thursday = calendar.add_working_days(MONDAY.date(), 3)
        friday = calendar.next_working_day(thursday)
        tuesday = calendar.next_working_day(calendar.next_working_day(MONDAY.date()))
        new_due = dt.datetime.combine(calendar.add_working_days(friday, 2), dt.time(17),
                                      tzinfo=TZ)
        officer = db.session.get(Staff, demo["staff"]["chuyenmon"])
        clock(dt.datetime.combine(tuesday, dt.time(10), tzinfo=TZ))
        services.processing.hand_over(dossier_id, officer, officer)
        services.processing.reschedule(dossier_id, officer, new_due, "Cần xác minh thêm.",
                                       ["sms"])
        clock(dt.datetime.combine(friday, dt.time(10), tzinfo=TZ))
        services.processing.resolve(dossier_id, officer)
    stamp(app, dossier_id, "handover", dt.datetime.combine(tuesday, dt.time(10), tzinfo=TZ))
    stamp(app, dossier_id, "resolve", dt.datetime.combine(friday, dt.time(10), tzinfo=TZ))
    stored = load(app, dossier_id)
    assert stored.original_due_at.astimezone(TZ) == \
        dt.datetime.combine(thursday, dt.time(17), tzinfo=TZ)

    sheet = reception.get(f"/can-bo/ho-so/{dossier_id}/phieu/06").get_data(as_text=True)  # TT 03
    check_page(sheet)
    assert f"17 giờ 00 phút, ngày {thursday:%d/%m/%Y}" in sheet  # the legal due date
    assert f"ngày {new_due:%d/%m/%Y}" in sheet.split("Ngày hẹn lại", 1)[1][:200]
    handover_row = sheet.split("Giao, nhận hồ sơ", 1)[1].split("</tr>", 1)[0]
    assert "Trước hạn" in handover_row
    result_row = sheet.split("Có kết quả giải quyết", 1)[1].split("</tr>", 1)[0]
    assert "Quá hạn" in result_row and "Đúng hạn" not in result_row

    page = reception.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    assert "Quá hạn" in page.split("Kết quả giải quyết (Quyết định 766)", 1)[1][:200]
