"""Issue 11 in real browsers: the citizen asks on the phone for the result by post (the
address comes from the place of residence), the officer finds that choice at the desk,
gives the two extra working days the law allows for many copies and prints Form 01 with the
lawful date and the channel; the result then goes by post with its tracking number."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.test_desk_browser import APPLICANT, check_paper, open_by_code, sign_in
from tests.desk.conftest import MONDAY
from tthc.domain.workdays import load_calendar_file

RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
         "resultTypes": ["violations"]}


def no_wcag_violation(page) -> None:
    results = Axe().run(page, options=RULES)
    assert not results.violations_count, results.generate_report()


@pytest.fixture(autouse=True)
def monday_morning(monkeypatch):
    from tthc.desk import services

    monkeypatch.setattr(services, "now", lambda: MONDAY)
    monkeypatch.setattr(services, "today", lambda: MONDAY.date())


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    yield context.new_page()
    context.close()


def test_post_chosen_on_the_phone_and_two_more_days_at_the_desk(phone, desktop, live_server):
    phone.goto(f"{live_server}/nop-truoc?thu_tuc=chung-thuc-ban-sao")
    phone.click("text=Bắt đầu điền hồ sơ")
    phone.wait_for_url(re.compile(r"/ho-so/[\w-]+$"))
    draft_url = phone.url
    for selector, value in APPLICANT.items():
        phone.fill(selector, value)
    phone.check("#applicant_sex-2")
    phone.check("#has_copies")
    expect(phone.locator("#giay-to-ban_sao")).to_be_visible(timeout=10000)
    phone.check("#bring-ban_chinh")
    phone.check("#bring-ban_sao")
    expect(phone.locator("#completeness")).to_contain_text("Hồ sơ đã đủ", timeout=10000)
    # the address left empty: the place of residence typed above
    phone.get_by_label("Qua dịch vụ bưu chính công ích").check()
    no_wcag_violation(phone)
    phone.get_by_role("button", name="Nộp trước").click()
    phone.wait_for_url(re.compile(r"/da-nop$"))
    code = phone.locator(".code-large").inner_text().strip()

    sign_in(desktop, live_server)
    open_by_code(desktop, live_server, code)
    expect(desktop.get_by_label("Qua dịch vụ bưu chính công ích")).to_be_checked()
    expect(desktop.locator("#dia_chi_tra")).to_have_value(APPLICANT["#applicant_address"])
    check_paper(desktop, "ban_chinh", "original")
    check_paper(desktop, "ban_sao", "copy")
    expect(desktop.locator("#quyet-dinh")).to_contain_text("Hồ sơ đủ điều kiện tiếp nhận")
    due = load_calendar_file().add_working_days(MONDAY.date(), 2)
    option = desktop.get_by_label(re.compile("Cùng lúc chứng thực nhiều loại giấy tờ"))
    expect(option).to_be_visible()
    option.check()
    no_wcag_violation(desktop)
    desktop.get_by_role("button", name="Tiếp nhận hồ sơ").click()

    # Form 01: the lawful date, the extension and its basis, the channel with its address
    expect(desktop.locator("h1")).to_contain_text("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ")
    expect(desktop.locator(".slip-due")).to_have_text(
        f"17 giờ 00 phút, ngày {due:%d/%m/%Y}")
    expect(desktop.locator("main")).to_contain_text("Trong ngày; gia hạn thêm 2 ngày làm việc")
    expect(desktop.locator("#kenh-nhan")).to_have_text("Qua dịch vụ bưu chính công ích")

    phone.goto(draft_url)
    expect(phone.locator("#gia-han")).to_contain_text("kéo dài thêm 2 ngày làm việc")
    expect(phone.locator("#nhan-ket-qua")).to_contain_text("Qua dịch vụ bưu chính công ích")
