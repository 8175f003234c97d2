"""The holiday table in the admin's browser: listed by year from the seed file, edited as the
office's own rows, refused with a message beside the field when the Calendar would not hold,
and read at once by the deadlines; another office's admin sees none of it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from tests.desk.conftest import Officer
from tests.html import check_page
from tthc import offices
from tthc.domain.workdays import CountingRule, due_at
from tthc.extensions import db
from tthc.models import AccessLog, Holiday, Staff
from tthc.timeutil import TZ

DAYS = CountingRule.DAYS  # the default counting rule (domain.md §12 item 1)

LIST = "/can-bo/quan-tri/ngay-nghi"
NEW = LIST + "/them"


@pytest.fixture
def admin(app, demo):
    return Officer(app, demo["staff"]["quantri"])


def _row(app, office_id: int, day: dt.date) -> Holiday | None:
    with app.app_context():
        row = db.session.scalar(select(Holiday).filter_by(office_id=office_id, day=day))
        if row is not None:
            db.session.expunge(row)
        return row


def _calendar(app, office_id: int):
    with app.app_context():
        return offices.calendar(office_id)


def test_the_list_shows_the_years_rows_from_the_seed_file(app, demo, admin):
    page = admin.get(LIST + "?nam=2026")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    check_page(html)
    row = html.split('id="ngay-2026-01-10"')[1].split("</tr>")[0]
    assert "Ngày làm bù" in row and "Đã xác nhận" in row
    # §12 item 9: Mon 31/08 off, made up on Sat 22/08, both unconfirmed.
    assert 'id="ngay-2026-08-31"' in html and 'id="ngay-2026-08-22"' in html
    row = html.split('id="ngay-2026-08-31"')[1].split("</tr>")[0]
    assert "Chưa xác nhận" in row
    assert "2027" not in html.split("<tbody>")[1]
    page_2027 = admin.get(LIST + "?nam=2027").get_data(as_text=True)
    assert "06/02/2027" not in page_2027 and "05/02/2027" in page_2027  # 29 Chạp off
    assert "03/05/2027" in page_2027  # 1/5 on a Saturday, taken on Monday
    # The first visit copied the file into the office's own rows.
    assert _row(app, demo["office"], dt.date(2026, 8, 31)).confirmed is False


def test_an_added_holiday_moves_the_deadline_at_once(app, demo, admin):
    received = dt.datetime(2026, 12, 7, 9, 0, tzinfo=TZ)  # Monday
    before = due_at(received, 3, _calendar(app, demo["office"]), rule=DAYS)
    assert before.date() == dt.date(2026, 12, 10)
    response = admin.post(NEW, {"ngay": "09/12/2026", "loai": "holiday",
                                "ten": "Nghỉ đột xuất", "can_cu": "Quyết định 1/QĐ-UBND",
                                "ap_dung": "1"})
    assert response.status_code == 303
    assert response.location.endswith(LIST + "?nam=2026")
    after = due_at(received, 3, _calendar(app, demo["office"]), rule=DAYS)
    assert after.date() == dt.date(2026, 12, 11)  # Wednesday 09/12 skipped
    row = _row(app, demo["office"], dt.date(2026, 12, 9))
    assert (row.kind, row.name, row.basis, row.enabled, row.confirmed) == \
        ("holiday", "Nghỉ đột xuất", "Quyết định 1/QĐ-UBND", True, False)
    with app.app_context():
        logged = db.session.scalars(select(AccessLog.detail).filter_by(action="settings")).all()
    assert any("holiday 2026-12-09 added" in d for d in logged)


def test_a_make_up_saturday_counts_and_disabling_a_row_stops_counting_it(app, demo, admin):
    admin.get(LIST)
    assert admin.post(NEW, {"ngay": "12/12/2026", "loai": "makeup_workday",
                            "ten": "Làm bù", "ap_dung": "1"}).status_code == 303
    assert _calendar(app, demo["office"]).is_working_day(dt.date(2026, 12, 12))
    row = _row(app, demo["office"], dt.date(2026, 9, 1))
    assert not _calendar(app, demo["office"]).is_working_day(dt.date(2026, 9, 1))
    response = admin.post(f"{LIST}/{row.id}/ap-dung", {"ap_dung": "0"})
    assert response.status_code == 303
    assert _calendar(app, demo["office"]).is_working_day(dt.date(2026, 9, 1))
    assert _row(app, demo["office"], dt.date(2026, 9, 1)).enabled is False


def test_editing_a_row_confirms_it(app, demo, admin):
    admin.get(LIST)
    row = _row(app, demo["office"], dt.date(2026, 8, 31))
    page = admin.get(f"{LIST}/{row.id}")
    assert page.status_code == 200
    check_page(page.get_data(as_text=True))
    assert 'value="31/08/2026"' in page.get_data(as_text=True)
    response = admin.post(f"{LIST}/{row.id}", {
        "ngay": "31/08/2026", "loai": "holiday", "ten": row.name,
        "can_cu": "Thông báo 9441/TB-BNV", "da_xac_nhan": "1", "ap_dung": "1"})
    assert response.status_code == 303
    row = _row(app, demo["office"], dt.date(2026, 8, 31))
    assert (row.confirmed, row.basis) == (True, "Thông báo 9441/TB-BNV")


@pytest.mark.parametrize("data, field, message", [
    ({"ngay": "10/12/2026", "loai": "makeup_workday"}, "ngay",
     "Ngày làm bù phải là Thứ Bảy hoặc Chủ nhật"),
    ({"ngay": "12/12/2026", "loai": "holiday"}, "ngay", "Thứ Bảy, Chủ nhật vốn là ngày nghỉ"),
    ({"ngay": "10/01/2026", "loai": "makeup_workday"}, "ngay", "đã có trong bảng"),
    ({"ngay": "22/08/2026", "loai": "makeup_workday"}, "ngay",
     "không thể vừa nghỉ vừa làm bù"),
    ({"ngay": "31/02/2026", "loai": "holiday"}, "ngay", ""),
    ({"ngay": "", "loai": "holiday"}, "ngay", "Nhập ngày"),
    ({"ngay": "09/12/2026", "loai": "nghi"}, "loai", "Chọn ngày nghỉ hoặc ngày làm bù"),
    ({"ngay": "09/12/2026", "loai": "holiday", "ten": ""}, "ten", "Nhập tên ngày"),
])
def test_a_wrong_row_is_refused_beside_its_field_and_nothing_typed_is_lost(
        app, demo, admin, data, field, message):
    posted = {"ten": "Ngày thử", "can_cu": "Căn cứ đã gõ", "ap_dung": "1", **data}
    response = admin.post(NEW, posted)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    check_page(html)
    error = html.split(f'id="{field}-error"')[1].split("</p>")[0]
    assert "field-error" in error and message in error
    assert 'value="Căn cứ đã gõ"' in html
    if posted["ngay"]:
        assert f'value="{posted["ngay"]}"' in html
    with app.app_context():
        assert db.session.scalar(select(Holiday).filter_by(
            office_id=demo["office"], name="Ngày thử")) is None


def test_another_offices_admin_sees_and_touches_nothing_of_this_table(app, demo, admin,
                                                                      other_office):
    admin.post(NEW, {"ngay": "09/12/2026", "loai": "holiday", "ten": "Nghỉ riêng",
                     "ap_dung": "1"})
    ours = _row(app, demo["office"], dt.date(2026, 12, 9))
    theirs = Officer(app, other_office["staff"]["admin"])
    listing = theirs.get(LIST + "?nam=2026").get_data(as_text=True)
    assert "Nghỉ riêng" not in listing
    assert theirs.get(f"{LIST}/{ours.id}").status_code == 404
    assert theirs.post(f"{LIST}/{ours.id}", {"ngay": "09/12/2026", "loai": "holiday",
                                             "ten": "Đổi", "ap_dung": "1"}).status_code == 404
    assert theirs.post(f"{LIST}/{ours.id}/ap-dung", {"ap_dung": "0"}).status_code == 404
    assert _row(app, demo["office"], dt.date(2026, 12, 9)).enabled is True
    # Their deadlines never see our holiday.
    assert _calendar(app, other_office["id"]).is_working_day(dt.date(2026, 12, 9))
    assert not _calendar(app, demo["office"]).is_working_day(dt.date(2026, 12, 9))


@pytest.mark.parametrize("role", ["reception", "specialist", "leader"])
def test_only_admins_open_the_table(app, other_office, role):
    officer = Officer(app, other_office["staff"][role])
    assert officer.get(LIST).status_code == 403
    assert officer.post(NEW, {"ngay": "09/12/2026", "loai": "holiday",
                              "ten": "x"}).status_code == 403


def _first_visits_at_once(app, staff_id: int) -> None:
    from tests.queue.test_concurrency import _run_threads
    from tthc.models.holiday import file_rows

    officers = [Officer(app, staff_id) for _ in range(6)]
    statuses = _run_threads(len(officers), lambda i: officers[i].get(LIST).status_code)
    assert statuses == [200] * len(officers)
    with app.app_context():
        office_id = db.session.get(Staff, staff_id).office_id
        count = db.session.scalar(select(func.count(Holiday.id)).filter_by(office_id=office_id))
    assert count == len(file_rows()[1])  # copied once, whoever came first


@pytest.mark.sqlite_only("SQLite twin of a PostgreSQL test that runs in both runs")
def test_sqlite_first_visits_at_once_copy_the_seed_once(app, demo):
    _first_visits_at_once(app, demo["staff"]["quantri"])


@pytest.mark.postgres
def test_postgres_first_visits_at_once_copy_the_seed_once(pg_app):
    with pg_app.app_context():
        admin = db.session.scalar(select(Staff).filter_by(username="quantri")).id
    _first_visits_at_once(pg_app, admin)
