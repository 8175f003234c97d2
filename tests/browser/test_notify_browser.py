"""Notifications on a real phone: the citizen ticks SMS while filing (the live check saves
it), then withdraws it from the status page; the office's wording is previewed by its admin."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from tests.auth import factories
from tests.browser.test_desk_browser import APPLICANT
from tthc.extensions import db
from tthc.models.notify import NotifyConsent
from tthc.notify import services as notify_services


def _consents(app) -> list[tuple[str, bool]]:
    with app.app_context():
        return [(c.channel, c.withdrawn_at is None)
                for c in db.session.scalars(select(NotifyConsent).order_by(NotifyConsent.id))]


def test_consent_given_while_filing_and_withdrawn_on_the_status_page(app, phone, live_server):
    with app.app_context():
        notify_services.save_gateway(factories.demo_office().id, "sms", True,
                                     {"url": "https://sms.example.vn/send", "token": "t"})
    page = phone
    page.goto(f"{live_server}/nop-truoc?thu_tuc=chung-thuc-ban-sao")
    page.click("text=Bắt đầu điền hồ sơ")
    page.wait_for_url(re.compile(r"/ho-so/[\w-]+$"))
    draft_url = page.url
    expect(page.locator("#tb_sms")).not_to_be_checked()  # silence is not consent
    for selector, value in APPLICANT.items():
        page.fill(selector, value)
    page.check("#applicant_sex-2")
    page.check("#tb_sms")
    page.check("#has_copies")
    expect(page.locator("#giay-to-ban_sao")).to_be_visible(timeout=10000)
    page.check("#bring-ban_chinh")
    page.check("#bring-ban_sao")
    expect(page.locator("#completeness")).to_contain_text("Hồ sơ đã đủ", timeout=10000)
    assert _consents(app) == [("sms", True)]  # saved by the live check, before submitting
    page.get_by_role("button", name="Nộp trước").click()
    page.wait_for_url(re.compile(r"/da-nop$"))
    page.goto(draft_url)
    expect(page.locator("#tb_sms")).to_be_checked()
    page.uncheck("#tb_sms")
    page.get_by_role("button", name="Lưu lựa chọn").click()
    expect(page.get_by_text("Đã lưu lựa chọn nhận thông báo.")).to_be_visible()
    expect(page.locator("#tb_sms")).not_to_be_checked()
    assert _consents(app) == [("sms", False)]
