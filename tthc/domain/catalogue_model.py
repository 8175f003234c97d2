"""The procedure catalogue's data classes: what a parsed catalogue file holds.

``Procedure`` and its papers, fee rules and form fields, with the conditions (``when``) that
select them; the sets of values the catalogue allows; ``in_force`` among a procedure's
versions. Parsing and checking a catalogue file is ``catalogue_parser``; the public names
of both are importable from ``catalogue``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any, Mapping, Sequence

from .text import fold

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
class Extension:
    """More time the law allows at reception for a stated reason (domain.md §5, §12 item 7):
    the officer picks it, the due date moves by ``working_days``; with ``appointment`` the
    receipt and appointment slip must then be given even for a same-day procedure."""

    key: str
    label_vi: str
    label_en: str
    working_days: int
    legal_basis: str
    appointment: bool = False


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
    competence_vi: str = ""  # who decides, and where the citizen applies (Cơ quan thực hiện)
    competence_en: str = ""
    sources: Mapping[str, str] = field(default_factory=dict)  # fact name → its own source
    extensions: tuple[Extension, ...] = ()  # more time the officer may give at reception

    def extension(self, key: str) -> Extension | None:
        """The extension named *key*, or None (not one this version allows)."""
        return next((e for e in self.extensions if e.key == key), None) if key else None

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


def in_force(versions: Sequence[Procedure], on: dt.date) -> Procedure | None:
    """The version of one procedure in force on *on*: the latest that started by then."""
    started = [v for v in versions if v.version <= on]
    return max(started, key=lambda v: v.version) if started else None
