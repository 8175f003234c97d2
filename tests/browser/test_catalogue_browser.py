"""A citizen on a phone finds a procedure without typing diacritics and reads what to bring."""

from urllib.parse import parse_qs, urlparse

from playwright.sync_api import expect


def test_search_without_diacritics_then_open_a_procedure(phone, live_server):
    page = phone
    page.goto(f"{live_server}/thu-tuc")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    page.fill("#q", "chung thuc ban sao")
    # htmx swaps the results in place, without a page load
    expect(page.locator("#results a").first).to_contain_text("Chứng thực bản sao từ bản chính")
    expect(page.locator("#results a[href='/thu-tuc/dang-ky-khai-sinh']")).to_have_count(0)
    # same-day procedures say so, every working day (the Monday promise is the home page's)
    expect(page.locator("#results li").first.locator(".badge")).to_have_text(
        "Giải quyết trong ngày")
    # the address follows the search, so it can be shared or reloaded
    assert parse_qs(urlparse(page.url).query)["q"] == ["chung thuc ban sao"]
    page.locator("#results a", has_text="Chứng thực bản sao từ bản chính").click()
    expect(page.locator("h1")).to_contain_text("Chứng thực bản sao từ bản chính")
    expect(page.locator("#giay-to")).to_be_visible()
    expect(page.locator(".papers li").first).to_be_visible()
    expect(page.locator(".facts")).to_contain_text("2.000\u00a0₫")
    # One column on a phone: nothing wider than the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_search_works_with_javascript_off(browser, live_server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 640})
    page = context.new_page()
    page.goto(f"{live_server}/thu-tuc")
    page.fill("#q", "KHAI SINH")
    page.click("form.search button[type=submit]")
    expect(page.locator("#results a").first).to_contain_text("Đăng ký khai sinh")
    context.close()


def test_text_size_and_tap_targets_on_a_phone(phone, live_server):
    page = phone
    page.goto(f"{live_server}/thu-tuc/dang-ky-khai-sinh")
    size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert size >= 16
    small = page.evaluate("""() => [...document.querySelectorAll('main a.button, main button, .lang a, .procedure-list a')]
        .filter(e => e.offsetParent !== null)
        .map(e => e.getBoundingClientRect()).filter(r => r.height < 44).length""")
    assert small == 0


def test_english_switch_is_visible_and_remembered(phone, live_server):
    page = phone
    page.goto(f"{live_server}/")
    page.click("text=English")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto(f"{live_server}/thu-tuc")
    expect(page.locator("h1")).to_have_text("Administrative procedures")
