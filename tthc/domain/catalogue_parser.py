"""Parsing a catalogue file (TOML) into ``Procedure`` values, checking every field.

Any fault raises ``CatalogueError`` naming the procedure and the field, so that a bad file
is refused whole and nothing is half-loaded. See ``catalogue`` for the conditions' rules.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Mapping, Sequence

from .catalogue_model import (
    DATE_WINDOWS,
    FEE_KINDS,
    FIELD_OPTIONS,
    FIELD_TYPES,
    FIELDS,
    ONLINE_LEVELS,
    PAPER_FORMS,
    RETURN_CHANNELS,
    CatalogueError,
    Condition,
    DateWindow,
    Extension,
    FeeRule,
    FormField,
    Paper,
    Procedure,
)
from .catalogue_reader import Reader
from .text import clean

_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
_NATIONAL_CODE = re.compile(r"^\d\.\d{6}$")
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,40}$")
_CUTOFF = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def parse_catalogue(data: Mapping[str, Any]) -> tuple[Procedure, ...]:
    """Parse a whole catalogue; raise CatalogueError at the first fault."""
    if data.get("schema") != 1:
        raise CatalogueError("(file)", "schema", "must be 1")
    raw_procedures = data.get("procedure")
    if not isinstance(raw_procedures, list) or not raw_procedures:
        raise CatalogueError("(file)", "procedure", "the file lists no [[procedure]]")
    procedures = [parse_procedure(raw, index) for index, raw in enumerate(raw_procedures)]
    seen: set[tuple[str, dt.date]] = set()
    for procedure in procedures:
        key = (procedure.code, procedure.version)
        if key in seen:
            raise CatalogueError(procedure.code, "version", "the same version is listed twice")
        seen.add(key)
    return tuple(procedures)


def parse_procedure(raw: Any, index: int = 0) -> Procedure:
    """Parse one ``[[procedure]]`` table."""
    if not isinstance(raw, Mapping):
        raise CatalogueError(f"#{index + 1}", "(table)", "must be a table")
    code = raw.get("code")
    name = code if isinstance(code, str) and code else f"#{index + 1}"
    r = Reader(name, raw)
    if not isinstance(code, str) or not _CODE.match(code):
        raise CatalogueError(name, "code", "lower-case letters, digits and dashes (2–63)")
    national_code = r.text("national_code", required=False)
    if national_code and not _NATIONAL_CODE.match(national_code):
        raise CatalogueError(name, "national_code", "looks like 2.000908")
    statutory_days = r.integer("statutory_days", minimum=0, maximum=90)
    papers = tuple(_parse_paper(name, item, i) for i, item in enumerate(r.list("papers")))
    _unique(name, "papers", [p.key for p in papers])
    fees = tuple(_parse_fee(name, item, i) for i, item in enumerate(r.list("fees")))
    fields = tuple(
        _parse_field(name, item, i) for i, item in enumerate(r.list("fields", required=False))
    )
    _unique(name, "fields", [f.name for f in fields])
    extensions = tuple(_parse_extension(name, item, i)
                       for i, item in enumerate(r.list("extensions", required=False)))
    _unique(name, "extensions", [e.key for e in extensions])
    procedure = Procedure(
        code=code,
        version=r.date("version"),
        name_vi=r.text("name_vi"),
        name_en=r.text("name_en"),
        field=r.choice("field", FIELDS),
        summary_vi=r.text("summary_vi"),
        summary_en=r.text("summary_en"),
        legal_basis=tuple(r.strings("legal_basis")),
        who_vi=r.text("who_vi"),
        who_en=r.text("who_en"),
        result_vi=r.text("result_vi"),
        result_en=r.text("result_en"),
        statutory_days=statutory_days,
        time_note_vi=r.text("time_note_vi", required=False),
        time_note_en=r.text("time_note_en", required=False),
        monday_same_day=r.boolean("monday_same_day"),
        cutoff=r.pattern("cutoff", _CUTOFF, "HH:MM, e.g. 15:00", default="15:00"),
        online_level=r.choice("online_level", ONLINE_LEVELS),
        return_channels=tuple(r.choices("return_channels", RETURN_CHANNELS)),
        papers=papers,
        fees=fees,
        fields=fields,
        national_code=national_code,
        popularity=r.integer("popularity", minimum=0, maximum=1000, default=0),
        declaration_form=r.text("declaration_form", required=False),
        source=r.text("source"),
        unconfirmed=tuple(r.strings("unconfirmed", required=False)),
        competence_vi=r.text("competence_vi", required=False),
        competence_en=r.text("competence_en", required=False),
        sources=_parse_sources(name, raw.get("sources", {})),
        extensions=extensions,
    )
    if bool(procedure.competence_vi) != bool(procedure.competence_en):
        raise CatalogueError(name, "competence_en", "competence_vi and competence_en go together")
    if not procedure.return_channels:
        raise CatalogueError(name, "return_channels", "name at least one channel")
    _unique(name, "return_channels", list(procedure.return_channels))
    if procedure.monday_same_day and procedure.statutory_days > 0:
        raise CatalogueError(name, "monday_same_day", "only for procedures decided the same day")
    known = {"statutory_days", "fees", "papers", "national_code", "cutoff", "monday_same_day"}
    known |= {f"papers.{p.key}" for p in papers} | {f"fees.{i}" for i in range(len(fees))}
    for fact in procedure.unconfirmed:
        if fact not in known and fact not in raw:
            raise CatalogueError(name, "unconfirmed", f"names no field of this procedure: {fact!r}")
    for fact in procedure.sources:
        if fact not in known and fact not in raw:
            raise CatalogueError(name, "sources", f"names no field of this procedure: {fact!r}")
    for i, f in enumerate(fields):
        # A field's condition reads only fields above it: the form is filled top down, and
        # the completeness check decides which fields apply in that order.
        _check_condition_refs(name, f"fields.{f.name}.when", f.when, fields, before=i)
    for p in papers:
        _check_condition_refs(name, f"papers.{p.key}.when", p.when, fields)
    for i, fee in enumerate(fees):
        _check_condition_refs(name, f"fees.{i}.when", fee.when, fields)
        _check_fee_fields(name, f"fees[{i}]", fee, fields)
    return procedure


def _parse_sources(name: str, raw: Any) -> dict[str, str]:
    """``sources = { fact = "where it comes from" }``: the source of one fact, beside the
    procedure's ``source``; a fact named in ``unconfirmed`` is not yet verified there."""
    if not isinstance(raw, Mapping):
        raise CatalogueError(name, "sources", "a table of fact = source text")
    sources: dict[str, str] = {}
    for fact, text in raw.items():
        if not isinstance(text, str) or not clean(text):
            raise CatalogueError(name, f"sources.{fact}", "must be non-empty text")
        sources[str(fact)] = clean(text)
    return sources


