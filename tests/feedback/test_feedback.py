"""Feedback (phản ánh, kiến nghị): the citizen writes on the dossier's link, a leader of the
office answers, the citizen reads the answer on the status page."""

from __future__ import annotations

import re

import pytest

from tests.auth import factories
from tests.desk.conftest import Officer
from tests.feedback.conftest import access_log, feedback_rows
from tests.html import check_page

TEXT = "Tôi đã đến hai lần mà chưa nhận được kết quả.\nĐề nghị kiểm tra giúp."
ANSWER = "UBND phường đã kiểm tra; kết quả trả trong ngày 12/01."


def _write(phone, token, text=TEXT):
    return phone.post(f"/phan-anh/ho-so/{token}", {"noi_dung": text})


def test_the_citizen_writes_a_leader_answers_the_citizen_sees_it(app, phone, leader, demo,
                                                                  dossier):
    dossier_id, token = dossier("received")
    status = phone.get(f"/ho-so/{token}").get_data(as_text=True)
    assert f'action="/phan-anh/ho-so/{token}"' in status
    response = _write(phone, token)
    assert response.status_code == 303
    assert response.location == f"/ho-so/{token}#phan-anh"
    [item] = feedback_rows(app)
    assert (item.dossier_id, item.text, item.answer, item.answered_at) == \
        (dossier_id, TEXT, None, None)
    page = phone.get(f"/ho-so/{token}").get_data(as_text=True)
    check_page(page)
    assert "Đề nghị kiểm tra giúp." in page and "Đang chờ lãnh đạo trả lời." in page

    inbox = leader.get("/can-bo/phan-anh")
    html = inbox.get_data(as_text=True)
    assert inbox.status_code == 200
    check_page(html)
    assert "Đề nghị kiểm tra giúp." in html and "1 phản ánh chờ trả lời" in html
    assert "Nguyễn Thị Hoà" not in html  # the list shows the code, not the applicant
    answered = leader.post(f"/can-bo/phan-anh/{item.id}/tra-loi", {"tra_loi": ANSWER})
    assert answered.status_code == 303
    [item] = feedback_rows(app)
    assert (item.answer, item.answered_by_id) == (ANSWER, demo["staff"]["lanhdao"])
    assert item.answered_at is not None
    page = phone.get(f"/ho-so/{token}").get_data(as_text=True)
    assert ANSWER in page and "Trả lời của lãnh đạo" in page
    assert "Đang chờ lãnh đạo trả lời." not in page
    # Every read of the list and the answer are in the access log, by this leader.
    log = access_log(app, dossier_id)
    leader_id = demo["staff"]["lanhdao"]
    assert (leader_id, "list", "phản ánh, kiến nghị") in log
    assert (leader_id, "update", "trả lời phản ánh, kiến nghị") in log


def test_an_answer_is_given_once(app, phone, leader, dossier):
    _, token = dossier("received")
    _write(phone, token)
    [item] = feedback_rows(app)
    leader.post(f"/can-bo/phan-anh/{item.id}/tra-loi", {"tra_loi": ANSWER})
    again = leader.post(f"/can-bo/phan-anh/{item.id}/tra-loi", {"tra_loi": "Khác"})
    assert again.status_code == 303
    assert feedback_rows(app)[0].answer == ANSWER
    assert "đã được trả lời trước đó" in leader.get("/can-bo/phan-anh").get_data(as_text=True)


def test_an_empty_answer_is_a_422_beside_its_field(app, phone, leader, dossier):
    _, token = dossier("received")
    _write(phone, token)
    [item] = feedback_rows(app)
    response = leader.post(f"/can-bo/phan-anh/{item.id}/tra-loi", {"tra_loi": "   "})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    check_page(html)
    assert f'id="tra-loi-{item.id}-error"><span class="field-error">' in html
    assert feedback_rows(app)[0].answered_at is None


def test_a_leader_sees_and_answers_only_their_offices_feedback(app, phone, dossier, demo,
                                                               other_office):
    _, ours = dossier("received")
    _, theirs = dossier("received", office_id=other_office["id"])
    _write(phone, ours, "Phản ánh của phường Mẫu")
    _write(phone, theirs, "Phản ánh của phường khác")
    mine, their_item = feedback_rows(app)
    other_leader = Officer(app, other_office["staff"]["leader"])
    html = other_leader.get("/can-bo/phan-anh").get_data(as_text=True)
    assert "Phản ánh của phường khác" in html and "Phản ánh của phường Mẫu" not in html
    response = other_leader.post(f"/can-bo/phan-anh/{mine.id}/tra-loi", {"tra_loi": "Không"})
    assert response.status_code == 404
    assert feedback_rows(app)[0].answered_at is None


