"""The procedure catalogue as data: its shape, and the checks a data file must pass.

A catalogue file (TOML, see ``tthc/data/catalogue.toml``) is parsed into frozen
``Procedure`` values. Any fault raises ``CatalogueError`` naming the procedure and the
field, so that a bad file is refused whole and nothing is half-loaded.

Conditions (``when``) name form fields of the same procedure: a choice field is compared with
values it offers, a yes/no field with true/false, a date field with a window
``{ within_days = N }`` / ``{ after_days = N }`` counted back from today. A field's condition
reads only fields declared above it. How the rules are applied to answers lives in
``completeness`` (fields, papers) and ``fees`` (fee rules).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Mapping, Sequence

from .tables import MISSING, TableReader
from .text import clean, fold

FIELDS = ("chung-thuc", "ho-tich")  # lĩnh vực known to the ward; extend with the data
ONLINE_LEVELS = ("toan-trinh", "mot-phan", "none")
RETURN_CHANNELS = ("desk", "post", "online")
PAPER_FORMS = ("original", "copy", "certified_copy", "original_or_certified_copy", "show_original")
FEE_KINDS = ("free", "fixed", "per_page", "provincial")
FIELD_TYPES = ("text", "name", "date", "id_number", "phone", "email", "int", "choice", "bool", "textarea")
#: Validator options each field type accepts; ``default`` (any type) is what the form pre-fills.
FIELD_OPTIONS = {
    "date": ("not_future", "year_alone"),
    "int": ("minimum", "maximum"),
    "text": ("max_length",),
    "name": ("max_length",),
    "textarea": ("max_length",),
}
DATE_WINDOWS = ("within_days", "after_days")
_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
_NATIONAL_CODE = re.compile(r"^\d\.\d{6}$")
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,40}$")
_CUTOFF = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class CatalogueError(ValueError):
    """A catalogue file is wrong; the message names the procedure and the field."""

    def __init__(self, procedure: str, field_name: str, problem: str):
        self.procedure = procedure
        self.field = field_name
        self.problem = problem
        super().__init__(f"procedure {procedure!r}, field {field_name!r}: {problem}")


@dataclass(frozen=True)
class DateWindow:
    """A test on a date answer, counted in calendar days back from *today*.

    ``within``: holds when (today − date) ≤ days, e.g. "registered within 60 days of the
    birth" (a date in the future also counts as within). ``after``: holds when
    (today − date) > days. A missing or non-date answer holds neither.
    """

    kind: str  # "within" | "after"
    days: int

    def holds(self, value: Any, today: dt.date) -> bool:
        if isinstance(value, dt.datetime):
            value = value.date()
        if not isinstance(value, dt.date):
            return False
        elapsed = (today - value).days
        return elapsed <= self.days if self.kind == "within" else elapsed > self.days


@dataclass(frozen=True)
class Condition:
    """Applies when every named answer equals one of the listed values and every date
    answer named in ``windows`` falls in its window (see DateWindow)."""

    equals: Mapping[str, tuple[Any, ...]]
    windows: Mapping[str, DateWindow] = field(default_factory=dict)

    @property
    def names(self) -> tuple[str, ...]:
        """The field names this condition reads."""
        return tuple(self.equals) + tuple(k for k in self.windows if k not in self.equals)

    def holds(self, answers: Mapping[str, Any], *, today: dt.date | None = None) -> bool:
        if not all(answers.get(key) in values for key, values in self.equals.items()):
            return False
        if not self.windows:
            return True
        if isinstance(today, dt.datetime):
            today = today.date()
        if not isinstance(today, dt.date):
            today = dt.date.today()
        return all(window.holds(answers.get(key), today) for key, window in self.windows.items())


@dataclass(frozen=True)
class Paper:
    key: str
    name_vi: str
    name_en: str
    form: str
    quantity: int = 1
    required: bool = True
    when: Condition | None = None
    when_vi: str = ""
    when_en: str = ""
    note_vi: str = ""
    note_en: str = ""
    generated: bool = False  # the app fills this paper (the tờ khai) from the form's answers

    def applies(self, answers: Mapping[str, Any], *, today: dt.date | None = None) -> bool:
        return self.when is None or self.when.holds(answers, today=today)


@dataclass(frozen=True)
class FeeRule:
    kind: str
    amount: int | None = None  # VND; fixed amount, or per page for the first pages
    first_pages: int | None = None  # per_page: pages charged at ``amount``
    amount_after: int | None = None  # per_page: each later page
    cap_per_copy: int | None = None  # per_page: at most this much per copy
    when: Condition | None = None
    when_vi: str = ""
    when_en: str = ""
    wording_vi: str = ""  # the fee as the law words it
    legal_basis: str = ""
    unconfirmed: bool = False
    per: tuple[str, ...] = ()  # int fields whose answers multiply the amount (copies, documents)
    separate: bool = False  # charged on its own (copies, photocopying): an exemption keeps it

    @property
    def is_base(self) -> bool:
        """The rule that applies unless another says otherwise: no condition, not even text."""
        return self.when is None and not self.when_vi


@dataclass(frozen=True)
class FormField:
    name: str
    label_vi: str
    label_en: str
    type: str = "text"
    required: bool = True
    choices: tuple[tuple[str, str, str], ...] = ()  # (value, label_vi, label_en)
    when: Condition | None = None
    hint_vi: str = ""
    hint_en: str = ""
    group: str = ""
    options: Mapping[str, Any] = field(default_factory=dict)  # validator options, and default
    group_en: str = ""

    @property
    def default(self) -> str:
        """What the form pre-fills (e.g. nationality "Việt Nam"), or ""."""
        value = self.options.get("default", "")
        return value if isinstance(value, str) else ""

    @property
    def validator_options(self) -> dict[str, Any]:
        """The options to pass to the field type's validator (never ``default``)."""
        allowed = FIELD_OPTIONS.get(self.type, ())
        return {k: v for k, v in self.options.items() if k in allowed}


