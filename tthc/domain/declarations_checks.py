"""Whether a declaration form fits a procedure's fields, and which form is in force."""

from __future__ import annotations

import datetime as dt
from typing import Mapping, Sequence

from .catalogue import Condition, FormField, Procedure
from .completeness import form_fields
from .declarations_model import DeclarationError, DeclarationForm, Line, Part


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
