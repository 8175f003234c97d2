"""A Monday's assisted path in real browsers: the citizen pre-files on the phone (360×640),
the pre-filing QR read at the hall's kiosk gives the number, the officer who calls it opens
the dossier from the counter with no typing, and it is resolved and returned the same day.

The desk's clock is a working Monday morning (tests/browser/test_desk_browser.py); the
opening hours are off in the test app, so the path is the same whatever hour it runs.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.test_desk_browser import (check_paper, desktop, monday_morning,  # noqa: F401
                                             prefile, sign_in)


def mark_kiosk(page, live_server) -> None:
    """An admin makes this browser the hall's kiosk once, then signs out."""
    page.goto(f"{live_server}/can-bo/dang-nhap")
    page.fill("#username", "quantri")
    page.fill("#password", "tthc-demo")
    page.click("form.login-form button")
    page.goto(f"{live_server}/can-bo/hang-doi/cai-dat")
    page.get_by_role("button", name="Dùng trình duyệt này làm máy lấy số").click()
    expect(page.locator("body")).to_contain_text("đã thành máy lấy số")
    page.get_by_role("button", name="Đăng xuất").click()


def resolve_and_return(desktop) -> None:
    """The same-day path at the desk, from the opened dossier to the result handed over."""
    check_paper(desktop, "ban_chinh", "original")
    check_paper(desktop, "ban_sao", "copy", note="02 bản")
    save = desktop.get_by_role("button", name="Lưu kết quả kiểm tra")
    if save.count():  # the check may also save itself as it is ticked
        save.click()
    expect(desktop.locator("#quyet-dinh")).to_contain_text("Hồ sơ đủ điều kiện tiếp nhận")
    desktop.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    expect(desktop.locator("#trang-thai")).to_have_text("Được tiếp nhận")
    desktop.get_by_role("button", name="Đã xử lý xong").click()
    expect(desktop.locator("#trang-thai")).to_have_text("Đã xử lý xong")
    desktop.get_by_role("button", name="Trả kết quả").click()
    expect(desktop.locator("#trang-thai")).to_have_text("Đã trả kết quả")


def test_the_prefiled_qr_at_the_kiosk_is_the_ticket(phone, desktop, browser, live_server):
    # The citizen pre-files on the phone; the confirmation shows the code and its QR.
    draft_url, code = prefile(phone, live_server)
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code)

    # At the door, the kiosk tablet's scanner types what the QR holds: the dossier's link.
    tablet_context = browser.new_context(viewport={"width": 800, "height": 1280},
                                         locale="vi-VN")
    tablet = tablet_context.new_page()
    mark_kiosk(tablet, live_server)
    tablet.goto(f"{live_server}/lay-so")
    expect(tablet.locator("#ma")).to_be_focused()  # ready for the scanner
    tablet.keyboard.type(draft_url)
    tablet.keyboard.press("Enter")
    tablet.wait_for_url(re.compile(r"/so/[\w-]+\?kiosk=1$"))
    expect(tablet.locator(".ticket-label")).to_have_text("A-001")  # certification: group A
    # Scanning again shows the same number.
    tablet.goto(f"{live_server}/lay-so")
    tablet.fill("#ma", code.lower())
    tablet.get_by_role("button", name="Lấy số", exact=True).click()
    expect(tablet.locator(".ticket-label")).to_have_text("A-001")
    tablet_context.close()

    # The officer calls the next number: the counter shows the dossier's code and a link.
    sign_in(desktop, live_server)
    desktop.get_by_role("button", name=re.compile("Gọi tiếp")).click()
    expect(desktop.locator("#desk")).to_contain_text("A-001")
    expect(desktop.locator(".desk-dossier")).to_contain_text(code)
    desktop.get_by_role("link", name="Mở hồ sơ của số này").click()
    desktop.wait_for_url(re.compile(r"/can-bo/ho-so/\d+$"))
    expect(desktop.locator("h1")).to_contain_text("Chứng thực bản sao từ bản chính")
    expect(desktop.locator("#trang-thai")).to_have_text("Mới đăng ký")

    resolve_and_return(desktop)
    phone.goto(draft_url)
    expect(phone.locator(".status-box")).to_contain_text("Đã trả kết quả")


def test_lay_so_on_the_confirmation_page(phone, desktop, live_server):
    draft_url, code = prefile(phone, live_server)
    # On the confirmation page (the desk is open): «Lấy số», no kiosk needed.
    phone.get_by_role("button", name="Lấy số", exact=True).click()
    phone.wait_for_url(re.compile(r"/so/[\w-]+$"))
    expect(phone.locator(".ticket-label")).to_have_text("A-001")
    ticket_url = phone.url
    phone.goto(draft_url + "/da-nop")
    expect(phone.locator("#lay-so")).to_contain_text("A-001")

    sign_in(desktop, live_server)
    desktop.get_by_role("button", name=re.compile("Gọi tiếp")).click()
    expect(desktop.locator(".desk-dossier")).to_contain_text(code)
    desktop.get_by_role("link", name="Mở hồ sơ của số này").click()
    expect(desktop.locator("#trang-thai")).to_have_text("Mới đăng ký")
    phone.goto(ticket_url)
    expect(phone.locator("#ticket-live")).to_contain_text("Mời đến quầy 1")
