"""Vietnamese text: normalisation for storage and folding for search."""

from __future__ import annotations

import re
import unicodedata

# Control and zero-width characters never belong in what a citizen types into a form.
_INVISIBLE = re.compile(r"[\u0000-\u0008\u000e-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
_SPACES = re.compile(r"\s+")


def nfc(value: str) -> str:
    """Return *value* in NFC, the form stored everywhere (macOS and some IMEs send NFD)."""
    return unicodedata.normalize("NFC", value)


def clean(value: str | None) -> str:
    """NFC, without control or zero-width characters, trimmed, with single spaces."""
    if not value:
        return ""
    # NFC again once the invisible characters are gone: "A\x1f\u0300" becomes "A\u0300",
    # which composes to "À" only now (else cleaning a cleaned value would change it).
    value = nfc(_INVISIBLE.sub("", nfc(value)))
    return _SPACES.sub(" ", value).strip()


def fold(value: str | None) -> str:
    """Return the search key of *value*: lower case, no diacritics, đ mapped to d.

    NFD splits a letter from its marks, so "hoà" and "hòa" (two placements of the same
    tone mark) fold to the same key; đ and Đ have no decomposition and are mapped by hand.
    """
    if not value:
        return ""
    value = unicodedata.normalize("NFD", clean(value).casefold())
    value = "".join(ch for ch in value if unicodedata.category(ch) != "Mn")
    return value.replace("đ", "d").replace("Đ", "d")


#: What a checkbox, a "có/không" answer or a "1" from a button means, folded (có → co).
_YES = frozenset({"1", "true", "on", "yes", "y", "co"})


def is_yes(value: object) -> bool:
    """Whether a posted or stored yes/no answer says yes: the one place that decides it."""
    return isinstance(value, str) and fold(value) in _YES
