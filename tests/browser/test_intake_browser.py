"""A citizen pre-files a birth registration on a cheap, slow phone, then looks it up.

The phone: 360×640, 400 ms round trip, 400 kbit/s both ways, CPU slowed 4× (recipes.md).
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

ID_WRONG = "999190012345"  # 999 is no province code
ID_RIGHT = "001190012345"


def throttle(page) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 400, "downloadThroughput": 51200,
        "uploadThroughput": 51200})
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})


def panel_links(page) -> list[str]:
    return page.eval_on_selector_all("#completeness a", "els => els.map(e => e.hash)")


def wait_saved(page, *names: str) -> None:
    """Wait until the live check has taken these fields in: they left the panel's gaps."""
    for name in names:
        expect(page.locator(f'#completeness a[href="#{name}"]')).to_have_count(0, timeout=15000)


def wait_idle(page) -> None:
    """Wait until no live check is in flight (htmx marks the panel while one is)."""
    deadline = time.monotonic() + 15
    busy = "document.getElementById('completeness').classList.contains('htmx-request')"
    while page.evaluate(busy):
        assert time.monotonic() < deadline, "a live check never finished"
        page.wait_for_timeout(50)


def start_birth(page, live_server) -> str:
    """Start a birth registration: its task list; return the draft's URL."""
    page.goto(f"{live_server}/nop-truoc?thu_tuc=dang-ky-khai-sinh")
    page.click("text=Bắt đầu điền hồ sơ")
    page.wait_for_url(re.compile(r"/ho-so/[\w-]+$"))
    return page.url


def continue_to(page, number) -> None:
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url(re.compile(rf"/phan/{number}$"))


def panel_in_view(page) -> bool:
    box = page.locator("#completeness").bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


def gaps_left(page) -> int:
    return int(re.search(r"Còn thiếu (\d+) mục", page.locator("#completeness").inner_text())[1])


