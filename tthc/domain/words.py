"""Numbers and dates in Vietnamese words, as civil-status forms write them.

A birth declaration asks for the date of birth "ghi bằng chữ" (in words):
15/03/2024 → "Ngày mười lăm, tháng ba, năm hai nghìn không trăm hai mươi bốn".

The reading rules: 1 after a tens word of 20 or more is "mốt" (21 "hai mươi mốt"), 5 after
any tens word is "lăm" (15 "mười lăm", 25 "hai mươi lăm"), a zero tens digit between hundreds
and units is "linh" (105 "một trăm linh năm", the northern usage; the south says "lẻ"), and
a zero hundreds digit after thousands is said ("hai nghìn không trăm mười"). 4 after a tens
word is "bốn" ("hai mươi bốn"; "tư" is also heard, "bốn" is the written form). Months are
"tháng một" to "tháng mười hai" with April as "tháng tư", the only usual spelling.
"""

from __future__ import annotations

import datetime as dt

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_MONTHS = ("một", "hai", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười", "mười một",
           "mười hai")


def number_in_words(number: int) -> str:
    """Return 0–9999 in Vietnamese words: 2005 → "hai nghìn không trăm linh năm"."""
    if isinstance(number, bool) or not isinstance(number, int) or not 0 <= number <= 9999:
        raise ValueError(f"a whole number from 0 to 9999, not {number!r}")
    if number == 0:
        return _DIGITS[0]
    thousands, rest = divmod(number, 1000)
    words: list[str] = []
    if thousands:
        words += [_DIGITS[thousands], "nghìn"]
    if rest:
        words += _below_thousand(rest, after_thousands=bool(thousands))
    return " ".join(words)


def _below_thousand(number: int, *, after_thousands: bool) -> list[str]:
    hundreds, rest = divmod(number, 100)
    tens, units = divmod(rest, 10)
    spoken_hundreds = bool(hundreds) or after_thousands
    words: list[str] = [_DIGITS[hundreds], "trăm"] if spoken_hundreds else []
    if tens == 0:
        if units:
            words += (["linh"] if spoken_hundreds else []) + [_DIGITS[units]]
    else:
        words += ["mười"] if tens == 1 else [_DIGITS[tens], "mươi"]
        if units == 1 and tens > 1:
            words.append("mốt")
        elif units == 5:
            words.append("lăm")
        elif units:
            words.append(_DIGITS[units])
    return words


def date_in_words(value: dt.date) -> str:
    """Return a date as forms write it in words: "Ngày một, tháng tư, năm hai nghìn …"."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        raise ValueError(f"a date, not {value!r}")
    return (f"Ngày {number_in_words(value.day)}, tháng {_MONTHS[value.month - 1]}, "
            f"năm {number_in_words(value.year)}")
