"""Saving, submitting (only when complete), and what the citizen can do afterwards."""

import re

import pytest

from tests.html import check_page
from tthc.catalogue import services as catalogue_services
from tthc.extensions import db
from tthc.models import Dossier

from tthc.domain.status import STAFF
from tthc.intake import services

from .conftest import APPLICANT, BIRTH, complete_answers, papers_to_bring, procedure
from .desk_steps import OFFICIAL_CODE, ask_supplement, receive

CODES = ["chung-thuc-ban-sao", "chung-thuc-chu-ky", "chung-thuc-hop-dong", "cap-ban-sao-so-goc",
         "dang-ky-khai-sinh", "dang-ky-ket-hon", "dang-ky-khai-tu", "trich-luc-ho-tich",
         "xac-nhan-tinh-trang-hon-nhan", "dang-ky-giam-ho", "nhan-cha-me-con",
         "thay-doi-cai-chinh-ho-tich"]


def test_every_seed_procedure_is_listed(app):
    with app.app_context():
        assert sorted(v.procedure.code for v in catalogue_services.versions_in_force()) \
            == sorted(CODES)


def test_save_keeps_even_wrong_answers_and_redirects(citizen):
    path = citizen.start()
    response = citizen.post(path + "/luu", {"applicant_id_number": "12", "child_full_name": "An"})
    assert response.status_code == 303 and response.headers["Location"] == path
    assert citizen.dossier(path).answers["applicant_id_number"] == "12"
    page = citizen.client.get(path + "/phan/1").get_data(as_text=True)  # a long form's step
    assert "Đã lưu hồ sơ." in page
    # a reload shows the wrong answer beside its field, without a summary
    assert re.search(r'id="applicant_id_number-error"><span class="field-error">', page)
    assert "error-summary" not in page