def test_prefile_a_birth_registration_on_a_slow_phone(phone, live_server):
    page = phone
    throttle(page)
    page.set_default_timeout(20000)
    page.goto(f"{live_server}/thu-tuc/dang-ky-khai-sinh")
    page.click("text=Chuẩn bị hồ sơ")
    page.click("text=Bắt đầu điền hồ sơ")
    page.wait_for_url(re.compile(r"/ho-so/[\w-]+$"))
    draft_url = page.url
    # A long form: its task list, one section a page.
    expect(page.locator(".task-list")).to_contain_text("Thông tin người mẹ")
    expect(page.locator("main")).to_contain_text("Mọi thứ được lưu tự động")  # with the script
    page.get_by_role("link", name="Thông tin người nộp hồ sơ").click()
    page.wait_for_url(re.compile(r"/phan/1$"))
    expect(page.locator("#completeness")).to_contain_text("Còn thiếu")
    page.evaluate("window.__samePage = true")  # gone if the page ever reloads

    # A wrong ID number: the error appears beside it, without a page load.
    page.fill("#applicant_full_name", "Nguyễn Thị Hoà")
    page.fill("#applicant_birth_date", "15031990")  # a keypad has no "/"
    page.check("#applicant_sex-2")
    started = time.monotonic()
    page.fill("#applicant_id_number", ID_WRONG)
    error = page.locator("#applicant_id_number-error")
    expect(error).to_contain_text("999", timeout=15000)
    elapsed = time.monotonic() - started
    print(f"\nwrong ID number → message beside the field: {elapsed:.2f} s")
    expect(page.locator("#applicant_id_number")).to_have_attribute("aria-invalid", "true")
    assert page.evaluate("window.__samePage") is True
    expect(page.locator("#completeness")).to_contain_text("999")
    assert panel_in_view(page)

    # Half-way: what was typed is saved by the live check; a reload finds it all again.
    page.fill("#applicant_phone", "0912 345 678")
    page.fill("#applicant_address", "Số 12 ngõ 34 phố Thụy Khuê, Hà Nội")
    page.check("#applicant_role")
    page.select_option("#relationship", "me")  # the applicant is the mother
    wait_idle(page)
    page.locator("#completeness summary").click()  # the whole list, on demand
    wait_saved(page, "applicant_phone", "applicant_address", "applicant_role", "relationship")
    page.reload()
    expect(page.locator("#applicant_full_name")).to_have_value("Nguyễn Thị Hoà")
    expect(page.locator("#applicant_birth_date")).to_have_value("15/03/1990")
    expect(page.locator("#applicant_sex-2")).to_be_checked()
    expect(page.locator("#relationship")).to_have_value("me")
    expect(page.locator("#applicant_id_number")).to_have_value(ID_WRONG)
    expect(page.locator("#applicant_id_number-error")).to_contain_text("999")  # still shown
    page.fill("#applicant_id_number", ID_RIGHT)
    expect(error).to_be_empty(timeout=15000)
    continue_to(page, 2)

    # The child; the panel stays in view all along.
    child_birth = time.strftime("%d/%m/%Y", time.localtime(time.time() - 5 * 86400))
    page.fill("#child_full_name", "Trần Minh An")
    page.fill("#child_birth_date", child_birth)
    page.check("#child_sex")
    page.fill("#child_birth_place", "Bệnh viện Phụ sản Hà Nội")
    page.fill("#child_hometown", "Hà Nội")
    page.fill("#child_ethnicity", "Kinh")
    page.check("#has_birth_certificate")
    assert panel_in_view(page)
    continue_to(page, 3)

    # The mother is the applicant: her details are there already, and can be changed.
    expect(page.locator("#mother_full_name")).to_have_value("Nguyễn Thị Hoà")
    expect(page.locator("#mother_birth_date")).to_have_value("15/03/1990")
    expect(page.locator("#mother_residence")).to_have_value("Số 12 ngõ 34 phố Thụy Khuê, Hà Nội")
    page.fill("#mother_ethnicity", "Kinh")
    for number in (4, 5, 6, 7):
        continue_to(page, number)
    expect(page.locator("#giay-to-giay_chung_sinh")).to_be_visible()
    page.check("#bring-giay_chung_sinh")
    page.check("#bring-giay_to_tuy_than")
    expect(page.locator("#completeness")).to_contain_text("Hồ sơ đã đủ", timeout=15000)
    page.get_by_role("button", name="Tiếp tục").click()

    # Check your answers, then send: the pre-filing code and a QR code.
    page.wait_for_url(re.compile(r"/kiem-tra-lai$"))
    expect(page.locator("main")).to_contain_text("Bệnh viện Phụ sản Hà Nội")
    page.get_by_role("button", name="Nộp trước").click()
    page.wait_for_url(re.compile(r"/da-nop$"))
    expect(page.locator("h1")).to_contain_text("Đã nộp trước hồ sơ")
    code = page.locator(".code-large").inner_text().strip()
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", code), code
    expect(page.locator("svg.qr")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Giải quyết trong ngày")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # Look the status up with the code and the phone's last 4 digits.
    page.goto(f"{live_server}/tra-cuu")
    page.fill("#code", code)
    page.fill("#last4", "5678")
    page.click("button:has-text('Tra cứu')")
    expect(page.locator(".lookup-result")).to_contain_text("Mới đăng ký")
    expect(page.locator(".timeline")).to_contain_text("Bản nháp")
    expect(page.locator("main")).not_to_contain_text("Nguyễn Thị Hoà")

    # The QR's link opens the dossier with its history.
    page.goto(draft_url)
    expect(page.locator(".timeline")).to_contain_text("Mới đăng ký")


def test_the_panel_stays_in_view_while_typing_in_a_long_form(phone, live_server):
    page = phone
    page.set_default_timeout(15000)
    draft_url = start_birth(page, live_server)
    page.goto(draft_url + "/phan/2")
    expect(page.locator("#completeness")).to_contain_text("Còn thiếu")
    assert page.evaluate("document.documentElement.scrollHeight") > 640  # more than a screen
    before = gaps_left(page)
    # The last text box of the section, a screen or more down the page.
    field = page.locator("#child_nationality")
    field.fill("")
    wait_idle(page)
    after_clearing = before + 1
    expect(page.locator("#completeness")).to_contain_text(f"Còn thiếu {after_clearing} mục")
    field.scroll_into_view_if_needed()
    assert page.evaluate("window.scrollY") > 0
    field.press_sequentially("Việt Nam", delay=30)
    assert panel_in_view(page)  # while typing
    expect(page.locator("#completeness")).to_contain_text(f"Còn thiếu {before} mục")
    assert panel_in_view(page)
    box = page.locator("#completeness").bounding_box()
    assert box["height"] <= 200, box  # compact: the count and the next thing to do
    field_box = field.bounding_box()
    assert field_box["y"] >= box["y"] + box["height"] - 1  # the field is not under it


def test_the_form_works_with_javascript_off(browser, live_server):
    context = browser.new_context(java_script_enabled=False,
                                  viewport={"width": 360, "height": 640}, locale="vi-VN")
    page = context.new_page()
    start_birth(page, live_server)
    expect(page.locator("main")).not_to_contain_text("lưu tự động")  # nothing saves by itself
    page.get_by_role("link", name="Thông tin người nộp hồ sơ").click()
    page.wait_for_url(re.compile(r"/phan/1$"))
    expect(page.locator("main")).not_to_contain_text("lưu tự động")
    page.fill("#applicant_full_name", "Nguyễn Thị Hoà")
    page.fill("#applicant_id_number", "12345")
    page.get_by_role("button", name="Tiếp tục").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Có lỗi cần sửa")
    assert page.title().startswith("Lỗi:")
    assert page.evaluate("document.activeElement.id") == "error-summary"  # focus moved there
    expect(page.locator("#applicant_id_number-error")).to_contain_text("12 chữ số")
    expect(page.locator("#applicant_full_name")).to_have_value("Nguyễn Thị Hoà")  # kept
    summary.locator('a[href="#applicant_id_number"]').click()
    assert page.url.endswith("#applicant_id_number")
    # Fixed: «Tiếp tục» saves the step and opens the next.
    page.fill("#applicant_id_number", ID_RIGHT)
    page.select_option("#relationship", "me")
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url(re.compile(r"/phan/2$"))
    expect(page.locator("#completeness")).to_contain_text("Còn thiếu")
    # The mother's details came from the applicant's, without a script.
    page.goto(page.url.replace("/phan/2", "/phan/3"))
    expect(page.locator("#mother_full_name")).to_have_value("Nguyễn Thị Hoà")
    # Sending now lists everything still missing, each linked to its step.
    page.goto(page.url.replace("/phan/3", "/kiem-tra-lai"))
    expect(page.locator("main")).to_contain_text("Còn thiếu")
    expect(page.get_by_role("button", name="Nộp trước")).to_have_count(0)
    page.locator("main a", has_text="Thay đổi").first.click()
    page.wait_for_url(re.compile(r"/phan/1#applicant_full_name$"))
    context.close()


@pytest.mark.parametrize("path", ["draft", "tasks", "review", "confirmation"])
def test_no_accessibility_violations(phone, live_server, path):
    from axe_playwright_python.sync_playwright import Axe

    page = phone
    draft_url = start_birth(page, live_server)
    page.goto(draft_url + "/phan/1")
    page.fill("#applicant_id_number", "12")
    expect(page.locator("#applicant_id_number-error")).not_to_be_empty()
    page.locator("#completeness summary").click()
    if path != "draft":
        page.goto(draft_url + {"tasks": "", "review": "/kiem-tra-lai",
                               "confirmation": "/to-khai"}[path])
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
                         for v in serious]


