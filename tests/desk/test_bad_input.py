"""Whatever an officer (or a scanner) sends, the desk answers 4xx with a message, never 500."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape

from tests.desk.conftest import SINGLE


@pytest.mark.parametrize("path", ["/can-bo/ho-so/99999999999999999999",
                                  "/can-bo/ho-so/2147483648/phieu/01",
                                  "/can-bo/ho-so/1/tep/99999999999999999999"])
def test_ids_beyond_the_database_are_404(reception, path):
    assert reception.get(path).status_code == 404


def test_garbage_in_every_form_is_a_4xx(app, reception, leader, dossier):
    dossier_id = dossier(SINGLE, state="progress")
    base = f"/can-bo/ho-so/{dossier_id}"
    for officer, path, data in [
        (reception, f"{base}/chuyen", {"can_bo": "x" * 1000}),
        (leader, f"{base}/hen-lai", {"ngay": "01/01/9999", "ly_do_tre": "abcdef"}),
        (reception, f"{base}/giay-to", {"kt-zzz": "original"}),
        (reception, f"{base}/bo-sung", {"so_muc": "9" * 30, "muc-0": "\x00"}),
        (reception, f"{base}/tra-ket-qua", {"kenh_tra": "fax"}),
        (reception, f"{base}/kenh", {"kenh": "0"}),
        (reception, "/can-bo/tiep-nhan/mo", {"ma": "http://x/ho-so/" + "a" * 64}),
        (reception, "/can-bo/tiep-nhan/mo", {"ma": "http://x/tra-cuu?ma=" + "%00" * 30}),
        (reception, "/can-bo/tiep-nhan/mo", {"ma": "x" * 5000}),
    ]:
        response = officer.post(path, data)
        assert 400 <= response.status_code < 500, (path, response.status_code)
    assert reception.get("/can-bo/so-theo-doi?tu=" + "9" * 100).status_code == 422


def test_a_nul_typed_or_pasted_is_dropped(app, reception, dossier):
    from tests.desk.conftest import load

    dossier_id = dossier()
    answers = {**load(app, dossier_id).answers, "applicant_address": "Số 1\x00 phố Mẫu"}
    reception.post(f"/can-bo/ho-so/{dossier_id}/thong-tin", answers)
    assert load(app, dossier_id).answers["applicant_address"] == "Số 1 phố Mẫu"


# --- every form: the message beside its field, 422, and what was typed is still there -------

ERROR = re.compile(r'<p class="field-msg" id="(?P<name>[^"]+)-error"[^>]*>(?P<body>.*?)</p>', re.S)


def messages(html: str) -> dict[str, str]:
    """Field name → the text of its message element, for the fields that have one."""
    found = {m["name"]: re.sub(r"<[^>]+>", "", m["body"]).strip() for m in ERROR.finditer(html)}
    return {name: text for name, text in found.items() if text}


def assert_refused_beside(response, fields, kept=()):
    html = response.get_data(as_text=True)
    assert response.status_code == 422, (response.status_code, html[:500])
    shown = messages(html)
    for name in fields:
        assert shown.get(name, "").startswith("Lỗi:"), (name, shown)
    for text in kept:
        assert escape(text) in html, text


@pytest.mark.parametrize("role, state, path, data, fields, kept", [
    ("reception", "new", "thu-tuc", {"thu_tuc": "x" * 200}, ["thu_tuc"], []),
    ("reception", "new", "kenh", {"kenh": "9", "ma_dvc": "G22 99"}, ["kenh"], []),
    ("reception", "new", "kenh", {"kenh": "2", "ma_dvc": "G22 99.21"}, ["ma_dvc"], ["G22 99.21"]),
    ("reception", "new", "tu-choi", {"ly_do": "Ngắn quá"}, ["ly_do"], ["Ngắn quá"]),
    ("reception", "progress", "chuyen", {"can_bo": "abc", "ghi_chu": "Nhờ chị xem giúp"},
     ["can_bo"], ["Nhờ chị xem giúp"]),
    ("leader", "progress", "hen-lai", {"ngay": "31/02/2026", "gio": "25:00", "ly_do_tre": "x"},
     ["ngay", "gio", "ly_do_tre"], ["31/02/2026", "25:00"]),
    ("reception", "resolved", "tra-ket-qua", {"kenh_tra": "post", "dia_chi": "HN"}, ["dia_chi"],
     ["HN"]),
    ("reception", "resolved", "tra-ket-qua", {"kenh_tra": "desk", "nguoi_nhan": "   "},
     ["nguoi_nhan"], []),
    ("reception", "resolved", "tra-ket-qua", {"kenh_tra": "fax"}, ["kenh_tra"], []),
], ids=lambda value: value if isinstance(value, str) and len(value) < 20 else None)
def test_each_dossier_form_answers_with_its_message_beside_the_field(
        request, dossier, role, state, path, data, fields, kept):
    officer = request.getfixturevalue(role)
    dossier_id = dossier(SINGLE, state=state)
    response = officer.post(f"/can-bo/ho-so/{dossier_id}/{path}", data)
    assert_refused_beside(response, fields, kept)


def test_a_paper_check_with_a_note_and_no_verdict_or_a_bad_count_is_refused(app, reception,
                                                                              dossier):
    from tests.desk.conftest import load
    from tthc.desk import services
    from tthc.extensions import db
    from tthc.models import Dossier

    dossier_id = dossier(SINGLE)
    with app.app_context():
        stored = db.session.get(Dossier, dossier_id)
        key = services.desk_report(stored).completeness.papers[0].key
    data = {"_form": "kiem-tra", f"ghi-chu-{key}": "Bản sao mờ", f"so-luong-{key}": "9" * 5000}
    assert_refused_beside(reception.post(f"/can-bo/ho-so/{dossier_id}/giay-to", data),
                          [f"kt-{key}", f"so-luong-{key}"], ["Bản sao mờ"])
    assert load(app, dossier_id).paper_checks in (None, {})  # nothing half-saved


def test_the_walk_in_form_keeps_what_was_typed(reception):
    response = reception.post("/can-bo/tiep-nhan/moi",
                              {"thu_tuc": "khong-co", "kenh": "2", "ma_dvc": "G22 99"})
    assert_refused_beside(response, ["thu_tuc", "ma_dvc"], ["G22 99"])


def test_form_02_with_a_ticked_item_and_no_words_says_so_on_that_row(reception, dossier):
    dossier_id = dossier(SINGLE)
    # "có" ticks the box as "1" does: yes/no is read by one rule.
    data = {"so_muc": "2", "muc-0": "", "de-xuat-0": "1", "chon-0": "có", "ly-do-0": "",
            "muc-1": "", "ly-do-1": "Mang bản chính giấy khai sinh", "ly_do_chung": "Thiếu"}
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/bo-sung", data)
    assert_refused_beside(response, ["ly-do-0"], ["Mang bản chính giấy khai sinh"])
    empty = reception.post(f"/can-bo/ho-so/{dossier_id}/bo-sung", {"so_muc": "1"})
    assert_refused_beside(empty, ["items"])


def test_stopping_without_a_real_reason_is_refused_beside_it(app, dossier, leader, demo):
    dossier_id = dossier(SINGLE, state="progress")  # received today: the 2025 stop notice
    response = leader.post(f"/can-bo/ho-so/{dossier_id}/dung", {"ly_do_dung": "Không rõ"})
    assert_refused_beside(response, ["ly_do_dung"], ["Không rõ"])


def test_the_settings_form_keeps_what_was_typed(app, demo):
    from tests.desk.conftest import Officer

    admin = Officer(app, demo["staff"]["quantri"])
    response = admin.post("/can-bo/tiep-nhan/cai-dat", {
        "ma_don_vi": "000 00", "mau_ma": "{khong}", "gio_chot": "25:00", "gio_mo": "07:30",
        "gio_dong": "17:00"})
    assert_refused_beside(response, ["ma_don_vi", "mau_ma", "gio_chot"], ["000 00", "25:00"])


def test_the_ledger_period_says_what_is_wrong_beside_each_date(reception):
    response = reception.get("/can-bo/so-theo-doi?tu=32/13/2026&den=01/01/2020")
    assert_refused_beside(response, ["tu"], ["32/13/2026"])
    backwards = reception.get("/can-bo/so-theo-doi?tu=02/01/2026&den=01/01/2026")
    assert_refused_beside(backwards, ["den"])


def test_the_open_form_asks_for_a_code(reception):
    assert_refused_beside(reception.post("/can-bo/tiep-nhan/mo", {"ma": " \x00 "}), ["ma"])


def test_a_live_check_with_a_garbled_page_state_still_answers(reception, dossier):
    dossier_id = dossier()
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/thong-tin/kiem-tra",
                              {"_msgs": "," * 9000, "_hidden": "\x00" * 50, "_panel": "x" * 500},
                              headers={"HX-Request": "true"})
    assert response.status_code in (200, 204)


def test_a_database_that_stays_locked_is_503_and_keeps_the_reason_typed(reception, dossier,
                                                                        monkeypatch):
    from tthc.desk import services
    from tthc.transactions import Busy

    def locked(*args, **kwargs):
        raise Busy("database is locked")

    monkeypatch.setattr(services.reception, "refuse", locked)
    dossier_id = dossier(SINGLE)
    reason = "Việc chứng thực không thuộc thẩm quyền của UBND cấp xã."
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/tu-choi", {"ly_do": reason})
    html = response.get_data(as_text=True)
    assert response.status_code == 503 and "Hệ thống đang bận" in html
    assert reason in html
