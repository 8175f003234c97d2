"""A whole Monday walk-in in real browsers: a citizen's phone (360×640) and an officer's old
office PC (1366×768), then a supplement requested at the desk and completed on the phone.

The desk's clock is set to a working Monday morning, so the same-day path is the one taken
whatever day the tests run.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.desk.conftest import MONDAY

APPLICANT = {
    "#applicant_full_name": "Nguyễn Thị Hoà",
    "#applicant_birth_date": "15/03/1990",
    "#applicant_id_number": "001190012345",
    "#applicant_phone": "0912 345 678",
    "#applicant_address": "Số 12 ngõ 34 phố Thụy Khuê, Hà Nội",
    "#documents": "1",
    "#pages": "2",
    "#copies": "2",
}


@pytest.fixture(autouse=True)
def monday_morning(monkeypatch):
    from tthc.desk import services

    monkeypatch.setattr(services, "now", lambda: MONDAY)
    monkeypatch.setattr(services, "today", lambda: MONDAY.date())


@pytest.fixture
def desktop(browser):
    """An old office PC's screen: 1366×768, no touch."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    yield context.new_page()
    context.close()


def prefile(page, live_server) -> str:
    """Pre-file a copy certification on the phone; return the draft's URL and its code."""
    page.goto(f"{live_server}/nop-truoc?thu_tuc=chung-thuc-ban-sao")
    page.click("text=Bắt đầu điền hồ sơ")
    page.wait_for_url(re.compile(r"/ho-so/[\w-]+$"))
    draft_url = page.url
    for selector, value in APPLICANT.items():
        page.fill(selector, value)
    page.check("#applicant_sex-2")
    page.check("#has_copies")
    expect(page.locator("#giay-to-ban_sao")).to_be_visible(timeout=10000)
    page.check("#bring-ban_chinh")
    page.check("#bring-ban_sao")
    expect(page.locator("#completeness")).to_contain_text("Hồ sơ đã đủ", timeout=10000)
    page.get_by_role("button", name="Nộp trước").click()
    page.wait_for_url(re.compile(r"/da-nop$"))
    code = page.locator(".code-large").inner_text().strip()
    return draft_url, code


def sign_in(page, live_server) -> None:
    page.goto(f"{live_server}/can-bo/dang-nhap")
    page.fill("#username", "tiepnhan")
    page.fill("#password", "tthc-demo")
    page.click("form.login-form button")
    page.wait_for_url(re.compile(r"/can-bo/quay$"))


def open_by_code(page, live_server, code: str) -> None:
    page.goto(f"{live_server}/can-bo/tiep-nhan")
    page.fill("#ma", code)
    page.get_by_role("button", name="Mở hồ sơ").click()
    page.wait_for_url(re.compile(r"/can-bo/ho-so/\d+$"))


def check_paper(page, key: str, verdict: str, note: str = "") -> None:
    page.locator(f"#kt-{key} input[value={verdict}]").check()
    if note:
        page.fill(f"#ghi-chu-{key}", note)


def no_horizontal_scroll(page) -> None:
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_monday_walk_in_resolved_the_same_day(phone, desktop, browser, live_server):
    # The citizen pre-files on the phone, then takes a number at the door.
    draft_url, code = prefile(phone, live_server)
    phone.goto(f"{live_server}/lay-so")
    phone.get_by_role("button", name=re.compile("Chứng thực")).click()
    phone.wait_for_url(re.compile(r"/so/[\w-]+"))
    expect(phone.locator("main")).to_contain_text("A-001")

    # The hall's board is on; the officer signs in at counter 1 and calls the next number.
    board_context = browser.new_context(viewport={"width": 1280, "height": 720})
    board = board_context.new_page()
    board.goto(f"{live_server}/man-hinh")
    sign_in(desktop, live_server)
    desktop.get_by_role("button", name=re.compile("Gọi tiếp")).click()
    expect(desktop.locator("#desk")).to_contain_text("A-001")
    expect(board.locator(".board-call")).to_contain_text("A-001", timeout=3500)  # within 3 s
    expect(board.locator(".board-table")).to_contain_text("A-001")
    board_context.close()

    # The citizen reads the code (or shows the QR): the officer opens the dossier.
    open_by_code(desktop, live_server, code.lower().replace("-", " "))
    expect(desktop.locator("h1")).to_contain_text("Chứng thực bản sao từ bản chính")
    expect(desktop.locator("#trang-thai")).to_have_text("Mới đăng ký")
    no_horizontal_scroll(desktop)

    # The check: both papers seen; each tick is saved and the decision follows (htmx).
    desktop.evaluate("window.__samePage = true")
    check_paper(desktop, "ban_chinh", "original")
    check_paper(desktop, "ban_sao", "copy", note="02 bản")
    expect(desktop.locator("#quyet-dinh")).to_contain_text("Hồ sơ đủ điều kiện tiếp nhận")
    expect(desktop.locator("#tom-tat")).to_contain_text("Đủ điều kiện tiếp nhận")
    assert desktop.evaluate("window.__samePage") is True
    expect(desktop.locator("#check")).to_contain_text("không lập giấy hẹn")

    # Same day, no slip: received with its official code, resolved, the result handed over.
    desktop.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    expect(desktop.locator("#flash")).to_contain_text("Đã tiếp nhận hồ sơ")
    official = desktop.locator("#ma-ho-so").inner_text()
    assert re.fullmatch(rf"000\.00\.21\.H26-{MONDAY:%y%m%d}-0001", official)
    desktop.get_by_role("button", name="Đã xử lý xong").click()
    expect(desktop.locator("#trang-thai")).to_have_text("Đã xử lý xong")
    expect(desktop.locator("#nguoi_nhan")).to_have_value("Nguyễn Thị Hoà")
    desktop.get_by_role("button", name="Trả kết quả").click()
    expect(desktop.locator("#trang-thai")).to_have_text("Đã trả kết quả")

    # The counter's ticket was linked to the dossier; the phone shows the result returned.
    desktop.goto(f"{live_server}/can-bo/tiep-nhan")
    expect(desktop.get_by_role("link", name="Mở hồ sơ của số này")).to_be_visible()
    phone.goto(draft_url)
    expect(phone.locator(".status-box")).to_contain_text("Đã trả kết quả")
    expect(phone.locator(".timeline")).to_contain_text("Được tiếp nhận")


