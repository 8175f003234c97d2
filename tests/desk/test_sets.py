"""The number of sets of papers: recorded at reception (default 1), printed on Form 01 item 2
and in the ledger's column "Số lượng hồ sơ (bộ)"."""

from __future__ import annotations

import re

import pytest

from tests.desk.conftest import MONDAY, SINGLE, check_all, load
from tests.html import check_page


def test_the_sets_typed_at_reception_are_printed_on_the_receipt_and_the_ledger(
        app, reception, leader, dossier):
    dossier_id = dossier(SINGLE)
    page = reception.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    assert re.search(r'<input type="text" id="so_bo" name="so_bo" value="1"', page)
    check_all(reception, app, dossier_id)
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan", {"so_bo": "2"})
    assert response.status_code == 303 and response.location.endswith("/phieu/01")
    assert load(app, dossier_id).sets == 2
    receipt = reception.get(response.location).get_data(as_text=True)
    check_page(receipt)
    assert "2. Số lượng hồ sơ: 02 bộ" in receipt
    period = f"tu={MONDAY:%d/%m/%Y}&den={MONDAY:%d/%m/%Y}"
    ledger = leader.get(f"/can-bo/so-theo-doi?{period}").get_data(as_text=True)
    assert "<td>Cấp Giấy xác nhận tình trạng hôn nhân</td><td>02</td>" in ledger


def test_without_a_number_one_set(app, reception, dossier):
    dossier_id = dossier(SINGLE, state="received")
    assert load(app, dossier_id).sets == 1
    receipt = reception.get(f"/can-bo/ho-so/{dossier_id}/phieu/01").get_data(as_text=True)
    assert "2. Số lượng hồ sơ: 01 bộ" in receipt


@pytest.mark.parametrize("typed", ["0", "abc", "100", "-1"])
def test_a_wrong_number_of_sets_is_refused_beside_the_field(app, reception, dossier, typed):
    dossier_id = dossier(SINGLE)
    check_all(reception, app, dossier_id)
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan", {"so_bo": typed})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    check_page(html)
    error = re.search(r'id="so_bo-error">(.*?)</p>', html, re.S).group(1)
    assert "Nhập số bộ hồ sơ bằng chữ số, từ 1 đến 99." in error
    assert f'name="so_bo" value="{typed}"' in html
    assert load(app, dossier_id).received_at is None
