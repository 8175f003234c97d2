"""The citizen's printable declaration form (tờ khai): the official form, filled, in Vietnamese."""

from __future__ import annotations

import html

import pytest

from tests.html import check_page
from tthc.domain.completeness import assess, form_fields
from tthc.domain.declarations import fill
from tthc.intake import declaration as tokhai
from tthc.timeutil import today

from .conftest import APPLICANT, procedure

WITH_FORM = ["dang-ky-khai-sinh", "dang-ky-ket-hon", "dang-ky-khai-tu", "trich-luc-ho-tich",
             "xac-nhan-tinh-trang-hon-nhan", "dang-ky-giam-ho", "nhan-cha-me-con",
             "thay-doi-cai-chinh-ho-tich"]
OFFICE = "UBND phường Mẫu (dữ liệu minh họa)"


def printed_values(app, code: str, answers) -> list[str]:
    """What the form must print for these answers: every non-empty value it binds."""
    spec = procedure(app, code)
    form = next(f for f in tokhai.forms() if code in f.procedures)
    report = assess(spec, answers, set(), today=today())
    lines = fill(form, form_fields(spec), report.values, addressee=OFFICE).lines
    values = [p.value for line in lines for p in line.parts]
    values += [line.count.value for line in lines if line.count]
    values += [cell for line in lines for row in line.rows for cell in row.cells]
    values += [s.name for line in lines for s in line.signers]
    return [v for v in values if v]


@pytest.mark.parametrize("code", WITH_FORM)
def test_each_official_form_prints_filled_with_the_drafts_answers(app, citizen, code):
    path = citizen.start(code)
    answers = citizen.fill_complete(path, code)
    response = citizen.client.get(path + "/to-khai")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    check_page(page)
    form = next(f for f in tokhai.forms() if code in f.procedures)
    assert f'<h1 id="declaration-title" class="declaration-title">{form.title}</h1>' in page
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page and "Kính gửi" in page
    assert "Tôi cam đoan" in page or "Chúng tôi cam đoan" in page
    assert "(Ký, ghi rõ họ, chữ đệm, tên)" in page and "Làm tại" in page
    values = printed_values(app, code, answers)
    assert OFFICE in values and len(values) >= 5, values
    for value in values:
        assert html.escape(value, quote=False) in page, (code, value)
    assert "In tờ khai" in page and "Về hồ sơ" in page  # the screen's own header


def test_the_birth_form_prints_what_was_typed_where_the_official_form_has_it(citizen):
    path = citizen.start()
    citizen.fill_complete(path, child_full_name="Lê Bảo Ngọc", mother_full_name="Phạm Thu Hà",
                          father_full_name="Lê Quang Huy", child_birth_date="15/03/2024",
                          mother_birth_date="02/09/1995", child_hometown="Nam Định",
                          want_copies="1", copies="2")
    page = citizen.client.get(path + "/to-khai").get_data(as_text=True)
    assert "TỜ KHAI ĐĂNG KÝ KHAI SINH" in page
    assert _value("Họ, chữ đệm, tên", "Lê Bảo Ngọc") in page
    assert _value("Ngày, tháng, năm sinh", "15/03/2024") in page
    assert _value("ghi bằng chữ",
                  "Ngày mười lăm, tháng ba, năm hai nghìn không trăm hai mươi bốn") in page
    assert _value("Họ, chữ đệm, tên người mẹ", "Phạm Thu Hà") in page
    assert _value("Năm sinh", "1995") in page  # the year alone, as the form asks
    assert _value("Họ, chữ đệm, tên người cha", "Lê Quang Huy") in page
    assert _value("Quê quán", "Nam Định") in page
    assert _value("Họ, chữ đệm, tên người yêu cầu", APPLICANT["applicant_full_name"]) in page
    assert 'Có <span class="declaration-box" role="img" aria-label="đã chọn">☒</span>' in page
    assert 'Không <span class="declaration-box" role="img" aria-label="chưa chọn">☐</span>' \
        in page
    assert '<span class="declaration-value">2</span> <span class="declaration-suffix">bản' \
        in page
    assert "(1) Ghi rõ tên cơ quan đăng ký khai sinh." in page  # the numbered footnotes