def test_submit_is_refused_while_anything_is_missing(citizen):
    path = citizen.start()
    response = citizen.post(path + "/nop", {**APPLICANT, "applicant_id_number": "12"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    check_page(page)
    summary = re.search(r'<div class="error-summary".*?</div>\s*</div>', page, re.S)[0]
    # every gap is listed, wrong answers, empty fields and papers, each with its link
    assert 'href="#applicant_id_number"' in summary
    assert 'href="#child_full_name"' in summary
    assert 'href="#giay-to-giay_to_tuy_than"' in summary
    # and each empty field now says so beside itself
    assert re.search(r'id="child_full_name-error"><span class="field-error">', page)
    dossier = citizen.dossier(path)
    assert dossier.status == 0 and dossier.submitted_at is None
    assert dossier.answers["applicant_full_name"] == APPLICANT["applicant_full_name"]


def test_submit_refused_for_a_missing_paper_alone(app, citizen):
    path = citizen.start()
    answers = complete_answers(procedure(app, BIRTH))
    response = citizen.post(path + "/nop", answers)  # no paper uploaded or promised
    assert response.status_code == 422
    summary = re.search(r'<div class="error-summary".*?</div>\s*</div>', response.get_data(
        as_text=True), re.S)[0]
    assert summary.count("<li>") == 2  # the birth certificate and the ID document
    assert citizen.dossier(path).status == 0


@pytest.mark.parametrize("code", CODES)
def test_a_complete_dossier_of_every_procedure_can_be_sent(app, citizen, code):
    path = citizen.start(code)
    citizen.fill_complete(path, code)
    response = citizen.action(path + "/nop")
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    assert response.headers["Location"] == path + "/da-nop"
    dossier = citizen.dossier(path)
    assert dossier.status == 1 and dossier.channel == 2 and dossier.submitted_at is not None
    assert [e.action for e in dossier.events] == ["create", "submit"]
    assert dossier.events[-1].actor == "citizen" and dossier.events[-1].source == 0
    assert dossier.phone_last4 == "5678"
    assert dossier.applicant_name == APPLICANT["applicant_full_name"]


def test_the_confirmation_has_code_qr_originals_hours_and_monday(app, citizen):
    path = citizen.start()
    citizen.fill_complete(path)
    citizen.action(path + "/nop")
    response = citizen.client.get(path + "/da-nop")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "same-origin"  # never to another site
    page = response.get_data(as_text=True)
    check_page(page)
    dossier = citizen.dossier(path)
    code = dossier.prefiling_code
    assert f"{code[:4]}-{code[4:]}" in page
    assert re.search(r'<svg[^>]*class="qr"', page)
    assert "Giấy chứng sinh" in page  # an original to bring
    assert "07:30 – 11:30, 13:30 – 17:00" in page  # the office's opening hours
    assert "Giải quyết trong ngày" in page and "trước 15:00 vào bất kỳ ngày làm việc" in page
    assert "thứ Hai" not in page.lower()  # the Monday promise is the home page's to explain
    assert "Đọc mã này cho cán bộ tiếp nhận" in page
    assert "/to-khai" in page
    # the QR's link is the dossier's own page: opening it shows the status directly
    status_page = citizen.client.get(path).get_data(as_text=True)
    assert "Mới đăng ký" in status_page and "Quá trình xử lý" in status_page


def test_a_multi_day_procedure_is_not_promised_the_same_day(app, citizen):
    code = "xac-nhan-tinh-trang-hon-nhan"
    path = citizen.start(code)
    citizen.fill_complete(path, code)
    citizen.action(path + "/nop")
    page = citizen.client.get(path + "/da-nop").get_data(as_text=True)
    assert "Giải quyết trong ngày" not in page and "3 ngày làm việc" in page


@pytest.mark.parametrize("same_day, due_text", [
    (False, "14/12/2026"), (True, "Trả kết quả trong ngày 14/12/2026")])
def test_after_reception_the_citizen_pages_show_the_official_code_and_due_date(
        app, citizen, same_day, due_text):
    path = citizen.start()
    citizen.fill_complete(path)
    citizen.action(path + "/nop")
    dossier = citizen.dossier(path)
    receive(app, dossier.id, same_day=same_day)
    for url in (path, path + "/da-nop"):  # the link's page and the confirmation's
        response = citizen.client.get(url)
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        check_page(page)
        assert OFFICIAL_CODE in page and "Ngày hẹn trả kết quả" in page
        assert due_text in page
        assert "Đọc mã này cho cán bộ tiếp nhận" not in page
        assert "Đã nộp trước hồ sơ" not in page and "Được tiếp nhận" in page
        assert f"<title>Hồ sơ {OFFICIAL_CODE}" in page


def test_the_due_date_goes_when_a_supplement_restarts_it(app, citizen):
    path = citizen.start()
    citizen.fill_complete(path)
    citizen.action(path + "/nop")
    dossier = citizen.dossier(path)
    receive(app, dossier.id)
    with app.app_context():  # received, then processed, then found to need a paper
        stored = db.session.get(Dossier, dossier.id)
        services.change_status(stored, "start", STAFF)
        db.session.commit()
    page = citizen.client.get(path).get_data(as_text=True)
    assert OFFICIAL_CODE in page and "14/12/2026" in page
    ask_supplement(app, dossier.id)  # the legal time restarts once the dossier is complete
    page = citizen.action("/tra-cuu", data={"code": OFFICIAL_CODE, "last4": "5678"}
                          ).get_data(as_text=True)
    assert f"Hồ sơ {OFFICIAL_CODE}" in page and "Yêu cầu bổ sung giấy tờ" in page
    assert "14/12/2026" not in page and "Ngày hẹn trả kết quả" not in page


def test_a_draft_has_no_confirmation_page_yet(citizen):
    path = citizen.start()
    response = citizen.client.get(path + "/da-nop")
    assert response.status_code == 303 and response.headers["Location"] == path


def test_edit_again_before_reception_then_send_again(citizen):
    path = citizen.start()
    citizen.fill_complete(path)
    citizen.action(path + "/nop")
    response = citizen.action(path + "/sua", data={"status": "1"})
    assert response.status_code == 303 and response.headers["Location"] == path
    dossier = citizen.dossier(path)
    assert dossier.status == 0
    assert [(e.action, e.source, e.target) for e in dossier.events][-1] == ("reopen", 1, 0)
    assert 'id="dossier-form"' in citizen.client.get(path + "/phan/1").get_data(as_text=True)
    assert citizen.action(path + "/nop").status_code == 303
    assert citizen.dossier(path).status == 1


def test_withdraw_before_reception(citizen):
    path = citizen.start()
    citizen.fill_complete(path)
    citizen.action(path + "/nop")
    response = citizen.action(path + "/rut", data={"status": "1"})
    assert response.status_code == 303
    dossier = citizen.dossier(path)
    assert dossier.status == 7
    assert (dossier.events[-1].action, dossier.events[-1].actor) == ("withdraw", "citizen")
    page = citizen.client.get(path).get_data(as_text=True)
    check_page(page)
    assert "Công dân yêu cầu rút hồ sơ" in page and "Sửa lại hồ sơ" not in page
    # a withdrawn dossier stays withdrawn
    again = citizen.action(path + "/sua", data={"status": "1"})
    assert again.status_code == 409
    check_page(again.get_data(as_text=True))
    assert "Không thể thực hiện" in again.get_data(as_text=True)
    assert citizen.action(path + "/rut", data={"status": "1"}).status_code == 409
    assert citizen.dossier(path).status == 7


def test_a_draft_cannot_be_withdrawn_or_reopened(citizen):
    path = citizen.start()
    assert citizen.action(path + "/rut", data={"status": "1"}).status_code == 409
    assert citizen.action(path + "/sua", data={"status": "1"}).status_code == 409
    assert citizen.dossier(path).status == 0


def test_after_reception_withdrawal_is_at_the_desk(app, citizen):
    path = citizen.start()
    citizen.fill_complete(path)
    citizen.action(path + "/nop")
    with app.app_context():
        from tthc.intake.services import change_status

        dossier = db.session.scalar(db.select(Dossier))
        change_status(dossier, "receive", "staff")
        db.session.commit()
    page = citizen.client.get(path).get_data(as_text=True)
    check_page(page)
    assert "Được tiếp nhận" in page and "Rút hồ sơ" not in page
    response = citizen.action(path + "/rut", data={"status": "1"})
    assert response.status_code == 409
    assert "liên hệ Bộ phận Một cửa" in response.get_data(as_text=True)


@pytest.mark.parametrize("htmx", [False, True])
def test_status_changes_need_the_csrf_token(citizen, htmx):
    path = citizen.start()
    citizen.fill_complete(path)
    assert citizen.action(path + "/nop", csrf=False, htmx=htmx).status_code == 400
    assert citizen.dossier(path).status == 0
    citizen.action(path + "/nop")
    assert citizen.action(path + "/rut", csrf=False, htmx=htmx).status_code == 400
    assert citizen.dossier(path).status == 1


def test_the_declaration_form_is_filled_from_the_answers(citizen):
    path = citizen.start()
    citizen.fill_complete(path)
    response = citizen.client.get(path + "/to-khai")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    check_page(page)
    assert "TỜ KHAI ĐĂNG KÝ KHAI SINH" in page  # the official form, laid out as data
    assert "Trần Minh An" in page and "Nguyễn Thị Hoà" in page and "001190012345" in page
    assert "Kính gửi" in page and "UBND phường Mẫu" in page
    assert "Họ, chữ đệm, tên người mẹ" in page  # the official form's lines, not sections


def test_no_declaration_form_for_a_procedure_without_one(app, citizen):
    spec = procedure(app, "chung-thuc-ban-sao")
    assert not spec.declaration_form
    path = citizen.start("chung-thuc-ban-sao")
    assert citizen.client.get(path + "/to-khai").status_code == 404


def test_a_supplement_reopens_only_the_missing_items(app, citizen):
    path = citizen.start()
    answers = citizen.fill_complete(path)
    citizen.action(path + "/nop")
    with app.app_context():
        from tthc.intake.services import change_status

        dossier = db.session.scalar(db.select(Dossier))
        change_status(dossier, "request_supplement", "staff")
        dossier.supplement_items = [
            {"target": "child_birth_place", "reason": "Ghi rõ tên bệnh viện."},
            "paper:giay_chung_sinh"]
        dossier.papers_confirmed = ["giay_to_tuy_than"]  # the certificate is asked again
        db.session.commit()
    page = citizen.client.get(path).get_data(as_text=True)
    check_page(page)
    assert "Ghi rõ tên bệnh viện." in page
    assert 'id="child_birth_place"' in page and 'id="file_giay_chung_sinh"' in page
    assert 'id="applicant_full_name"' not in page and 'id="child_full_name"' not in page
    assert "Nộp bổ sung" in page
    response = citizen.post(path + "/nop", {"child_birth_place": "Bệnh viện Phụ sản Hà Nội",
                                            "papers_confirmed": "giay_chung_sinh"})
    assert response.status_code == 303
    dossier = citizen.dossier(path)
    assert dossier.status == 1 and dossier.events[-1].action == "complete_supplement"
    # what was not asked again is kept as it was
    assert dossier.answers["child_full_name"] == answers["child_full_name"]
    assert dossier.answers["child_birth_place"] == "Bệnh viện Phụ sản Hà Nội"
    assert set(dossier.papers_confirmed) == {"giay_chung_sinh", "giay_to_tuy_than"}


def test_papers_to_bring_reflect_the_answers(app):
    spec = procedure(app, BIRTH)
    answers = complete_answers(spec)
    assert "giay_chung_sinh" in papers_to_bring(spec, answers)
    assert "giay_cam_doan" in papers_to_bring(spec, {**answers, "has_birth_certificate": "",
                                                     "has_witness": ""})


def _desk_decides_meanwhile(app, citizen):
    """The citizen's page was loaded before the desk received the dossier: withdrawing
    online then reads the dossier as it is now and refuses, leaving the reception alone."""
    from sqlalchemy.orm import Session

    from tthc.domain.status import IllegalTransition
    from tthc.intake import services

    path = citizen.start()
    citizen.fill_complete(path)
    citizen.action(path + "/nop")
    token = path.split("/")[2]
    with app.test_request_context():
        db.session().expire_on_commit = False  # as on the citizen's pages
        seen = services.find_by_token(token)  # as the citizen's request read it
        assert seen.status == 1
        with Session(db.engine) as desk:  # the desk, on its own connection
            dossier = desk.get(Dossier, seen.id)
            dossier.status = 2
            desk.commit()
        with pytest.raises(IllegalTransition):
            services.withdraw(seen, 1)
        with pytest.raises(IllegalTransition):
            services.reopen(seen, 1)
        assert seen.status == 2
    assert citizen.dossier(path).status == 2


def test_a_citizens_click_does_not_undo_what_the_desk_decided_meanwhile(app, citizen):
    _desk_decides_meanwhile(app, citizen)


@pytest.mark.postgres
def test_a_citizens_click_does_not_undo_the_desk_on_postgresql(postgres_url, tmp_path):
    from tests.conftest import make_app, migrate_and_seed

    from .conftest import Citizen

    app = make_app(postgres_url, tmp_path)
    migrate_and_seed(app)
    try:
        _desk_decides_meanwhile(app, Citizen(app, app.test_client()))
    finally:
        with app.app_context():
            db.engine.dispose()
