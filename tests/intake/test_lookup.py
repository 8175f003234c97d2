"""/tra-cuu: the code and the phone's last 4 digits show the status and history; anything less
shows nothing of a dossier, and every failure answers the same, byte for byte; guessing is
limited per address and per dossier (issue 13)."""

import logging
import re
from html import unescape

import pytest
from markupsafe import escape

from tests.html import check_page
from tthc.extensions import db
from tthc.models import Dossier, LookupFailure

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


NOT_FOUND = "Không tìm thấy hồ sơ với mã và 4 số cuối điện thoại này."


def _body(response) -> bytes:
    """The page without its CSRF token (a fresh one each time), to compare answers."""
    body = re.sub(rb'name="csrf_token" value="[^"]*"', b"", response.get_data())
    return re.sub(rb'"X-CSRFToken": "[^"]*"', b"", body)  # htmx sends it as a header


def test_the_code_alone_shows_nothing_of_the_dossier(citizen, sent):
    response = citizen.action("/tra-cuu", data={"code": sent.prefiling_code})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    check_page(page)
    assert re.search(r'id="last4-error"><span class="field-error">', page)
    for shown in ("Mới đăng ký", "Trạng thái", "Quá trình xử lý", "Đăng ký khai sinh",
                  "lookup-result"):
        assert shown not in page
    _no_personal_data(page)


def test_an_official_code_alone_answers_as_an_unknown_one(app, citizen, sent):
    # {unit}-{yymmdd}-{seq} is guessable: typed alone, a real one and a made-up one of the
    # same shape get the same page
    receive(app, sent.id)
    unknown = OFFICIAL_CODE[:-1] + "9"
    real = citizen.action("/tra-cuu", data={"code": OFFICIAL_CODE})
    made_up = citizen.action("/tra-cuu", data={"code": unknown})
    assert real.status_code == made_up.status_code == 422
    assert _body(real).replace(OFFICIAL_CODE.encode(), b"CODE") \
        == _body(made_up).replace(unknown.encode(), b"CODE")
    page = real.get_data(as_text=True)
    for shown in ("Được tiếp nhận", "Ngày hẹn trả kết quả", "14/12/2026", "Đăng ký khai sinh"):
        assert shown not in page


def test_unknown_and_wrong_digits_answer_byte_for_byte_alike(app, citizen, sent):
    # The same typed code and digits, before the code exists and after: the same answer.
    data = {"code": OFFICIAL_CODE, "last4": "1234"}
    unknown = citizen.action("/tra-cuu", data=data)
    receive(app, sent.id)
    wrong = citizen.action("/tra-cuu", data=data)
    assert unknown.status_code == wrong.status_code == 422
    assert _body(unknown) == _body(wrong)
    assert NOT_FOUND in wrong.get_data(as_text=True)
    assert "Được tiếp nhận" not in wrong.get_data(as_text=True)
    # and the right digits do show it
    right = citizen.action("/tra-cuu", data={"code": OFFICIAL_CODE, "last4": "5678"})
    assert right.status_code == 200 and "Được tiếp nhận" in right.get_data(as_text=True)


def test_a_drafts_code_answers_as_an_unknown_one(citizen):
    path = citizen.start()
    citizen.fill_complete(path)
    draft = citizen.dossier(path)
    code = draft.prefiling_code
    as_draft = citizen.action("/tra-cuu", data={"code": code, "last4": "5678"})
    assert as_draft.status_code == 422
    assert "Bản nháp" not in as_draft.get_data(as_text=True)
    citizen.action(path + "/nop")
    wrong = citizen.action("/tra-cuu", data={"code": code, "last4": "1234"})
    # the same answer as for wrong digits, apart from the digits typed (echoed back)
    assert _body(as_draft).replace(b'value="5678"', b"") \
        == _body(wrong).replace(b'value="1234"', b"")
    assert citizen.action("/tra-cuu", data={"code": code, "last4": "5678"}).status_code == 200


def test_a_portal_code_answers_like_any_code(app, citizen, sent):
    portal = "G22.99-261207-000123"
    data = {"code": portal, "last4": "1234"}
    unknown = citizen.action("/tra-cuu", data=data)
    with app.app_context():
        dossier = db.session.get(Dossier, sent.id)
        dossier.portal_code = portal
        db.session.commit()
    wrong = citizen.action("/tra-cuu", data=data)
    assert unknown.status_code == wrong.status_code == 422
    assert _body(unknown) == _body(wrong)
    alone = citizen.action("/tra-cuu", data={"code": portal})
    assert alone.status_code == 422 and "Mới đăng ký" not in alone.get_data(as_text=True)
    right = citizen.action("/tra-cuu", data={"code": portal, "last4": "5678"})
    assert right.status_code == 200 and "Mới đăng ký" in right.get_data(as_text=True)


