"""Rating on the citizen's phone, through the dossier's or the ticket's secret link."""

from __future__ import annotations

import pytest

from tests.auth import factories
from tests.feedback.conftest import ratings
from tests.html import check_page


def test_a_returned_dossier_offers_the_three_buttons_on_its_status_page(phone, dossier):
    _, token = dossier("returned")
    page = phone.get(f"/ho-so/{token}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    check_page(html)
    assert f'action="/danh-gia/ho-so/{token}"' in html
    for score, level in ((2, "Rất hài lòng"), (1, "Hài lòng"), (0, "Không hài lòng")):
        assert f'<button name="muc" value="{score}" class="kiosk-button">{level}</button>' \
            in html


@pytest.mark.parametrize("state", ["new", "received", "progress", "resolved"])
def test_no_rating_before_the_result_is_returned(app, phone, dossier, state):
    _, token = dossier(state)
    assert "/danh-gia/ho-so/" not in phone.get(f"/ho-so/{token}").get_data(as_text=True)
    refused = phone.post(f"/danh-gia/ho-so/{token}", {"muc": "2"})
    assert refused.status_code == 409
    assert "sau khi nhận kết quả" in refused.get_data(as_text=True)
    assert ratings(app) == []


def test_one_tap_records_the_rating_then_offers_the_questions(app, phone, dossier):
    dossier_id, token = dossier("returned")
    response = phone.post(f"/danh-gia/ho-so/{token}", {"muc": "1"})
    assert response.status_code == 303
    assert response.location == f"/danh-gia/ho-so/{token}#chi-tiet"
    [rating] = ratings(app)
    assert (rating.dossier_id, rating.ticket_id, rating.overall) == (dossier_id, None, 1)
    assert rating.time_score is None and rating.attitude_score is None and rating.comment == ""
    page = phone.get(response.location)
    html = page.get_data(as_text=True)
    check_page(html)
    assert "Cảm ơn Ông/Bà đã đánh giá" in html
    for name in ("time_score", "contacts_score", "agencies_score", "attitude_score"):
        assert f'name="{name}"' in html
    # The status page now says what was given instead of the buttons.
    status = phone.get(f"/ho-so/{token}").get_data(as_text=True)
    assert "Ông/Bà đã đánh giá: Hài lòng." in status
    assert f'action="/danh-gia/ho-so/{token}"' not in status


def test_one_rating_per_dossier_a_second_tap_changes_it(app, phone, dossier):
    _, token = dossier("returned")
    phone.post(f"/danh-gia/ho-so/{token}", {"muc": "2"})
    created = ratings(app)[0].created_at
    # The same link on another phone is the same dossier: still one rating.
    assert app.test_client().post(f"/danh-gia/ho-so/{token}", data={"muc": "0"}).status_code == 303
    [rating] = ratings(app)
    assert (rating.overall, rating.created_at) == (0, created)
    assert rating.updated_at >= created


def test_the_questions_and_comment_are_saved_each_optional(app, phone, dossier):
    _, token = dossier("returned")
    phone.post(f"/danh-gia/ho-so/{token}", {"muc": "2"})
    response = phone.post(f"/danh-gia/ho-so/{token}/chi-tiet", {
        "muc": "1", "time_score": "2", "contacts_score": "", "agencies_score": "1",
        "attitude_score": "0", "y_kien": "  Cán bộ  hướng dẫn\u200b nhanh.  "})
    assert response.status_code == 303
    [rating] = ratings(app)
    assert (rating.overall, rating.time_score, rating.contacts_score, rating.agencies_score,
            rating.attitude_score) == (1, 2, None, 1, 0)
    assert rating.comment == "Cán bộ hướng dẫn nhanh."


@pytest.mark.parametrize("data, field", [
    ({"muc": "3"}, "muc"),
    ({"muc": ""}, "muc"),
    ({"muc": "2", "time_score": "5"}, "time_score"),
    ({"muc": "2", "y_kien": "x" * 2001}, "y_kien"),
])
def test_bad_answers_are_a_422_with_the_message_beside_the_field(app, phone, dossier, data,
                                                                  field):
    _, token = dossier("returned")
    phone.post(f"/danh-gia/ho-so/{token}", {"muc": "2"})
    response = phone.post(f"/danh-gia/ho-so/{token}/chi-tiet", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    check_page(html)
    assert f'id="{field}-error"><span class="field-error">' in html
    assert f'href="#{field}"' in html  # the error summary links to it
    if field == "y_kien":
        assert "x" * 2001 in html  # nothing typed is lost
    assert ratings(app)[0].overall == 2  # unchanged


def test_a_bad_one_tap_is_a_422_and_records_nothing(app, phone, dossier):
    _, token = dossier("returned")
    response = phone.post(f"/danh-gia/ho-so/{token}", {"muc": "9"})
    assert response.status_code == 422
    assert "Vui lòng chạm vào một trong ba mức" in response.get_data(as_text=True)
    assert ratings(app) == []


def test_the_rating_can_change_for_seven_days(app, phone, dossier, move_clock):
    _, token = dossier("returned")
    phone.post(f"/danh-gia/ho-so/{token}", {"muc": "2"})
    move_clock(6.9)
    assert phone.post(f"/danh-gia/ho-so/{token}", {"muc": "0"}).status_code == 303
    assert ratings(app)[0].overall == 0


def test_after_seven_days_the_rating_is_read_only_with_a_clear_message(app, phone, dossier,
                                                                        move_clock):
    _, token = dossier("returned")
    phone.post(f"/danh-gia/ho-so/{token}", {"muc": "2"})
    phone.post(f"/danh-gia/ho-so/{token}/chi-tiet", {"muc": "2", "attitude_score": "2"})
    created = ratings(app)[0].created_at
    move_clock(7.01)
    for path, data in ((f"/danh-gia/ho-so/{token}", {"muc": "0"}),
                       (f"/danh-gia/ho-so/{token}/chi-tiet", {"muc": "0", "y_kien": "đổi"})):
        refused = phone.post(path, data)
        assert refused.status_code == 409
        assert "quá 7 ngày nên không thay đổi được nữa" in refused.get_data(as_text=True)
    [rating] = ratings(app)
    assert (rating.overall, rating.attitude_score, rating.created_at) == (2, 2, created)
    page = phone.get(f"/danh-gia/ho-so/{token}").get_data(as_text=True)
    check_page(page)
    assert "quá 7 ngày" in page and "Lịch sự, tận tình" in page  # shown, read only
    assert 'name="muc"' not in page
    status = phone.get(f"/ho-so/{token}").get_data(as_text=True)
    assert "Ông/Bà đã đánh giá: Rất hài lòng." in status and "Đổi đánh giá" not in status


def test_an_unknown_link_is_a_404(phone):
    assert phone.get("/danh-gia/ho-so/khong-co").status_code == 404
    assert phone.post("/danh-gia/ho-so/khong-co", {"muc": "2"}).status_code == 404
    assert phone.post("/danh-gia/so/khong-co", {"muc": "2"}).status_code == 404


def test_rating_pages_are_never_cached_nor_leak_the_link(phone, dossier):
    _, token = dossier("returned")
    page = phone.get(f"/danh-gia/ho-so/{token}")
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "same-origin"


# --- staff ----------------------------------------------------------------------------------


def test_a_staff_session_gets_no_rating_form_and_cannot_rate(app, demo, dossier):
    _, token = dossier("returned")
    officer = app.test_client()
    factories.login(officer, demo["staff"]["tiepnhan"])
    status = officer.get(f"/ho-so/{token}").get_data(as_text=True)
    assert f"/danh-gia/ho-so/{token}" not in status
    page = officer.get(f"/danh-gia/ho-so/{token}").get_data(as_text=True)
    assert 'name="muc"' not in page and "không thực hiện trên máy của cán bộ" in page
    refused = officer.post(f"/danh-gia/ho-so/{token}", data={"muc": "0"})
    assert refused.status_code == 403
    refused = officer.post(f"/danh-gia/ho-so/{token}/chi-tiet", data={"muc": "0"})
    assert refused.status_code == 403
    assert ratings(app) == []


# --- a visit with only a ticket -------------------------------------------------------------


def test_a_finished_ticket_offers_the_rating_on_its_page(app, phone, finished_ticket):
    ticket_id, label, token = finished_ticket()
    page = phone.get(f"/so/{token}")
    html = page.get_data(as_text=True)
    assert "Đã phục vụ xong" in html and f'action="/danh-gia/so/{token}"' in html
    assert "csrf_token" not in html  # the ticket's page stays public
    check_page(html)
    assert phone.post(f"/danh-gia/so/{token}", {"muc": "2"}).status_code == 303
    [rating] = ratings(app)
    assert (rating.ticket_id, rating.dossier_id, rating.overall) == (ticket_id, None, 2)
    details = phone.get(f"/danh-gia/so/{token}").get_data(as_text=True)
    check_page(details)
    # A visit without a dossier: only the staff's attitude is asked.
    assert 'name="attitude_score"' in details and 'name="time_score"' not in details
    phone.post(f"/danh-gia/so/{token}/chi-tiet",
               {"muc": "2", "attitude_score": "1", "time_score": "0"})
    [rating] = ratings(app)
    assert (rating.attitude_score, rating.time_score) == (1, None)


def test_a_ticket_is_rated_only_once_the_visit_is_over(app, phone, finished_ticket):
    _, _, token = finished_ticket(finish=False)  # at the counter now
    assert "/danh-gia/so/" not in phone.get(f"/so/{token}").get_data(as_text=True)
    refused = phone.post(f"/danh-gia/so/{token}", {"muc": "2"})
    assert refused.status_code == 409
    assert "sau khi được phục vụ xong" in refused.get_data(as_text=True)
    assert ratings(app) == []


def test_a_ticket_that_brought_a_dossier_is_rated_through_the_dossier(app, phone, dossier,
                                                                       finished_ticket):
    dossier_id, _ = dossier("returned")
    _, _, token = finished_ticket(dossier_id=dossier_id)
    assert "/danh-gia/so/" not in phone.get(f"/so/{token}").get_data(as_text=True)
    refused = phone.post(f"/danh-gia/so/{token}", {"muc": "0"})
    assert refused.status_code == 409
    assert "gắn với một hồ sơ" in refused.get_data(as_text=True)
    assert ratings(app) == []
