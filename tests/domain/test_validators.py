"""Example-based tests for tthc.domain.validators and the province-code table."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

import pytest

from tthc.domain.i18n import Message
from tthc.domain.provinces import PROVINCES
from tthc.domain.validators import (
    VALIDATORS,
    Result,
    mask_id_number,
    mask_phone,
    phone_last4,
    validate_date,
    validate_email,
    validate_id_number,
    validate_int,
    validate_name,
    validate_phone,
    validate_text,
)

ALL_VALIDATORS = sorted(VALIDATORS.items())


def texts(messages: tuple[Message, ...]) -> list[str]:
    return [str(message) for message in messages]


# --- Result and the shared contract ----------------------------------------------------------


def test_result_ok_means_no_errors_whatever_the_warnings():
    warning = Message("w")
    assert Result("x").ok
    assert Result("x", warnings=(warning,)).ok
    assert not Result(None, errors=(Message("e"),)).ok


def test_validators_are_registered_by_type_name():
    assert set(VALIDATORS) == {"id_number", "phone", "name", "date", "email", "int", "text"}
    assert VALIDATORS["phone"] is validate_phone
    assert VALIDATORS["id_number"] is validate_id_number


@pytest.mark.parametrize("raw", [None, "", "   ", "\t\n ", "\u200b", " \ufeff\u00a0 "])
@pytest.mark.parametrize(("name", "validator"), ALL_VALIDATORS)
def test_empty_input_is_no_value_and_no_error(name, validator, raw):
    assert validator(raw) == Result(None)


@pytest.mark.parametrize(("name", "validator"), ALL_VALIDATORS)
def test_messages_are_vietnamese_messages_that_format(name, validator):
    result = validator("@@ not valid 1/2 ∞ @@")
    for message in result.errors + result.warnings:
        assert isinstance(message, Message)
        assert str(message)  # params match the placeholders


# --- Province codes --------------------------------------------------------------------------


def test_province_table_has_the_63_codes():
    assert len(PROVINCES) == 63
    assert PROVINCES["001"] == "Hà Nội"
    assert PROVINCES["079"] == "Hồ Chí Minh"
    assert PROVINCES["046"] == "Thừa Thiên Huế"
    assert PROVINCES["096"] == "Cà Mau"
    for unused in ("000", "003", "005", "007", "097", "100"):
        assert unused not in PROVINCES


def test_province_codes_are_three_digits_and_names_are_nfc():
    for code, name in PROVINCES.items():
        assert len(code) == 3 and code.isascii() and code.isdigit()
        assert name == unicodedata.normalize("NFC", name) == name.strip()


# --- ID number -------------------------------------------------------------------------------

# 001 Hà Nội, 2 = male born in the 2000s, 06 = 2006.
HANOI_MALE_2006 = "001206012345"
# 079 Hồ Chí Minh, 1 = female born in the 1900s, 85 = 1985.
HCMC_FEMALE_1985 = "079185000123"


def test_valid_id_number_is_stored_as_its_12_digits():
    result = validate_id_number(HANOI_MALE_2006)
    assert result == Result(HANOI_MALE_2006)


@pytest.mark.parametrize(
    "typed",
    [
        "001 206 012 345",
        "001.206.012.345",
        "001-206-012-345",
        " 0012 0601 2345 ",
        "001–206–012–345",
    ],
)
def test_id_number_separators_between_digits_are_dropped(typed):
    assert validate_id_number(typed).value == HANOI_MALE_2006


def test_id_number_with_zero_width_characters_is_cleaned():
    assert validate_id_number("001\u200b206\u200d012345").value == HANOI_MALE_2006


def test_id_number_with_letters_says_digits_only():
    result = validate_id_number("00120601234A")
    assert result.value is None
    assert texts(result.errors) == [
        "Số định danh cá nhân chỉ gồm chữ số, không có chữ cái. Ví dụ: 001206012345"
    ]


def test_id_number_with_other_symbols_says_digits_only():
    result = validate_id_number("001206#012345")
    assert not result.ok
    assert "chỉ gồm chữ số" in texts(result.errors)[0]
    assert "chữ cái" not in texts(result.errors)[0]


@pytest.mark.parametrize(("typed", "count"), [("0012060123", 10), ("0012060123456", 13)])
def test_id_number_of_wrong_length_gives_the_count(typed, count):
    result = validate_id_number(typed)
    assert result.value is None
    (error,) = result.errors
    assert error.params["count"] == count
    assert str(error) == (
        f"Số định danh cá nhân gồm 12 chữ số; số đã nhập có {count} chữ số. Ví dụ: 001206012345"
    )


def test_old_nine_digit_identity_card_number_is_explained():
    result = validate_id_number("012 345 678")
    assert not result.ok
    assert "chứng minh nhân dân cũ" in texts(result.errors)[0]


@pytest.mark.parametrize("code", ["003", "000", "097", "999"])
def test_id_number_with_unknown_province_code_names_the_code(code):
    result = validate_id_number(code + "206012345")
    assert result.value is None
    (error,) = result.errors
    assert error.params == {"code": code}
    assert str(error).startswith(f"Ba chữ số đầu {code} không phải mã tỉnh")


def test_id_number_consistent_with_birth_date_and_sex_has_no_warning():
    assert validate_id_number(
        HANOI_MALE_2006, birth_date=date(2006, 5, 1), sex="nam"
    ) == Result(HANOI_MALE_2006)
    assert validate_id_number(
        HCMC_FEMALE_1985, birth_date=date(1985, 12, 31), sex="nu"
    ) == Result(HCMC_FEMALE_1985)


@pytest.mark.parametrize(
    ("number", "birth_year", "sex"),
    [
        ("001000000001", 1900, "nam"),
        ("001199000001", 1999, "nu"),
        ("001200000001", 2000, "nam"),
        ("001325000001", 2025, "nu"),
        ("001401000001", 2101, "nam"),
        ("001550000001", 2150, "nu"),
        ("001600000001", 2200, "nam"),
        ("001799000001", 2299, "nu"),
        ("001800000001", 2300, "nam"),
        ("001999000001", 2399, "nu"),
    ],
)
def test_digit_four_encodes_century_and_sex(number, birth_year, sex):
    result = validate_id_number(number, birth_date=date(birth_year, 1, 1), sex=sex)
    assert result.ok and not result.warnings


def test_sex_disagreeing_with_the_id_number_is_a_warning_not_an_error():
    result = validate_id_number(HANOI_MALE_2006, sex="nu")
    assert result.ok
    assert result.value == HANOI_MALE_2006
    (warning,) = result.warnings
    assert "giới tính Nam" in str(warning) and "(Nữ)" in str(warning)

    result = validate_id_number(HCMC_FEMALE_1985, sex="nam")
    (warning,) = result.warnings
    assert "giới tính Nữ" in str(warning) and "(Nam)" in str(warning)


def test_sex_may_be_given_with_diacritics_or_capitals():
    assert validate_id_number(HANOI_MALE_2006, sex="Nữ").warnings
    assert not validate_id_number(HANOI_MALE_2006, sex="Nam").warnings


def test_unknown_sex_code_is_ignored():
    assert not validate_id_number(HANOI_MALE_2006, sex="x").warnings
    assert not validate_id_number(HANOI_MALE_2006, sex="").warnings


def test_birth_year_disagreeing_with_the_id_number_is_a_warning_naming_both_years():
    result = validate_id_number(HANOI_MALE_2006, birth_date=date(2007, 1, 1))
    assert result.ok
    (warning,) = result.warnings
    assert warning.params == {"id_year": 2006, "year": 2007}
    assert "năm sinh 2006" in str(warning) and "(2007)" in str(warning)


def test_wrong_century_is_a_birth_year_warning():
    # Digit 4 = 0 means a man born in 1906, not 2006.
    result = validate_id_number("001006012345", birth_date=date(2006, 1, 1), sex="nam")
    (warning,) = result.warnings
    assert warning.params["id_year"] == 1906


def test_both_mismatches_give_two_warnings():
    result = validate_id_number(HANOI_MALE_2006, birth_date=date(1990, 1, 1), sex="nu")
    assert result.ok
    assert len(result.warnings) == 2


def test_birth_date_may_be_a_datetime():
    result = validate_id_number(HANOI_MALE_2006, birth_date=datetime(2006, 5, 1, 8, 30))
    assert not result.warnings


def test_invalid_id_number_has_no_cross_check_warnings():
    result = validate_id_number("003206012345", birth_date=date(1990, 1, 1), sex="nu")
    assert result.warnings == ()


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        (HANOI_MALE_2006, "001******345"),
        ("001 206 012 345", "001******345"),
        (None, ""),
        ("", ""),
        ("012345678", "***"),  # an old 9-digit number: never shown, even in part
        ("abc", "***"),
    ],
)
def test_mask_id_number(value, masked):
    assert mask_id_number(value) == masked


# --- Phone -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0912345678", "+84912345678"),
        ("+84912345678", "+84912345678"),
        ("84 912 345 678", "+84912345678"),
        ("0912 345 678", "+84912345678"),
        ("0912.345.678", "+84912345678"),
        ("0912-345-678", "+84912345678"),
        ("(+84) 912 345 678", "+84912345678"),
        ("0084 912 345 678", "+84912345678"),
        ("+84 0912 345 678", "+84912345678"),  # the trunk 0 kept after +84
        ("0321234567", "+84321234567"),
        ("0561234567", "+84561234567"),
        ("0701234567", "+84701234567"),
        ("0861234567", "+84861234567"),
        ("024 3825 1234", "+842438251234"),  # Hà Nội landline
        ("(028) 3829 1234", "+842838291234"),  # TP. Hồ Chí Minh landline
        ("0203 3825 123", "+842033825123"),  # four-digit area code, Quảng Ninh
    ],
)
def test_valid_phone_numbers_are_stored_in_e164(typed, stored):
    assert validate_phone(typed) == Result(stored)


def test_phone_with_letters_says_digits_only_with_an_example():
    result = validate_phone("0912 345 67a")
    assert result.value is None
    assert texts(result.errors) == [
        "Số điện thoại chỉ gồm chữ số, có thể cách nhau bằng dấu cách, dấu chấm hoặc dấu gạch "
        "ngang. Ví dụ: 0912 345 678"
    ]


def test_phone_with_old_01_prefix_points_to_the_new_prefixes():
    result = validate_phone("0112345678")
    assert not result.ok
    assert "03, 05, 07, 08 hoặc 09" in texts(result.errors)[0]
    assert "Ví dụ: 0912 345 678" in texts(result.errors)[0]
    assert not validate_phone("01212345678").ok  # an old 11-digit mobile


@pytest.mark.parametrize("typed", ["0412345678", "0612345678", "0", "+84"])
def test_phone_with_unknown_prefix_lists_the_prefixes(typed):
    result = validate_phone(typed)
    assert not result.ok
    assert "02" in texts(result.errors)[0]


@pytest.mark.parametrize("typed", ["091234567", "09123456789", "+8491234567"])
def test_mobile_of_wrong_length_says_ten_digits(typed):
    (error,) = validate_phone(typed).errors
    assert str(error).startswith("Số di động gồm 10 chữ số")


@pytest.mark.parametrize("typed", ["024 3825 123", "024 3825 12345"])
def test_landline_of_wrong_length_says_eleven_digits(typed):
    (error,) = validate_phone(typed).errors
    assert "024 3825 1234" in str(error)


def test_foreign_number_asks_for_a_vietnamese_one():
    for typed in ("+1 202 555 0123", "0033 1 23 45 67 89"):
        (error,) = validate_phone(typed).errors
        assert "+84" in str(error)


def test_phone_without_leading_zero_asks_for_it():
    (error,) = validate_phone("912345678").errors
    assert "số 0 hoặc +84" in str(error)


@pytest.mark.parametrize(
    ("value", "masked", "last4"),
    [
        ("+84912345678", "+84 *** *** 678", "5678"),
        ("0912 345 678", "+84 *** *** 678", "5678"),
        ("+842438251234", "+84 *** *** 234", "1234"),
        (None, "", ""),
        ("", "", ""),
        ("12345", "***", ""),
    ],
)
def test_mask_phone_and_last4(value, masked, last4):
    assert mask_phone(value) == masked
    assert phone_last4(value) == last4


# --- Names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Nguyễn Thị Hoà",
        "Nguyễn Thị Hòa",  # the other tone-mark placement is kept as typed
        "O'Neil",
        "O’Neil",
        "Lê-Văn Tám",
        "Đặng Thuỳ Dương",
        "NGUYỄN VĂN AN",
        "nguyễn văn an",
        "H'Hen Niê",  # Ê Đê names use an apostrophe
    ],
)
def test_valid_names_are_kept_exactly(name):
    assert validate_name(name) == Result(name)


def test_nfd_name_is_stored_in_nfc():
    typed = unicodedata.normalize("NFD", "Nguyễn Thị Hoà")
    assert typed != "Nguyễn Thị Hoà"
    assert validate_name(typed).value == "Nguyễn Thị Hoà"


def test_name_spaces_are_trimmed_and_collapsed():
    assert validate_name("  Trần \t  Văn\u00a0 Ba  ").value == "Trần Văn Ba"


def test_zero_width_and_control_characters_are_removed_from_names():
    assert validate_name("Ng\u200buyễn\u200d Văn\u0007 An\ufeff").value == "Nguyễn Văn An"


def test_name_with_digits_asks_to_remove_them():
    result = validate_name("Nguyễn Văn 2")
    assert result.value is None
    (error,) = result.errors
    assert str(error).startswith("Bỏ chữ số khỏi họ, chữ đệm và tên")


def test_name_with_symbols_lists_them():
    result = validate_name("Nguyễn @Văn #An @")
    (error,) = result.errors
    assert error.params == {"chars": "@ #"}
    assert "dấu gạch nối (-)" in str(error)


def test_invisible_symbol_in_a_name_is_listed_by_code_point():
    (error,) = validate_name("An\u00adh").errors  # soft hyphen, which clean() keeps
    assert error.params == {"chars": "U+00AD"}


def test_name_without_letters_asks_for_letters():
    (error,) = validate_name("-'").errors
    assert str(error) == "Nhập họ, chữ đệm và tên bằng chữ cái. Ví dụ: Nguyễn Thị Hoà"


def test_combining_mark_without_a_letter_is_a_symbol():
    assert not validate_name("\u0301An").ok
    # After a letter, a mark with no precomposed form stays and is allowed.
    assert validate_name("A\u0304\u0301n").ok


def test_name_length_is_checked_after_cleaning():
    assert validate_name("A" * 100).ok
    assert validate_name(" " + "A" * 100 + " ").ok
    (error,) = validate_name("A" * 101).errors
    assert error.params == {"max_length": 100, "length": 101}
    assert validate_name("Lê Văn A", max_length=5).errors


# --- Dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("29/02/2024", date(2024, 2, 29)),
        ("1/3/1990", date(1990, 3, 1)),
        ("01-03-1990", date(1990, 3, 1)),
        ("01.03.1990", date(1990, 3, 1)),
        ("01 / 03 / 1990", date(1990, 3, 1)),
        ("1990-03-01", date(1990, 3, 1)),  # what <input type=date> sends
        ("1900-01-01", date(1900, 1, 1)),
        ("31/12/2200", date(2200, 12, 31)),
    ],
)
def test_valid_dates(typed, expected):
    assert validate_date(typed) == Result(expected)


def test_date_objects_are_accepted():
    assert validate_date(date(2024, 2, 29)).value == date(2024, 2, 29)
    assert validate_date(datetime(2024, 2, 29, 10, 0)).value == date(2024, 2, 29)


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("29/02/2023", "29/02/2023"),
        ("31/02/2024", "31/02/2024"),
        ("2024-13-01", "01/13/2024"),
        ("00/01/2024", "00/01/2024"),
    ],
)
def test_impossible_date_is_named_in_the_error(typed, shown):
    result = validate_date(typed)
    assert result.value is None
    (error,) = result.errors
    assert error.params == {"date": shown}
    assert str(error).startswith(f"Không có ngày {shown}.")


@pytest.mark.parametrize("typed", ["31/12/1899", "01/01/2201", "0001-01-01"])
def test_year_outside_1900_2200_is_refused(typed):
    (error,) = validate_date(typed).errors
    assert str(error) == "Nhập năm từ 1900 đến 2200."


def test_two_digit_year_asks_for_four_digits():
    (error,) = validate_date("01/03/90").errors
    assert str(error) == "Nhập năm đủ 4 chữ số. Ví dụ: 25/03/1990"


@pytest.mark.parametrize(
    "typed", ["hôm qua", "1990", "01/03", "01/03-1990", "1990/03/01", "３１/01/2000"]
)
def test_unreadable_date_shows_the_format(typed):
    (error,) = validate_date(typed).errors
    assert str(error) == "Nhập ngày theo dạng ngày/tháng/năm. Ví dụ: 25/03/1990"


def test_future_date_is_refused_only_with_not_future():
    today = date(2025, 6, 1)
    assert validate_date("02/06/2025", today=today).ok
    result = validate_date("02/06/2025", not_future=True, today=today)
    assert result.value is None
    (error,) = result.errors
    assert error.params == {"date": "02/06/2025", "today": "01/06/2025"}
    assert validate_date("01/06/2025", not_future=True, today=today).ok


def test_not_future_defaults_to_the_system_date_and_accepts_a_datetime_today():
    assert not validate_date("01/01/2199", not_future=True).ok
    assert validate_date("01/01/2000", not_future=True).ok
    assert validate_date("01/06/2025", not_future=True, today=datetime(2025, 6, 1, 23, 59)).ok


# --- Email -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("nguyenvanan@gmail.com", "nguyenvanan@gmail.com"),
        ("  NguyenVanAn@Gmail.COM ", "NguyenVanAn@gmail.com"),  # only the domain is folded
        ("an.nguyen+tthc@ubnd.hanoi.gov.vn", "an.nguyen+tthc@ubnd.hanoi.gov.vn"),
    ],
)
def test_valid_emails(typed, stored):
    assert validate_email(typed) == Result(stored)


@pytest.mark.parametrize(
    ("typed", "fragment"),
    [
        ("nguyen van an@gmail.com", "dấu cách"),
        ("nguyenvanan.gmail.com", "cần có ký tự @"),
        ("an@@gmail.com", "chỉ có một ký tự @"),
        ("@gmail.com", "phần tên trước ký tự @"),
        ("an@gmail", "tên miền"),
        ("an@gmail.", "tên miền"),
        ("an@.com", "tên miền"),
        ("an@gmail..com", "tên miền"),
        ("Nguyễn An <an@gmail.com>", "dấu cách"),
        ("<an@gmail.com>", "Bỏ ký tự < >"),
    ],
)
def test_invalid_emails_say_what_to_fix(typed, fragment):
    result = validate_email(typed)
    assert result.value is None
    (error,) = result.errors
    assert fragment in str(error)


def test_email_longer_than_254_characters_is_refused():
    local = "a" * 64
    domain = ".".join(["b" * 60] * 3) + ".vn"
    assert validate_email(f"{local}@{domain}").ok
    (error,) = validate_email(f"{local}@{'c' * 10}.{domain}").errors
    assert error.params == {"max_length": 254}


# --- Whole numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "expected"), [("0", 0), ("2", 2), (" 12 ", 12), ("007", 7)])
def test_valid_whole_numbers(typed, expected):
    assert validate_int(typed) == Result(expected)


def test_int_values_are_accepted_but_not_booleans():
    assert validate_int(3).value == 3
    assert not validate_int(True).ok


@pytest.mark.parametrize("typed", ["-1", "1.000", "1,5", "2a", "²", "١٢"])
def test_non_digits_are_refused(typed):
    (error,) = validate_int(typed).errors
    assert str(error) == "Nhập một số nguyên, chỉ gồm chữ số. Ví dụ: 2"


def test_bounds_are_named_in_the_messages():
    assert validate_int("1", minimum=1, maximum=10).ok
    assert validate_int("10", minimum=1, maximum=10).ok
    assert str(validate_int("0", minimum=1, maximum=10).errors[0]) == "Nhập số từ 1 đến 10."
    assert str(validate_int("11", minimum=1, maximum=10).errors[0]) == "Nhập số từ 1 đến 10."
    assert str(validate_int("0", minimum=1).errors[0]) == "Nhập số không nhỏ hơn 1."
    assert str(validate_int("11", maximum=10).errors[0]) == "Nhập số không lớn hơn 10."


def test_very_long_numbers_are_refused_without_converting_them():
    (error,) = validate_int("9" * 5000).errors  # int() itself would raise on this
    assert error.params == {"digits": 18}
    (error,) = validate_int("9" * 5000, maximum=10).errors
    assert str(error) == "Nhập số không lớn hơn 10."
    assert validate_int("0" * 30 + "5").value == 5


# --- Free text -------------------------------------------------------------------------------


def test_text_is_cleaned():
    assert validate_text("  Số 5,\n ngõ 12\u200b phố Huế  ").value == "Số 5, ngõ 12 phố Huế"


def test_text_length_is_limited():
    assert validate_text("a" * 500).ok
    (error,) = validate_text("a" * 501).errors
    assert error.params == {"max_length": 500, "length": 501}
    assert not validate_text("abc", max_length=2).ok
