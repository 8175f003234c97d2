"""The official declaration forms (tờ khai) as data: their layout, the checks, the filling.

A declarations file (TOML, see ``tthc/data/declarations.toml``) lists ``[[form]]`` tables.
Each form names the procedures it serves (by catalogue code), its title, legal basis,
``effective_from`` date, ``source`` and whether its wording was checked against the official
text (``verified``), its numbered footnotes (``notes``) and its ordered ``lines``. A line is
one of:

``text``        fixed wording (``text``; ``style`` bold, italic or center);
``addressee``   "Kính gửi:" (``label``), filled with the office's name;
``fields``      one or more ``parts`` on one printed line: a ``label`` bound to no field
                (left blank, to fill by hand), to a ``field`` or to several ``fields``
                (joined with ", "), printed by ``format``: text (as answered; a choice prints
                its Vietnamese label), date (dd/mm/yyyy), year, or date_words ("Ngày mười lăm,
                tháng ba, năm …"); an optional ``suffix`` ("bản") follows the value;
``choice``      a ``label`` and checkbox ``options`` (``value``, ``text``) ticked by the answer
                to ``field`` (a yes/no or choice field; none: all boxes left blank), with an
                optional ``count`` part ("Số lượng: … bản");
``table``       ``columns`` headings and ``rows`` (``label``, one field per further column, ""
                for a cell left blank): the two sides of a marriage declaration;
``commitment``  the declarant's commitment sentence (``text``);
``place_date``  "Làm tại: …, ngày … tháng … năm …" (``text``), completed when signing;
``signature``   ``signers`` (``title``, ``caption``, ``field`` whose answer is printed under
                the signature space).

Every line and part may carry ``note = N``: the footnote number printed after its label.
A form has exactly one addressee, commitment, place_date and signature line, and every note
is referred to. Any fault raises ``DeclarationError`` naming the form and the line, so a bad
file is refused whole. ``check_fields`` tells whether a form's field names exist in a
procedure (``completeness.form_fields``) and suit their use; ``fill`` turns a form and the
normalised answers into printable lines.

A dossier keeps the form in force on its date (``in_force``): the version with the latest
``effective_from`` not after that date, like the procedure versions of the catalogue.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, replace
from os import PathLike
from pathlib import Path
from typing import Any, Mapping, Sequence

from .catalogue import Condition, FormField, Procedure
from .completeness import form_fields
from .tables import MISSING, TableReader
from .words import date_in_words

DECLARATIONS_FILE = Path(__file__).resolve().parents[1] / "data" / "declarations.toml"
"""The declaration forms shipped with the app."""

KINDS = ("text", "addressee", "fields", "choice", "table", "commitment", "place_date",
         "signature")
ONCE = ("addressee", "commitment", "place_date", "signature")  # exactly one of each a form
FORMATS = ("text", "date", "year", "date_words")
STYLES = ("", "bold", "italic", "center")
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


# --- parsing ----------------------------------------------------------------------------------


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


# --- the procedure's fields -------------------------------------------------------------------


def check_fields(form: DeclarationForm, fields: Sequence[FormField]) -> None:
    """Raise DeclarationError unless every field the form reads exists in *fields* and suits
    its use: dates for date formats, yes/no or choice fields (with matching option values) for
    checkbox lines, a number for a count, never a yes/no field printed as text."""
    by_name = {f.name: f for f in fields}

    def known(where: str, key: str) -> FormField:
        if key not in by_name:
            raise DeclarationError(form.id, where, f"refers to an unknown field {key!r}")
        return by_name[key]

    for where, key in form.field_names():
        known(where, key)
    for number, line in enumerate(form.lines, 1):
        where = f"line {number}"
        for p, part in enumerate(line.parts, 1):
            _check_part(form, f"{where}, part {p}", part, by_name)
        for r, row in enumerate(line.rows, 1):
            for key in row.cells:
                if key and by_name[key].type == "bool":
                    raise DeclarationError(form.id, f"{where}, row {r}",
                                           f"{key!r} is a yes/no field: use a choice line")
        if line.count is not None:
            _check_part(form, f"{where}, count", line.count, by_name)
            if any(by_name[key].type != "int" for key in line.count.fields):
                raise DeclarationError(form.id, f"{where}, count", "must be a number field")
        if line.kind == "choice" and line.field:
            _check_options(form, where, line, by_name[line.field])
        if line.when is not None:
            _check_when(form, f"{where}, when", line.when, by_name)


def _check_part(form: DeclarationForm, where: str, part: Part,
                by_name: Mapping[str, FormField]) -> None:
    for key in part.fields:
        kind = by_name[key].type
        if kind == "bool":
            raise DeclarationError(form.id, where, f"{key!r} is a yes/no field: use a choice line")
        if part.format in ("date", "year", "date_words") and kind != "date":
            raise DeclarationError(form.id, where,
                                   f"format {part.format} needs a date field, {key!r} is {kind}")


def _check_options(form: DeclarationForm, where: str, line: Line, spec: FormField) -> None:
    if spec.type == "bool":
        if not all(isinstance(o.value, bool) for o in line.options):
            raise DeclarationError(form.id, where,
                                   f"{spec.name!r} is yes/no: option values are true or false")
    elif spec.type == "choice":
        offered = {v for v, _, _ in spec.choices}
        for option in line.options:
            if option.value not in offered:
                raise DeclarationError(form.id, where, f"{option.value!r} is not one of the "
                                       f"choices of {spec.name!r}: {', '.join(sorted(offered))}")
    else:
        raise DeclarationError(form.id, where,
                               f"a choice line reads a yes/no or choice field, not {spec.type}")


def _check_when(form: DeclarationForm, where: str, when: Condition,
                by_name: Mapping[str, FormField]) -> None:
    for key, values in when.equals.items():
        spec = by_name[key]
        for value in values:
            if spec.type == "bool" and not isinstance(value, bool):
                raise DeclarationError(form.id, where, f"{key!r} is yes/no: true or false")
            if spec.type == "choice" and value not in {v for v, _, _ in spec.choices}:
                raise DeclarationError(form.id, where,
                                       f"{value!r} is not one of the choices of {key!r}")
            if spec.type not in ("bool", "choice"):
                raise DeclarationError(form.id, where, f"{key!r}: a condition reads a yes/no "
                                       "or choice field")


def check_procedure(form: DeclarationForm, procedure: Procedure) -> None:
    """``check_fields`` against the procedure's whole form, the applicant's details first."""
    check_fields(form, form_fields(procedure))


def in_force(forms: Sequence[DeclarationForm], procedure_code: str,
             on: dt.date) -> DeclarationForm | None:
    """The form for *procedure_code* in force on *on*: the latest that started by then."""
    started = [f for f in forms if procedure_code in f.procedures and f.effective_from <= on]
    return max(started, key=lambda f: f.effective_from) if started else None


# --- filling ----------------------------------------------------------------------------------


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
