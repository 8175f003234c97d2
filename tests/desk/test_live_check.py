"""The live check of the desk's answers form: the answers as typed are judged by the rules the
reception uses and nothing is saved; htmx gets the panel with the field messages, a browser
without JavaScript gets the page. Saving stays the form's own POST."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.desk.conftest import COPY, Officer, load
from tests.html import check_page
from tests.intake.conftest import APPLICANT, BIRTH, complete_answers, procedure
from tthc.extensions import db
from tthc.models import AccessLog

WRONG_ID = {"applicant_id_number": "12345"}
STATE = re.compile(r'id="answers-(msgs|hidden|panel)" name="_\w+" value="([^"]*)"')


def check_url(dossier_id: int) -> str:
    return f"/can-bo/ho-so/{dossier_id}/thong-tin/kiem-tra"


def typed(app, dossier_id: int, **changes) -> dict[str, str]:
    """The answers form as the officer's browser posts it: every field, some changed."""
    return {**load(app, dossier_id).answers, **changes}


def state_of(html: str) -> dict[str, str]:
    """The page state the answers form posts back with every live check."""
    return {"_" + name: value for name, value in STATE.findall(html)}


def checks_logged(app, dossier_id: int) -> list[AccessLog]:
    from tthc.desk.pages import CHECK_DETAIL

    with app.app_context():
        rows = db.session.scalars(select(AccessLog).filter_by(
            dossier_id=dossier_id, action="view", detail=CHECK_DETAIL)).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def test_the_dossier_page_has_the_answers_panel_wired_to_the_live_check(app, reception, dossier):
    dossier_id = dossier()
    html = reception.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    check_page(html)
    panel = re.search(r'<section id="answers-check"[^>]*>', html)[0]
    assert 'role="status"' in panel and f'data-hx-post="{check_url(dossier_id)}"' in panel
    assert 'data-hx-sync="closest form:replace"' in panel
    assert "Thông tin hồ sơ đã đủ và đúng" in html
    # the same form still saves by its own POST, and checks without saving with JS off
    assert f'formaction="{check_url(dossier_id)}"' in html
    assert state_of(html).keys() == {"_msgs", "_hidden", "_panel"}


def test_htmx_gets_the_panel_and_the_field_message_and_nothing_is_saved(app, reception,
                                                                        dossier, htmx_headers):
    dossier_id = dossier()
    before = load(app, dossier_id).answers
    response = reception.post(check_url(dossier_id), typed(app, dossier_id, **WRONG_ID),
                              headers=htmx_headers)
    assert response.status_code == 200
    assert "HX-Request" in response.headers.get("Vary", "")
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True)
    assert "<html" not in text and "<main" not in text
    check_page(text, full_page=False)
    assert "Còn thiếu 1 mục" in text and 'href="#applicant_id_number"' in text
    box = re.search(r'<p class="field-msg" id="applicant_id_number-error" '
                    r'data-hx-swap-oob="true">.*?</p>', text)[0]
    assert "12 chữ số" in box
    assert "Có thay đổi chưa lưu" in text
    assert state_of(text)["_msgs"] == "applicant_id_number"
    assert load(app, dossier_id).answers == before  # checked, not saved


def test_the_live_check_and_the_reception_judge_with_the_same_rules(app, reception, dossier,
                                                                   htmx_headers):
    from tthc.desk import services
    from tthc.models import Dossier

    dossier_id = dossier()
    answers = typed(app, dossier_id, applicant_full_name="", **WRONG_ID)
    text = reception.post(check_url(dossier_id), answers,
                          headers=htmx_headers).get_data(as_text=True)
    reception.post(f"/can-bo/ho-so/{dossier_id}/thong-tin", answers)  # now saved
    with app.app_context():
        report = services.desk_report(db.session.get(Dossier, dossier_id)).completeness
    fields = [g.target for g in report.gaps if g.kind in ("missing_field", "invalid_field")]
    assert sorted(fields) == ["applicant_full_name", "applicant_id_number"]
    assert f"Còn thiếu {len(fields)} mục" in text
    for target in fields:
        assert f'href="#{target}"' in text