@pytest.mark.parametrize("role", ["reception", "specialist", "admin"])
def test_only_leaders_open_the_inbox(app, demo, role, phone, dossier):
    _, token = dossier("received")
    _write(phone, token)
    [item] = feedback_rows(app)
    username = {"reception": "tiepnhan", "specialist": "chuyenmon", "admin": "quantri"}[role]
    officer = Officer(app, demo["staff"][username])
    assert officer.get("/can-bo/phan-anh").status_code == 403
    assert officer.post(f"/can-bo/phan-anh/{item.id}/tra-loi",
                        {"tra_loi": ANSWER}).status_code == 403
    assert feedback_rows(app)[0].answered_at is None


def test_anonymous_is_sent_to_sign_in(app):
    client = app.test_client()
    response = client.get("/can-bo/phan-anh")
    assert response.status_code == 303 and response.location.startswith("/can-bo/dang-nhap")
    token = factories.csrf(client)
    response = client.post("/can-bo/phan-anh/1/tra-loi",
                           data={"csrf_token": token, "tra_loi": "x"})
    assert response.status_code == 303 and response.location.startswith("/can-bo/dang-nhap")


def test_the_staff_home_links_the_inbox_for_leaders_only(app, leader, demo):
    assert "/can-bo/phan-anh" in leader.get("/can-bo").get_data(as_text=True)
    reception = Officer(app, demo["staff"]["tiepnhan"])
    assert "/can-bo/phan-anh" not in reception.get("/can-bo").get_data(as_text=True)


@pytest.mark.parametrize("text, message", [
    ("   ", "Vui lòng viết nội dung phản ánh, kiến nghị."),
    ("x" * 2001, "dài quá 2000 ký tự"),
])
def test_bad_feedback_is_a_422_and_keeps_what_was_typed(app, phone, dossier, text, message):
    _, token = dossier("received")
    response = _write(phone, token, text)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    check_page(html)
    assert message in html and 'id="noi_dung-error"><span class="field-error">' in html
    if text.strip():
        assert text in html
    assert feedback_rows(app) == []


def test_at_most_three_unanswered_feedback_texts_per_dossier(app, phone, dossier):
    _, token = dossier("received")
    for n in range(3):
        assert _write(phone, token, f"Phản ánh {n}").status_code == 303
    refused = _write(phone, token, "Phản ánh thứ tư")
    assert refused.status_code == 409
    html = refused.get_data(as_text=True)
    assert "đã có 3 phản ánh đang chờ trả lời" in html and "Phản ánh thứ tư" in html
    assert len(feedback_rows(app)) == 3


def test_no_feedback_on_a_draft(app, phone, dossier):
    _, token = dossier("draft")
    assert "/phan-anh/ho-so/" not in phone.get(f"/ho-so/{token}").get_data(as_text=True)
    assert _write(phone, token).status_code == 409
    assert feedback_rows(app) == []


def test_staff_sessions_cannot_write_feedback(app, demo, dossier):
    _, token = dossier("received")
    officer = app.test_client()
    factories.login(officer, demo["staff"]["lanhdao"])
    assert officer.post(f"/phan-anh/ho-so/{token}", data={"noi_dung": TEXT}).status_code == 403
    assert feedback_rows(app) == []


def test_the_feedback_page_lists_and_offers_the_form(app, phone, dossier):
    _, token = dossier("received")
    _write(phone, token)
    page = phone.get(f"/phan-anh/ho-so/{token}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    check_page(html)
    assert "Đề nghị kiểm tra giúp." in html and 'name="noi_dung"' in html
    assert re.search(r"Cache-Control", str(page.headers)) and \
        page.headers["Cache-Control"] == "no-store"


def test_every_staff_route_of_feedback_is_for_leaders_and_the_rest_is_public(app):
    staff, public = set(), set()
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("feedback."):
            continue
        view = app.view_functions[rule.endpoint]
        if rule.rule.startswith("/can-bo/"):
            assert set(getattr(view, "staff_roles", ())) == {"leader"}, rule.rule
            staff.add(rule.endpoint)
        else:
            assert not hasattr(view, "staff_roles"), rule.rule
            public.add(rule.endpoint)
    assert staff == {"feedback.inbox", "feedback.answer", "feedback.contact"}
    assert public == {"feedback.rating", "feedback.rate", "feedback.details", "feedback.kiosk",
                      "feedback.kiosk_find", "feedback.kiosk_rate", "feedback.kiosk_details",
                      "feedback.feedback", "feedback.write"}
