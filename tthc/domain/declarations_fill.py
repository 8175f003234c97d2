"""Filling a declaration form: its lines with the normalised answers printed in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from .catalogue import FormField
from .declarations_model import DeclarationForm, Line, Part
from .words import date_in_words


@dataclass(frozen=True)
class FilledPart:
    label: str
    value: str  # "" → printed as a dotted leader, to be completed by hand
    note: int | None = None
    suffix: str = ""


@dataclass(frozen=True)
class FilledOption:
    text: str
    checked: bool


@dataclass(frozen=True)
class FilledRow:
    label: str
    cells: tuple[str, ...]
    note: int | None = None


@dataclass(frozen=True)
class FilledSigner:
    title: str
    caption: str
    name: str


@dataclass(frozen=True)
class FilledLine:
    kind: str
    text: str = ""
    style: str = ""
    note: int | None = None
    parts: tuple[FilledPart, ...] = ()  # fields, addressee (one part)
    options: tuple[FilledOption, ...] = ()  # choice, after its text
    count: FilledPart | None = None  # choice
    columns: tuple[str, ...] = ()
    rows: tuple[FilledRow, ...] = ()
    signers: tuple[FilledSigner, ...] = ()


@dataclass(frozen=True)
class FilledForm:
    form: DeclarationForm
    lines: tuple[FilledLine, ...]


def fill(form: DeclarationForm, fields: Sequence[FormField], values: Mapping[str, Any], *,
         addressee: str = "") -> FilledForm:
    """The form's lines with the answers printed in: *values* are the normalised answers of
    the fields that apply (``CompletenessReport.values``); a field without a value, unknown
    or not applicable, prints blank. *addressee* is the office's name ("Kính gửi")."""
    by_name = {f.name: f for f in fields}
    return FilledForm(form, tuple(_fill_line(line, by_name, values, addressee)
                                  for line in form.lines))


def _fill_line(line: Line, by_name: Mapping[str, FormField], values: Mapping[str, Any],
               addressee: str) -> FilledLine:
    if line.when is not None and not line.when.holds(values):
        values = {}  # the line keeps its place, blank: the layout is the official form's

    def text_of(names: Sequence[str], fmt: str = "text") -> str:
        texts = [_format(by_name.get(key), values.get(key), fmt) for key in names if key]
        return ", ".join(t for t in texts if t)

    def part(p: Part) -> FilledPart:
        return FilledPart(p.label, text_of(p.fields, p.format), p.note, p.suffix)

    if line.kind == "addressee":
        return FilledLine(line.kind, parts=(FilledPart(line.text, addressee, line.note),))
    if line.kind == "fields":
        return FilledLine(line.kind, parts=tuple(part(p) for p in line.parts))
    if line.kind == "choice":
        answer = values.get(line.field) if line.field else None
        options = tuple(FilledOption(o.text, answer is not None and type(o.value) is
                                     type(answer) and o.value == answer)
                        for o in line.options)
        return FilledLine(line.kind, text=line.text, note=line.note, options=options,
                          count=part(line.count) if line.count else None)
    if line.kind == "table":
        rows = tuple(FilledRow(row.label, tuple(text_of([key]) for key in row.cells), row.note)
                     for row in line.rows)
        return FilledLine(line.kind, columns=line.columns, rows=rows)
    if line.kind == "signature":
        return FilledLine(line.kind, signers=tuple(
            FilledSigner(s.title, s.caption, text_of([s.field])) for s in line.signers))
    return FilledLine(line.kind, text=line.text, style=line.style, note=line.note)


def _format(spec: FormField | None, value: Any, fmt: str) -> str:
    """One answer as the form prints it; "" when there is nothing (or nothing sensible)."""
    if spec is None or value is None or value == "" or isinstance(value, bool):
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        if fmt == "year":
            return str(value.year)
        if fmt == "date_words":
            return date_in_words(value)
        return value.strftime("%d/%m/%Y")
    if isinstance(value, int) and spec.type == "date":  # a year alone (option year_alone)
        return str(value) if fmt in ("year", "text") else ""
    if fmt != "text":
        return ""
    if spec.type == "choice":
        return next((vi for v, vi, _ in spec.choices if v == value), "")
    if spec.type == "phone" and isinstance(value, str) and value.startswith("+84"):
        return "0" + value[3:]
    return str(value)
