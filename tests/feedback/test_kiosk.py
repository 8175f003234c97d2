"""The tablet at the exit (/danh-gia): find by code and phone digits, or ticket number."""

from __future__ import annotations

import re

import pytest

from tests.auth import factories
from tests.feedback.conftest import LAST4, ratings
from tests.html import check_page
from tthc.extensions import db
from tthc.models import Dossier

PASS = re.compile(r'name="phieu" value="([^"]+)"')


def _code(app, dossier_id: int) -> str:
    with app.app_context():
        return db.session.get(Dossier, dossier_id).code


def test_the_kiosk_flow_for_a_returned_dossier(app, kiosk, dossier):
    dossier_id, _ = dossier("returned")
    code = _code(app, dossier_id)
    start = kiosk.get("/danh-gia")
    check_page(start.get_data(as_text=True))
    found = kiosk.post("/danh-gia", {"ma": code.lower(), "so_cuoi": LAST4}, csrf=True)
    html = found.get_data(as_text=True)
    assert found.status_code == 200
    check_page(html)
    assert f"Hồ sơ {code}" in html
    assert "Nguyễn Thị Hoà" not in html and "0912" not in html  # nothing personal
    pass_ = PASS.search(html)[1]
    rated = kiosk.post("/danh-gia/cham", {"phieu": pass_, "muc": "2"}, csrf=True)
    html = rated.get_data(as_text=True)
    assert rated.status_code == 200
    check_page(html)
    assert "Cảm ơn Ông/Bà đã đánh giá" in html and 'name="time_score"' in html
    assert 'content="180; url=/danh-gia"' in html  # the kiosk resets by itself
    [rating] = ratings(app)
    assert (rating.dossier_id, rating.overall) == (dossier_id, 2)
    done = kiosk.post("/danh-gia/chi-tiet", {"phieu": PASS.search(html)[1], "muc": "2",
                                              "attitude_score": "2", "time_score": "1"},
                      csrf=True)
    assert done.status_code == 303 and done.location == "/danh-gia"  # ready for the next
    assert "Cảm ơn Ông/Bà đã đánh giá." in kiosk.get("/danh-gia").get_data(as_text=True)
    [rating] = ratings(app)
    assert (rating.attitude_score, rating.time_score) == (2, 1)


def test_the_prefiling_code_works_too(app, kiosk, dossier):
    _, _ = dossier("returned")
    with app.app_context():
        code = db.session.query(Dossier).one().prefiling_code
    found = kiosk.post("/danh-gia", {"ma": code[:4] + " " + code[4:], "so_cuoi": LAST4},
                       csrf=True)
    assert found.status_code == 200 and PASS.search(found.get_data(as_text=True))


