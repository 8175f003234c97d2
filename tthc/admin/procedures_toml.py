"""Writing catalogue data back as TOML, in the shape of tthc/data/catalogue.toml.

No TOML writer is installed (tomllib only reads), so this writes the small subset the
catalogue uses: text, whole numbers, true/false, dates, lists, inline tables and arrays of
tables. Whatever it writes, ``tomllib`` reads back to the same values (tested).
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from typing import Any, Mapping

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f",
            "\r": "\\r"}
#: Keys stored as ISO text in the database's JSON and written as TOML dates.
DATE_KEYS = ("version",)


def key(name: str) -> str:
    return name if _BARE_KEY.match(name) else string(name)


def string(text: str) -> str:
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def value(item: Any, name: str = "") -> str:
    """One value written inline (a table as ``{ a = 1 }``, a list on one line)."""
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, int):
        return str(item)
    if isinstance(item, float):
        return repr(item)
    if isinstance(item, (dt.date, dt.datetime)):
        return item.isoformat()
    if isinstance(item, str):
        if name in DATE_KEYS and _is_iso_date(item):
            return item
        return string(item)
    if isinstance(item, Mapping):
        if not item:
            return "{}"
        return "{ " + ", ".join(f"{key(k)} = {value(v, k)}" for k, v in item.items()) + " }"
    if isinstance(item, (list, tuple)):
        return "[" + ", ".join(value(v) for v in item) + "]"
    raise TypeError(f"cannot write {type(item).__name__} as TOML")


def _is_iso_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def _is_table_list(item: Any) -> bool:
    return isinstance(item, list) and bool(item) and all(isinstance(v, Mapping) for v in item)


def _long_list(name: str, items: list) -> str:
    """A list of texts or tables one item a line, as the catalogue file writes them."""
    return f"{key(name)} = [\n" + "".join(f"  {value(v)},\n" for v in items) + "]\n"


def table(data: Mapping[str, Any], path: str = "") -> str:
    """The body of one table: its plain keys, then its arrays of tables as ``[[path.key]]``."""
    lines = []
    for name, item in data.items():
        if item is None or _is_table_list(item):
            continue
        if isinstance(item, list) and len(item) > 1 and len(value(item)) > 90:
            lines.append(_long_list(name, item))
        else:
            lines.append(f"{key(name)} = {value(item, name)}\n")
    for name, item in data.items():
        if _is_table_list(item):
            full = f"{path}.{key(name)}" if path else key(name)
            for entry in item:
                lines.append(f"\n[[{full}]]\n")
                lines.append(table(entry, full))
    return "".join(lines)


def catalogue(procedures: list[Mapping[str, Any]], header: str = "") -> str:
    """A whole catalogue file: ``schema = 1`` and one ``[[procedure]]`` per version."""
    parts = [header, "schema = 1\n"]
    for raw in procedures:
        parts.append("\n[[procedure]]\n")
        parts.append(table(raw, "procedure"))
    return "".join(parts)


def inline(data: Mapping[str, Any] | None) -> str:
    """A condition (``when``) as the one-line table an officer edits, or ""."""
    return value(data) if data else ""


def read_inline(text: str) -> Any:
    """Read a one-line TOML value (``{ has_copies = true }``); raise tomllib.TOMLDecodeError."""
    return tomllib.loads(f"v = {text.strip()}")["v"]


def read(text: str) -> dict[str, Any]:
    """Read a TOML snippet (a section of keys and arrays of tables)."""
    return tomllib.loads(text)
