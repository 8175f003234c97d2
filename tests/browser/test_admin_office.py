"""The office's admin in a real browser (an office PC, 1366×768): opens Saturday mornings,
adds a day off and creates an account; then the hall's kiosk gives numbers that Saturday,
and the new officer, signed in, sees a deadline that skips the new day off.

The desk's clock is the next working Monday 09:30 (as in the desk's browser tests); the
office's clock (tthc.timeutil, which the kiosk reads) is that week's Saturday 09:00.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.desk.conftest import MONDAY, SINGLE, make_dossier
from tthc import offices
from tthc.domain.workdays import Calendar, due_at
from tthc.timeutil import TZ

GOOD = "mot-mat-khau-tot-42"


def _saturday_after(day: dt.date, calendar: Calendar) -> dt.date:
    day += dt.timedelta(days=(5 - day.weekday()) % 7 or 7)
    while day in calendar.makeup_workdays:
        day += dt.timedelta(days=7)
    return day


@pytest.fixture
def scene(app, monkeypatch):
    """The clocks, the opening hours on, a pre-filed 3-working-day dossier; the day off to
    add (the first working day after Monday) and the due dates without and with it."""
    from tthc import timeutil
    from tthc.desk import services

    monkeypatch.setattr(services, "now", lambda: MONDAY)
    monkeypatch.setattr(services, "today", lambda: MONDAY.date())
    app.config["TTHC_QUEUE_OPENING_HOURS"] = True
    with app.app_context():
        calendar = offices.calendar(None)
    saturday = dt.datetime.combine(_saturday_after(MONDAY.date(), calendar), dt.time(9),
                                   tzinfo=TZ)
    monkeypatch.setattr(timeutil, "now", lambda: saturday)
    dossier_id = make_dossier(app, SINGLE, state="new")
    day_off = calendar.next_working_day(MONDAY.date())
    with_day_off = Calendar(calendar.holidays | {day_off}, calendar.makeup_workdays)
    return {"dossier": dossier_id, "day_off": day_off,
            "due_before": due_at(MONDAY, 3, calendar), "due_after": due_at(MONDAY, 3,
                                                                          with_day_off)}


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    yield context.new_page()
    context.close()


def _hour_and_date(value: dt.datetime) -> str:
    local = value.astimezone(TZ)
    return f"{local:%H} giờ {local:%M} phút, ngày {local:%d/%m/%Y}"


def _sign_in(page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server}/can-bo/dang-nhap")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("form.login-form button")
    page.wait_for_url(re.compile(r"/can-bo(/quay)?$"))


def test_the_admin_changes_hours_and_holidays_and_adds_an_officer(browser, desktop, live_server,
                                                                   scene):
    # Saturday morning, before the change: the kiosk is closed.
    kiosk = browser.new_page()
    kiosk.goto(f"{live_server}/lay-so")
    expect(kiosk.locator("body")).to_contain_text("Ngoài giờ làm việc")
    assert scene["due_after"] > scene["due_before"]

    page = desktop
    _sign_in(page, live_server, "quantri", "tthc-demo")
    page.goto(f"{live_server}/can-bo/quan-tri")
    page.get_by_role("link", name="Thông tin cơ quan").click()
    page.fill("#gio_sat", "08:00-11:00")
    page.get_by_role("button", name="Lưu thông tin cơ quan").click()
    expect(page.locator(".notice")).to_contain_text("Đã lưu thông tin cơ quan.")
    expect(page.locator("#gio_sat")).to_have_value("08:00-11:00")

    page.goto(f"{live_server}/can-bo/quan-tri")
    page.get_by_role("link", name="Ngày nghỉ lễ, làm bù").click()
    page.get_by_role("link", name="Thêm ngày").click()
    day_off = scene["day_off"]
    page.fill("#ngay", "12/12/2026")  # a Saturday typed as a day off: refused beside it
    page.fill("#ten", "Nghỉ đột xuất")
    page.fill("#can_cu", "Quyết định của UBND thành phố")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("#ngay-error")).to_contain_text("Thứ Bảy, Chủ nhật vốn là ngày nghỉ")
    expect(page.locator("#ten")).to_have_value("Nghỉ đột xuất")
    page.fill("#ngay", day_off.strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".notice")).to_contain_text(f"Đã lưu ngày {day_off:%d/%m/%Y}.")
    expect(page.locator(f"#ngay-{day_off.isoformat()}")).to_contain_text("Nghỉ đột xuất")

    page.goto(f"{live_server}/can-bo/quan-tri")
    page.get_by_role("link", name="Tài khoản cán bộ").click()
    page.get_by_role("link", name="Tạo tài khoản").click()
    page.fill("#ten_dang_nhap", "hoa.le")
    page.fill("#ho_ten", "Lê Thị Hoa")
    page.fill("#quay", "2")
    page.fill("#mat_khau", GOOD)
    page.get_by_role("button", name="Tạo tài khoản").click()
    expect(page.locator(".notice")).to_contain_text("Đã tạo tài khoản hoa.le.")

    # The kiosk follows the new hours: numbers on Saturday morning, and the week's hours.
    kiosk.reload()
    expect(kiosk.locator(".kiosk-button").first).to_be_visible()
    expect(kiosk.locator("body")).to_contain_text("Thứ Bảy: 08:00 – 11:00")

    # The new officer signs in; the dossier's deadline skips the new day off.
    officer = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    desk = officer.new_page()
    _sign_in(desk, live_server, "hoa.le", GOOD)
    desk.goto(f"{live_server}/can-bo/ho-so/{scene['dossier']}")
    expect(desk.locator("body")).to_contain_text(
        "Hẹn trả kết quả: " + _hour_and_date(scene["due_after"]))
    officer.close()
    kiosk.close()
