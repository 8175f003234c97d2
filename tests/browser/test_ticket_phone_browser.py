"""A phone on the ticket's page in Chromium at 360×640, JavaScript on and off: refused
without the consent box (what was typed stays), kept with it and shown masked; the printed
ticket stays one 80 mm page with the field on screen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.auth import factories
from tests.notify.conftest import configure
from tthc.extensions import db
from tthc.models.contacts import TicketContact


@pytest.fixture
def sms_office(app):
    with app.app_context():
        office_id = factories.demo_office().id
    configure(app, office_id, "sms", url="https://sms.example.vn/send", token="t")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_phone_given_on_the_ticket_page(browser, live_server, app, sms_office, javascript):
    ctx = browser.new_context(viewport={"width": 360, "height": 640}, device_scale_factor=2,
                              is_mobile=True, has_touch=True, locale="vi-VN",
                              java_script_enabled=javascript)
    page = ctx.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server}/lay-so")
    page.click("button.kiosk-button:has-text('Hộ tịch')")
    expect(page.locator(".ticket-label")).to_have_text("B-001")
    section = page.locator("#nhan-tin")
    expect(section).to_contain_text("Nhắn tin khi sắp đến lượt")
    field = page.locator("#so_dien_thoai")
    box = field.bounding_box()
    assert box and box["height"] >= 44 and box["x"] + box["width"] <= 360  # one column
    field.fill("0987 654 321")
    page.click("button:has-text('Nhận tin nhắn')")
    expect(page.locator(".error-summary, [role=alert]").first).to_contain_text(
        "Đánh dấu đồng ý nhận tin")
    expect(page.locator("#so_dien_thoai")).to_have_value("0987 654 321")  # nothing lost
    page.locator("label[for=tb_sms]").click()
    page.click("button:has-text('Nhận tin nhắn')")
    expect(section).to_contain_text("0987 ••• •21")
    assert "0987654321" not in page.content()
    with app.app_context():
        assert db.session.scalar(select(TicketContact.phone)) == "0987654321"
    page.click("button:has-text('Thôi nhận tin')")
    expect(page.locator("#so_dien_thoai")).to_be_visible()
    with app.app_context():
        assert db.session.scalar(select(TicketContact.id)) is None
    assert not errors, errors
    ctx.close()


def test_the_printed_ticket_is_still_one_page(browser, live_server, sms_office):
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(f"{live_server}/lay-so")
    page.click("button.kiosk-button:has-text('Nhận kết quả')")
    expect(page.locator("#so_dien_thoai")).to_be_visible()
    pdf = page.pdf(prefer_css_page_size=True, print_background=False)
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1, "the ticket spills onto a 2nd page"
    ctx.close()
