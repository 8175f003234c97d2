"""Issue 11, done when: the office's admin, in a real browser with JavaScript on, adds a version
of a procedure effective tomorrow (a paper's name, the fee), closes tomorrow's afternoon, adds a
day off and creates an account. Today the citizen still sees the version in force and the kiosk
today's hours; from the next day the citizen's form (and a draft started the day before) and
the kiosk follow the change, a deadline computed at the desk skips the new day off, the new
officer signs in, and a dossier received the day before keeps its version and the framework
in force on its reception date.

The clock is the app's date seam (tthc.timeutil, and the desk's and intake's copies of it), set
to a working day D at 14:00 and then to D + 1 at 14:00; D, D + 1 and D + 2 are working days.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.desk.conftest import SINGLE, make_dossier
from tthc import offices, timeutil
from tthc.domain.workdays import Calendar, CountingRule, due_at
from tthc.timeutil import TZ

OLD_PAPER = "Giấy tờ tùy thân của người yêu cầu"
NEW_PAPER = "Giấy tờ tùy thân có ảnh, còn giá trị sử dụng, của người yêu cầu"
OLD_FEE = "Theo mức thu do Hội đồng nhân dân thành phố Hà Nội quy định"
NEW_FEE = "20.000 ₫"
PASSWORD = "mot-mat-khau-tot-42"
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]
DAY_NAMES = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu"]
FRAMEWORK = ("Văn bản áp dụng: Nghị định số 118/2025/NĐ-CP; biểu mẫu theo Thông tư số "
             "03/2025/TT-VPCP.")
FORMS_2025 = "Phụ lục I ban hành kèm theo Thông tư số 03/2025/TT-VPCP"


def _first_run_of_three_working_days(calendar: Calendar) -> dt.date:
    """The first day from today (never earlier: the test answers' dates are recent) that
    starts three consecutive working days from Monday to Friday (a day off is one of them)."""
    day = timeutil.today()
    while not all(calendar.is_working_day(d) and d.weekday() < 5
                  for d in (day + dt.timedelta(days=k) for k in range(3))):
        day += dt.timedelta(days=1)
    return day


@pytest.fixture
def clock(monkeypatch):
    """clock(at): the office's clock (tthc.timeutil) and the copies bound by name."""
    from tthc.desk import services
    from tthc.intake import sending

    def set_to(at: dt.datetime) -> None:
        monkeypatch.setattr(timeutil, "now", lambda: at)
        monkeypatch.setattr(services, "now", lambda: at)
        monkeypatch.setattr(services, "today", lambda: at.date())
        monkeypatch.setattr(sending, "now", lambda: at)

    return set_to


def _sign_in(page, live_server: str, username: str, password: str) -> None:
    page.goto(f"{live_server}/can-bo/dang-nhap")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("form.login-form button")
    page.wait_for_url(re.compile(r"/can-bo(/quay)?$"))


def test_the_admins_day_and_the_next(app, browser, live_server, clock):
    app.config["TTHC_QUEUE_OPENING_HOURS"] = True
    with app.app_context():
        calendar = offices.calendar(None)
    today = _first_run_of_three_working_days(calendar)
    tomorrow, day_off = today + dt.timedelta(days=1), today + dt.timedelta(days=2)
    clock(dt.datetime.combine(today, dt.time(14), tzinfo=TZ))
    weekday = tomorrow.weekday()

    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    page = context.new_page()
    _sign_in(page, live_server, "quantri", "tthc-demo")

    # 1. A version of the procedure effective tomorrow: the paper's name and the fee.
    page.goto(f"{live_server}/can-bo/quan-tri")
    page.get_by_role("link", name="Thủ tục hành chính").click()
    page.locator(f"#tt-{SINGLE}").get_by_role("link", name=re.compile("^Tạo phiên bản mới")).click()
    expect(page.locator("#effective_from")).to_have_value(tomorrow.strftime("%d/%m/%Y"))
    page.locator("#papers-1 > summary").click()
    expect(page.locator("#papers-1-name_vi")).to_have_value(OLD_PAPER)
    page.fill("#papers-1-name_vi", NEW_PAPER)
    page.locator("#fees-0 > summary").click()
    page.select_option("#fees-0-kind", "fixed")
    page.fill("#fees-0-amount", "20000")
    page.fill("#fees-0-wording_vi", "Lệ phí 20.000 đồng/lần theo nghị quyết của HĐND thành phố")
    page.get_by_role("button", name="Lưu phiên bản").last.click()
    expect(page.locator(".notice").first).to_contain_text("Đã lưu phiên bản")

    # 2. Tomorrow's weekday closes at 11:30 (one source: the footer, the kiosk, the desk).
    page.goto(f"{live_server}/can-bo/quan-tri")
    page.get_by_role("link", name="Thông tin cơ quan").click()
    page.fill(f"#gio_{WEEKDAYS[weekday]}", "07:30-11:30")
    page.get_by_role("button", name="Lưu thông tin cơ quan").click()
    expect(page.locator(".notice")).to_contain_text("Đã lưu thông tin cơ quan.")

    # 3. A day off the day after tomorrow.
    page.goto(f"{live_server}/can-bo/quan-tri")
    page.get_by_role("link", name="Ngày nghỉ lễ, làm bù").click()
    page.get_by_role("link", name="Thêm ngày").click()
    page.fill("#ngay", day_off.strftime("%d/%m/%Y"))
    page.fill("#ten", "Nghỉ đột xuất")
    page.fill("#can_cu", "Quyết định của UBND thành phố")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".notice")).to_contain_text(f"Đã lưu ngày {day_off:%d/%m/%Y}.")

    # 4. An account for a new receptionist.
    page.goto(f"{live_server}/can-bo/quan-tri")
    page.get_by_role("link", name="Tài khoản cán bộ").click()
    page.get_by_role("link", name="Tạo tài khoản").click()
    page.fill("#ten_dang_nhap", "hoa.le")
    page.fill("#ho_ten", "Lê Thị Hoa")
    page.check('input[name="vai_tro"][value="reception"]')
    page.fill("#mat_khau", PASSWORD)
    page.get_by_role("button", name="Tạo tài khoản").click()
    expect(page.locator(".notice")).to_contain_text("Đã tạo tài khoản hoa.le.")
    context.close()

    # Today: the citizen still sees the version in force, the kiosk gives numbers (today's
    # hours are unchanged), and a dossier received today takes today's version.
    citizen = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    public = citizen.new_page()
    public.goto(f"{live_server}/thu-tuc/{SINGLE}")
    expect(public.locator("main")).to_contain_text(OLD_PAPER)
    expect(public.locator("main")).to_contain_text(OLD_FEE)
    expect(public.locator("main")).not_to_contain_text(NEW_PAPER)
    public.goto(f"{live_server}/nop-truoc?thu_tuc={SINGLE}")
    expect(public.locator("main")).to_contain_text(OLD_PAPER)
    draft = citizen.new_page()  # a draft started today, not sent: it follows the law in force
    draft.goto(f"{live_server}/nop-truoc?thu_tuc={SINGLE}")
    draft.get_by_role("button", name="Bắt đầu điền hồ sơ").click()
    expect(draft).to_have_url(re.compile(r"/ho-so/"))
    expect(draft.locator("main")).to_contain_text(OLD_PAPER)
    expect(draft.locator("main")).not_to_contain_text(NEW_FEE)
    kiosk = browser.new_page()
    kiosk.goto(f"{live_server}/lay-so")
    expect(kiosk.locator(".kiosk-button").first).to_be_visible()
    hours = f"{DAY_NAMES[weekday]}: 07:30 – 11:30"  # the week's hours, one source
    expect(kiosk.locator("footer")).to_contain_text(hours)
    yesterdays = make_dossier(app, SINGLE, state="received")

    # The next day.
    clock(dt.datetime.combine(tomorrow, dt.time(14), tzinfo=TZ))
    public.goto(f"{live_server}/thu-tuc/{SINGLE}")
    expect(public.locator("main")).to_contain_text(NEW_PAPER)
    expect(public.locator("main")).to_contain_text(NEW_FEE)
    expect(public.locator("main")).not_to_contain_text(OLD_FEE)
    public.goto(f"{live_server}/nop-truoc?thu_tuc={SINGLE}")
    expect(public.locator("main")).to_contain_text(NEW_PAPER)
    draft.reload()
    expect(draft.locator("main")).to_contain_text(NEW_PAPER)
    expect(draft.locator("main")).to_contain_text(NEW_FEE)
    kiosk.reload()  # this afternoon is closed now
    expect(kiosk.locator("body")).to_contain_text("Ngoài giờ làm việc")
    expect(kiosk.locator(".kiosk-button")).to_have_count(0)
    expect(kiosk.locator(".kiosk-closed li", has_text=hours)).to_have_count(1)

    citizen.close()

    # The new officer signs in; a dossier filed today is due three working days on, the new
    # day off skipped.
    todays = make_dossier(app, SINGLE, state="new")
    with app.app_context():
        now_calendar = offices.calendar(None)
    assert day_off in now_calendar.holidays
    received = timeutil.now()
    due = due_at(received, 3, now_calendar, rule=CountingRule.DAYS)
    assert due > due_at(received, 3, calendar, rule=CountingRule.DAYS)  # the day off counts
    officer = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    desk = officer.new_page()
    _sign_in(desk, live_server, "hoa.le", PASSWORD)
    desk.goto(f"{live_server}/can-bo/ho-so/{todays}")
    # The date only: the hour a due date falls due is the desk's (its closing time that day).
    expect(desk.locator("main")).to_contain_text(
        re.compile(rf"Hẹn trả kết quả: \d\d giờ \d\d phút, ngày {due.astimezone(TZ):%d/%m/%Y}"))
    expect(desk.locator("main")).to_contain_text(NEW_PAPER)

    # Yesterday's dossier keeps its version and cites the framework of its reception date.
    desk.goto(f"{live_server}/can-bo/ho-so/{yesterdays}")
    expect(desk.locator("main")).to_contain_text(OLD_PAPER)
    expect(desk.locator("main")).not_to_contain_text(NEW_PAPER)
    expect(desk.locator("main")).to_contain_text(FRAMEWORK)
    desk.goto(f"{live_server}/can-bo/ho-so/{yesterdays}/phieu/01")
    slip = desk.locator("article.slip")
    expect(slip).to_contain_text("Mẫu số 01")
    expect(slip).to_contain_text(FORMS_2025)
    expect(slip).to_contain_text(OLD_PAPER)
    expect(slip).not_to_contain_text(NEW_PAPER)
    expect(slip).not_to_contain_text("01/2018")
    officer.close()
    kiosk.close()
