"""The admin, in a real browser, reads the legal framework by date and confirms the day
Circular 03/2025 takes effect; a wrong day is refused beside the field; axe finds no WCAG 2.1
A/AA violation on the page, on a desktop and on a phone."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.test_admin_procedures import assert_accessible

FIELD = "#ngay-nd118-2025-tt03"


def test_the_admin_confirms_the_day_circular_03_takes_effect(browser, live_server):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{live_server}/can-bo/dang-nhap")
    page.fill("#username", "quantri")
    page.fill("#password", "tthc-demo")
    page.click("form.login-form button")
    page.wait_for_load_state()
    page.goto(f"{live_server}/can-bo/quan-tri")
    page.get_by_role("link", name="Văn bản pháp lý áp dụng").click()
    expect(page.locator("h1")).to_have_text("Văn bản pháp lý áp dụng")
    expect(page.locator("#vb-nd61-2018")).to_contain_text(
        "Nghị định số 61/2018/NĐ-CP, Điều 17 khoản 4")
    expect(page.locator(FIELD)).to_have_value("15/09/2025")
    assert_accessible(page)

    page.fill(FIELD, "30/06/2025")
    page.get_by_role("button", name="Lưu ngày có hiệu lực").click()
    expect(page.locator(f"{FIELD}-error")).to_contain_text("trước ngày ban hành thông tư")
    expect(page.locator(FIELD)).to_have_value("30/06/2025")  # what was typed stays
    expect(page.locator("#error-summary")).to_be_visible()
    assert_accessible(page)

    page.fill(FIELD, "01/10/2025")
    page.get_by_role("button", name="Lưu ngày có hiệu lực").click()
    expect(page.locator("#flash")).to_contain_text("Đã lưu ngày có hiệu lực")
    expect(page.locator(FIELD)).to_have_value("01/10/2025")
    expect(page.locator("#vb-nd118-2025-tt03")).to_contain_text("dữ liệu ghi 15/09/2025")

    phone = browser.new_context(viewport={"width": 360, "height": 640}, locale="vi-VN",
                                storage_state=context.storage_state())
    small = phone.new_page()
    small.goto(f"{live_server}/can-bo/quan-tri/van-ban")
    expect(small.locator("h1")).to_have_text("Văn bản pháp lý áp dụng")
    assert_accessible(small)
    phone.close()
    context.close()
