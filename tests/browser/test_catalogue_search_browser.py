"""Search as a citizen types it on a phone: the most relevant procedure first, and a plain
answer saying where to go for what the ward does not do (issue 11)."""

from playwright.sync_api import expect


def test_typing_ket_hon_puts_marriage_first_then_cccd_says_where_to_go(phone, live_server):
    page = phone
    page.goto(f"{live_server}/thu-tuc")
    page.fill("#q", "ket hon")
    expect(page.locator("#results a").first).to_have_text("Đăng ký kết hôn")
    page.fill("#q", "cccd")
    notice = page.locator("#results .elsewhere")
    expect(notice).to_contain_text("Công an cấp xã")
    expect(notice.locator("a")).to_have_count(0)
    expect(page.locator("#results .procedure-list")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_where_to_go_with_javascript_off(browser, live_server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 640})
    page = context.new_page()
    page.goto(f"{live_server}/thu-tuc")
    page.fill("#q", "hộ khẩu")
    page.click("form.search button[type=submit]")
    expect(page.locator("#results .elsewhere")).to_contain_text("01/01/2023")
    page.fill("#q", "giay xac nhan doc than")
    page.click("form.search button[type=submit]")
    expect(page.locator("#results a").first).to_have_text("Cấp Giấy xác nhận tình trạng hôn nhân")
    context.close()
