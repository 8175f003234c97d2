"""A version's ``[[procedure]]`` table to the form's data, and the posted form back to the
table the catalogue's parser checks (``to_raw``); the buttons that add, move and remove rows.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from typing import Any, Mapping

from flask_babel import lazy_gettext as _l

from ..domain.catalogue import RETURN_CHANNELS
from . import procedures_toml as toml
from .procedures_forms import (EXTENSION_FLAGS, EXTENSION_TEXT, FEE_FLAGS, FEE_INTS, FEE_TEXT,
                               FIELD_FLAGS, FIELD_TEXT, INT_KEYS, KNOWN_KEYS, LINE_KEYS,
                               OPTIONAL_KEYS, PAPER_FLAGS, PAPER_TEXT, TEXT_KEYS, VersionForm)


@dataclass(frozen=True)
class RowKind:
    """How one kind of row (papers, fees, extensions) maps to its tables in the file."""

    texts: tuple[str, ...]  # fields typed as text, in file order
    flags: tuple[str, ...]  # check boxes
    ints: tuple[str, ...] = ()  # texts read as whole numbers
    written: tuple[str, ...] = ()  # texts written even when empty (the parser says if needed)
    always: tuple[str, ...] = ()  # flags written even when they have their default value
    defaults: Mapping[str, Any] = None  # what a new row, or a missing key, shows

    def default(self, key: str) -> Any:
        return (self.defaults or {}).get(key)


ROWS = {
    "papers": RowKind(PAPER_TEXT, PAPER_FLAGS, ints=("quantity",),
                      written=("key", "name_vi", "name_en", "form"), always=("required",),
                      defaults={"quantity": 1, "required": True}),
    "fees": RowKind(FEE_TEXT, FEE_FLAGS, ints=FEE_INTS,
                    written=("kind", "wording_vi", "legal_basis"), defaults={"kind": "free"}),
    "extensions": RowKind(EXTENSION_TEXT, EXTENSION_FLAGS, ints=("working_days",),
                          written=("key", "label_vi", "label_en", "legal_basis")),
    "fields": RowKind(FIELD_TEXT, FIELD_FLAGS, written=("name", "label_vi", "label_en", "type"),
                      defaults={"type": "text", "required": True}),
}
CHOICE_KEYS = ("value", "label_vi", "label_en")


#: Texts the list's columns hold (tthc.models.catalogue): longer ones are refused here.
COLUMN_SIZES = {"name_vi": 300, "name_en": 300}


# --- a stored version → the form's data ----------------------------------------------------


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def form_data(raw: Mapping[str, Any], effective_from: dt.date | None) -> dict[str, Any]:
    """The form's data for the [[procedure]] table *raw*, dated *effective_from*."""
    data: dict[str, Any] = {"effective_from": effective_from.strftime("%d/%m/%Y")
                            if effective_from else ""}
    for key in TEXT_KEYS:
        value = raw.get(key)
        if key in LINE_KEYS:
            data[key] = "\n".join(value or ())
        elif key == "return_channels":
            data[key] = list(value or ())
        elif key == "monday_same_day":
            data[key] = bool(value)
        else:
            data[key] = _text(value)
    for table, kind in ROWS.items():
        data[table] = [row_data(kind, item) for item in raw.get(table) or ()]
    extra = {k: v for k, v in raw.items() if k not in KNOWN_KEYS}
    data["extra_toml"] = toml.table(extra) if extra else ""
    return data