def _check_condition_refs(
    name: str,
    where: str,
    condition: Condition | None,
    fields: Sequence[FormField],
    before: int | None = None,
) -> None:
    if condition is None or not fields:
        return  # without form fields (catalogue only) conditions are descriptive text
    by_name = {f.name: f for f in fields}
    for key in condition.names:
        if key not in by_name:
            raise CatalogueError(name, where, f"refers to an unknown field {key!r}")
    if before is not None:
        earlier = {f.name for f in fields[:before]}
        for key in condition.names:
            if key not in earlier:
                raise CatalogueError(
                    name, where, f"may only refer to fields declared above it, not {key!r}"
                )
    for key, values in condition.equals.items():
        form_field = by_name[key]
        for value in values:
            problem = _condition_value_problem(form_field, value)
            if problem:
                raise CatalogueError(name, f"{where}.{key}", problem)
    for key in condition.windows:
        if by_name[key].type != "date":
            raise CatalogueError(
                name, f"{where}.{key}", "within_days / after_days apply only to a date field"
            )


def _condition_value_problem(form_field: FormField, value: Any) -> str:
    """Why *value* can never be an answer of *form_field*, or ""."""
    kind = form_field.type
    if kind == "choice":
        offered = [v for v, _, _ in form_field.choices]
        if value not in offered:
            return f"{value!r} is not one of the field's choices: {', '.join(offered)}"
    elif kind == "bool":
        if not isinstance(value, bool):
            return f"{value!r}: a yes/no field is compared with true or false"
    elif kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            return f"{value!r}: a number field is compared with a whole number"
    elif kind == "date":
        return "a date field takes { within_days = N } or { after_days = N }"
    elif not isinstance(value, str):
        return f"{value!r}: a text field is compared with text"
    return ""


