"""Field validators: what citizens and staff type, checked and normalised for storage.

Each ``validate_*`` function takes the raw input (a form string, None, or an already typed
value) and returns a :class:`Result`: the normalised value to store, blocking errors and
non-blocking warnings, as translatable :class:`~tthc.domain.i18n.Message` values. They never
raise, whatever the input, because the live check runs them on half-typed text.

Empty input (None, "", only spaces or invisible characters) is ``Result(None)`` with no
error: whether a field is required is for the completeness rules, which see the whole dossier.

Formats follow domain.md §6 (ID number, phones, names) and glossary.md "Style" (dd/mm/yyyy).
ID and phone numbers are in ``tthc.domain.numbers``, the shared ``Result`` and helpers in
``tthc.domain.checks``; this module is where callers import them all from.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Callable

from tthc.domain.checks import ASCII_DIGITS, EMPTY, Result, as_text, format_date, invalid, shown
from tthc.domain.i18n import N_, Message, msg
from tthc.domain.numbers import (mask_id_number, mask_phone, phone_last4, validate_id_number,
                                 validate_phone)
from tthc.domain.text import nfc

__all__ = [
    "Result",
    "VALIDATORS",
    "date_text",
    "mask_id_number",
    "mask_phone",
    "phone_last4",
    "validate_date",
    "validate_email",
    "validate_id_number",
    "validate_int",
    "validate_name",
    "validate_phone",
    "validate_text",
]


# --- Names -----------------------------------------------------------------------------------

_NAME_PUNCTUATION = frozenset(" -'’")


def validate_name(raw: object, *, max_length: int = 100) -> Result:
    """Check a person's full name (họ, chữ đệm và tên); the value is the cleaned name.

    Only NFC, spaces and invisible characters change: case and tone-mark placement are the
    citizen's legal name and are kept as typed. Allowed: letters (with their combining
    marks), spaces, hyphens and apostrophes.
    """
    text = as_text(raw)
    if not text:
        return EMPTY
    errors: list[Message] = []
    if len(text) > max_length:
        errors.append(
            msg(
                N_(
                    "Họ, chữ đệm và tên dài tối đa %(max_length)s ký tự; đã nhập %(length)s ký "
                    "tự. Kiểm tra lại họ, chữ đệm và tên."
                ),
                max_length=max_length,
                length=len(text),
            )
        )
    has_letter = has_digit = False
    symbols: list[str] = []
    after_letter = False  # a combining mark is only part of a name right after a letter
    for ch in text:
        category = unicodedata.category(ch)
        if category[0] == "L" or (category[0] == "M" and after_letter):
            has_letter = has_letter or category[0] == "L"
            after_letter = True
            continue
        after_letter = False
        if ch in _NAME_PUNCTUATION:
            continue
        if category[0] == "N":
            has_digit = True
        else:
            symbols.append(ch)
    if has_digit:
        errors.append(
            msg(
                N_(
                    "Bỏ chữ số khỏi họ, chữ đệm và tên; nhập đúng như trên giấy tờ tùy thân. "
                    "Ví dụ: Nguyễn Thị Hoà"
                )
            )
        )
    if symbols:
        errors.append(
            msg(
                N_(
                    "Họ, chữ đệm và tên chỉ gồm chữ cái, dấu cách, dấu gạch nối (-) và dấu "
                    "nháy ('). Bỏ ký tự: %(chars)s"
                ),
                chars=shown(symbols),
            )
        )
    if not has_letter and not has_digit and not symbols:
        errors.append(msg(N_("Nhập họ, chữ đệm và tên bằng chữ cái. Ví dụ: Nguyễn Thị Hoà")))
    if errors:
        return invalid(*errors)
    return Result(text)


# --- Dates -----------------------------------------------------------------------------------

MIN_YEAR = 1900
MAX_YEAR = 2200

_AROUND_SEPARATOR = re.compile(r"\s*([/.\-])\s*")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_DMY_DATE = re.compile(r"([0-9]{1,2})([/.\-])([0-9]{1,2})\2([0-9]{4})")
# A phone's numeric keypad has no "/": "12 05 1995" and "12051995" are 12/05/1995 too.
_DMY_SPACED = re.compile(r"([0-9]{1,2}) ([0-9]{1,2}) ([0-9]{4})")
_DMY_DIGITS = re.compile(r"([0-9]{2})([0-9]{2})([0-9]{4})")
_DMY_SHORT_YEAR = re.compile(r"[0-9]{1,2}([/.\- ])[0-9]{1,2}\1[0-9]{2}|[0-9]{6}")
_YEAR = re.compile(r"[0-9]{4}")


def validate_date(raw: object, *, not_future: bool = False, today: date | None = None,
                  year_alone: bool = False) -> Result:
    """Check a date typed as dd/mm/yyyy (or d/m/yyyy, with - or . or spaces, or the eight
    digits ddmmyyyy) or sent as ISO yyyy-mm-dd.

    The value is a ``datetime.date``. With *year_alone* (a field whose declaration prints
    only the year, as a parent's "Năm sinh"), a year alone is accepted too: its value is the
    year, an ``int``. With *not_future*, a date after *today* (default: the system date) is
    an error, as for a date of birth.
    """
    if isinstance(today, datetime):
        today = today.date()
    if not isinstance(today, date):
        today = date.today()
    if isinstance(raw, datetime):
        raw = raw.date()
    if isinstance(raw, date):
        year, month, day = raw.year, raw.month, raw.day
    else:
        text = as_text(raw)
        if not text:
            return EMPTY
        if year_alone and _YEAR.fullmatch(text):
            return _year(int(text), not_future=not_future, today=today)
        parts = _date_parts(text, year_alone=year_alone)
        if isinstance(parts, Message):
            return invalid(parts)
        year, month, day = parts
    if not MIN_YEAR <= year <= MAX_YEAR:
        return invalid(
            msg(N_("Nhập năm từ %(minimum)s đến %(maximum)s."), minimum=MIN_YEAR, maximum=MAX_YEAR)
        )
    try:
        value = date(year, month, day)
    except ValueError:
        return invalid(
            msg(
                N_("Không có ngày %(date)s. Kiểm tra lại ngày và tháng (ngày trước, tháng sau)."),
                date=f"{day:02d}/{month:02d}/{year:04d}",
            )
        )
    if not_future and value > today:
        return invalid(
            msg(
                N_(
                    "Ngày %(date)s là ngày trong tương lai. Nhập một ngày từ hôm nay "
                    "(%(today)s) trở về trước."
                ),
                date=format_date(value),
                today=format_date(today),
            )
        )
    return Result(value)


def _year(year: int, *, not_future: bool, today: date) -> Result:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return invalid(
            msg(N_("Nhập năm từ %(minimum)s đến %(maximum)s."), minimum=MIN_YEAR, maximum=MAX_YEAR)
        )
    if not_future and year > today.year:
        return invalid(msg(N_("Năm %(year)s chưa đến. Nhập năm từ %(today)s trở về trước."),
                           year=year, today=today.year))
    return Result(year)


def date_text(value: object) -> str:
    """How a date field's value is written back in the form: dd/mm/yyyy, or a year alone."""
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:04d}"
    return ""


