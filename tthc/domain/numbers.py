"""Numbers people type: the personal identification number and phone numbers.

Part of the field validators (``tthc.domain.validators`` re-exports these); formats follow
domain.md §6.
"""

from __future__ import annotations

import re
from datetime import date

from tthc.domain.checks import ASCII_DIGITS, EMPTY, Result, as_text, invalid
from tthc.domain.i18n import N_, Message, msg
from tthc.domain.provinces import PROVINCES
from tthc.domain.text import fold

__all__ = ["format_phone", "mask_id_number", "mask_phone", "phone_last4",
           "validate_id_number", "validate_phone"]

# Spaces, dots and dashes (ASCII and typographic) that people type between groups of digits.
_ID_SEPARATORS = re.compile(r"[\s.\-\u2010-\u2015]+")
_PHONE_SEPARATORS = re.compile(r"[\s.()\-\u2010-\u2015]+")


# --- Personal identification number (số định danh cá nhân) -------------------------------


def validate_id_number(
    raw: object, *, birth_date: date | None = None, sex: str | None = None
) -> Result:
    """Check a 12-digit personal identification number; the value is the 12 digits.

    Digits 1–3 must be a province code (provinces.py). Digit 4 encodes century and sex and
    digits 5–6 the year of birth; when *birth_date* or *sex* ("nam"/"nu") disagree with them
    the result carries a warning, not an error: the card is right more often than the form.
    """
    text = as_text(raw)
    if not text:
        return EMPTY
    number = _ID_SEPARATORS.sub("", text)
    if not ASCII_DIGITS.fullmatch(number):
        if any(ch.isalpha() for ch in number):
            return invalid(
                msg(
                    N_(
                        "Số định danh cá nhân chỉ gồm chữ số, không có chữ cái. "
                        "Ví dụ: 001206012345"
                    )
                )
            )
        return invalid(
            msg(
                N_(
                    "Số định danh cá nhân chỉ gồm chữ số, có thể cách nhau bằng dấu cách. "
                    "Ví dụ: 001206012345"
                )
            )
        )
    if len(number) == 9:
        return invalid(
            msg(
                N_(
                    "Số đã nhập có 9 chữ số, giống số chứng minh nhân dân cũ. Nhập số định danh "
                    "cá nhân 12 chữ số in trên thẻ căn cước. Ví dụ: 001206012345"
                )
            )
        )
    if len(number) != 12:
        return invalid(
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
        return invalid(
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
    text = as_text(value)
    if not text:
        return ""
    number = _ID_SEPARATORS.sub("", text)
    if len(number) != 12 or not ASCII_DIGITS.fullmatch(number):
        return "***"
    return f"{number[:3]}******{number[-3:]}"


# --- Phone numbers ---------------------------------------------------------------------------

_MOBILE = re.compile(r"0[35789][0-9]{8}")  # 10 digits since the 2018 renumbering
_LANDLINE = re.compile(r"02[0-9]{9}")  # 02x area code + subscriber number, 11 digits


def validate_phone(raw: object) -> Result:
    """Check a Vietnamese mobile or landline number; the value is E.164, "+84…".

    Accepts 0…, 84…, +84… and 0084…, with spaces, dots, dashes or parentheses anywhere.
    """
    text = as_text(raw)
    if not text:
        return EMPTY
    compact = _PHONE_SEPARATORS.sub("", text)
    international = compact.startswith("+")
    digits = compact[1:] if international else compact
    if not ASCII_DIGITS.fullmatch(digits):
        return invalid(
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
        return invalid(
            msg(N_("Nhập số điện thoại tại Việt Nam, bắt đầu bằng 0 hoặc +84. Ví dụ: 0912 345 678"))
        )
    if digits.startswith("84"):  # national numbers start with 0: this is the country code
        rest = digits[2:]
        # "+84 0912 345 678" is a common slip: the trunk 0 kept after the country code.
        national = rest if rest.startswith("0") else "0" + rest
    elif digits.startswith("0"):
        national = digits
    else:
        return invalid(msg(N_("Số điện thoại bắt đầu bằng số 0 hoặc +84. Ví dụ: 0912 345 678")))
    if _MOBILE.fullmatch(national) or _LANDLINE.fullmatch(national):
        return Result("+84" + national[1:])
    return invalid(_phone_problem(national))


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
        return "***" if as_text(value) else ""
    return f"+84 *** *** {number[-3:]}"


def format_phone(value: str | None) -> str:
    """Write a phone number as it is read aloud and printed: "0912 345 678" for a mobile,
    "024 3825 1234" for a landline, whatever way it was typed or stored ("+84912345678").

    Anything that is not a valid number is shown as it was typed (cleaned), never dropped.
    """
    number = validate_phone(value).value
    if not isinstance(number, str):
        return as_text(value)
    national = "0" + number[3:]
    if len(national) == 10:
        return f"{national[:4]} {national[4:7]} {national[7:]}"
    return f"{national[:3]} {national[3:7]} {national[7:]}"


def phone_last4(value: str | None) -> str:
    """Return the last 4 digits of a phone number (for look-ups), "" if there is none."""
    number = validate_phone(value).value
    return number[-4:] if isinstance(number, str) else ""
