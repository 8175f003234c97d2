import unicodedata

import pytest
from hypothesis import given, strategies as st

from tthc.domain.text import clean, fold, is_yes, nfc


def test_fold_ignores_case_and_diacritics():
    assert fold("Đăng ký khai sinh") == fold("dang ky khai sinh") == fold("ĐĂNG KÝ KHAI SINH")
    assert fold("Đăng ký khai sinh") == "dang ky khai sinh"


def test_fold_maps_d_with_stroke():
    assert fold("đ") == "d" and fold("Đ") == "d"
    assert fold("Đinh Đức") == "dinh duc"


def test_fold_accepts_nfd_input():
    nfd = unicodedata.normalize("NFD", "Chứng thực bản sao")
    assert nfd != "Chứng thực bản sao"
    assert fold(nfd) == fold("Chứng thực bản sao") == "chung thuc ban sao"


def test_fold_equates_tone_mark_placements():
    # Old style "hoà" (mark on a) and new style "hòa" (mark on o) are different in NFC.
    assert nfc("hoà") != nfc("hòa")
    assert fold("Hoà") == fold("hòa") == "hoa"
    assert fold("thuỷ") == fold("thủy") == "thuy"


def test_clean_normalises_and_removes_invisible_characters():
    assert clean("  Nguyễn\u200b   Văn\tA \u0000") == "Nguyễn Văn A"
    assert clean(unicodedata.normalize("NFD", "Lê Thị Hồng")) == "Lê Thị Hồng"
    assert clean(None) == "" and fold(None) == ""


@given(st.text())
def test_fold_is_idempotent_and_ascii_for_vietnamese(value):
    folded = fold(value)
    assert fold(folded) == folded
    assert "đ" not in folded


@pytest.mark.parametrize("value", ["1", "on", "true", "yes", "y", "có", "Có", " CO "])
def test_is_yes_accepts_every_spelling_of_yes(value):
    assert is_yes(value)


@pytest.mark.parametrize("value", ["", "0", "off", "no", "không", "khong", None, 1, "co ay"])
def test_is_yes_refuses_everything_else(value):
    assert not is_yes(value)