def row_data(kind: RowKind, raw: Mapping[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for key in kind.texts:
        value = raw.get(key, kind.default(key))
        if key in ("when", "options"):
            row[key] = toml.inline(value)
        elif key == "choices":
            row[key] = "\n".join(" | ".join(_text(c.get(k)) for k in CHOICE_KEYS)
                                 for c in value or ())
        elif key == "per":
            row[key] = ", ".join(value or ())
        else:
            row[key] = _text(value)
    for key in kind.flags:
        row[key] = bool(raw.get(key, kind.default(key)))
    # Keys this page has no field for (added to the catalogue later) are kept as TOML.
    more = {k: v for k, v in raw.items() if k not in kind.texts and k not in kind.flags}
    row["more"] = toml.table(more) if more else ""
    return row


# --- the posted form → a [[procedure]] table ------------------------------------------------


class Typing:
    """Faults found while reading the form's text into values, before the file's rules."""

    def __init__(self):
        self.errors: dict[str, str] = {}

    def add(self, field_id: str, message: str) -> None:
        self.errors.setdefault(field_id, str(message))


def parse_date(text: str) -> dt.date | None:
    """A date typed as dd/mm/yyyy (or yyyy-mm-dd), or None."""
    text = text.strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _integer(text: str, field_id: str, typing: Typing) -> int | None:
    text = (text or "").strip().replace(".", "")
    if not text:
        return None
    if not re.fullmatch(r"-?\d{1,12}", text):
        typing.add(field_id, _l("Nhập một số nguyên, ví dụ 3."))
        return None
    return int(text)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _when(text: str, field_id: str, typing: Typing) -> Any:
    """A condition or options table typed on one line, as in the file."""
    try:
        return toml.read_inline(text)
    except tomllib.TOMLDecodeError:
        typing.add(field_id, _l("Viết dạng { tên = giá_trị }, ví dụ { has_copies = true }."))
        return None


def _choices(text: str, field_id: str, typing: Typing) -> list[dict[str, str]]:
    """A choice field's choices, one a line: value | Vietnamese label | English label."""
    choices = []
    for line in _lines(text):
        parts = [part.strip() for part in line.split("|")]
        if len(parts) != len(CHOICE_KEYS):
            typing.add(field_id, _l("Mỗi dòng ghi: giá trị | nhãn tiếng Việt | nhãn tiếng Anh."))
            return []
        choices.append(dict(zip(CHOICE_KEYS, parts)))
    return choices


def to_raw(form: VersionForm, code: str, effective_from: dt.date | None,
           typing: Typing) -> dict[str, Any]:
    """The [[procedure]] table the posted form describes, for the catalogue's parser."""
    raw: dict[str, Any] = {"code": code}
    if effective_from is not None:
        raw["version"] = effective_from.isoformat()
    for key in TEXT_KEYS:
        field = form[key]
        if key in LINE_KEYS:
            lines = _lines(field.data)
            if lines or key == "legal_basis":
                raw[key] = lines
        elif key in INT_KEYS:
            number = _integer(field.data, key, typing)
            if number is not None:
                raw[key] = number
        elif key == "monday_same_day":
            raw[key] = bool(field.data)
        elif key == "return_channels":
            raw[key] = [c for c in RETURN_CHANNELS if c in (field.data or ())]
        else:
            text = (field.data or "").strip()
            if key in COLUMN_SIZES and len(text) > COLUMN_SIZES[key]:
                typing.add(key, _l("Tối đa %(n)d ký tự.", n=COLUMN_SIZES[key]))
            if text or key not in OPTIONAL_KEYS:
                raw[key] = text
    raw.update(_more(form.extra_toml.data, "extra_toml", KNOWN_KEYS, typing))
    for table, kind in ROWS.items():
        rows = [_row(kind, entry.form, entry.id, typing) for entry in form[table]]
        if rows or table in ("papers", "fees"):  # lists the file requires
            raw[table] = rows
    return raw


def _more(text: str, field_id: str, known, typing: Typing) -> dict[str, Any]:
    """Keys typed as TOML for which the page has no field (none that it has)."""
    if not (text or "").strip():
        return {}
    try:
        extra = toml.read(text)
    except tomllib.TOMLDecodeError as error:
        typing.add(field_id, _l("Không đọc được nội dung TOML: %(error)s", error=str(error)))
        return {}
    doubled = [k for k in extra if k in known]
    if doubled:
        typing.add(field_id, _l("Mục %(key)s có ô riêng trên trang này; sửa ở ô đó.",
                                key=doubled[0]))
        return {}
    return extra


def _row(kind: RowKind, row, prefix: str, typing: Typing) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    for key in kind.texts:
        text = (row[key].data or "").strip()
        if key in kind.ints:
            number = _integer(text, f"{prefix}-{key}", typing)
            if number is not None:
                raw[key] = number
        elif key == "per":
            names = [n.strip() for n in text.split(",") if n.strip()]
            if names:
                raw[key] = names
        elif key in ("when", "options"):
            value = _when(text, f"{prefix}-{key}", typing) if text else None
            if value is not None:
                raw[key] = value
        elif key == "choices":
            choices = _choices(text, f"{prefix}-choices", typing)
            if choices:
                raw[key] = choices
        elif text or key in kind.written:
            raw[key] = text
    for key in kind.flags:
        value = bool(row[key].data)
        if value != bool(kind.default(key)) or key in kind.always:
            raw[key] = value
    raw.update(_more(row.more.data, f"{prefix}-more", kind.texts + kind.flags, typing))
    return raw


# --- the buttons that add, remove and move rows ------------------------------------------

ROW_ACTION = re.compile(r"^(add|remove|up|down)_(paper|fee|extension|field)(?::(\d{1,3}))?$")


def row_action(form: VersionForm) -> tuple[dict[str, Any], str] | None:
    """The form's data after an add/remove/move button, and the id of the row it moved
    (or ""); None when it was not such a button.

    The data is read back from the posted form, changed, and shown again: nothing typed is
    lost, and the page works the same with JavaScript off.
    """
    match = ROW_ACTION.match(form.action.data or "")
    if match is None:
        return None
    verb, table, index = match.group(1), match.group(2) + "s", match.group(3)
    data = dict(form.data)
    rows = list(data[table])
    i = int(index) if index is not None else None
    moved = ""
    if verb == "add":
        rows.append(row_data(ROWS[table], {}))
    elif i is not None and 0 <= i < len(rows):
        if verb == "remove":
            rows.pop(i)
        elif verb == "up" and i > 0:
            rows[i - 1], rows[i] = rows[i], rows[i - 1]
            moved = f"{table}-{i - 1}"
        elif verb == "down" and i + 1 < len(rows):
            rows[i + 1], rows[i] = rows[i], rows[i + 1]
            moved = f"{table}-{i + 1}"
    data[table] = rows
    data.pop("action", None)
    data.pop("csrf_token", None)
    return data, moved
