"""Parsing a declarations file (TOML) into ``DeclarationForm`` values.

Any fault raises ``DeclarationError`` naming the form and the line, so a bad file is refused
whole. The layout it reads is described in ``declarations``.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import replace
from os import PathLike
from pathlib import Path
from typing import Any, Mapping

from .catalogue import Condition
from .declarations_model import (FORMATS, KINDS, ONCE, STYLES, DeclarationError,
                                 DeclarationForm, Line, Option, Part, Row, Signer)
from .tables import MISSING, TableReader

DECLARATIONS_FILE = Path(__file__).resolve().parents[1] / "data" / "declarations.toml"
"""The declaration forms shipped with the app."""

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")  # form ids and procedure codes alike
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,40}$")
_LINE_KEYS = {
    "text": {"text", "style", "note"},
    "addressee": {"label", "note"},
    "fields": {"parts", "when"},
    "choice": {"label", "field", "options", "count", "note", "when"},
    "table": {"columns", "rows", "when"},
    "commitment": {"text"},
    "place_date": {"text"},
    "signature": {"signers", "when"},
}
_PART_KEYS = {"label", "field", "fields", "format", "note", "suffix"}
_FORM_KEYS = {"id", "procedures", "title", "legal_basis", "effective_from", "source",
              "verified", "unconfirmed", "notes", "lines"}


def load_declarations_file(path: str | PathLike[str] = DECLARATIONS_FILE
                           ) -> tuple[DeclarationForm, ...]:
    """Read and parse a declarations file; raise DeclarationError at the first fault."""
    with open(path, "rb") as fh:
        return parse_declarations(tomllib.load(fh))


def parse_declarations(data: Mapping[str, Any]) -> tuple[DeclarationForm, ...]:
    """Parse a whole declarations file; raise DeclarationError at the first fault."""
    if data.get("schema") != 1:
        raise DeclarationError("(file)", "schema", "must be 1")
    raw_forms = data.get("form")
    if not isinstance(raw_forms, list) or not raw_forms:
        raise DeclarationError("(file)", "form", "the file lists no [[form]]")
    forms = [parse_form(raw, index) for index, raw in enumerate(raw_forms)]
    versions: set[tuple[str, dt.date]] = set()
    served: dict[tuple[str, dt.date], str] = {}
    for form in forms:
        if (form.id, form.effective_from) in versions:
            raise DeclarationError(form.id, "effective_from", "the same version is listed twice")
        versions.add((form.id, form.effective_from))
        for code in form.procedures:
            other = served.setdefault((code, form.effective_from), form.id)
            if other != form.id:
                raise DeclarationError(form.id, "procedures", f"{code!r} already has form "
                                       f"{other!r} from {form.effective_from.isoformat()}")
    return tuple(forms)


def parse_form(raw: Any, index: int = 0) -> DeclarationForm:
    """Parse one ``[[form]]`` table."""
    if not isinstance(raw, Mapping):
        raise DeclarationError(f"#{index + 1}", "(table)", "must be a table")
    name = raw.get("id") if isinstance(raw.get("id"), str) and raw.get("id") else f"#{index + 1}"
    r = _Reader(name, raw, "")
    r.only(_FORM_KEYS)
    form_id = r.pattern("id", _ID, "lower-case letters, digits and dashes")
    procedures = tuple(r.strings("procedures"))
    for code in procedures:
        if not _ID.match(code):
            raise DeclarationError(name, "procedures", f"{code!r} is not a procedure code")
    if len(set(procedures)) != len(procedures):
        raise DeclarationError(name, "procedures", "names a procedure twice")
    notes = tuple(r.strings("notes", required=False))
    lines = tuple(_parse_line(name, item, number)
                  for number, item in enumerate(r.list("lines"), 1))
    form = DeclarationForm(
        id=form_id,
        procedures=procedures,
        title=r.text("title"),
        legal_basis=r.text("legal_basis"),
        effective_from=r.date("effective_from"),
        source=r.text("source"),
        lines=lines,
        notes=notes,
        verified=r.boolean("verified", default=False),
        unconfirmed=tuple(r.strings("unconfirmed", required=False)),
    )
    for kind in ONCE:
        count = sum(1 for line in lines if line.kind == kind)
        if count != 1:
            raise DeclarationError(name, "lines", f"needs exactly one {kind} line, has {count}")
    _check_notes(form)
    return form


def _check_notes(form: DeclarationForm) -> None:
    used: set[int] = set()
    for number, line in enumerate(form.lines, 1):
        refs = [line.note] + [p.note for p in line.parts] + [row.note for row in line.rows]
        refs += [line.count.note] if line.count is not None else []
        for ref in refs:
            if ref is None:
                continue
            if not 1 <= ref <= len(form.notes):
                raise DeclarationError(form.id, f"line {number}",
                                       f"note {ref} is not one of the {len(form.notes)} notes")
            used.add(ref)
    for ref in range(1, len(form.notes) + 1):
        if ref not in used:
            raise DeclarationError(form.id, f"notes[{ref - 1}]", f"note {ref} is never referred to")


def _parse_line(name: str, raw: Any, number: int) -> Line:
    line = _parse_line_body(name, raw, number)
    when = raw.get("when")
    if when is None:
        return line
    where = f"line {number}, when"
    if not isinstance(when, Mapping) or not when:
        raise DeclarationError(name, where, "a table of field = value (or list of values)")
    equals: dict[str, tuple[Any, ...]] = {}
    for key, value in when.items():
        values = tuple(value) if isinstance(value, list) else (value,)
        if not _KEY.match(str(key)) or not values or not all(
                isinstance(v, (str, bool)) for v in values):
            raise DeclarationError(name, where, f"{key!r}: a field name = text, true/false, or "
                                   "a list of them")
        equals[str(key)] = values
    return replace(line, when=Condition(equals))


def _parse_line_body(name: str, raw: Any, number: int) -> Line:
    where = f"line {number}"
    if not isinstance(raw, Mapping):
        raise DeclarationError(name, where, "must be a table")
    r = _Reader(name, raw, where)
    kind = r.choice("kind", KINDS)
    r.only(_LINE_KEYS[kind] | {"kind"})
    note = r.note("note")
    if kind in ("text", "commitment", "place_date"):
        return Line(kind, text=r.text("text"), style=r.choice("style", STYLES, default=""),
                    note=note)
    if kind == "addressee":
        return Line(kind, text=r.text("label"), note=note)
    if kind == "fields":
        items = r.list("parts")
        parts = tuple(_parse_part(name, item, f"{where}, part {p}")
                      for p, item in enumerate(items, 1))
        return Line(kind, parts=parts)
    if kind == "choice":
        options = []
        for o, item in enumerate(r.list("options"), 1):
            if not isinstance(item, Mapping):
                raise DeclarationError(name, f"{where}, option {o}", "must be a table")
            orr = _Reader(name, item, f"{where}, option {o}")
            orr.only({"value", "text"})
            value = orr.get("value")
            if not isinstance(value, (str, bool)):
                raise DeclarationError(name, f"{where}, option {o}", "value must be text or "
                                       "true/false")
            options.append(Option(value, orr.text("text")))
        if len(options) < 2:
            raise DeclarationError(name, where, "a choice line needs at least two options")
        field = r.field("field", required=False)
        count = raw.get("count")
        return Line(kind, text=r.text("label"), note=note, field=field, options=tuple(options),
                    count=None if count is None else _parse_part(name, count, f"{where}, count"))
    if kind == "table":
        columns = tuple(r.strings("columns"))
        if len(columns) < 2:
            raise DeclarationError(name, where, "a table needs a heading column and at least "
                                   "one more")
        rows = []
        for n, item in enumerate(r.list("rows"), 1):
            row_where = f"{where}, row {n}"
            if not isinstance(item, Mapping):
                raise DeclarationError(name, row_where, "must be a table")
            rr = _Reader(name, item, row_where)
            rr.only({"label", "fields", "note"})
            cells = rr.list("fields")
            if len(cells) != len(columns) - 1:
                raise DeclarationError(name, row_where, f"needs {len(columns) - 1} fields (\"\" "
                                       "for a blank cell), one per column")
            for cell in cells:
                if not isinstance(cell, str) or (cell and not _KEY.match(cell)):
                    raise DeclarationError(name, row_where, f"bad field name {cell!r}")
            rows.append(Row(rr.text("label"), tuple(cells), rr.note("note")))
        return Line(kind, columns=columns, rows=tuple(rows))
    # signature
    signers = []
    for s, item in enumerate(r.list("signers"), 1):
        if not isinstance(item, Mapping):
            raise DeclarationError(name, f"{where}, signer {s}", "must be a table")
        sr = _Reader(name, item, f"{where}, signer {s}")
        sr.only({"title", "caption", "field"})
        signers.append(Signer(sr.text("title"), sr.text("caption", required=False),
                              sr.field("field", required=False)))
    return Line(kind, signers=tuple(signers))


def _parse_part(name: str, raw: Any, where: str) -> Part:
    if not isinstance(raw, Mapping):
        raise DeclarationError(name, where, "must be a table")
    r = _Reader(name, raw, where)
    r.only(_PART_KEYS)
    if "field" in raw and "fields" in raw:
        raise DeclarationError(name, where, "give field or fields, not both")
    if "fields" in raw:
        fields = tuple(r.strings("fields"))
        for key in fields:
            if not _KEY.match(key):
                raise DeclarationError(name, where, f"bad field name {key!r}")
    else:
        single = r.field("field", required=False)
        fields = (single,) if single else ()
    part = Part(label=r.text("label", required=False), fields=fields,
                format=r.choice("format", FORMATS, default="text"), note=r.note("note"),
                suffix=r.text("suffix", required=False))
    if not part.label and not part.fields:
        raise DeclarationError(name, where, "a part needs a label, a field, or both")
    if part.format != "text" and len(part.fields) != 1:
        raise DeclarationError(name, where, f"format {part.format} reads exactly one field")
    return part


class _Reader(TableReader):
    """Typed access to one TOML table, raising DeclarationError with the form and the line."""

    def __init__(self, form: str, raw: Mapping[str, Any], where: str):
        super().__init__(raw)
        self.form, self.where = form, where

    def fail(self, key: str, problem: str) -> DeclarationError:
        where = f"{self.where}, {key}" if self.where else key
        return DeclarationError(self.form, where, problem)

    def field(self, key: str, required: bool = True) -> str:
        value = self.get(key, MISSING if required else "")
        if not isinstance(value, str) or (value and not _KEY.match(value)):
            raise self.fail(key, f"bad field name {value!r}")
        return value

    def note(self, key: str) -> int | None:
        value = self.get(key, None)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise self.fail(key, "must be a footnote number, 1 or more")
        return value