def test_a_dossier_guessed_too_often_answers_not_found_even_to_the_right_digits(
        app, citizen, other_phone, sent, caplog):
    app.config.update(TTHC_LOOKUP_DOSSIER_FAILURES=3, TTHC_LOOKUP_RATE_LIMIT="100 per minute")
    code = f"{sent.prefiling_code[:4]}-{sent.prefiling_code[4:]}"  # as printed, and echoed
    unknown = citizen.action("/tra-cuu", data={"code": "ZZZZ-ZZZZ", "last4": "1111"})
    with caplog.at_level(logging.WARNING):
        for phone, last4 in ((citizen, "1111"), (other_phone, "2222"), (citizen, "3333")):
            assert phone.action("/tra-cuu", data={"code": code, "last4": last4}
                                ).status_code == 422
    assert [r.getMessage() for r in caplog.records if "look-up" in r.getMessage()] == [
        f"look-up: dossier id={sent.id} reached 3 wrong last-4 digits in 60 minutes; it "
        "answers 'not found' until they age out"]
    assert code not in caplog.text and "5678" not in caplog.text
    # counted in the database (every worker and server sees the same count)
    with app.app_context():
        assert db.session.query(LookupFailure).filter_by(dossier_id=sent.id).count() == 3
    blocked = other_phone.action("/tra-cuu", data={"code": code, "last4": "5678"})
    assert blocked.status_code == 422
    assert NOT_FOUND in blocked.get_data(as_text=True)
    assert "Quá trình xử lý" not in blocked.get_data(as_text=True)
    assert _body(blocked).replace(b"5678", b"").replace(code.encode(), b"") \
        == _body(unknown).replace(b"1111", b"").replace(b"ZZZZ-ZZZZ", b"")
    # no more rows while blocked; when the failures age out, the right digits work again
    with app.app_context():
        assert db.session.query(LookupFailure).filter_by(dossier_id=sent.id).count() == 3
    app.config["TTHC_LOOKUP_DOSSIER_WINDOW_MINUTES"] = 0
    assert other_phone.action("/tra-cuu", data={"code": code, "last4": "5678"}
                              ).status_code == 200


@pytest.mark.parametrize("data, field", [
    ({"code": "", "last4": "5678"}, "code"),
    ({"code": "ZZZZ-ZZZZ", "last4": "5678"}, "code"),
    ({"code": "ABCD-2345"}, "last4"),
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


def test_a_received_dossier_shows_its_official_code_and_due_date(app, citizen, sent):
    receive(app, sent.id)
    for data in ({"code": sent.prefiling_code, "last4": "5678"},
                 {"code": OFFICIAL_CODE, "last4": "5678"}):
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
    page = citizen.action("/tra-cuu", data={"code": sent.prefiling_code, "last4": "5678"}
                          ).get_data(as_text=True)
    assert "Trả kết quả trong ngày 14/12/2026" in page


def test_a_supplement_is_listed_with_the_digits_only(app, citizen, sent):
    ask_supplement(app, sent.id)
    code_only = citizen.action("/tra-cuu", data={"code": sent.prefiling_code})
    page = code_only.get_data(as_text=True)
    assert "Yêu cầu bổ sung giấy tờ" not in page
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
    page = citizen.action("/tra-cuu", data={"code": code.lower(), "last4": "5678"}
                          ).get_data(as_text=True)
    assert f'value="{printed}"' in page and f"Hồ sơ {printed}" in page


def test_the_failure_table_migration_goes_down_and_up_again(empty_app):
    from alembic.script import ScriptDirectory
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect

    with empty_app.app_context():
        indexes = {i["name"]: i["column_names"]
                   for i in inspect(db.engine).get_indexes("lookup_failure")}
        assert indexes["ix_lookup_failure_dossier_at"] == ["dossier_id", "at"]
        # down to the revision before 0008l, whatever the merge chains it after
        config = empty_app.extensions["migrate"].migrate.get_config()
        downgrade(revision=ScriptDirectory.from_config(config).get_revision("0008l")
                  .down_revision)
        assert "lookup_failure" not in inspect(db.engine).get_table_names()
        upgrade()
        assert "lookup_failure" in inspect(db.engine).get_table_names()
