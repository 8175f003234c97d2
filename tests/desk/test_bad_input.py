"""Whatever an officer (or a scanner) sends, the desk answers 4xx with a message, never 500."""

from __future__ import annotations

import pytest

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
