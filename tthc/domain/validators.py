"""Field validators: what citizens and staff type, checked and normalised for storage.

Each ``validate_*`` function takes the raw input (a form string, None, or an already typed
value) and returns a :class:`Result`: the normalised value to store, blocking errors and
non-blocking warnings, as translatable :class:`~tthc.domain.i18n.Message` values. They never
raise, whatever the input, because the live check runs them on half-typed text.

Empty input (None, "", only spaces or invisible characters) is ``Result(None)`` with no
error: whether a field is required is for the completeness rules, which see the whole dossier.

Formats follow domain.md §6 (ID number, phones, names) and glossary.md "Style" (dd/mm/yyyy).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable

from tthc.domain.i18n import N_, Message, msg
from tthc.domain.provinces import PROVINCES
from tthc.domain.text import clean, fold, nfc

__all__ = [
    "Result",
    "VALIDATORS",
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


@dataclass(frozen=True)
class Result:
    """Outcome of one validator: ``value`` is None when the input is empty or invalid."""

    value: object | None
    errors: tuple[Message, ...] = ()  # blocking problems
    warnings: tuple[Message, ...] = ()  # shown, but the value is still accepted

    @property
    def ok(self) -> bool:
        return not self.errors


_EMPTY = Result(None)

# ``\d`` would also match digits of other scripts, which int() accepts but we never store.
_ASCII_DIGITS = re.compile(r"[0-9]+")
# Spaces, dots and dashes (ASCII and typographic) that people type between groups of digits.
_ID_SEPARATORS = re.compile(r"[\s.\-\u2010-\u2015]+")
_PHONE_SEPARATORS = re.compile(r"[\s.()\-\u2010-\u2015]+")


def _invalid(*errors: Message) -> Result:
    return Result(None, errors=errors)


def _as_text(raw: object) -> str:
    """Return *raw* as cleaned text (NFC, no invisible characters, single spaces, trimmed)."""
    if raw is None:
        return ""
    if not isinstance(raw, str):
        try:
            raw = str(raw)
        except Exception:  # an object whose __str__ fails is no input at all
            return ""
    return clean(raw)


def _shown(chars: list[str]) -> str:
    """List offending characters for a message; invisible ones as code points."""
    unique = list(dict.fromkeys(chars))[:5]
    return " ".join(ch if ch.isprintable() else f"U+{ord(ch):04X}" for ch in unique)


def _format_date(value: date) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


# --- Personal identification number (số định danh cá nhân) -------------------------------


def validate_id_number(
    raw: object, *, birth_date: date | None = None, sex: str | None = None
) -> Result:
    """Check a 12-digit personal identification number; the value is the 12 digits.

    Digits 1–3 must be a province code (provinces.py). Digit 4 encodes century and sex and
    digits 5–6 the year of birth; when *birth_date* or *sex* ("nam"/"nu") disagree with them
    the result carries a warning, not an error: the card is right more often than the form.
    """
    text = _as_text(raw)
    if not text:
        return _EMPTY
    number = _ID_SEPARATORS.sub("", text)
    if not _ASCII_DIGITS.fullmatch(number):
        if any(ch.isalpha() for ch in number):
            return _invalid(
                msg(
                    N_(
                        "Số định danh cá nhân chỉ gồm chữ số, không có chữ cái. "
                        "Ví dụ: 001206012345"
                    )
                )
            )
        return _invalid(
            msg(
                N_(
                    "Số định danh cá nhân chỉ gồm chữ số, có thể cách nhau bằng dấu cách. "
                    "Ví dụ: 001206012345"
                )
            )
        )
    if len(number) == 9:
        return _invalid(
            msg(
                N_(
                    "Số đã nhập có 9 chữ số, giống số chứng minh nhân dân cũ. Nhập số định danh "
                    "cá nhân 12 chữ số in trên thẻ căn cước. Ví dụ: 001206012345"
                )
            )
        )
    if len(number) != 12:
        return _invalid(
            msg(
                N_(
                    "Số định danh cá nhân gồm 12 chữ số; số đã nhập có %(count)s chữ số. "
                    "Ví dụ: 001206012345"
                ),
                count=len(number),
            )
        )
    code = number[:3]
    if code not in PROVINCES:
        return _invalid(
            msg(
                N_(
                    "Ba chữ số đầu %(code)s không phải mã tỉnh nơi đăng ký khai sinh. "
                    "Kiểm tra lại số định danh cá nhân trên thẻ căn cước."
                ),
                code=code,
            )
        )
    return Result(number, warnings=_id_mismatches(number, birth_date, sex))


def _id_mismatches(number: str, birth_date: object, sex: object) -> tuple[Message, ...]:
    """Compare digits 4–6 (century and sex, year of birth) with the declared details."""
    century_sex = int(number[3])
    id_year = 1900 + 100 * (century_sex // 2) + int(number[4:6])
    id_sex = "nam" if century_sex % 2 == 0 else "nu"
    warnings: list[Message] = []
    if isinstance(birth_date, date) and birth_date.year != id_year:
        warnings.append(
            msg(
                N_(
                    "Chữ số thứ 4 đến 6 của số định danh cá nhân cho biết năm sinh %(id_year)s, "
                    "khác với năm sinh đã khai (%(year)s). Kiểm tra lại số định danh cá nhân "
                    "hoặc ngày sinh."
                ),
                id_year=id_year,
                year=birth_date.year,
            )
        )
    declared = fold(sex) if isinstance(sex, str) else ""
    if declared in ("nam", "nu") and declared != id_sex:
        if id_sex == "nam":
            warning = msg(
                N_(
                    "Chữ số thứ 4 của số định danh cá nhân cho biết giới tính Nam, khác với giới "
                    "tính đã khai (Nữ). Kiểm tra lại số định danh cá nhân hoặc giới tính."
                )
            )
        else:
            warning = msg(
                N_(
                    "Chữ số thứ 4 của số định danh cá nhân cho biết giới tính Nữ, khác với giới "
                    "tính đã khai (Nam). Kiểm tra lại số định danh cá nhân hoặc giới tính."
                )
            )
        warnings.append(warning)
    return tuple(warnings)


def mask_id_number(value: str | None) -> str:
    """Show an ID number as "001******345": the first 3 and last 3 digits only.

    Anything that is not 12 digits is shown as "***" (and nothing as ""), so a stray old
    document number is never shown in full.
    """
    text = _as_text(value)
    if not text:
        return ""
    number = _ID_SEPARATORS.sub("", text)
    if len(number) != 12 or not _ASCII_DIGITS.fullmatch(number):
        return "***"
    return f"{number[:3]}******{number[-3:]}"


# --- Phone numbers ---------------------------------------------------------------------------

_MOBILE = re.compile(r"0[35789][0-9]{8}")  # 10 digits since the 2018 renumbering
_LANDLINE = re.compile(r"02[0-9]{9}")  # 02x area code + subscriber number, 11 digits


def validate_phone(raw: object) -> Result:
    """Check a Vietnamese mobile or landline number; the value is E.164, "+84…".

    Accepts 0…, 84…, +84… and 0084…, with spaces, dots, dashes or parentheses anywhere.
    """
    text = _as_text(raw)
    if not text:
        return _EMPTY
    compact = _PHONE_SEPARATORS.sub("", text)
    international = compact.startswith("+")
    digits = compact[1:] if international else compact
    if not _ASCII_DIGITS.fullmatch(digits):
        return _invalid(
            msg(
                N_(
                    "Số điện thoại chỉ gồm chữ số, có thể cách nhau bằng dấu cách, dấu chấm "
                    "hoặc dấu gạch ngang. Ví dụ: 0912 345 678"
                )
            )
        )
    if not international and digits.startswith("00"):  # 00 is the international prefix
        international, digits = True, digits[2:]
    if international and not digits.startswith("84"):
        return _invalid(
            msg(N_("Nhập số điện thoại tại Việt Nam, bắt đầu bằng 0 hoặc +84. Ví dụ: 0912 345 678"))
        )
    if digits.startswith("84"):  # national numbers start with 0: this is the country code
        rest = digits[2:]
        # "+84 0912 345 678" is a common slip: the trunk 0 kept after the country code.
        national = rest if rest.startswith("0") else "0" + rest
    elif digits.startswith("0"):
        national = digits
    else:
        return _invalid(msg(N_("Số điện thoại bắt đầu bằng số 0 hoặc +84. Ví dụ: 0912 345 678")))
    if _MOBILE.fullmatch(national) or _LANDLINE.fullmatch(national):
        return Result("+84" + national[1:])
    return _invalid(_phone_problem(national))


def _phone_problem(national: str) -> Message:
    """Explain why *national* (digits, leading 0) is not a mobile or landline number."""
    second = national[1:2]
    if second == "1":
        return msg(
            N_(
                "Số di động bắt đầu bằng 03, 05, 07, 08 hoặc 09 (các đầu số 01… đã đổi từ năm "
                "2018). Ví dụ: 0912 345 678"
            )
        )
    if second and second in "35789":
        return msg(N_("Số di động gồm 10 chữ số, kể cả số 0 ở đầu. Ví dụ: 0912 345 678"))
    if second == "2":
        return msg(N_("Số điện thoại cố định gồm 11 chữ số, kể cả mã vùng. Ví dụ: 024 3825 1234"))
    return msg(
        N_(
            "Số di động bắt đầu bằng 03, 05, 07, 08 hoặc 09; số cố định bắt đầu bằng mã vùng 02. "
            "Ví dụ: 0912 345 678"
        )
    )


def mask_phone(value: str | None) -> str:
    """Show a phone number as "+84 *** *** 678": the last 3 digits only.

    The mask has the same shape whatever the length; anything that is not a valid number is
    shown as "***" (and nothing as "").
    """
    number = validate_phone(value).value
    if not isinstance(number, str):
        return "***" if _as_text(value) else ""
    return f"+84 *** *** {number[-3:]}"


def phone_last4(value: str | None) -> str:
    """Return the last 4 digits of a phone number (for look-ups), "" if there is none."""
    number = validate_phone(value).value
    return number[-4:] if isinstance(number, str) else ""


# --- Names -----------------------------------------------------------------------------------

_NAME_PUNCTUATION = frozenset(" -'’")


def validate_name(raw: object, *, max_length: int = 100) -> Result:
    """Check a person's full name (họ, chữ đệm và tên); the value is the cleaned name.

    Only NFC, spaces and invisible characters change: case and tone-mark placement are the
    citizen's legal name and are kept as typed. Allowed: letters (with their combining
    marks), spaces, hyphens and apostrophes.
    """
    text = _as_text(raw)
    if not text:
        return _EMPTY
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
                chars=_shown(symbols),
            )
        )
    if not has_letter and not has_digit and not symbols:
        errors.append(msg(N_("Nhập họ, chữ đệm và tên bằng chữ cái. Ví dụ: Nguyễn Thị Hoà")))
    if errors:
        return _invalid(*errors)
    return Result(text)


# --- Dates -----------------------------------------------------------------------------------

MIN_YEAR = 1900
MAX_YEAR = 2200

_AROUND_SEPARATOR = re.compile(r"\s*([/.\-])\s*")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_DMY_DATE = re.compile(r"([0-9]{1,2})([/.\-])([0-9]{1,2})\2([0-9]{4})")
_DMY_SHORT_YEAR = re.compile(r"[0-9]{1,2}([/.\-])[0-9]{1,2}\1[0-9]{2}")


def validate_date(raw: object, *, not_future: bool = False, today: date | None = None) -> Result:
    """Check a date typed as dd/mm/yyyy (or d/m/yyyy, with - or .) or sent as ISO yyyy-mm-dd.

    The value is a ``datetime.date``. With *not_future*, a date after *today* (default: the
    system date) is an error, as for a date of birth.
    """
    if isinstance(raw, datetime):
        raw = raw.date()
    if isinstance(raw, date):
        year, month, day = raw.year, raw.month, raw.day
    else:
        text = _as_text(raw)
        if not text:
            return _EMPTY
        parts = _date_parts(text)
        if isinstance(parts, Message):
            return _invalid(parts)
        year, month, day = parts
    if not MIN_YEAR <= year <= MAX_YEAR:
        return _invalid(
            msg(N_("Nhập năm từ %(minimum)s đến %(maximum)s."), minimum=MIN_YEAR, maximum=MAX_YEAR)
        )
    try:
        value = date(year, month, day)
    except ValueError:
        return _invalid(
            msg(
                N_("Không có ngày %(date)s. Kiểm tra lại ngày và tháng (ngày trước, tháng sau)."),
                date=f"{day:02d}/{month:02d}/{year:04d}",
            )
        )
    if not_future:
        if isinstance(today, datetime):
            today = today.date()
        if not isinstance(today, date):
            today = date.today()
        if value > today:
            return _invalid(
                msg(
                    N_(
                        "Ngày %(date)s là ngày trong tương lai. Nhập một ngày từ hôm nay "
                        "(%(today)s) trở về trước."
                    ),
                    date=_format_date(value),
                    today=_format_date(today),
                )
            )
    return Result(value)


def _date_parts(text: str) -> tuple[int, int, int] | Message:
    """Split typed text into (year, month, day), or explain the expected format."""
    text = _AROUND_SEPARATOR.sub(r"\1", text)
    if match := _ISO_DATE.fullmatch(text):
        return int(match[1]), int(match[2]), int(match[3])
    if match := _DMY_DATE.fullmatch(text):
        return int(match[4]), int(match[3]), int(match[1])
    if _DMY_SHORT_YEAR.fullmatch(text):
        return msg(N_("Nhập năm đủ 4 chữ số. Ví dụ: 25/03/1990"))
    return msg(N_("Nhập ngày theo dạng ngày/tháng/năm. Ví dụ: 25/03/1990"))


# --- Email -----------------------------------------------------------------------------------

MAX_EMAIL_LENGTH = 254  # RFC 5321 path limit, less the angle brackets

_EMAIL_FORBIDDEN = re.compile(r'[<>()\[\]\\,;:"]')


def validate_email(raw: object) -> Result:
    """Check an email address the simple way; the value has its domain in lower case.

    One @, something before it, a dotted domain after it, no spaces or address-list
    punctuation. Whether the mailbox exists is for the mail server to say.
    """
    text = _as_text(raw)
    if not text:
        return _EMPTY
    if " " in text:
        return _invalid(msg(N_("Bỏ dấu cách trong thư điện tử. Ví dụ: nguyenvanan@gmail.com")))
    if "@" not in text:
        return _invalid(msg(N_("Thư điện tử cần có ký tự @. Ví dụ: nguyenvanan@gmail.com")))
    if text.count("@") > 1:
        return _invalid(msg(N_("Thư điện tử chỉ có một ký tự @. Ví dụ: nguyenvanan@gmail.com")))
    if forbidden := _EMAIL_FORBIDDEN.findall(text):
        return _invalid(
            msg(
                N_("Bỏ ký tự %(chars)s khỏi thư điện tử. Ví dụ: nguyenvanan@gmail.com"),
                chars=_shown(forbidden),
            )
        )
    local, domain = text.split("@")
    if not local:
        return _invalid(msg(N_("Nhập phần tên trước ký tự @. Ví dụ: nguyenvanan@gmail.com")))
    labels = domain.split(".")
    if len(labels) < 2 or not all(labels):
        return _invalid(
            msg(
                N_(
                    "Kiểm tra lại tên miền sau ký tự @ (có dấu chấm, như gmail.com). "
                    "Ví dụ: nguyenvanan@gmail.com"
                )
            )
        )
    value = f"{local}@{nfc(domain.lower())}"
    if len(value) > MAX_EMAIL_LENGTH:
        return _invalid(
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
        text = _as_text(raw)
        if not text:
            return _EMPTY
        if not _ASCII_DIGITS.fullmatch(text):
            return _invalid(msg(N_("Nhập một số nguyên, chỉ gồm chữ số. Ví dụ: 2")))
        if len(text.lstrip("0")) > MAX_INT_DIGITS:
            # int() refuses very long strings anyway; no field here needs such numbers.
            if maximum is None:
                return _invalid(
                    msg(
                        N_("Số quá lớn. Nhập số có tối đa %(digits)s chữ số."),
                        digits=MAX_INT_DIGITS,
                    )
                )
            return _invalid(_bounds_message(minimum, maximum))
        number = int(text)
    too_small = minimum is not None and number < minimum
    too_large = maximum is not None and number > maximum
    if too_small or too_large:
        return _invalid(_bounds_message(minimum, maximum))
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
    text = _as_text(raw)
    if not text:
        return _EMPTY
    if len(text) > max_length:
        return _invalid(
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