def test_nothing_new_to_show_answers_204(app, reception, dossier, htmx_headers):
    dossier_id = dossier()
    page = reception.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    same = reception.post(check_url(dossier_id), {**typed(app, dossier_id), **state_of(page)},
                          headers=htmx_headers)
    assert same.status_code == 204 and same.get_data() == b""
    first = reception.post(check_url(dossier_id),
                           {**typed(app, dossier_id, **WRONG_ID), **state_of(page)},
                           headers=htmx_headers)
    assert first.status_code == 200
    # another wrong number of the same length: the page already shows all of it
    again = reception.post(check_url(dossier_id), {
        **typed(app, dossier_id, applicant_id_number="12346"),
        **state_of(first.get_data(as_text=True))}, headers=htmx_headers)
    assert again.status_code == 204
    # the number corrected: its message is cleared, in place
    fixed = reception.post(check_url(dossier_id), {
        **typed(app, dossier_id, applicant_id_number="001190054321"),
        **state_of(first.get_data(as_text=True))}, headers=htmx_headers)
    text = fixed.get_data(as_text=True)
    assert ('<p class="field-msg" id="applicant_id_number-error" data-hx-swap-oob="true"></p>'
            in text)
    assert "Thông tin hồ sơ đã đủ và đúng" in text and "Có thay đổi chưa lưu" in text


def test_a_conditional_field_appears_and_goes_away_as_the_officer_types(app, reception,
                                                                        dossier, htmx_headers):
    dossier_id = dossier(BIRTH)
    assert complete_answers(procedure(app, BIRTH))["want_copies"] == "1"
    page = reception.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    assert "copies" not in state_of(page)["_hidden"].split(",")
    text = reception.post(check_url(dossier_id), {
        **typed(app, dossier_id, want_copies=""), **state_of(page)},
        headers=htmx_headers).get_data(as_text=True)
    assert re.search(r'<div class="field" id="copies-field" hidden data-hx-swap-oob="true">', text)
    assert "copies" in state_of(text)["_hidden"].split(",")
    back = reception.post(check_url(dossier_id), {
        **typed(app, dossier_id, want_copies="1"), **state_of(text)},
        headers=htmx_headers).get_data(as_text=True)
    assert re.search(r'<div class="field" id="copies-field" data-hx-swap-oob="true">', back)


def test_without_javascript_the_check_shows_the_page_with_the_answers_as_typed(app, reception,
                                                                              dossier):
    dossier_id = dossier()
    before = load(app, dossier_id).answers
    wrong = reception.post(check_url(dossier_id), typed(app, dossier_id, **WRONG_ID))
    assert wrong.status_code == 422
    html = wrong.get_data(as_text=True)
    check_page(html)
    summary = re.search(r'<div class="error-summary".*?</div>\s*</div>', html, re.S)[0]
    assert 'href="#applicant_id_number"' in summary and "12 chữ số" in summary
    assert 'value="12345"' in html  # nothing typed is lost
    assert "Có thay đổi chưa lưu" in html
    good = reception.post(check_url(dossier_id),
                          typed(app, dossier_id, applicant_full_name="Nguyễn Thị Hòa"))
    assert good.status_code == 200
    assert "error-summary" not in good.get_data(as_text=True)
    assert load(app, dossier_id).answers == before


def test_saving_without_javascript_answers_422_with_the_error_summary(app, reception, dossier):
    dossier_id = dossier()
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/thong-tin",
                              typed(app, dossier_id, **WRONG_ID))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    check_page(html)
    summary = re.search(r'<div class="error-summary".*?</div>\s*</div>', html, re.S)[0]
    assert 'href="#applicant_id_number"' in summary
    assert 'value="12345"' in html and "Đã lưu." in html
    assert load(app, dossier_id).answers["applicant_id_number"] == "12345"  # saved as typed


