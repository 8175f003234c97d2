"""/tra-cuu: the code and the phone's last 4 digits show the history; the code alone only the
status; guessing is rate-limited."""

import re
from html import unescape

import pytest
from markupsafe import escape

from tests.html import check_page
from tthc.extensions import db
from tthc.models import Dossier

from .conftest import APPLICANT
from .desk_steps import BAD_PAPER, MISSING_FIELD, OFFICIAL_CODE, ask_supplement, receive


@pytest.fixture
def sent(citizen):
    path = citizen.start()
    citizen.fill_complete(path)
    citizen.action(path + "/nop")
    return citizen.dossier(path)


def _no_personal_data(text):
    for value in (APPLICANT["applicant_full_name"], APPLICANT["applicant_id_number"],
                  "345 678", "0912", "Trần Minh An", APPLICANT["applicant_address"]):
        assert value not in text


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_lookup_page_is_a_post_form(client, lang):
    response = client.get(f"/tra-cuu?lang={lang}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    check_page(page)
    assert 'method="post" action="/tra-cuu"' in page


def test_code_and_last_digits_show_the_timeline(citizen, sent):
    code = sent.prefiling_code
    response = citizen.action("/tra-cuu", data={"code": f"{code[:4].lower()} {code[4:]}",
                                                "last4": "5678"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    check_page(page)
    assert "Quá trình xử lý" in page
    assert "Bản nháp" in page and "Mới đăng ký" in page  # created, then sent
    assert "đang chờ cán bộ kiểm tra và tiếp nhận" in page  # Status.description
    assert "Đăng ký khai sinh" in page
    _no_personal_data(page)


def test_the_code_alone_says_only_that_it_exists_and_its_status(citizen, sent):
    response = citizen.action("/tra-cuu", data={"code": sent.prefiling_code})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Mới đăng ký" in page
    assert "Quá trình xử lý" not in page and "Bản nháp" not in page
    _no_personal_data(page)


def test_wrong_last_digits_show_no_history(citizen, sent):
    response = citizen.action("/tra-cuu", data={"code": sent.prefiling_code, "last4": "1234"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    check_page(page)
    assert "Có lỗi cần sửa" in page and 'href="#last4"' in page
    assert "không khớp" in page
    assert "Quá trình xử lý" not in page
    _no_personal_data(page)


@pytest.mark.parametrize("data, field", [
    ({"code": ""}, "code"),
    ({"code": "ZZZZ-ZZZZ"}, "code"),
    ({"code": "ABCD-2345", "last4": "12a4"}, "last4"),
])
def test_bad_input_is_422_beside_its_field(citizen, sent, data, field):
    response = citizen.action("/tra-cuu", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert re.search(rf'id="{field}-error"><span class="field-error">', page)
    assert f'href="#{field}"' in page
    assert 'aria-invalid="true"' in page


def test_the_official_code_works_too(app, citizen, sent):
    with app.app_context():
        dossier = db.session.get(Dossier, sent.id)
        dossier.code = "000.00.21.H26-260302-0001"
        db.session.commit()
    response = citizen.action("/tra-cuu", data={"code": " 000.00.21.h26-260302-0001 ",
                                                "last4": "5678"})
    assert response.status_code == 200
    assert "Quá trình xử lý" in response.get_data(as_text=True)


def test_lookup_needs_the_csrf_token(citizen, sent):
    response = citizen.action("/tra-cuu", data={"code": sent.prefiling_code, "last4": "5678"},
                              csrf=False)
    assert response.status_code == 400


def test_guessing_is_rate_limited(app, citizen, sent):
    app.config["TTHC_LOOKUP_RATE_LIMIT"] = "3 per minute"
    for last4 in ("1111", "2222", "3333"):
        assert citizen.action("/tra-cuu", data={"code": sent.prefiling_code,
                                                "last4": last4}).status_code == 422
    response = citizen.action("/tra-cuu", data={"code": sent.prefiling_code, "last4": "5678"})
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Quá nhiều yêu cầu" in page and "Quá trình xử lý" not in page
    assert citizen.client.get("/tra-cuu").status_code == 200  # reading the form is not limited


def test_the_token_link_shows_the_timeline_directly(citizen, sent):
    # the QR carries /ho-so/<token>: no code or digits to type
    page = citizen.client.get("/ho-so/" + "x" * 32).get_data(as_text=True)
    assert "Quá trình xử lý" not in page


# --- after reception, a supplement, one way of writing codes (issue 12) ---------------------


def test_the_code_alone_does_not_name_the_procedure(citizen, sent):
    response = citizen.action("/tra-cuu", data={"code": sent.prefiling_code})
    page = response.get_data(as_text=True)
    assert "Mới đăng ký" in page
    assert "Đăng ký khai sinh" not in page


def test_a_received_dossier_shows_its_official_code_and_due_date(app, citizen, sent):
    receive(app, sent.id)
    for data in ({"code": sent.prefiling_code}, {"code": OFFICIAL_CODE, "last4": "5678"}):
        response = citizen.action("/tra-cuu", data=data)
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        check_page(page)
        assert f"Hồ sơ {OFFICIAL_CODE}" in page
        assert "Ngày hẹn trả kết quả" in page and "14/12/2026" in page
        assert "Được tiếp nhận" in page
        _no_personal_data(page)


def test_a_same_day_dossier_says_so(app, citizen, sent):
    receive(app, sent.id, same_day=True)
    page = citizen.action("/tra-cuu", data={"code": sent.prefiling_code}).get_data(as_text=True)
    assert "Trả kết quả trong ngày 14/12/2026" in page


def test_a_supplement_is_listed_with_the_digits_only(app, citizen, sent):
    ask_supplement(app, sent.id)
    code_only = citizen.action("/tra-cuu", data={"code": sent.prefiling_code})
    page = code_only.get_data(as_text=True)
    assert "Yêu cầu bổ sung giấy tờ" in page
    assert "Nội dung cần bổ sung" not in page and BAD_PAPER["reason"] not in page
    page = citizen.action("/tra-cuu", data={"code": sent.prefiling_code, "last4": "5678"}
                          ).get_data(as_text=True)
    check_page(page)
    items = re.search(r'<ol class="supplement-items">(.*?)</ol>', page, re.S)[1]
    assert re.findall(r"<li>(.*?)</li>", items) == [
        escape(BAD_PAPER["reason"]), escape(MISSING_FIELD["reason"])]
    _no_personal_data(page)


def test_the_phone_that_keeps_the_draft_gets_the_supplement_link(app, citizen, other_phone):
    path = citizen.start()
    citizen.fill_complete(path, remember="1", _remember_shown="1")
    citizen.action(path + "/nop")
    dossier = citizen.dossier(path)
    ask_supplement(app, dossier.id)
    data = {"code": dossier.prefiling_code, "last4": "5678"}
    page = citizen.action("/tra-cuu", data=data).get_data(as_text=True)
    assert re.search(rf'<a class="button" href="{path}">Nộp bổ sung</a>', page)
    # the same code and digits on another phone: the items, but not the link
    page = other_phone.action("/tra-cuu", data=data).get_data(as_text=True)
    assert BAD_PAPER["reason"] in unescape(page)
    assert path not in page and "Nộp bổ sung</a>" not in page
    assert "Mở hồ sơ bằng đường dẫn hoặc mã QR đã lưu" in page


def test_the_qr_code_fills_the_code_in_as_printed(citizen, sent):
    code = sent.prefiling_code
    printed = f"{code[:4]}-{code[4:]}"
    for typed in (code.lower(), f"{code[:4]} {code[4:]}", printed):
        page = citizen.client.get("/tra-cuu", query_string={"ma": typed}).get_data(as_text=True)
        assert f'value="{printed}"' in page, typed
    page = citizen.action("/tra-cuu", data={"code": code.lower()}).get_data(as_text=True)
    assert f'value="{printed}"' in page and f"Hồ sơ {printed}" in page