def test_a_supplement_requested_at_the_desk_is_completed_on_the_phone(phone, desktop,
                                                                      live_server):
    draft_url, code = prefile(phone, live_server)
    sign_in(desktop, live_server)
    open_by_code(desktop, live_server, code)

    # The photocopies miss a page: Form 02, generated from the check.
    check_paper(desktop, "ban_chinh", "original")
    check_paper(desktop, "ban_sao", "invalid", note="thiếu trang 2")
    expect(desktop.locator("#quyet-dinh")).to_contain_text("không hợp lệ")
    desktop.get_by_role("button", name="Yêu cầu bổ sung (Mẫu 02)").click()
    expect(desktop.locator("#ly-do-0")).to_have_value(re.compile("thiếu trang 2"))
    desktop.get_by_role("button", name="Gửi yêu cầu bổ sung và in phiếu").click()
    expect(desktop.locator("h1")).to_contain_text("PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ")
    expect(desktop.locator(".slip-items")).to_contain_text("thiếu trang 2")
    expect(desktop.locator("svg.qr")).to_be_visible()

    # On the phone: the draft reopens with that paper only.
    phone.goto(draft_url)
    expect(phone.locator("main")).to_contain_text("Bộ phận Một cửa yêu cầu bổ sung")
    expect(phone.locator("#giay-to-ban_sao")).to_be_visible()
    expect(phone.locator("#giay-to-ban_chinh")).to_have_count(0)
    expect(phone.locator("#applicant_full_name")).to_have_count(0)
    phone.check("#bring-ban_sao")
    phone.get_by_role("button", name="Nộp bổ sung").click()
    expect(phone.locator(".status-box")).to_contain_text("Mới đăng ký")

    # Back at the desk: the new copies are checked and the dossier received.
    desktop.goto(f"{live_server}/can-bo/tiep-nhan")
    open_by_code(desktop, live_server, code)
    expect(desktop.locator("#trang-thai")).to_have_text("Mới đăng ký")
    check_paper(desktop, "ban_sao", "copy")
    expect(desktop.locator("#quyet-dinh")).to_contain_text("Hồ sơ đủ điều kiện tiếp nhận")
    desktop.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    expect(desktop.locator("#trang-thai")).to_have_text("Được tiếp nhận")
    phone.goto(draft_url)
    expect(phone.locator(".timeline")).to_contain_text("Yêu cầu bổ sung giấy tờ")
    expect(phone.locator(".status-box")).to_contain_text("Được tiếp nhận")


def start_walk_in(page, live_server) -> None:
    """Sign in and start a walk-in's copy certification; its page opens on the answers."""
    sign_in(page, live_server)
    page.goto(f"{live_server}/can-bo/tiep-nhan/moi")
    page.select_option("#thu_tuc", "chung-thuc-ban-sao")
    page.get_by_role("button", name="Tạo hồ sơ").click()
    page.wait_for_url(re.compile(r"/can-bo/ho-so/\d+#thong-tin$"))


