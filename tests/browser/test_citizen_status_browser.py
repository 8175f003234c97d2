"""After filing, on a 360×640 phone: a lost link found again from the home page, the official
code and due date once the desk has received the dossier, and what to supplement."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.intake.conftest import Citizen
from tests.intake.desk_steps import BAD_PAPER, OFFICIAL_CODE, ask_supplement, receive


@pytest.fixture(params=["javascript", "no-javascript"])
def any_phone(request, browser):
    """The same phone with JavaScript on, then off: every flow works without it."""
    context = browser.new_context(viewport={"width": 360, "height": 640}, is_mobile=True,
                                  has_touch=True, locale="vi-VN",
                                  java_script_enabled=request.param == "javascript")
    yield context.new_page()
    context.close()


def settle(page) -> None:
    """With JavaScript, let the live check that took the tick in answer before going on.

    A phone with no device cookie yet gets one from the first save that remembers; a second
    save sent before that answer arrives mints another (tthc.intake.posted.read), and the
    draft may end up linked to the profile whose cookie the phone did not keep.
    """
    if not page.evaluate("typeof htmx !== 'undefined'"):
        return
    deadline = time.monotonic() + 15
    while not any(c["name"] == "tthc_thiet_bi" for c in page.context.cookies()):
        assert time.monotonic() < deadline, "the live check never remembered the phone"
        page.wait_for_timeout(50)


def one_column(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_lost_link_is_found_again_from_the_home_page(any_phone, live_server):
    page = any_phone
    # A one-page form (a long one opens on its task list: tests/intake/test_steps.py).
    page.goto(f"{live_server}/nop-truoc?thu_tuc=chung-thuc-ban-sao")
    page.get_by_role("button", name="Bắt đầu điền hồ sơ").click()
    page.wait_for_url(re.compile(r"/ho-so/[\w-]+$"))
    draft_url = page.url
    page.fill("#applicant_full_name", "Nguyễn Thị Hoà")
    page.check("#remember")
    settle(page)
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator("#flash")).to_contain_text("Đã lưu hồ sơ.")

    # The tab is closed and the address lost: the home page leads back to the draft.
    page.goto(f"{live_server}/")
    page.get_by_role("link", name=re.compile("Hồ sơ của tôi")).click()
    expect(page.locator("h1")).to_have_text("Hồ sơ của tôi trên điện thoại này")
    item = page.locator(".my-dossiers li")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("Bản nháp")
    one_column(page)
    item.get_by_role("link", name="Chứng thực bản sao từ bản chính").click()
    page.wait_for_url(draft_url)
    expect(page.locator("#applicant_full_name")).to_have_value("Nguyễn Thị Hoà")

    # Forget this phone: the list goes, the draft stays behind its own link.
    page.goto(f"{live_server}/ho-so-cua-toi")
    page.get_by_role("button", name="Quên điện thoại này").click()
    expect(page.locator("main")).to_contain_text("chưa ghi nhớ hồ sơ nào")
    expect(page.locator(".my-dossiers li")).to_have_count(0)
    page.goto(draft_url)
    expect(page.locator("#applicant_full_name")).to_have_value("Nguyễn Thị Hoà")


def test_after_reception_the_phone_shows_the_official_code_and_due_date(
        app, phone, live_server):
    citizen = Citizen(app, app.test_client())
    path = citizen.start()
    citizen.fill_complete(path)
    citizen.action(path + "/nop")
    dossier = citizen.dossier(path)
    receive(app, dossier.id)
    page = phone
    page.goto(f"{live_server}{path}/da-nop")  # the confirmation, opened again later
    status = page.locator(".status-box")
    expect(status).to_contain_text(OFFICIAL_CODE)
    expect(status).to_contain_text("14/12/2026")
    expect(page.locator("main")).not_to_contain_text("Đọc mã này cho cán bộ tiếp nhận")
    one_column(page)

    # The look-up with the code as the citizen types it, and the phone's last digits.
    code = dossier.prefiling_code
    page.goto(f"{live_server}/tra-cuu")
    page.fill("#code", f"{code[:4].lower()} {code[4:]}")
    page.fill("#last4", "5678")
    page.get_by_role("button", name="Tra cứu").click()
    result = page.locator(".lookup-result")
    expect(result).to_contain_text(OFFICIAL_CODE)
    expect(result).to_contain_text("Ngày hẹn trả kết quả")
    expect(page.locator("#code")).to_have_value(f"{code[:4]}-{code[4:]}")
    one_column(page)


def test_the_look_up_lists_what_to_supplement(app, phone, live_server):
    citizen = Citizen(app, app.test_client())
    path = citizen.start()
    citizen.fill_complete(path)
    citizen.action(path + "/nop")
    dossier = citizen.dossier(path)
    ask_supplement(app, dossier.id)
    page = phone
    page.goto(f"{live_server}/tra-cuu?ma={dossier.prefiling_code.lower()}")
    page.fill("#last4", "5678")
    page.get_by_role("button", name="Tra cứu").click()
    items = page.locator(".supplement-items li")
    expect(items).to_have_count(2)
    expect(items.first).to_have_text(BAD_PAPER["reason"])
    # this phone does not keep the draft: how to open it, not a link to it
    expect(page.get_by_role("link", name="Nộp bổ sung")).to_have_count(0)
    expect(page.locator(".lookup-result")).to_contain_text("mã QR đã lưu")
    one_column(page)
