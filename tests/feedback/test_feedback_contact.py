"""Feedback may carry a phone or email for the answer, kept only with the citizen's consent
(a box required whenever a contact is typed), stored with the feedback and its time; lists
show it masked, a leader reads it whole on its own logged page."""

from __future__ import annotations

from tests.auth import factories
from tests.desk.conftest import Officer
from tests.feedback.conftest import access_log, feedback_rows
from tests.html import check_page

TEXT = "Tôi đã đến hai lần mà chưa nhận được kết quả."


def _write(phone, token, **extra):
    return phone.post(f"/phan-anh/ho-so/{token}", {"noi_dung": TEXT, **extra})


def test_a_contact_without_the_consent_box_is_refused_nothing_lost(app, phone, dossier):
    _, token = dossier("received")
    form = phone.get(f"/ho-so/{token}").get_data(as_text=True)
    assert 'name="lien_he"' in form and 'name="dong_y"' in form
    assert 'id="dong_y" name="dong_y" value="1" aria-describedby' in form  # not ticked
    refused = _write(phone, token, lien_he="0987 654 321")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    check_page(html)
    assert "Đánh dấu đồng ý để cơ quan lưu" in html and 'href="#dong_y"' in html
    assert 'value="0987 654 321"' in html and TEXT in html
    bad = _write(phone, token, lien_he="gọi tôi nhé", dong_y="1")
    assert bad.status_code == 422 and 'href="#lien_he"' in bad.get_data(as_text=True)
    assert feedback_rows(app) == []


def test_without_a_contact_no_box_is_needed_and_nothing_is_kept(app, phone, dossier):
    _, token = dossier("received")
    assert _write(phone, token, dong_y="1").status_code == 303
    [item] = feedback_rows(app)
    assert (item.contact, item.contact_consent_at) == ("", None)


def test_the_contact_is_stored_with_its_consent_and_shown_masked(app, phone, demo, dossier):
    dossier_id, token = dossier("received")
    assert _write(phone, token, lien_he="+84 987 654 321", dong_y="1").status_code == 303
    [item] = feedback_rows(app)
    assert item.contact == "0987654321" and item.contact_consent_at is not None
    assert abs((item.contact_consent_at - item.created_at).total_seconds()) < 1
    page = phone.get(f"/ho-so/{token}").get_data(as_text=True)
    assert "+84 *** *** 321" in page and "0987654321" not in page
    leader = Officer(app, demo["staff"]["lanhdao"])
    inbox = leader.get("/can-bo/phan-anh").get_data(as_text=True)
    assert "+84 *** *** 321" in inbox and "0987654321" not in inbox
    whole = leader.get(f"/can-bo/phan-anh/{item.id}/lien-he")
    assert whole.status_code == 200 and "0987654321" in whole.get_data(as_text=True)
    check_page(whole.get_data(as_text=True))
    assert (demo["staff"]["lanhdao"], "view", "liên hệ của phản ánh, kiến nghị") in \
        access_log(app, dossier_id)
    # Another office's leader, and other roles, never see it.
    with app.app_context():
        other = factories.make_staff(factories.make_office("khac"), "ld-khac", ("leader",)).id
    assert Officer(app, other).get(f"/can-bo/phan-anh/{item.id}/lien-he").status_code == 404
    reception = Officer(app, demo["staff"]["tiepnhan"])
    assert reception.get(f"/can-bo/phan-anh/{item.id}/lien-he").status_code == 403


def test_an_email_is_kept_too(app, phone, dossier):
    _, token = dossier("received")
    assert _write(phone, token, lien_he="Hoa@Example.VN", dong_y="1").status_code == 303
    [item] = feedback_rows(app)
    assert item.contact == "Hoa@example.vn"
    assert "H•••@example.vn" in phone.get(f"/ho-so/{token}").get_data(as_text=True)