def _date_parts(text: str, *, year_alone: bool = False) -> tuple[int, int, int] | Message:
    """Split typed text into (year, month, day), or explain the expected format."""
    text = _AROUND_SEPARATOR.sub(r"\1", text)
    if match := _ISO_DATE.fullmatch(text):
        return int(match[1]), int(match[2]), int(match[3])
    if match := _DMY_DATE.fullmatch(text) or _DMY_SPACED.fullmatch(text):
        return int(match[match.lastindex]), int(match[match.lastindex - 1]), int(match[1])
    if match := _DMY_DIGITS.fullmatch(text):
        return int(match[3]), int(match[2]), int(match[1])
    if _DMY_SHORT_YEAR.fullmatch(text):
        return msg(N_("Nhập năm đủ 4 chữ số. Ví dụ: 25/03/1990"))
    if year_alone:
        return msg(N_("Nhập ngày theo dạng ngày/tháng/năm, hoặc chỉ năm. Ví dụ: 25/03/1990 "
                      "hoặc 1990"))
    return msg(N_("Nhập ngày theo dạng ngày/tháng/năm. Ví dụ: 25/03/1990"))


# --- Email -----------------------------------------------------------------------------------

MAX_EMAIL_LENGTH = 254  # RFC 5321 path limit, less the angle brackets

_EMAIL_FORBIDDEN = re.compile(r'[<>()\[\]\\,;:"]')