@dataclass(frozen=True)
class Procedure:
    code: str
    version: dt.date  # effective_from
    name_vi: str
    name_en: str
    field: str
    summary_vi: str
    summary_en: str
    legal_basis: tuple[str, ...]
    who_vi: str
    who_en: str
    result_vi: str
    result_en: str
    statutory_days: int  # working days; 0 = same day
    time_note_vi: str
    time_note_en: str
    monday_same_day: bool
    cutoff: str
    online_level: str
    return_channels: tuple[str, ...]
    papers: tuple[Paper, ...]
    fees: tuple[FeeRule, ...]
    fields: tuple[FormField, ...] = ()
    national_code: str = ""
    popularity: int = 0
    declaration_form: str = ""  # name of the official tờ khai, when the procedure has one
    source: str = ""
    unconfirmed: tuple[str, ...] = ()  # names of facts domain.md marks [U]

    @property
    def search_key(self) -> str:
        return fold(" ".join([self.name_vi, self.name_en, self.national_code, self.summary_vi]))

    @property
    def is_free(self) -> bool:
        return all(rule.kind == "free" for rule in self.fees if rule.when is None) and any(
            rule.kind == "free" and rule.when is None for rule in self.fees
        )

    def content_hash(self) -> str:
        """Fingerprint of everything the law says here, to load each version once."""
        payload = json.dumps(asdict(self), sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()


# ---- parsing -------------------------------------------------------------------------


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
    r = _Reader(name, raw)
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
    )
    if procedure.monday_same_day and procedure.statutory_days > 0:
        raise CatalogueError(name, "monday_same_day", "only for procedures decided the same day")
    known = {"statutory_days", "fees", "papers", "national_code", "cutoff", "monday_same_day"}
    known |= {f"papers.{p.key}" for p in papers} | {f"fees.{i}" for i in range(len(fees))}
    for fact in procedure.unconfirmed:
        if fact not in known and fact not in raw:
            raise CatalogueError(name, "unconfirmed", f"names no field of this procedure: {fact!r}")
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
    r = _Reader(name, raw, prefix=where + ".")
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
    r = _Reader(name, raw, prefix=where + ".")
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


def _parse_field(name: str, raw: Any, index: int) -> FormField:
    where = f"fields[{index}]"
    if not isinstance(raw, Mapping):
        raise CatalogueError(name, where, "must be a table")
    r = _Reader(name, raw, prefix=where + ".")
    kind = r.choice("type", FIELD_TYPES, default="text")
    choices: list[tuple[str, str, str]] = []
    for i, choice in enumerate(r.list("choices", required=False)):
        if not isinstance(choice, Mapping):
            raise CatalogueError(name, f"{where}.choices[{i}]", "must be a table")
        cr = _Reader(name, choice, prefix=f"{where}.choices[{i}].")
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


class _Reader(TableReader):
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


def in_force(versions: Sequence[Procedure], on: dt.date) -> Procedure | None:
    """The version of one procedure in force on *on*: the latest that started by then."""
    started = [v for v in versions if v.version <= on]
    return max(started, key=lambda v: v.version) if started else None
