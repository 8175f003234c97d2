"""A desk page overtaken by another officer, in a real browser: the check ticked with htmx
gets the dossier page as it now is in place of the old one, its message focused (issue 13).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.desk.conftest import MONDAY, make_dossier


@pytest.fixture(autouse=True)
def monday_morning(monkeypatch):
    from tthc.desk import services

    monkeypatch.setattr(services, "now", lambda: MONDAY)
    monkeypatch.setattr(services, "today", lambda: MONDAY.date())


def test_a_tick_on_a_page_another_officer_overtook_shows_the_dossier_as_it_now_is(
        app, browser, live_server):
    from sqlalchemy import select

    from tthc.desk import services
    from tthc.extensions import db
    from tthc.models import Dossier, Staff

    dossier_id = make_dossier(app, state="new")
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{live_server}/can-bo/dang-nhap")
    page.fill("#username", "tiepnhan")
    page.fill("#password", "tthc-demo")
    page.click("form.login-form button")
    page.wait_for_url(re.compile(r"/can-bo/quay$"))
    page.goto(f"{live_server}/can-bo/ho-so/{dossier_id}")
    expect(page.locator("#trang-thai")).to_have_text("Mới đăng ký")
    with app.app_context():  # meanwhile, another officer asks for a supplement
        officer = db.session.scalar(select(Staff).filter_by(username="tiepnhan"))
        services.reception.request_supplement(dossier_id, officer, [
            services.reception.PostedItem("", "", "Nộp bản sao giấy khai sinh.")], "")
    page.locator("#check-form input[type=radio]").first.check()  # saved as it is ticked
    notice = page.locator(".notice-error")
    expect(notice).to_contain_text("Hồ sơ đã thay đổi", timeout=10000)
    expect(notice).to_be_focused()
    expect(page.locator("#trang-thai")).to_have_text("Yêu cầu bổ sung giấy tờ")
    expect(page.locator("header.site-header")).to_have_count(1)  # one page, not two nested
    assert page.url.endswith(f"/can-bo/ho-so/{dossier_id}")
    with app.app_context():
        assert db.session.get(Dossier, dossier_id).status == 5
    context.close()
