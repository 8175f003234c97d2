"""The queue in Chromium: a phone takes a number, an officer calls it, board and phone show it.

Also: the counter screen at 1366×768 and without JavaScript, and the 80 mm ticket print.
"""

from __future__ import annotations

import re
import time

from playwright.sync_api import expect


def _officer(browser, live_server, **context):
    """A desktop browser signed in as the demo reception officer through the real form."""
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN",
                              **context)
    page = ctx.new_page()
    page.goto(f"{live_server}/can-bo/dang-nhap")
    page.fill("#username", "tiepnhan")
    page.fill("#password", "tthc-demo")
    page.click("button:has-text('Đăng nhập')")
    page.wait_for_url(f"{live_server}/can-bo/quay")
    return ctx, page


def test_phone_ticket_is_called_and_shown_on_phone_and_board(browser, live_server, phone):
    # The hall's board is open all day.
    board_ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    board = board_ctx.new_page()
    errors = []
    board.on("pageerror", lambda error: errors.append(f"board: {error}"))
    phone.on("pageerror", lambda error: errors.append(f"phone: {error}"))
    board.goto(f"{live_server}/man-hinh")
    expect(board.locator(".board-table")).to_be_visible()

    # A citizen takes a number on a phone.
    phone.goto(f"{live_server}/lay-so")
    phone.click("button.kiosk-button:has-text('Hộ tịch')")
    expect(phone.locator(".ticket-label")).to_have_text("B-001")
    expect(phone.locator("#ticket-live")).to_contain_text("Sắp đến lượt")

    # An officer at counter 1 presses "Gọi tiếp" (the N key).
    ctx, officer = _officer(browser, live_server)
    officer.on("pageerror", lambda error: errors.append(f"counter: {error}"))
    expect(officer.locator(".queue-group").nth(1)).to_contain_text("B-001")
    officer.keyboard.press("n")
    expect(officer.locator(".desk-label")).to_have_text("B-001")
    called_at = time.monotonic()

    expect(board.locator(".board-call")).to_contain_text(
        "Mời công dân có số thứ tự B-001 đến quầy số 1", timeout=3000)
    board_delay = time.monotonic() - called_at
    assert board_delay < 3.0
    expect(board.locator("tr.is-called")).to_contain_text("B-001")

    expect(phone.locator(".ticket-call")).to_have_text("Mời đến quầy 1", timeout=7000)

    # Done: the phone says so and stops polling; the board keeps the number in its list.
    officer.click("button:has-text('Hoàn thành')")
    expect(officer.locator(".desk-empty")).to_be_visible()
    expect(phone.locator("#ticket-live")).to_contain_text("Đã phục vụ xong", timeout=7000)
    expect(board.locator(".board-recent")).to_contain_text("B-001")
    # The queues panel refreshed itself after the actions (HX-Trigger), before its next poll.
    expect(officer.locator("#queues")).to_contain_text("Đã phục vụ hôm nay: 1")
    assert not errors, errors
    ctx.close()
    board_ctx.close()


def test_idle_board_polls_cost_little(browser, live_server):
    ctx = browser.new_context()
    page = ctx.new_page()
    sizes = []
    page.goto(f"{live_server}/man-hinh")
    cdp = ctx.new_cdp_session(page)
    cdp.send("Network.enable")
    seen = {}
    cdp.on("Network.responseReceived",
           lambda e: seen.__setitem__(e["requestId"], e["response"]["status"]))
    cdp.on("Network.loadingFinished",
           lambda e: sizes.append((seen.get(e["requestId"]), e["encodedDataLength"])))
    page.wait_for_timeout(5000)
    polls = [size for status, size in sizes if status is not None]
    assert len(polls) >= 2, sizes
    # The first poll fetches the fragment; then the browser revalidates with If-None-Match
    # and gets a bodyless 304 (the XHR sees its cached copy).
    assert all(size <= 1000 for size in polls[1:]), polls
    ctx.close()


def test_counter_screen_fits_1366x768_and_works_without_javascript(browser, live_server):
    ctx, officer = _officer(browser, live_server, java_script_enabled=False)
    kiosk = ctx.new_page()
    kiosk.goto(f"{live_server}/lay-so")
    kiosk.click("button.kiosk-button:has-text('Chứng thực')")
    expect(kiosk.locator(".ticket-label")).to_have_text("A-001")

    officer.goto(f"{live_server}/can-bo/quay")
    button = officer.locator("button.desk-next-button")
    box = button.bounding_box()
    assert box["y"] + box["height"] <= 768, "Gọi tiếp is below the fold at 1366×768"
    assert officer.evaluate("document.documentElement.scrollWidth") <= 1366
    button.click()  # a plain form post and a 303 back
    expect(officer.locator(".desk-label")).to_have_text("A-001")
    officer.click("button:has-text('Gọi lại')")
    expect(officer.locator(".desk-status")).to_contain_text("đã gọi lại 1 lần")
    officer.click("button:has-text('Vắng mặt')")
    expect(officer.locator(".desk-empty")).to_be_visible()
    expect(officer.locator("#queues")).to_contain_text("đã vắng 1 lần")

    kiosk.click("text=Cập nhật")  # without JS, the citizen refreshes by hand
    expect(kiosk.locator("#ticket-live")).to_contain_text("xếp lại cuối hàng chờ")
    ctx.close()


def test_ticket_prints_on_80mm_paper(browser, live_server):
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(f"{live_server}/lay-so")
    page.click("button.kiosk-button:has-text('Nhận kết quả')")
    expect(page.locator(".ticket-label")).to_have_text("C-001")
    pdf = page.pdf(prefer_css_page_size=True, print_background=False)
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\]", pdf)
    assert box, "no page size in the PDF"
    width_mm = float(box.group(1)) * 25.4 / 72
    assert 79 <= width_mm <= 81, width_mm
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1, "the ticket spills onto a 2nd page"
    ctx.close()
