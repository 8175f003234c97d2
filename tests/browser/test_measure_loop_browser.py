"""The measure loop in a real browser: the leader approves a result, the desk returns it, the
citizen rates it on a 360×640 phone, and the leader's report and the public board count both
(issue 10, "Done when")."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_signoff_browser import sign_in
from tests.desk.conftest import MONDAY, Officer
from tests.feedback.conftest import make_dossier, ratings

TODAY = MONDAY.strftime("%d/%m/%Y")


@pytest.fixture(autouse=True)
def one_monday(monkeypatch):
    """Every clock on the same Monday: the desk's (09:30), the rating's (an hour later) and
    the reports' (two hours later), so that all of it falls in this month."""
    from tthc.desk import services
    from tthc.feedback import services as feedback
    from tthc.reports import public, views

    monkeypatch.setattr(services, "now", lambda: MONDAY)
    monkeypatch.setattr(services, "today", lambda: MONDAY.date())
    monkeypatch.setattr(feedback, "now", lambda: MONDAY + dt.timedelta(hours=1))
    for module in (views, public):
        monkeypatch.setattr(module, "now", lambda: MONDAY + dt.timedelta(hours=2))
        monkeypatch.setattr(module, "today", lambda: MONDAY.date())


def cells(scope, label: str):
    """The value cells of the row headed exactly *label* in *scope* (a table or section)."""
    return scope.locator(f"tr:has(th:text-is('{label}')) td")


def test_a_signed_result_returned_and_rated_shows_in_the_report_and_on_the_board(
        app, demo, browser, live_server, phone):
    from sqlalchemy import select

    from tthc.desk.services import signoff
    from tthc.extensions import db
    from tthc.models import Dossier, Staff

    # Setup: a dossier received at the desk and handed to the leader for signature.
    dossier_id, token = make_dossier(app, "received")
    with app.app_context():
        reception = db.session.scalar(select(Staff).filter_by(username="tiepnhan"))
        leader = db.session.scalar(select(Staff).filter_by(username="lanhdao"))
        signoff.submit(dossier_id, reception, leader)
        code = db.session.get(Dossier, dossier_id).code

    # (1) The leader signs in and approves the result with its number and date.
    context, desk = sign_in(browser, live_server, "lanhdao", javascript=True)
    expect(desk.locator("h2").first).to_contain_text("Chờ ký (1)")
    desk.click(f"#cho-ky-title ~ table >> text={code}")
    desk.fill("#so_ky_hieu", "27/GXN-UBND")
    desk.fill("#ngay_ky", TODAY)
    desk.get_by_role("button", name="Ký duyệt kết quả").click()
    expect(desk.locator("#trang-thai")).to_have_text("Đã xử lý xong")
    expect(desk.locator("#so-ky-hieu")).to_have_text("27/GXN-UBND")

    # (2) The result is handed over at the counter.
    counter = Officer(app, demo["staff"]["tiepnhan"])
    response = counter.post(f"/can-bo/ho-so/{dossier_id}/tra-ket-qua",
                            {"kenh_tra": "desk", "nguoi_nhan": "Nguyễn Thị Hoà"})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    with app.app_context():
        returned = db.session.get(Dossier, dossier_id)
        assert (returned.status, returned.result_number) == (10, "27/GXN-UBND")

    # (3) The citizen opens the dossier's link on the phone and taps «Rất hài lòng».
    phone.goto(f"{live_server}/ho-so/{token}")
    expect(phone.locator("#danh-gia")).to_contain_text("Đánh giá mức độ hài lòng")
    phone.get_by_role("button", name="Rất hài lòng", exact=True).tap()
    phone.wait_for_url(re.compile(r"/danh-gia/ho-so/[\w-]+(#chi-tiet)?$"))
    expect(phone.locator("#flash")).to_contain_text("Cảm ơn Ông/Bà đã đánh giá")
    [rating] = ratings(app)
    assert (rating.dossier_id, rating.overall) == (dossier_id, 2)

    # (4) The leader opens this month's report from the staff home.
    desk.goto(f"{live_server}/can-bo")
    desk.click("a[href='/can-bo/bao-cao']")
    desk.wait_for_url(re.compile(r"/can-bo/bao-cao$"))
    first = MONDAY.date().replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    expect(desk.locator("p.lead")).to_contain_text(
        f"Từ ngày {first:%d/%m/%Y} đến ngày {last:%d/%m/%Y}")
    figures, rated = (desk.locator(f"section[aria-labelledby='bang-{key}']")
                      for key in ("chi-so", "danh-gia"))
    expect(cells(figures, "Hồ sơ tiếp nhận")).to_have_text(["1", "hồ sơ"])
    expect(cells(figures, "Hồ sơ đã giải quyết xong")).to_have_text(["1", "hồ sơ"])
    expect(cells(figures, "Tỷ lệ người dân hài lòng (Rất hài lòng, Hài lòng)")) \
        .to_have_text(["100,0", "%"])
    expect(cells(figures, "Mức độ hài lòng (công thức Quyết định 766)")) \
        .to_have_text(["100,0", "%"])
    expect(cells(rated, "Rất hài lòng")).to_have_text(["1", "100,0"])
    expect(cells(rated, "Hài lòng")).to_have_text(["0", "0,0"])
    expect(cells(rated, "Không hài lòng")).to_have_text(["0", "0,0"])
    context.close()

    # (5) The public board, as JSON and as the page: this month has both; last month nothing.
    data = phone.request.get(f"{live_server}/cong-khai.json").json()
    this_month, last_month = data["months"]
    assert this_month["month"] == f"{first:%Y-%m}"
    assert (this_month["resolved"], this_month["ratings"], this_month["satisfied_rate"]) == \
        (1, 1, 100.0)
    assert (last_month["resolved"], last_month["ratings"]) == (0, 0)
    phone.goto(f"{live_server}/cong-khai")
    expect(phone.locator("thead th").nth(1)).to_have_text(f"Tháng {first:%m/%Y} (đến nay)")
    board = phone.locator("table.board-figures")
    expect(cells(board, "Hồ sơ đã giải quyết xong")).to_have_text(["1", "0"])
    expect(cells(board, "Người dân hài lòng (Rất hài lòng, Hài lòng)")) \
        .to_have_text(["100,0 % (1 lượt đánh giá)", "– (0 lượt đánh giá)"])