def test_a_walk_ins_answers_are_checked_as_the_officer_types(desktop, live_server):
    start_walk_in(desktop, live_server)
    desktop.evaluate("window.__samePage = true")
    desktop.fill("#applicant_id_number", "12345")
    expect(desktop.locator("#applicant_id_number-error")).to_contain_text("12 chữ số")
    expect(desktop.locator("#answers-check")).to_contain_text("Có thay đổi chưa lưu")
    desktop.fill("#applicant_id_number", "001190012345")
    expect(desktop.locator("#applicant_id_number-error")).to_have_text("")
    assert desktop.evaluate("window.__samePage") is True  # no page load: htmx did it


def test_leaving_the_desk_page_with_unsaved_answers_asks_first(desktop, live_server):
    start_walk_in(desktop, live_server)
    page_url = desktop.url
    desktop.fill("#applicant_full_name", "Trần Văn Bình")
    expect(desktop.locator("#answers-check")).to_contain_text("Có thay đổi chưa lưu")
    asked = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    desktop.once("dialog", dismiss)
    desktop.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    expect(desktop.locator("#applicant_full_name")).to_have_value("Trần Văn Bình")
    assert asked and "chưa lưu" in asked[0]
    assert desktop.url == page_url  # stayed: nothing typed was lost
    # Saving is the way out, with no question.
    desktop.once("dialog", lambda dialog: asked.append("again") or dialog.dismiss())
    desktop.get_by_role("button", name="Lưu thông tin").click()
    expect(desktop.locator("#applicant_full_name")).to_have_value("Trần Văn Bình")
    expect(desktop.locator("#answers-check")).not_to_contain_text("Có thay đổi chưa lưu")
    assert asked == asked[:1]


def test_the_desk_works_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False,
                                  viewport={"width": 1366, "height": 768}, locale="vi-VN")
    phone_context = browser.new_context(viewport={"width": 360, "height": 640})
    page = context.new_page()
    _, code = prefile(phone_context.new_page(), live_server)
    page.goto(f"{live_server}/can-bo/dang-nhap")
    page.fill("#username", "tiepnhan")
    page.fill("#password", "tthc-demo")
    page.click("form.login-form button")
    open_by_code(page, live_server, code)
    check_paper(page, "ban_chinh", "original")
    check_paper(page, "ban_sao", "copy")
    page.get_by_role("button", name="Lưu kết quả kiểm tra").click()
    expect(page).to_have_url(re.compile(r"#quyet-dinh$"))
    expect(page.locator("#quyet-dinh")).to_contain_text("Hồ sơ đủ điều kiện tiếp nhận")
    page.check("#in_phieu")  # the citizen asks for the slip all the same
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    expect(page.locator("h1")).to_contain_text("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ")
    expect(page.locator(".slip")).to_contain_text(f"17 giờ 00 phút, ngày {MONDAY:%d/%m/%Y}")
    context.close()
    phone_context.close()


def test_ticks_are_saved_as_they_are_made_and_survive_a_reload(app, desktop, live_server):
    from tests.desk.conftest import make_dossier

    dossier_id = make_dossier(app, state="new")
    sign_in(desktop, live_server)
    desktop.goto(f"{live_server}/can-bo/ho-so/{dossier_id}")
    expect(desktop.locator("#tom-tat")).to_contain_text("Còn 2 vấn đề")
    check_paper(desktop, "ban_chinh", "original")
    expect(desktop.locator("#tom-tat")).to_contain_text("Còn 1 vấn đề")
    check_paper(desktop, "ban_sao", "copy", note="02 bản")
    expect(desktop.locator("#tom-tat")).to_contain_text("Đủ điều kiện tiếp nhận")
    expect(desktop.locator("#quyet-dinh")).to_contain_text("Hồ sơ đủ điều kiện tiếp nhận")
    desktop.wait_for_timeout(800)  # the note's pause, then its save
    desktop.reload()
    expect(desktop.locator("#kt-ban_chinh input[value=original]")).to_be_checked()
    expect(desktop.locator("#kt-ban_sao input[value=copy]")).to_be_checked()
    expect(desktop.locator("#ghi-chu-ban_sao")).to_have_value("02 bản")


def test_without_javascript_receiving_takes_the_ticks_with_it(app, browser, live_server):
    from tests.desk.conftest import make_dossier

    dossier_id = make_dossier(app, state="new")
    context = browser.new_context(java_script_enabled=False,
                                  viewport={"width": 1366, "height": 768}, locale="vi-VN")
    page = context.new_page()
    sign_in(page, live_server)
    page.goto(f"{live_server}/can-bo/ho-so/{dossier_id}")
    check_paper(page, "ban_chinh", "original")
    check_paper(page, "ban_sao", "copy")
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()  # no «Lưu» first
    expect(page.locator("#flash")).to_contain_text("Đã tiếp nhận hồ sơ")
    expect(page.locator("#trang-thai")).to_have_text("Được tiếp nhận")
    context.close()


