"""Dates as a phone's numeric keypad types them, and a year alone where the form allows it."""

from __future__ import annotations

from datetime import date

import pytest

from tthc.domain.validators import Result, date_text, validate_date


@pytest.mark.parametrize("typed", ["12051995", "12 05 1995", "12-05-1995", "12 - 05 - 1995",
                                   "12/05/1995", "12.05.1995"])
def test_a_keypad_date_is_read_day_first(typed):
    assert validate_date(typed) == Result(date(1995, 5, 12))
    assert date_text(validate_date(typed).value) == "12/05/1995"


@pytest.mark.parametrize("typed", ["120595", "12 05 95"])
def test_a_keypad_date_with_two_digit_year_asks_for_four(typed):
    (error,) = validate_date(typed).errors
    assert str(error) == "Nhập năm đủ 4 chữ số. Ví dụ: 25/03/1990"


def test_eight_digits_that_are_no_day_are_named():
    (error,) = validate_date("31021995").errors
    assert str(error).startswith("Không có ngày 31/02/1995.")


def test_a_year_alone_only_where_the_field_allows_it():
    assert not validate_date("1990").ok
    assert validate_date("1990", year_alone=True) == Result(1990)
    assert date_text(1990) == "1990"
    assert validate_date("15/03/1990", year_alone=True) == Result(date(1990, 3, 15))
    (error,) = validate_date("199", year_alone=True).errors
    assert "hoặc chỉ năm" in str(error)


def test_a_year_alone_is_checked_like_a_date():
    today = date(2026, 12, 4)
    assert validate_date("2026", year_alone=True, not_future=True, today=today).ok
    (error,) = validate_date("2027", year_alone=True, not_future=True, today=today).errors
    assert str(error) == "Năm 2027 chưa đến. Nhập năm từ 2026 trở về trước."
    (error,) = validate_date("1899", year_alone=True).errors
    assert str(error) == "Nhập năm từ 1900 đến 2200."


def test_the_catalogue_marks_the_parents_year_of_birth_as_a_year_alone():
    import tomllib
    from pathlib import Path

    from tthc.domain.catalogue import parse_catalogue
    from tthc.domain.declarations import DECLARATIONS_FILE

    catalogue = Path(DECLARATIONS_FILE).with_name("catalogue.toml")
    with open(catalogue, "rb") as f:
        birth = next(p for p in parse_catalogue(tomllib.load(f)) if p.code == "dang-ky-khai-sinh")
    alone = {f.name for f in birth.fields if f.options.get("year_alone")}
    assert alone == {"mother_birth_date", "father_birth_date"}
    # …the fields the declaration prints as "Năm sinh" (a year) only
    text = DECLARATIONS_FILE.read_text()
    for name in alone:
        assert f'field = "{name}", format = "year"' in text
    assert validate_date("1990", **birth.fields[[f.name for f in birth.fields].index(
        "mother_birth_date")].validator_options).ok
