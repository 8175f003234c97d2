"""The official declaration forms' (tờ khai) layout as data classes.

A ``DeclarationForm`` is an ordered tuple of ``Line`` values (see ``declarations`` for the
kinds of line); ``DeclarationError`` names the form and the line of a fault. Parsing a file is
``declarations_parser``, the checks against a procedure's fields ``declarations_checks``,
the filling ``declarations_fill``; every public name is importable from ``declarations``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .catalogue import Condition

KINDS = ("text", "addressee", "fields", "choice", "table", "commitment", "place_date",
         "signature")
ONCE = ("addressee", "commitment", "place_date", "signature")  # exactly one of each a form
FORMATS = ("text", "date", "year", "date_words")
STYLES = ("", "bold", "italic", "center")


class DeclarationError(ValueError):
    """A declarations file is wrong; the message names the form and the line."""

    def __init__(self, form: str, where: str, problem: str):
        self.form = form
        self.where = where
        self.problem = problem
        super().__init__(f"form {form!r}, {where}: {problem}")


@dataclass(frozen=True)
class Part:
    label: str
    fields: tuple[str, ...] = ()  # none: left blank, to be completed by hand
    format: str = "text"
    note: int | None = None
    suffix: str = ""


@dataclass(frozen=True)
class Option:
    value: str | bool
    text: str


@dataclass(frozen=True)
class Row:
    label: str
    cells: tuple[str, ...]  # one field name per column after the first; "" = blank
    note: int | None = None


@dataclass(frozen=True)
class Signer:
    title: str
    caption: str = ""
    field: str = ""  # the answer printed under the signature space (the signer's name)


@dataclass(frozen=True)
class Line:
    kind: str
    text: str = ""  # text, commitment, place_date; the label of addressee and choice
    style: str = ""
    note: int | None = None
    parts: tuple[Part, ...] = ()  # fields
    field: str = ""  # choice
    options: tuple[Option, ...] = ()  # choice
    count: Part | None = None  # choice
    columns: tuple[str, ...] = ()  # table
    rows: tuple[Row, ...] = ()  # table
    signers: tuple[Signer, ...] = ()  # signature
    when: Condition | None = None  # answers print only when it holds (else the line is blank)


@dataclass(frozen=True)
class DeclarationForm:
    id: str
    procedures: tuple[str, ...]  # catalogue codes
    title: str
    legal_basis: str
    effective_from: dt.date
    source: str
    lines: tuple[Line, ...]
    notes: tuple[str, ...] = ()  # footnotes, numbered from 1
    verified: bool = False  # wording checked word for word against the official text
    unconfirmed: tuple[str, ...] = ()  # what is still to check ("effective_from", "lines"…)

    def field_names(self) -> tuple[tuple[str, str], ...]:
        """Every (where, field name) the form reads, in order."""
        found: list[tuple[str, str]] = []
        for number, line in enumerate(self.lines, 1):
            where = f"line {number}"
            for p, part in enumerate(line.parts, 1):
                found += [(f"{where}, part {p}", name) for name in part.fields]
            if line.field:
                found.append((where, line.field))
            if line.count is not None:
                found += [(f"{where}, count", name) for name in line.count.fields]
            for r, row in enumerate(line.rows, 1):
                found += [(f"{where}, row {r}", name) for name in row.cells if name]
            for s, signer in enumerate(line.signers, 1):
                if signer.field:
                    found.append((f"{where}, signer {s}", signer.field))
            if line.when is not None:
                found += [(f"{where}, when", name) for name in line.when.names]
        return tuple(found)
