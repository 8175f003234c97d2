"""The admin, in a real browser with JavaScript on, adds a version of a procedure effective
tomorrow (a new paper, a new name), previews the citizen's form, and the public pages follow
from tomorrow only."""

from __future__ import annotations

import datetime as dt
import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.test_accessibility import RULES
from tthc import timeutil

NEW_NAME = "Chứng thực bản sao từ bản chính (mẫu 2027)"


def assert_accessible(page) -> None:
    """axe-core finds no WCAG 2.1 A/AA violation on the page as it is now."""
    results = Axe().run(page, options=RULES)
    assert not results.violations_count, results.generate_report()


def test_the_admin_adds_a_version_effective_tomorrow(app, browser, live_server, monkeypatch):
    tomorrow = timeutil.today() + dt.timedelta(days=1)
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{live_server}/can-bo/dang-nhap")
    page.fill("#username", "quantri")
    page.fill("#password", "tthc-demo")
    page.click("form.login-form button")
    page.wait_for_load_state()
    page.goto(f"{live_server}/can-bo/quan-tri")
    page.get_by_role("link", name="Thủ tục hành chính").click()
    expect(page.locator("h1")).to_have_text("Thủ tục hành chính")
    assert_accessible(page)
    page.locator("#tt-chung-thuc-ban-sao").get_by_role(
        "link", name=re.compile("^Tạo phiên bản mới")).click()
    expect(page.locator("#effective_from")).to_have_value(tomorrow.strftime("%d/%m/%Y"))

    page.fill("#name_vi", NEW_NAME)
    page.get_by_role("button", name="Thêm giấy tờ").click()  # the page comes back, kept
    expect(page.locator("#name_vi")).to_have_value(NEW_NAME)
    assert_accessible(page)
    page.fill("#papers-2-key", "giay_uy_quyen")
    page.fill("#papers-2-name_vi", "Giấy ủy quyền (nếu nhờ người khác nộp)")
    page.fill("#papers-2-name_en", "Power of attorney")
    page.select_option("#papers-2-form", "original")
    page.uncheck("#papers-2-required")
    page.get_by_role("button", name="Lưu phiên bản").last.click()
    expect(page.locator(".notice").first).to_contain_text("Đã lưu phiên bản")
    expect(page.locator("h1")).to_contain_text(NEW_NAME)  # not in force yet: still editable

    page.get_by_role("link", name="Xem trước biểu mẫu của công dân").click()
    expect(page.locator("h1")).to_have_text(NEW_NAME)
    expect(page.locator("#giay-to + ul")).to_contain_text("Giấy ủy quyền (nếu nhờ người khác nộp)")
    assert_accessible(page)

    public = context.new_page()
    public.goto(f"{live_server}/thu-tuc/chung-thuc-ban-sao")
    expect(public.locator("h1")).not_to_have_text(NEW_NAME)
    at = dt.datetime.combine(tomorrow, dt.time(9, 0), tzinfo=timeutil.TZ)
    monkeypatch.setattr(timeutil, "now", lambda: at)  # the office's clock: tomorrow morning
    public.goto(f"{live_server}/thu-tuc/chung-thuc-ban-sao")
    expect(public.locator("h1")).to_have_text(NEW_NAME)
    public.goto(f"{live_server}/nop-truoc?thu_tuc=chung-thuc-ban-sao")
    expect(public.locator("body")).to_contain_text(re.compile("Giấy ủy quyền"))

    page.goto(f"{live_server}/can-bo/quan-tri/thu-tuc")  # tomorrow: the new one is in force
    row = page.locator("#tt-chung-thuc-ban-sao tbody tr").first
    expect(row).to_contain_text("Đang áp dụng")
    page.goto(f"{live_server}/can-bo/quan-tri/thu-tuc/nhap")
    assert_accessible(page)
    context.close()
