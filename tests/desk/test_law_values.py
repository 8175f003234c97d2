"""The framework version's rule values drive the desk (the law is data), and the office's
weekly schedule is the one source of the due hour.

A test framework file adds a version from next week with other values (a 16:00 cut-off, 2
working days to ask for a supplement, an apology 2 days before): a dossier received under
it follows them and cites it; one received this week, under the shipped version, does not.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from sqlalchemy import select

from tests.conftest import make_app
from tests.desk.conftest import COPY, MONDAY, SINGLE, Officer, _next_working_monday, load
from tests.html import check_page
from tthc.domain.frameworks import FRAMEWORKS_FILE
from tthc.extensions import db
from tthc.models import Setting
from tthc.timeutil import TZ

NEXT = dt.datetime.combine(_next_working_monday(MONDAY.date() + dt.timedelta(days=1)),
                           dt.time(9, 30), tzinfo=TZ)
TEST_DECREE = "Nghị định thử số 1/2026/NĐ-CP"
VALUES = {"cutoff": '{ hour = "16:00" }', "supplement_after_appraisal":
          "{ working_days = 2, restart = true }", "apology": "{ days_before = 2, times = 1 }",
          "dossier_code": '{ pattern = "{unit}-{yymmdd}-{seq:04d}" }'}
RULES = ("no_slip", "cutoff", "supplement_once", "supplement_after_appraisal",
         "refusal_after_appraisal", "apology", "early_return", "dossier_code")


def _test_version() -> str:
    rules = "".join(
        f'\n[[version.rule]]\nkey = "{key}"\ncitation = "{TEST_DECREE}, Điều {n}"\n'
        f'checked = "V"\n' + (f"values = {VALUES[key]}\n" if key in VALUES else "")
        for n, key in enumerate(RULES, 1))
    return f'''
[[version]]
key = "thu-2026"
name = "Nghị định thử"
decree = "{TEST_DECREE}"
decree_title = "{TEST_DECREE} (thử)"
amended_by = []
form_set = "tt03-2025"
effective_from = {NEXT.date().isoformat()}
checked = {{ effective_from = "V", decree = "V", form_set = "V" }}
''' + rules


@pytest.fixture
def app(seeded_sqlite, tmp_path):
    """The app with the shipped versions and a test version from next Monday."""
    frameworks = tmp_path / "frameworks.toml"
    frameworks.write_text(FRAMEWORKS_FILE.read_text(encoding="utf-8") + _test_version(),
                          encoding="utf-8")
    path = tmp_path / "tthc.sqlite"
    shutil.copy(seeded_sqlite, path)
    app = make_app(f"sqlite:///{path}", tmp_path, TTHC_FRAMEWORKS_FILE=str(frameworks))
    yield app
    with app.app_context():
        db.engine.dispose()


def _calendar(app):
    from tthc.desk import services

    with app.app_context():
        return services.calendar()


def test_the_cut_off_is_the_versions_for_a_dossier_received_under_it(app, dossier, reception,
                                                                       clock):
    clock(MONDAY.replace(hour=15, minute=40))
    this_week = dossier(COPY, state="checked")
    html = reception.get(f"/can-bo/ho-so/{this_week}").get_data(as_text=True)
    assert "Đã quá 15:00: theo quy định (Nghị định số 118/2025/NĐ-CP)" in html
    reception.post(f"/can-bo/ho-so/{this_week}/tiep-nhan", {"giu_hen": "0"})
    assert not load(app, this_week).same_day  # 15:00: the next working day

    clock(NEXT.replace(hour=15, minute=40))
    next_week = dossier(COPY, state="checked")
    html = reception.get(f"/can-bo/ho-so/{next_week}").get_data(as_text=True)
    check_page(html)
    assert "Đã quá" not in html
    reception.post(f"/can-bo/ho-so/{next_week}/tiep-nhan", {})
    stored = load(app, next_week)
    assert stored.same_day and stored.framework == "thu-2026"
    clock(NEXT.replace(hour=16, minute=30))  # after ITS cut-off, citing ITS article
    late = dossier(COPY, state="checked")
    html = reception.get(f"/can-bo/ho-so/{late}").get_data(as_text=True)
    assert f"Đã quá 16:00: theo quy định ({TEST_DECREE}, Điều 2)" in html


def test_an_office_cut_off_overrides_the_law_and_empty_gives_it_back(app, demo, dossier,
                                                                      reception, clock):
    from tthc.desk import services

    admin = Officer(app, demo["staff"]["quantri"])
    clock(NEXT.replace(hour=15, minute=40))
    page = admin.get("/can-bo/tiep-nhan/cai-dat").get_data(as_text=True)
    assert "16:00" in page and f"{TEST_DECREE}, Điều 2" in page  # the law in force, cited
    form = {"ma_don_vi": "000.00.21.H26", "mau_ma": "{unit}-{yymmdd}-{seq:04d}"}
    assert admin.post("/can-bo/tiep-nhan/cai-dat", {**form, "gio_chot": "15:30"}) \
        .status_code == 303
    with app.app_context():
        assert services.office_hours(demo["office"]).cutoff == dt.time(15, 30)
    assert admin.post("/can-bo/tiep-nhan/cai-dat", {**form, "gio_chot": ""}).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Setting).filter_by(office_id=demo["office"],
                                                           key="desk.cutoff")) is None
        assert services.office_hours(demo["office"]).cutoff == dt.time(16)
        clock(MONDAY)
        assert services.office_hours(demo["office"]).cutoff == dt.time(15)


ASK = {"so_muc": "1", "muc-0": "", "ly-do-0": "Bản sao giấy khai sinh có chứng thực."}


def test_the_supplement_notice_counts_the_versions_working_days(app, dossier, specialist,
                                                                  clock):
    calendar = _calendar(app)
    clock(MONDAY)
    this_week = dossier(SINGLE, state="progress")
    clock(NEXT)
    next_week = dossier(SINGLE, state="progress")

    # The third working day after reception: in time under 3 days, too late under 2.
    clock(dt.datetime.combine(calendar.add_working_days(MONDAY.date(), 3), dt.time(9),
                              tzinfo=TZ))
    page = specialist.get(f"/can-bo/ho-so/{this_week}").get_data(as_text=True)
    assert "Yêu cầu bổ sung sau khi thẩm định (Mẫu 02)" in page

    third = calendar.add_working_days(NEXT.date(), 3)
    clock(dt.datetime.combine(third, dt.time(9), tzinfo=TZ))
    response = specialist.post(f"/can-bo/ho-so/{next_week}/bo-sung", ASK)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Đã quá 2 ngày làm việc kể từ ngày tiếp nhận hồ sơ" in html
    assert f"({TEST_DECREE}, Điều 4)" in html and "61/2018" not in html
    assert load(app, next_week).status == 4
    # The dossier of this week is still in time on ITS third working day, whatever today's law.
    clock(dt.datetime.combine(calendar.add_working_days(MONDAY.date(), 3), dt.time(16),
                              tzinfo=TZ))
    assert specialist.post(f"/can-bo/ho-so/{this_week}/bo-sung", ASK).status_code == 303


def _reschedule(officer, dossier_id: int, day: dt.date):
    return officer.post(f"/can-bo/ho-so/{dossier_id}/hen-lai", {
        "ngay": (day + dt.timedelta(days=14)).strftime("%d/%m/%Y"), "gio": "",
        "ly_do_tre": "Cần xác minh thêm.", "bao_tin": ["sms"]})


def test_the_apology_follows_the_versions_days_before(app, dossier, specialist, clock):
    clock(MONDAY)
    this_week = dossier(SINGLE, state="progress")
    clock(NEXT)
    next_week = dossier(SINGLE, state="progress")
    for dossier_id in (this_week, next_week):
        due = load(app, dossier_id).due_at.astimezone(TZ).date()
        clock(dt.datetime.combine(due - dt.timedelta(days=1), dt.time(9), tzinfo=TZ))
        response = _reschedule(specialist, dossier_id, due)
        if dossier_id == this_week:
            assert response.status_code == 303  # one day before: in time under the 2018 rule
        else:
            html = response.get_data(as_text=True)
            assert response.status_code == 409
            assert "chậm nhất 02 ngày trước ngày hết hạn" in html
            assert f"({TEST_DECREE}, Điều 6)" in html


# --- one source of hours: the office's weekly schedule ----------------------------------------

WEEK = {"gio_mon": "07:30-11:30, 13:30-17:00", "gio_tue": "07:30-11:30, 13:30-17:00",
        "gio_wed": "07:30-11:30, 13:30-17:00", "gio_thu": "07:30-11:30, 13:30-17:00",
        "gio_fri": "07:30-11:30, 13:30-17:00", "gio_sat": "", "gio_sun": "", "gio_makeup": ""}
OFFICE = {"ten": "UBND phường Mẫu", "ten_en": "Demo Ward", "bo_phan": "Bộ phận Một cửa",
          "dia_chi": "Số 1 phố Mẫu", "dien_thoai": "024 3825 0000", "so_quay": "3"}


def test_the_friday_hours_on_the_office_page_set_the_due_hour_of_a_friday(app, demo, dossier,
                                                                            reception, clock):
    calendar = _calendar(app)
    admin = Officer(app, demo["staff"]["quantri"])
    # A 3-working-day procedure received on the Tuesday of a full working week is due on
    # Friday (the first such week from the desk's Monday: no holiday in it).
    tuesday = MONDAY + dt.timedelta(days=1)
    while not all(calendar.is_working_day(tuesday.date() + dt.timedelta(days=n))
                  for n in range(-1, 4)):
        tuesday += dt.timedelta(days=7)
    assert admin.post("/can-bo/quan-tri/co-quan", {**OFFICE, **WEEK}).status_code == 303
    clock(tuesday)
    before = dossier(SINGLE, state="received")
    due = load(app, before).due_at.astimezone(TZ)
    assert due.weekday() == 4 and due.time() == dt.time(17)

    friday = {**WEEK, "gio_fri": "07:30-11:30, 13:30-16:00"}
    assert admin.post("/can-bo/quan-tri/co-quan", {**OFFICE, **friday}).status_code == 303
    after = dossier(SINGLE, state="received")
    due = load(app, after).due_at.astimezone(TZ)
    assert due.weekday() == 4 and due.time() == dt.time(16)
    slip = reception.get(f"/can-bo/ho-so/{after}/phieu/01").get_data(as_text=True)
    assert "16:00" in slip
    # Thursday keeps 17:00: only Friday changed.
    thursday = dossier(SINGLE, state="checked")
    with app.app_context():
        from tthc.desk import services
        from tthc.models import Dossier

        decision = services.preview(db.session.get(Dossier, thursday),
                                    at=tuesday - dt.timedelta(days=1))
    assert decision.due.astimezone(TZ).time() == dt.time(17)
