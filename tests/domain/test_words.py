import datetime as dt

import pytest

from tthc.domain.words import date_in_words, number_in_words


@pytest.mark.parametrize("number, words", [
    (0, "không"),
    (1, "một"),
    (5, "năm"),
    (10, "mười"),
    (11, "mười một"),
    (14, "mười bốn"),
    (15, "mười lăm"),
    (20, "hai mươi"),
    (21, "hai mươi mốt"),
    (24, "hai mươi bốn"),
    (25, "hai mươi lăm"),
    (31, "ba mươi mốt"),
    (100, "một trăm"),
    (105, "một trăm linh năm"),
    (110, "một trăm mười"),
    (115, "một trăm mười lăm"),
    (999, "chín trăm chín mươi chín"),
    (1990, "một nghìn chín trăm chín mươi"),
    (2000, "hai nghìn"),
    (2001, "hai nghìn không trăm linh một"),
    (2005, "hai nghìn không trăm linh năm"),
    (2010, "hai nghìn không trăm mười"),
    (2015, "hai nghìn không trăm mười lăm"),
    (2021, "hai nghìn không trăm hai mươi mốt"),
    (2024, "hai nghìn không trăm hai mươi bốn"),
    (2100, "hai nghìn một trăm"),
])
def test_numbers_read_as_vietnamese_forms_write_them(number, words):
    assert number_in_words(number) == words


@pytest.mark.parametrize("bad", [-1, 10000, 2.5, "12", True, None])
def test_only_whole_numbers_up_to_9999(bad):
    with pytest.raises(ValueError):
        number_in_words(bad)


@pytest.mark.parametrize("day, words", [
    (dt.date(2024, 3, 15), "Ngày mười lăm, tháng ba, năm hai nghìn không trăm hai mươi bốn"),
    (dt.date(2025, 4, 1), "Ngày một, tháng tư, năm hai nghìn không trăm hai mươi lăm"),
    (dt.date(2005, 12, 31), "Ngày ba mươi mốt, tháng mười hai, năm hai nghìn không trăm linh năm"),
    (dt.date(1990, 11, 21), "Ngày hai mươi mốt, tháng mười một, năm một nghìn chín trăm chín mươi"),
    (dt.datetime(2026, 1, 10, 9, 30),
     "Ngày mười, tháng một, năm hai nghìn không trăm hai mươi sáu"),
])
def test_a_date_in_words(day, words):
    assert date_in_words(day) == words


def test_a_date_in_words_needs_a_date():
    with pytest.raises(ValueError):
        date_in_words("15/03/2024")