@pytest.mark.parametrize("htmx", [False, True])
def test_the_check_needs_the_csrf_token(app, reception, dossier, htmx):
    dossier_id = dossier()
    reception.csrf()  # signed in, with a session
    headers = {"HX-Request": "true"} if htmx else {}
    response = reception.client.post(check_url(dossier_id),
                                     data=typed(app, dossier_id, **WRONG_ID), headers=headers)
    assert response.status_code == 400
    assert "12345" not in response.get_data(as_text=True)
    # Nothing at the desk saves by itself: the message must not say a draft was saved.
    assert "hết hạn" in response.get_data(as_text=True)
    assert "lưu tự động" not in response.get_data(as_text=True)
    if htmx:
        assert response.headers["HX-Retarget"] == "#flash"
    assert checks_logged(app, dossier_id) == []


@pytest.mark.parametrize("htmx", [False, True])
def test_another_offices_officer_gets_404_and_reads_nothing(app, dossier, other_office, htmx):
    dossier_id = dossier()
    theirs = Officer(app, other_office["staff"]["reception"])
    headers = {"HX-Request": "true"} if htmx else {}
    response = theirs.post(check_url(dossier_id), typed(app, dossier_id), headers=headers)
    assert response.status_code == 404
    assert APPLICANT["applicant_full_name"] not in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(AccessLog).filter_by(
            staff_id=theirs.staff_id)).all() == []


@pytest.mark.parametrize("role", ["chuyenmon", "lanhdao", "quantri"])
def test_roles_that_may_not_edit_answers_get_403(app, dossier, demo, role, htmx_headers):
    dossier_id = dossier()
    officer = Officer(app, demo["staff"][role])
    for headers in ({}, htmx_headers):
        response = officer.post(check_url(dossier_id), typed(app, dossier_id), headers=headers)
        assert response.status_code == 403
        assert "Không có quyền truy cập" in response.get_data(as_text=True)
    assert checks_logged(app, dossier_id) == []


def test_anonymous_htmx_is_sent_to_sign_in_with_a_full_page_load(app, dossier, htmx_headers):
    from tests.auth import factories

    dossier_id = dossier()
    client = app.test_client()
    response = client.post(check_url(dossier_id), headers=htmx_headers,
                           data={"csrf_token": factories.csrf(client)})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/can-bo/dang-nhap")


def test_a_dossier_with_its_result_cannot_be_checked_for_corrections(app, reception, dossier,
                                                                     htmx_headers):
    dossier_id = dossier(state="resolved")
    page = reception.post(check_url(dossier_id), typed(app, dossier_id))
    assert page.status_code == 409
    assert "không sửa thông tin được nữa" in page.get_data(as_text=True)
    fragment = reception.post(check_url(dossier_id), typed(app, dossier_id),
                              headers=htmx_headers)
    assert fragment.status_code == 409 and fragment.headers["HX-Retarget"] == "#flash"
    assert "<html" not in fragment.get_data(as_text=True)


def test_a_sitting_of_live_checks_is_one_read_in_the_access_log(app, reception, dossier,
                                                                htmx_headers):
    dossier_id = dossier(COPY, state="received")  # corrections after reception too
    for number in ("0", "00", "001", "0011"):
        response = reception.post(check_url(dossier_id),
                                  typed(app, dossier_id, applicant_id_number=number),
                                  headers=htmx_headers)
        assert response.status_code == 200
    rows = checks_logged(app, dossier_id)
    assert [(r.staff_id, r.office_id) for r in rows] == [(reception.staff_id, rows[0].office_id)]
    # a save in between starts a new sitting
    reception.post(f"/can-bo/ho-so/{dossier_id}/thong-tin",
                   typed(app, dossier_id, applicant_full_name="Nguyễn Thị Hòa"))
    reception.post(check_url(dossier_id), typed(app, dossier_id), headers=htmx_headers)
    assert len(checks_logged(app, dossier_id)) == 2
    with app.app_context():
        details = " ".join(r.detail for r in db.session.scalars(select(AccessLog)))
    assert "0011" not in details and "Hòa" not in details
