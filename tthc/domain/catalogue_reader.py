"""Typed access to one table of a catalogue file, for ``catalogue_parser``: each fault a
``CatalogueError`` naming the procedure and the field's path."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from .catalogue_model import CatalogueError
from .tables import MISSING, TableReader


class Reader(TableReader):
    """Typed access to one TOML table, raising CatalogueError with the field's path."""

    dates_as_text = True

    def __init__(self, procedure: str, raw: Mapping[str, Any], prefix: str = ""):
        super().__init__(raw)
        self.procedure, self.prefix = procedure, prefix

    def fail(self, key: str, problem: str) -> CatalogueError:
        return CatalogueError(self.procedure, self.prefix + key, problem)

    def integer(self, key: str, *, minimum: int, maximum: int, default: Any = MISSING) -> Any:
        value = self.get(key, default)
        if value is None and default is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, "must be a whole number")
        if not minimum <= value <= maximum:
            raise self.fail(key, f"must be between {minimum} and {maximum}")
        return value

    def choices(self, key: str, allowed: Sequence[str]) -> list[str]:
        values = self.strings(key)
        for value in values:
            if value not in allowed:
                raise self.fail(key, f"{value!r} is not one of {', '.join(allowed)}")
        return values
