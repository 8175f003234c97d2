"""Typed access to one table of a data file (TOML), for the parsers of the catalogue, the
declaration forms and the form sets.

A parser wraps each table it reads in a subclass of :class:`TableReader` whose ``fail``
builds the parser's own error, naming its procedure, form or set and the key at fault; the
reader checks one value at a time and raises that error. A subclass adds the checks only its
file needs.
"""

from __future__ import annotations

import abc
import datetime as dt
import re
from typing import Any, Mapping, Sequence

from .text import clean

TAGS = ("V", "S", "U")
"""How a fact was checked (domain.md): verified, secondary source, not verified."""

MISSING: Any = object()
"""The default of a required key: ``get`` refuses a table without it."""


class TableReader(abc.ABC):
    """Typed access to one table; every fault is raised as ``self.fail(key, problem)``."""

    dates_as_text = False
    """Whether ``date`` also takes an ISO date in quotes ("2025-07-01"), not only a TOML date."""

    def __init__(self, raw: Mapping[str, Any]):
        self.raw = raw

    @abc.abstractmethod
    def fail(self, key: str, problem: str) -> Exception:
        """The error to raise for *key*: its problem, with where the table is."""

    def only(self, allowed: set[str]) -> None:
        """Refuse a key of the table not in *allowed* (a typo would be silently ignored)."""
        for key in self.raw:
            if key not in allowed:
                raise self.fail(key, f"is not a key here (known: {', '.join(sorted(allowed))})")

    def get(self, key: str, default: Any = MISSING) -> Any:
        if key in self.raw:
            return self.raw[key]
        if default is MISSING:
            raise self.fail(key, "is missing")
        return default

    def text(self, key: str, required: bool = True) -> str:
        value = self.get(key, MISSING if required else "")
        if not isinstance(value, str):
            raise self.fail(key, "must be text")
        value = clean(value)
        if required and not value:
            raise self.fail(key, "must not be empty")
        return value

    def pattern(self, key: str, regex: re.Pattern[str], hint: str, default: Any = MISSING) -> str:
        value = self.get(key, default)
        if not isinstance(value, str) or not regex.match(value):
            raise self.fail(key, f"must be {hint}")
        return value

    def boolean(self, key: str, default: Any = MISSING) -> bool:
        value = self.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(key, "must be true or false")
        return value

    def date(self, key: str) -> dt.date:
        value = self.get(key)
        if self.dates_as_text and isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                value = None
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raise self.fail(key, "must be a date, e.g. 2025-07-01")
        return value

    def source_tags(self, key: str, facts: Sequence[str]) -> dict[str, str]:
        """``key = { fact = "V" }``: how each of *facts* was checked (one of ``TAGS``)."""
        value = self.get(key, {})
        if not isinstance(value, Mapping):
            raise self.fail(key, f"must be a table, e.g. {{ {facts[0]} = \"V\" }}")
        for fact, tag in value.items():
            if fact not in facts:
                raise self.fail(f"{key}.{fact}", f"is not one of {', '.join(facts)}")
            if tag not in TAGS:
                raise self.fail(f"{key}.{fact}", "must be V (verified), S (secondary source) "
                                "or U (not verified)")
        return dict(value)

    def choice(self, key: str, allowed: Sequence[str], default: Any = MISSING) -> str:
        value = self.get(key, default)
        if value not in allowed:
            shown = ", ".join(a or '""' for a in allowed)
            raise self.fail(key, f"must be one of {shown}")
        return value

    def list(self, key: str, required: bool = True) -> list[Any]:
        """A list; when not *required*, it may be missing (then empty) or empty."""
        value = self.get(key, MISSING if required else [])
        if not isinstance(value, list) or (required and not value):
            raise self.fail(key, "must be a non-empty list" if required else "must be a list")
        return value

    def strings(self, key: str, required: bool = True) -> list[str]:
        values = self.list(key, required=required)
        if not all(isinstance(v, str) and v.strip() for v in values):
            raise self.fail(key, "must be a list of non-empty texts")
        return [clean(v) for v in values]
