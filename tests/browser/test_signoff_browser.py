"""The sign-off in a real browser, with and without JavaScript: the specialist starts on
their own work and hands the dossier over for signature; the leader starts on "Chờ ký",
types a wrong number (said beside the field, nothing lost) and approves the result."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.desk.conftest import MONDAY, SINGLE

TODAY = MONDAY.strftime("%d/%m/%Y")


@pytest.fixture(autouse=True)
def monday_morning(monkeypatch):
    from tthc.desk import services

    monkeypatch.setattr(services, "now", lambda: MONDAY)
    monkeypatch.setattr(services, "today", lambda: MONDAY.date())


def sign_in(browser, live_server, username: str, javascript: bool):
    context = browser.new_context(java_script_enabled=javascript,
                                  viewport={"width": 1366, "height": 768}, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{live_server}/can-bo/dang-nhap")
    page.fill("#username", username)
    page.fill("#password", "tthc-demo")
    page.click("form.login-form button")
    page.wait_for_url(re.compile(r"/can-bo/viec-cua-toi$"))
    return context, page


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_result_handed_over_for_signature_and_approved(app, browser, live_server,
                                                         javascript):
    from sqlalchemy import select

    from tests.desk.conftest import make_dossier
    from tthc.desk import services
    from tthc.extensions import db
    from tthc.models import Dossier, Staff

    dossier_id = make_dossier(app, SINGLE, state="received")
    with app.app_context():
        specialist = db.session.scalar(select(Staff).filter_by(username="chuyenmon"))
        services.processing.hand_over(dossier_id, specialist, specialist)
        code = db.session.get(Dossier, dossier_id).code

    context, page = sign_in(browser, live_server, "chuyenmon", javascript)
    expect(page.locator("h1")).to_have_text("Việc của tôi")
    page.click(f"#dang-giai-quyet-title ~ table >> text={code}")
    page.select_option("#lanh_dao", label="Lê Văn Đạo (lãnh đạo UBND phường, minh họa)")
    page.get_by_role("button", name="Trình ký").click()
    expect(page.locator("#ky-duyet")).to_contain_text("Đang chờ lãnh đạo ký")
    context.close()

    context, page = sign_in(browser, live_server, "lanhdao", javascript)
    expect(page.locator("h2").first).to_contain_text("Chờ ký (1)")
    page.click(f"#cho-ky-title ~ table >> text={code}")
    page.fill("#so_ky_hieu", "QĐ-UBND")  # no number
    page.fill("#ngay_ky", TODAY)
    page.get_by_role("button", name="Ký duyệt kết quả").click()
    expect(page.locator("#so_ky_hieu-error")).to_contain_text("Số, ký hiệu văn bản gồm chữ số")
    expect(page.locator("#ngay_ky")).to_have_value(TODAY)  # nothing typed is lost
    page.fill("#so_ky_hieu", "15/GXN-UBND")
    page.get_by_role("button", name="Ký duyệt kết quả").click()
    expect(page.locator("#trang-thai")).to_have_text("Đã xử lý xong")
    expect(page.locator("#so-ky-hieu")).to_have_text("15/GXN-UBND")
    context.close()
