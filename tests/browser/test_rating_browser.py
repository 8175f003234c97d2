"""A returned dossier rated on the citizen's phone (360×640), with and without JavaScript."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.desk.conftest import MONDAY
from tests.feedback.conftest import make_dossier, ratings


@pytest.fixture(autouse=True)
def monday_morning(monkeypatch):
    from tthc.desk import services

    monkeypatch.setattr(services, "now", lambda: MONDAY)
    monkeypatch.setattr(services, "today", lambda: MONDAY.date())


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def small_phone(browser, request):
    """A cheap Android phone's screen: 360×640, touch; JavaScript on or off."""
    context = browser.new_context(viewport={"width": 360, "height": 640}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True, locale="vi-VN",
                                  java_script_enabled=request.param)
    yield context.new_page()
    context.close()


def fits_the_screen(page) -> None:
    """One column: nothing wider than the phone's screen, no sideways scrolling."""
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_returned_dossier_is_rated_on_the_phone(app, live_server, small_phone):
    page = small_phone
    dossier_id, token = make_dossier(app, "returned")
    page.goto(f"{live_server}/ho-so/{token}")
    expect(page.locator("#danh-gia")).to_contain_text("Đánh giá mức độ hài lòng")
    buttons = page.locator("#danh-gia button[name=muc]")
    expect(buttons).to_have_count(3)
    for i in range(3):
        box = buttons.nth(i).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 300  # big enough to tap
    fits_the_screen(page)

    page.get_by_role("button", name="Hài lòng", exact=True).click()
    page.wait_for_url(re.compile(r"/danh-gia/ho-so/[\w-]+(#chi-tiet)?$"))
    expect(page.locator("#flash")).to_contain_text("Cảm ơn Ông/Bà đã đánh giá")
    [rating] = ratings(app)
    assert (rating.dossier_id, rating.overall) == (dossier_id, 1)
    fits_the_screen(page)

    page.get_by_label("Lịch sự, tận tình").check()
    page.get_by_label("Đúng thời hạn").check()
    page.fill("#y_kien", "Cán bộ hướng dẫn rất rõ ràng.")
    page.get_by_role("button", name="Lưu đánh giá").click()
    expect(page.locator("#flash")).to_contain_text("Đã lưu đánh giá")
    [rating] = ratings(app)
    assert (rating.overall, rating.attitude_score, rating.time_score, rating.comment) == \
        (1, 2, 1, "Cán bộ hướng dẫn rất rõ ràng.")
    # What was given is what the page shows when it comes back.
    expect(page.locator("#attitude_score")).to_be_checked()

    page.goto(f"{live_server}/ho-so/{token}")
    expect(page.locator("#danh-gia")).to_contain_text("Ông/Bà đã đánh giá: Hài lòng.")
    expect(page.locator("#danh-gia button")).to_have_count(0)