def _check_fee_fields(name: str, where: str, fee: FeeRule, fields: Sequence[FormField]) -> None:
    if not fields:
        return
    types = {f.name: f.type for f in fields}
    for key in fee.per:
        if types.get(key) != "int":
            raise CatalogueError(
                name, where + ".per", f"{key!r} is not a number (int) field of this procedure"
            )
    if fee.kind == "per_page" and types.get("pages") != "int":
        raise CatalogueError(name, where, "per_page needs a number (int) field named 'pages'")


def _unique(name: str, where: str, keys: Sequence[str]) -> None:
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise CatalogueError(name, where, f"the key {key!r} is used twice")
        seen.add(key)


def _parse_condition(name: str, where: str, raw: Any) -> Condition | None:
    """``{ field = value }``, ``{ field = [values] }``, ``{ a_date = { within_days = N } }``."""
    if raw is None:
        return None
    if not isinstance(raw, Mapping) or not raw:
        raise CatalogueError(name, where, "a table of field = value (or list of values)")
    equals: dict[str, tuple[Any, ...]] = {}
    windows: dict[str, DateWindow] = {}
    for key, value in raw.items():
        if not _KEY.match(str(key)):
            raise CatalogueError(name, where, f"bad field name {key!r}")
        if isinstance(value, Mapping):
            windows[str(key)] = _parse_window(name, f"{where}.{key}", value)
        elif isinstance(value, list):
            if not value:
                raise CatalogueError(name, f"{where}.{key}", "lists no value")
            equals[str(key)] = tuple(value)
        else:
            equals[str(key)] = (value,)
    return Condition(equals, windows)


def _parse_window(name: str, where: str, raw: Mapping[str, Any]) -> DateWindow:
    if len(raw) != 1 or next(iter(raw)) not in DATE_WINDOWS:
        raise CatalogueError(name, where, "must be { within_days = N } or { after_days = N }")
    key, days = next(iter(raw.items()))
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= 36500:
        raise CatalogueError(name, f"{where}.{key}", "must be a whole number of days, 0–36500")
    return DateWindow("within" if key == "within_days" else "after", days)


def _parse_paper(name: str, raw: Any, index: int) -> Paper:
    where = f"papers[{index}]"
    if not isinstance(raw, Mapping):
        raise CatalogueError(name, where, "must be a table")
    r = Reader(name, raw, prefix=where + ".")
    return Paper(
        key=r.pattern("key", _KEY, "lower-case letters, digits and _"),
        name_vi=r.text("name_vi"),
        name_en=r.text("name_en"),
        form=r.choice("form", PAPER_FORMS),
        quantity=r.integer("quantity", minimum=1, maximum=20, default=1),
        required=r.boolean("required", default=True),
        when=_parse_condition(name, where + ".when", raw.get("when")),
        when_vi=r.text("when_vi", required=False),
        when_en=r.text("when_en", required=False),
        note_vi=r.text("note_vi", required=False),
        note_en=r.text("note_en", required=False),
        generated=r.boolean("generated", default=False),
    )


def _parse_fee(name: str, raw: Any, index: int) -> FeeRule:
    where = f"fees[{index}]"
    if not isinstance(raw, Mapping):
        raise CatalogueError(name, where, "must be a table")
    r = Reader(name, raw, prefix=where + ".")
    kind = r.choice("kind", FEE_KINDS)
    rule = FeeRule(
        kind=kind,
        amount=r.integer("amount", minimum=0, maximum=100_000_000, default=None),
        first_pages=r.integer("first_pages", minimum=1, maximum=1000, default=None),
        amount_after=r.integer("amount_after", minimum=0, maximum=100_000_000, default=None),
        cap_per_copy=r.integer("cap_per_copy", minimum=0, maximum=100_000_000, default=None),
        when=_parse_condition(name, where + ".when", raw.get("when")),
        when_vi=r.text("when_vi", required=False),
        when_en=r.text("when_en", required=False),
        wording_vi=r.text("wording_vi"),
        legal_basis=r.text("legal_basis"),
        unconfirmed=r.boolean("unconfirmed", default=False),
        per=tuple(r.strings("per", required=False)),
        separate=r.boolean("separate", default=False),
    )
    for key in rule.per:
        if not _KEY.match(key):
            raise CatalogueError(name, where + ".per", f"bad field name {key!r}")
    if len(set(rule.per)) != len(rule.per):
        raise CatalogueError(name, where + ".per", "names a field twice")
    if kind == "free" and (rule.per or rule.separate):
        raise CatalogueError(name, where, "a free rule has no per and is not separate")
    if kind == "fixed" and rule.amount is None:
        raise CatalogueError(name, where + ".amount", "a fixed fee needs an amount")
    if kind == "per_page" and None in (rule.amount, rule.first_pages, rule.amount_after):
        raise CatalogueError(name, where, "per_page needs amount, first_pages and amount_after")
    if kind == "free" and rule.amount:
        raise CatalogueError(name, where + ".amount", "a free rule has no amount")
    return rule


