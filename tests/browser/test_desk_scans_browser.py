"""Scanning at the desk in a real browser (issue 11): the officer scans a paper at reception,
receives and resolves the dossier, attaches the electronic result; the citizen's phone offers
it for download on the dossier's own page."""

from __future__ import annotations

from PIL import Image
from playwright.sync_api import expect

from tests.browser.test_desk_browser import check_paper, open_by_code, prefile, sign_in
# The desk's clock on a working Monday morning, and the office PC's screen (fixtures).
from tests.browser.test_desk_browser import desktop, monday_morning  # noqa: F401


def test_scans_at_reception_and_the_electronic_result(phone, desktop, live_server,  # noqa: F811
                                                      tmp_path):
    photo, result = tmp_path / "ban-chinh.jpg", tmp_path / "ket-qua.pdf"
    Image.new("RGB", (1200, 900), "white").save(photo, "JPEG")
    result.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Page >> endobj\n%%EOF\n")
    draft_url, code = prefile(phone, live_server)
    sign_in(desktop, live_server)
    open_by_code(desktop, live_server, code)

    desktop.select_option("#giay_to", "ban_chinh")
    desktop.set_input_files("#tep", str(photo))
    desktop.get_by_role("button", name="Lưu bản quét").click()
    expect(desktop.locator("#flash")).to_contain_text("Đã lưu bản quét giấy tờ")
    expect(desktop.locator("#quet li")).to_have_count(1)

    check_paper(desktop, "ban_chinh", "original")
    check_paper(desktop, "ban_sao", "copy")
    expect(desktop.locator("#quyet-dinh")).to_contain_text("Hồ sơ đủ điều kiện tiếp nhận")
    desktop.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    expect(desktop.locator("#flash")).to_contain_text("Đã tiếp nhận hồ sơ")
    desktop.get_by_role("button", name="Đã xử lý xong").click()
    expect(desktop.locator("#trang-thai")).to_have_text("Đã xử lý xong")

    desktop.set_input_files("#ket_qua", str(result))
    desktop.get_by_role("button", name="Đính kèm kết quả điện tử").click()
    expect(desktop.locator("#flash")).to_contain_text("Đã đính kèm kết quả điện tử")
    expect(desktop.locator("#quet")).to_contain_text("Kết quả điện tử (PDF)")

    phone.goto(draft_url)
    link = phone.get_by_role("link", name="Tải kết quả điện tử (PDF)")
    expect(link).to_be_visible()
    with phone.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".pdf")
