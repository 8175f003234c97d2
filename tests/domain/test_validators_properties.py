"""Property-based tests for tthc.domain.validators: no input makes them raise, values round-trip,
and masks never show more than they promise."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tthc.domain.i18n import Message
from tthc.domain.provinces import PROVINCES
from tthc.domain.text import clean
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

# Any text, including lone surrogates, and text made of the characters the validators look
# at, so that the deeper branches (lengths, prefixes, separators) are reached as well.
ANY_TEXT = st.one_of(
    st.text(),
    st.text(st.characters(exclude_categories=())),
    st.text(alphabet="0123456789 .-+()/@:ađĐ\u0301\u200b'’"),
)
ANY_INPUT = st.one_of(st.none(), ANY_TEXT)

SEPARATORS = st.sampled_from(["", " ", ".", "-", "  ", " - "])
E164_PHONE = re.compile(r"\+84(?:[35789][0-9]{8}|2[0-9]{9})")


def check_result(result: object) -> None:
    """The invariants every validator result holds."""
    assert isinstance(result, Result)
    assert isinstance(result.errors, tuple) and isinstance(result.warnings, tuple)
    for message in result.errors + result.warnings:
        assert isinstance(message, Message)
        str(message)  # its placeholders and params agree
    if result.errors:
        assert result.value is None and not result.ok


# --- No validator raises -----------------------------------------------------------------------


@pytest.mark.parametrize(("name", "validator"), sorted(VALIDATORS.items()))
@given(raw=ANY_INPUT)
def test_no_validator_raises_and_results_are_consistent(name, validator, raw):
    result = validator(raw)
    check_result(result)
    if not clean(raw):
        assert result == Result(None)


@given(raw=ANY_INPUT, birth_date=st.none() | st.dates(), sex=st.none() | ANY_TEXT)
def test_id_number_cross_check_never_raises(raw, birth_date, sex):
    check_result(validate_id_number(raw, birth_date=birth_date, sex=sex))


@given(raw=ANY_INPUT, today=st.none() | st.dates(), not_future=st.booleans())
def test_date_never_raises(raw, today, not_future):
    check_result(validate_date(raw, not_future=not_future, today=today))


@given(
    raw=ANY_INPUT,
    minimum=st.none() | st.integers(),
    maximum=st.none() | st.integers(),
)
def test_int_never_raises(raw, minimum, maximum):
    check_result(validate_int(raw, minimum=minimum, maximum=maximum))


@given(raw=ANY_INPUT)
def test_masks_never_raise(raw):
    assert isinstance(mask_id_number(raw), str)
    assert isinstance(mask_phone(raw), str)
    assert isinstance(phone_last4(raw), str)


# --- Normalised values are stable --------------------------------------------------------------


@pytest.mark.parametrize(
    "validator", [validate_id_number, validate_phone, validate_name, validate_email, validate_text]
)
@given(raw=ANY_TEXT)
def test_a_stored_value_validates_to_itself(validator, raw):
    value = validator(raw).value
    if value is not None:
        assert validator(value) == Result(value)


# --- ID numbers --------------------------------------------------------------------------------


@st.composite
def person(draw: st.DrawFn) -> tuple[str, date, str]:
    """A valid ID number with the birth date and sex it encodes."""
    birth_date = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2399, 12, 31)))
    sex = draw(st.sampled_from(["nam", "nu"]))
    century_sex = 2 * (birth_date.year // 100 - 19) + (sex == "nu")
    code = draw(st.sampled_from(sorted(PROVINCES)))
    serial = draw(st.text(alphabet="0123456789", min_size=6, max_size=6))
    return f"{code}{century_sex}{birth_date.year % 100:02d}{serial}", birth_date, sex


def spaced(digits: str, separator: str, group: int) -> str:
    return separator.join(digits[i : i + group] for i in range(0, len(digits), group))


@given(person(), SEPARATORS, st.integers(min_value=1, max_value=6))
def test_valid_id_numbers_are_accepted_however_grouped(person, separator, group):
    number, birth_date, sex = person
    result = validate_id_number(spaced(number, separator, group), birth_date=birth_date, sex=sex)
    assert result == Result(number)


@given(person())
def test_the_other_sex_gives_exactly_one_warning(person):
    number, birth_date, sex = person
    other = "nu" if sex == "nam" else "nam"
    result = validate_id_number(number, birth_date=birth_date, sex=other)
    assert result.ok and result.value == number
    assert len(result.warnings) == 1


@given(person(), st.integers(min_value=1, max_value=150))
def test_another_birth_year_gives_exactly_one_warning(person, shift):
    number, birth_date, sex = person
    other = date(birth_date.year - shift, 1, 1) if birth_date.year - shift >= 1 else None
    assume(other is not None)
    result = validate_id_number(number, birth_date=other, sex=sex)
    assert result.ok and result.value == number
    (warning,) = result.warnings
    assert warning.params == {"id_year": birth_date.year, "year": other.year}


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_twelve_digits_are_valid_exactly_when_the_province_code_is_known(digits):
    assert validate_id_number(digits).ok == (digits[:3] in PROVINCES)


@given(st.text(alphabet="0123456789", min_size=1, max_size=30))
def test_only_twelve_digits_can_be_valid(digits):
    assume(len(digits) != 12)
    assert not validate_id_number(digits).ok


@given(ANY_INPUT)
def test_mask_id_number_shows_at_most_the_first_and_last_three_digits(raw):
    masked = mask_id_number(raw)
    if masked in ("", "***"):
        return
    assert re.fullmatch(r"[0-9]{3}\*{6}[0-9]{3}", masked)
    digits = re.sub(r"[^0-9]", "", clean(raw))
    assert len(digits) == 12
    assert masked == digits[:3] + "******" + digits[-3:]


@given(person())
def test_mask_id_number_hides_the_middle_six_digits(person):
    number, _, _ = person
    assert mask_id_number(number) == number[:3] + "******" + number[-3:]


# --- Phones ------------------------------------------------------------------------------------


@st.composite
def national_phone(draw: st.DrawFn) -> str:
    """A valid national number: a 10-digit mobile or an 11-digit 02x landline."""
    if draw(st.booleans()):
        head, size = draw(st.sampled_from(["03", "05", "07", "08", "09"])), 8
    else:
        head, size = "02", 9
    return head + draw(st.text(alphabet="0123456789", min_size=size, max_size=size))


@given(
    national_phone(),
    st.sampled_from(["0", "84", "+84", "+84 ", "0084", "(+84) ", "+84 0"]),
    SEPARATORS,
    st.integers(min_value=2, max_value=4),
)
def test_valid_phones_in_any_form_are_stored_in_e164(national, form, separator, group):
    typed = form + spaced(national[1:], separator, group)
    result = validate_phone(typed)
    assert result == Result("+84" + national[1:])
    assert E164_PHONE.fullmatch(result.value)


@given(ANY_TEXT)
def test_a_valid_phone_round_trips(raw):
    result = validate_phone(raw)
    if result.value is not None:
        assert E164_PHONE.fullmatch(result.value)
        assert validate_phone(result.value).value == result.value


@given(national_phone())
def test_phone_round_trips_from_its_stored_form(national):
    stored = validate_phone(national).value
    assert validate_phone(stored).value == stored


@given(st.text(alphabet="0123456789", min_size=9, max_size=12))
def test_national_digits_are_valid_exactly_when_they_match_the_numbering_plan(digits):
    national = "0" + digits
    assume(not national.startswith("00"))  # that is the international prefix
    expected = bool(re.fullmatch(r"0[35789][0-9]{8}|02[0-9]{9}", national))
    assert validate_phone(national).ok == expected


@given(ANY_INPUT)
def test_mask_phone_shows_at_most_the_last_three_digits(raw):
    masked = mask_phone(raw)
    if masked in ("", "***"):
        return
    match = re.fullmatch(r"\+84 \*\*\* \*\*\* ([0-9]{3})", masked)
    assert match
    assert match[1] == validate_phone(raw).value[-3:]


@given(ANY_INPUT)
def test_phone_last4_is_empty_or_the_last_four_digits(raw):
    last4 = phone_last4(raw)
    value = validate_phone(raw).value
    assert last4 == (value[-4:] if value else "")
    assert last4 == "" or re.fullmatch(r"[0-9]{4}", last4)


@given(national_phone())
def test_masks_of_a_valid_phone_reveal_its_tail_only(national):
    assert mask_phone(national) == "+84 *** *** " + national[-3:]
    assert phone_last4(national) == national[-4:]


# --- Names -------------------------------------------------------------------------------------

LETTERS = st.characters(categories=["L"])
NAME_WORD = st.text(LETTERS, min_size=1, max_size=8)
NAME = st.lists(
    st.tuples(NAME_WORD, st.sampled_from(["", "-", "'", "’"]), NAME_WORD).map("".join),
    min_size=1,
    max_size=4,
).map(" ".join)


@given(NAME)
def test_names_of_letters_hyphens_and_apostrophes_are_kept_as_typed(name):
    assume(len(clean(name)) <= 100)
    result = validate_name(name)
    assert result == Result(clean(name))
    assert unicodedata.is_normalized("NFC", result.value)


@given(NAME)
def test_nfd_and_nfc_names_are_stored_alike(name):
    assume(len(clean(name)) <= 100)
    nfd = unicodedata.normalize("NFD", name)
    assert validate_name(nfd).value == validate_name(name).value


@given(NAME, st.characters(categories=["Nd"]))
def test_a_name_with_a_digit_is_refused(name, digit):
    assert not validate_name(name + digit).ok


@given(ANY_TEXT, st.integers(min_value=1, max_value=200))
def test_a_valid_name_never_exceeds_max_length(raw, max_length):
    value = validate_name(raw, max_length=max_length).value
    if value is not None:
        assert len(value) <= max_length and value == clean(raw)


# --- Dates -------------------------------------------------------------------------------------

DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))


@given(
    DATES,
    st.sampled_from(
        [
            "{d:02d}/{m:02d}/{y}",
            "{d}/{m}/{y}",
            "{d}-{m}-{y}",
            "{d:02d}.{m:02d}.{y}",
            "{y}-{m:02d}-{d:02d}",
        ]
    ),
)
def test_dates_in_accepted_formats_parse(day, template):
    typed = template.format(d=day.day, m=day.month, y=day.year)
    assert validate_date(typed) == Result(day)


@given(DATES, DATES)
def test_not_future_accepts_exactly_the_dates_up_to_today(day, today):
    result = validate_date(day.isoformat(), not_future=True, today=today)
    assert result.ok == (day <= today)


@given(st.dates())
def test_only_years_1900_to_2200_are_accepted(day):
    assert validate_date(day).ok == (1900 <= day.year <= 2200)


# --- Emails, whole numbers, free text ----------------------------------------------------------

EMAIL_PART = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+-",
    min_size=1,
    max_size=20,
)


@given(EMAIL_PART, st.lists(EMAIL_PART, min_size=2, max_size=4))
def test_simple_emails_are_accepted_with_the_domain_lowercased(local, labels):
    domain = ".".join(labels)
    result = validate_email(f"{local}@{domain}")
    assert result == Result(f"{local}@{domain.lower()}")


@given(ANY_TEXT)
def test_a_valid_email_has_one_at_and_a_dotted_domain(raw):
    value = validate_email(raw).value
    if value is not None:
        local, domain = value.split("@")
        assert local and "." in domain and " " not in value and len(value) <= 254
        assert domain == domain.lower()


@given(st.integers(min_value=0, max_value=10**18 - 1), st.integers(min_value=0, max_value=3))
def test_whole_numbers_round_trip(number, zeros):
    assert validate_int("0" * zeros + str(number)) == Result(number)


@given(
    st.integers(min_value=0, max_value=10**6),
    st.none() | st.integers(min_value=-10, max_value=10**6),
    st.none() | st.integers(min_value=-10, max_value=10**6),
)
def test_bounds_are_inclusive(number, minimum, maximum):
    result = validate_int(str(number), minimum=minimum, maximum=maximum)
    expected = (minimum is None or number >= minimum) and (maximum is None or number <= maximum)
    assert result.ok == expected
    if not expected:
        (error,) = result.errors
        bounds = {k: v for k, v in (("minimum", minimum), ("maximum", maximum)) if v is not None}
        assert dict(error.params) == bounds


@given(ANY_TEXT, st.integers(min_value=1, max_value=50))
def test_text_is_cleaned_and_no_longer_than_max_length(raw, max_length):
    result = validate_text(raw, max_length=max_length)
    cleaned = clean(raw)
    if not cleaned:
        assert result == Result(None)
    else:
        assert result.ok == (len(cleaned) <= max_length)
        assert result.value in (None, cleaned)