@pytest.mark.parametrize("last4", ["1234", ""])
def test_a_dossier_needs_the_right_phone_digits(app, kiosk, dossier, last4):
    dossier_id, _ = dossier("returned")
    response = kiosk.post("/danh-gia", {"ma": _code(app, dossier_id), "so_cuoi": last4},
                          csrf=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    check_page(html)
    assert "phieu" not in html
    if last4:  # wrong digits answer exactly like an unknown code
        assert "Không tìm thấy hồ sơ với mã và 4 số cuối" in html
        unknown = kiosk.post("/danh-gia", {"ma": "000.00.00.X99-260101-0001",
                                           "so_cuoi": last4}, csrf=True)
        assert "Không tìm thấy hồ sơ với mã và 4 số cuối" in unknown.get_data(as_text=True)
    else:
        assert 'id="so_cuoi-error"><span class="field-error">' in html
    assert _code(app, dossier_id) in html  # what was typed is kept


def test_a_dossier_of_another_office_is_not_found_here(app, kiosk, dossier, other_office):
    dossier_id, _ = dossier("returned", office_id=other_office["id"])
    response = kiosk.post("/danh-gia", {"ma": _code(app, dossier_id), "so_cuoi": LAST4},
                          csrf=True)
    assert response.status_code == 422 and "phieu" not in response.get_data(as_text=True)


def test_a_dossier_not_returned_yet_shows_no_buttons(app, kiosk, dossier):
    dossier_id, _ = dossier("resolved")
    found = kiosk.post("/danh-gia", {"ma": _code(app, dossier_id), "so_cuoi": LAST4}, csrf=True)
    html = found.get_data(as_text=True)
    assert "sau khi nhận kết quả" in html and 'name="muc"' not in html
    assert PASS.search(html) is None  # no form at all
    # Even with a valid pass for it (a page kept from before), the tap is refused.
    from tthc.feedback import services

    with app.test_request_context():
        pass_ = services.kiosk_pass(services.of_dossier(db.session.get(Dossier, dossier_id)))
    refused = kiosk.post("/danh-gia/cham", {"phieu": pass_, "muc": "2"}, csrf=True)
    assert refused.status_code == 409
    assert ratings(app) == []


def test_a_ticket_of_today_is_rated_by_its_number(app, kiosk, finished_ticket):
    ticket_id, label, _ = finished_ticket()
    typed = label.replace("-0", "").lower()  # "A-001" typed as "a01"
    found = kiosk.post("/danh-gia", {"ma": typed, "so_cuoi": ""}, csrf=True)
    html = found.get_data(as_text=True)
    assert found.status_code == 200, html
    assert f"Số thứ tự {label}" in html
    rated = kiosk.post("/danh-gia/cham", {"phieu": PASS.search(html)[1], "muc": "0"},
                       csrf=True)
    assert rated.status_code == 200
    [rating] = ratings(app)
    assert (rating.ticket_id, rating.overall) == (ticket_id, 0)


def test_an_unknown_ticket_number_is_a_clear_422(kiosk, demo):
    response = kiosk.post("/danh-gia", {"ma": "A-999"}, csrf=True)
    assert response.status_code == 422
    assert "Không có số A-999 trong hôm nay" in response.get_data(as_text=True)


def test_a_forged_or_stale_pass_starts_the_kiosk_again(app, kiosk, dossier, monkeypatch):
    dossier_id, _ = dossier("returned")
    found = kiosk.post("/danh-gia", {"ma": _code(app, dossier_id), "so_cuoi": LAST4}, csrf=True)
    pass_ = PASS.search(found.get_data(as_text=True))[1]
    for forged in (pass_[:-2] + "xx", "", '["dossier", 1]'):
        response = kiosk.post("/danh-gia/cham", {"phieu": forged, "muc": "2"}, csrf=True)
        assert response.status_code == 303 and response.location == "/danh-gia"
    app.config["TTHC_RATING_KIOSK_SECONDS"] = -1  # every pass has expired
    response = kiosk.post("/danh-gia/cham", {"phieu": pass_, "muc": "2"}, csrf=True)
    assert response.status_code == 303
    assert ratings(app) == []


def test_the_kiosk_keeps_its_csrf_check(app, kiosk, dossier):
    dossier_id, _ = dossier("returned")
    response = kiosk.post("/danh-gia", {"ma": _code(app, dossier_id), "so_cuoi": LAST4})
    assert response.status_code == 400


def test_a_signed_in_officer_gets_no_kiosk_form(app, demo, dossier):
    dossier_id, _ = dossier("returned")
    officer = app.test_client()
    factories.login(officer, demo["staff"]["tiepnhan"])
    page = officer.get("/danh-gia").get_data(as_text=True)
    assert 'name="ma"' not in page and "không thực hiện trên máy của cán bộ" in page
    token = factories.csrf(officer)
    refused = officer.post("/danh-gia", data={"csrf_token": token, "ma": _code(app, dossier_id),
                                              "so_cuoi": LAST4})
    assert refused.status_code == 403


def test_kiosk_look_ups_are_rate_limited(app, kiosk, demo):
    app.config["TTHC_RATING_LOOKUP_RATE_LIMIT"] = "3 per minute"
    codes = [kiosk.post("/danh-gia", {"ma": "A-998"}, csrf=True).status_code
             for _ in range(4)]
    assert codes == [422, 422, 422, 429]
