"""Translatable messages without a dependency on Flask-Babel.

Domain code marks user-facing text with ``N_`` so that ``pybabel extract`` finds it, and
returns ``Message`` values; the web layer translates them at render time with
``gettext(message.text, **message.params)`` (see ``tthc.i18n.render_message``).
Source strings are Vietnamese, the primary language; the English catalogue translates them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping


def N_(text: str) -> str:
    """Mark *text* for extraction; translation happens later, where the locale is known."""
    return text


@dataclass(frozen=True)
class Message:
    text: str
    params: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def __str__(self) -> str:  # untranslated, for logs and tests
        return self.text % dict(self.params) if self.params else self.text


def msg(text: str, **params: Any) -> Message:
    """Build a Message; *text* must already be marked with N_ at its literal."""
    return Message(text, MappingProxyType(params))
