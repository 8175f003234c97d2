"""What every field validator returns, and the small helpers they share (stdlib only)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from tthc.domain.i18n import Message
from tthc.domain.text import clean

__all__ = ["ASCII_DIGITS", "EMPTY", "Result", "as_text", "format_date", "invalid", "shown"]


@dataclass(frozen=True)
class Result:
    """Outcome of one validator: ``value`` is None when the input is empty or invalid."""

    value: object | None
    errors: tuple[Message, ...] = ()  # blocking problems
    warnings: tuple[Message, ...] = ()  # shown, but the value is still accepted

    @property
    def ok(self) -> bool:
        return not self.errors


EMPTY = Result(None)

# ``\d`` would also match digits of other scripts, which int() accepts but we never store.
ASCII_DIGITS = re.compile(r"[0-9]+")


def invalid(*errors: Message) -> Result:
    return Result(None, errors=errors)


def as_text(raw: object) -> str:
    """Return *raw* as cleaned text (NFC, no invisible characters, single spaces, trimmed)."""
    if raw is None:
        return ""
    if not isinstance(raw, str):
        try:
            raw = str(raw)
        except Exception:  # an object whose __str__ fails is no input at all
            return ""
    return clean(raw)


def shown(chars: list[str]) -> str:
    """List offending characters for a message; invisible ones as code points."""
    unique = list(dict.fromkeys(chars))[:5]
    return " ".join(ch if ch.isprintable() else f"U+{ord(ch):04X}" for ch in unique)


def format_date(value: date) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