def test_the_decision_stays_in_reach_on_a_long_dossier(app, desktop, live_server):
    from tests.desk.conftest import make_dossier

    dossier_id = make_dossier(app, "dang-ky-khai-sinh", state="new")
    sign_in(desktop, live_server)
    desktop.goto(f"{live_server}/can-bo/ho-so/{dossier_id}")
    button = desktop.get_by_role("button", name="Tiếp nhận hồ sơ")

    def in_view() -> bool:
        box = button.bounding_box()
        return box is not None and 0 <= box["y"] and box["y"] + box["height"] <= 768

    assert in_view()
    desktop.locator("#thong-tin > summary").click()  # the answers unfold: a long page
    assert desktop.evaluate("document.documentElement.scrollHeight") > 2 * 768
    for y in (1200, 100000):
        desktop.evaluate(f"window.scrollTo(0, {y})")
        desktop.wait_for_timeout(100)
        assert in_view(), y


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "js"])
def test_a_specialist_stops_processing_and_prints_the_notice(app, browser, live_server,
                                                             javascript):
    from tests.desk.conftest import make_dossier
    from tthc.extensions import db
    from tthc.models import Dossier

    dossier_id = make_dossier(app, state="progress")
    with app.app_context():
        db.session.get(Dossier, dossier_id).form_set = "tt03-2025"
        db.session.commit()
    context = browser.new_context(java_script_enabled=javascript,
                                  viewport={"width": 1366, "height": 768}, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{live_server}/can-bo/dang-nhap")
    page.fill("#username", "chuyenmon")
    page.fill("#password", "tthc-demo")
    page.click("form.login-form button")
    page.wait_for_url(re.compile(r"/can-bo"))
    page.goto(f"{live_server}/can-bo/ho-so/{dossier_id}")
    page.click("summary:has-text('Dừng giải quyết hồ sơ (Mẫu 05)')")
    page.fill("#ly_do_dung", "dừng")  # too short to say why
    page.get_by_role("button", name="Dừng giải quyết và in thông báo").click()
    expect(page.locator("#ly_do_dung-error")).to_contain_text("Ghi rõ lý do dừng giải quyết")
    expect(page.locator("#ly_do_dung")).to_be_visible()  # the section opens on its error
    expect(page.locator("#ly_do_dung")).to_have_value("dừng")  # nothing typed is lost
    page.fill("#ly_do_dung", "Công dân có văn bản đề nghị dừng giải quyết hồ sơ.")
    page.get_by_role("button", name="Dừng giải quyết và in thông báo").click()
    expect(page.locator("h1")).to_contain_text("THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ")
    expect(page.locator(".slip")).to_contain_text("Công dân có văn bản đề nghị dừng")
    context.close()


def pdf_pages(pdf: bytes) -> list[tuple[float, float]]:
    """The size (points) of each page of a PDF Chromium printed."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    return [(round(float(w)), round(float(h))) for w, h in boxes]


def test_slips_print_on_one_a5_page_and_the_ledger_on_a4_landscape(app, desktop, live_server):
    from tests.desk.conftest import SINGLE, make_dossier

    dossier_id = make_dossier(app, SINGLE, state="progress")
    sign_in(desktop, live_server)
    desktop.emulate_media(media="print")
    # Received today: the TT 03/2025 set, where the control sheet is Form 06 (05 is the stop
    # notice, for a stopped dossier only).
    for form in ("01", "06"):
        desktop.goto(f"{live_server}/can-bo/ho-so/{dossier_id}/phieu/{form}")
        assert pdf_pages(desktop.pdf(prefer_css_page_size=True)) == [(420, 595)], form
    desktop.goto(f"{live_server}/can-bo/so-theo-doi")
    assert pdf_pages(desktop.pdf(prefer_css_page_size=True)) == [(842, 595)]


def test_desk_pages_have_no_serious_accessibility_violations(app, desktop, live_server):
    from axe_playwright_python.sync_playwright import Axe

    from tests.desk.conftest import make_dossier

    dossier_id = make_dossier(app, state="new")
    sign_in(desktop, live_server)
    for path in ("/can-bo/tiep-nhan", f"/can-bo/ho-so/{dossier_id}",
                 f"/can-bo/ho-so/{dossier_id}/bo-sung"):
        desktop.goto(live_server + path)
        results = Axe().run(desktop)
        serious = [v for v in results.response["violations"]
                   if v["impact"] in ("serious", "critical")]
        assert not serious, (path, [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
                                    for v in serious])