def validate_email(raw: object) -> Result:
    """Check an email address the simple way; the value has its domain in lower case.

    One @, something before it, a dotted domain after it, no spaces or address-list
    punctuation. Whether the mailbox exists is for the mail server to say.
    """
    text = as_text(raw)
    if not text:
        return EMPTY
    if " " in text:
        return invalid(msg(N_("Bỏ dấu cách trong thư điện tử. Ví dụ: nguyenvanan@gmail.com")))
    if "@" not in text:
        return invalid(msg(N_("Thư điện tử cần có ký tự @. Ví dụ: nguyenvanan@gmail.com")))
    if text.count("@") > 1:
        return invalid(msg(N_("Thư điện tử chỉ có một ký tự @. Ví dụ: nguyenvanan@gmail.com")))
    if forbidden := _EMAIL_FORBIDDEN.findall(text):
        return invalid(
            msg(
                N_("Bỏ ký tự %(chars)s khỏi thư điện tử. Ví dụ: nguyenvanan@gmail.com"),
                chars=shown(forbidden),
            )
        )
    local, domain = text.split("@")
    if not local:
        return invalid(msg(N_("Nhập phần tên trước ký tự @. Ví dụ: nguyenvanan@gmail.com")))
    labels = domain.split(".")
    if len(labels) < 2 or not all(labels):
        return invalid(
            msg(
                N_(
                    "Kiểm tra lại tên miền sau ký tự @ (có dấu chấm, như gmail.com). "
                    "Ví dụ: nguyenvanan@gmail.com"
                )
            )
        )
    value = f"{local}@{nfc(domain.lower())}"
    if len(value) > MAX_EMAIL_LENGTH:
        return invalid(
            msg(
                N_("Thư điện tử dài tối đa %(max_length)s ký tự. Kiểm tra lại địa chỉ đã nhập."),
                max_length=MAX_EMAIL_LENGTH,
            )
        )
    return Result(value)


# --- Whole numbers and free text -------------------------------------------------------------

MAX_INT_DIGITS = 18  # what a 64-bit database column holds


def validate_int(
    raw: object, *, minimum: int | None = None, maximum: int | None = None
) -> Result:
    """Check a whole number typed as digits only; the value is an ``int``."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        number = raw
    else:
        text = as_text(raw)
        if not text:
            return EMPTY
        if not ASCII_DIGITS.fullmatch(text):
            return invalid(msg(N_("Nhập một số nguyên, chỉ gồm chữ số. Ví dụ: 2")))
        if len(text.lstrip("0")) > MAX_INT_DIGITS:
            # int() refuses very long strings anyway; no field here needs such numbers.
            if maximum is None:
                return invalid(
                    msg(
                        N_("Số quá lớn. Nhập số có tối đa %(digits)s chữ số."),
                        digits=MAX_INT_DIGITS,
                    )
                )
            return invalid(_bounds_message(minimum, maximum))
        number = int(text)
    too_small = minimum is not None and number < minimum
    too_large = maximum is not None and number > maximum
    if too_small or too_large:
        return invalid(_bounds_message(minimum, maximum))
    return Result(number)


def _bounds_message(minimum: int | None, maximum: int | None) -> Message:
    if minimum is not None and maximum is not None:
        return msg(
            N_("Nhập số từ %(minimum)s đến %(maximum)s."), minimum=minimum, maximum=maximum
        )
    if minimum is not None:
        return msg(N_("Nhập số không nhỏ hơn %(minimum)s."), minimum=minimum)
    return msg(N_("Nhập số không lớn hơn %(maximum)s."), maximum=maximum)


def validate_text(raw: object, *, max_length: int = 500) -> Result:
    """Check free text; the value is cleaned (line breaks become spaces) and not too long."""
    text = as_text(raw)
    if not text:
        return EMPTY
    if len(text) > max_length:
        return invalid(
            msg(
                N_(
                    "Nội dung dài tối đa %(max_length)s ký tự; đã nhập %(length)s ký tự. "
                    "Rút gọn nội dung."
                ),
                max_length=max_length,
                length=len(text),
            )
        )
    return Result(text)


#: Validators by field type name, as procedure definitions refer to them.
VALIDATORS: dict[str, Callable[..., Result]] = {
    "id_number": validate_id_number,
    "phone": validate_phone,
    "name": validate_name,
    "date": validate_date,
    "email": validate_email,
    "int": validate_int,
    "text": validate_text,
}