def test_typing_is_saved_when_the_tab_is_closed_before_the_check(browser, live_server):
    context = browser.new_context(viewport={"width": 360, "height": 640}, locale="vi-VN")
    page = context.new_page()
    draft_url = start_birth(page, live_server) + "/phan/2"
    page.goto(draft_url)
    wait_idle(page)
    page.locator("#child_full_name").press_sequentially("Trần Minh An")
    page.close(run_before_unload=True)  # at once: the 300 ms pause never ends
    again = context.new_page()
    for _ in range(50):  # the beacon is sent as the page goes away; give it a moment
        again.goto(draft_url)
        if again.locator("#child_full_name").input_value() == "Trần Minh An":
            break
        again.wait_for_timeout(100)
    expect(again.locator("#child_full_name")).to_have_value("Trần Minh An")
    context.close()


def test_the_draft_fits_a_phone_with_big_enough_text_and_targets(phone, live_server):
    page = phone
    page.goto(start_birth(page, live_server) + "/phan/1")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # one column
    small_text = page.evaluate("""() => [...document.querySelectorAll('main *')]
        .filter(e => e.offsetParent !== null && e.childNodes.length
                 && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
        .filter(e => parseFloat(getComputedStyle(e).fontSize) < 16)
        .map(e => e.tagName + '.' + e.className).slice(0, 5)""")
    assert small_text == []
    small_targets = page.evaluate("""() => [...document.querySelectorAll(
            'main button:not(.visually-hidden), main a.button, .choice label, main select,'
            + ' main input[type=text], main input[type=tel], main input[type=email],'
            + ' main input[type=file], main summary')]
        .filter(e => e.offsetParent !== null)
        .filter(e => e.getBoundingClientRect().height < 44)
        .map(e => e.tagName + '#' + e.id + '.' + e.className).slice(0, 5)""")
    assert small_targets == []