def test_what_is_not_answered_is_a_dotted_line_to_complete_by_hand(citizen):
    path = citizen.start()
    citizen.post(path + "/luu", {"child_full_name": "Lê Bảo Ngọc"})
    page = citizen.client.get(path + "/to-khai").get_data(as_text=True)
    assert _value("Họ, chữ đệm, tên", "Lê Bảo Ngọc") in page
    assert ('<span class="declaration-label">Quê quán:</span> '
            '<span class="declaration-value declaration-blank"></span>') in page
    assert "Hồ sơ chưa đủ thông tin" in page  # said on screen only
    # a yes/no answer always has a value: no copies asked for is "Không", ticked
    assert 'Không <span class="declaration-box" role="img" aria-label="đã chọn">☒</span>' in page


def test_the_form_prints_in_vietnamese_whatever_the_screens_language(citizen):
    path = citizen.start()
    citizen.fill_complete(path)
    page = citizen.client.get(path + "/to-khai?lang=en").get_data(as_text=True)
    check_page(page)
    assert '<html lang="en">' in page and '<article class="declaration" lang="vi"' in page
    assert "Print declaration form" in page  # the screen's header follows the screen
    assert "TỜ KHAI ĐĂNG KÝ KHAI SINH" in page and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page
    assert "SOCIALIST REPUBLIC" not in page and "Tôi cam đoan" in page
    assert 'aria-label="chưa chọn"' in page or 'aria-label="đã chọn"' in page


def test_the_status_page_links_the_form_of_a_sent_dossier(citizen):
    path = citizen.start("dang-ky-ket-hon")  # named by no declaration_form in the catalogue
    citizen.fill_complete(path, "dang-ky-ket-hon")
    citizen.action(path + "/nop")
    page = citizen.client.get(path).get_data(as_text=True)
    assert f'href="{path}/to-khai"' in page
    assert citizen.client.get(path + "/to-khai").status_code == 200


def test_no_form_for_a_procedure_without_one_and_none_without_the_token(citizen):
    path = citizen.start("chung-thuc-ban-sao")
    citizen.fill_complete(path, "chung-thuc-ban-sao")
    assert citizen.client.get(path + "/to-khai").status_code == 404
    birth = citizen.start()
    citizen.fill_complete(birth)
    wrong = citizen.client.get("/ho-so/" + "x" * 32 + "/to-khai")
    assert wrong.status_code == 404 and "Trần Minh An" not in wrong.get_data(as_text=True)


def test_the_form_is_the_version_in_force_on_the_dossiers_date(app, citizen, monkeypatch):
    import datetime as dt
    from dataclasses import replace

    current = next(f for f in tokhai.forms() if "dang-ky-khai-sinh" in f.procedures)
    future = replace(current, title="TỜ KHAI MẪU SAU NÀY", effective_from=dt.date(2999, 1, 1))
    monkeypatch.setattr(tokhai, "forms", lambda: (current, future))
    path = citizen.start()
    citizen.fill_complete(path)
    page = citizen.client.get(path + "/to-khai").get_data(as_text=True)
    assert current.title in page and "SAU NÀY" not in page
    with app.app_context():
        dossier = citizen.dossier(path)
        assert tokhai.dossier_date(dossier) == dt.datetime.now(tokhai.TZ).date()
    monkeypatch.setattr(tokhai, "dossier_date", lambda dossier: dt.date(2999, 6, 1))
    assert "SAU NÀY" in citizen.client.get(path + "/to-khai").get_data(as_text=True)


def _value(label: str, value: str) -> str:
    return (f'<span class="declaration-label">{html.escape(label)}:</span> '
            f'<span class="declaration-value">{html.escape(value, quote=False)}</span>')