def _parse_extension(name: str, raw: Any, index: int) -> Extension:
    """``{ key, label_vi, label_en, working_days, legal_basis, appointment }``."""
    where = f"extensions[{index}]"
    if not isinstance(raw, Mapping):
        raise CatalogueError(name, where, "must be a table")
    r = Reader(name, raw, prefix=where + ".")
    r.only({"key", "label_vi", "label_en", "working_days", "legal_basis", "appointment"})
    return Extension(key=r.pattern("key", _KEY, "lower-case letters, digits and _"),
                     label_vi=r.text("label_vi"), label_en=r.text("label_en"),
                     working_days=r.integer("working_days", minimum=1, maximum=30),
                     legal_basis=r.text("legal_basis"),
                     appointment=r.boolean("appointment", default=False))


def _parse_field(name: str, raw: Any, index: int) -> FormField:
    where = f"fields[{index}]"
    if not isinstance(raw, Mapping):
        raise CatalogueError(name, where, "must be a table")
    r = Reader(name, raw, prefix=where + ".")
    kind = r.choice("type", FIELD_TYPES, default="text")
    choices: list[tuple[str, str, str]] = []
    for i, choice in enumerate(r.list("choices", required=False)):
        if not isinstance(choice, Mapping):
            raise CatalogueError(name, f"{where}.choices[{i}]", "must be a table")
        cr = Reader(name, choice, prefix=f"{where}.choices[{i}].")
        choices.append((cr.text("value"), cr.text("label_vi"), cr.text("label_en")))
    if kind == "choice" and not choices:
        raise CatalogueError(name, where + ".choices", "a choice field needs choices")
    options = raw.get("options", {})
    if not isinstance(options, Mapping):
        raise CatalogueError(name, where + ".options", "must be a table")
    allowed = FIELD_OPTIONS.get(kind, ())
    for key, value in options.items():
        if key == "default":
            if not isinstance(value, str) or not clean(value):
                raise CatalogueError(name, f"{where}.options.default", "must be non-empty text")
            if kind == "choice" and value not in [v for v, _, _ in choices]:
                raise CatalogueError(
                    name, f"{where}.options.default", f"{value!r} is not one of the choices"
                )
        elif key not in allowed:
            raise CatalogueError(
                name,
                f"{where}.options.{key}",
                f"not an option of a {kind} field (allowed: {', '.join(allowed + ('default',))})",
            )
        elif key in ("not_future", "year_alone") and not isinstance(value, bool):
            raise CatalogueError(name, f"{where}.options.{key}", "must be true or false")
        elif key not in ("not_future", "year_alone") and (
                isinstance(value, bool) or not isinstance(value, int)):
            raise CatalogueError(name, f"{where}.options.{key}", "must be a whole number")
    return FormField(
        name=r.pattern("name", _KEY, "lower-case letters, digits and _"),
        label_vi=r.text("label_vi"),
        label_en=r.text("label_en"),
        type=kind,
        required=r.boolean("required", default=True),
        choices=tuple(choices),
        when=_parse_condition(name, where + ".when", raw.get("when")),
        hint_vi=r.text("hint_vi", required=False),
        hint_en=r.text("hint_en", required=False),
        group=r.text("group", required=False),
        options=dict(options),
        group_en=r.text("group_en", required=False),
    )
