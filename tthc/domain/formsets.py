"""The official forms of the one-stop desk as versioned data: sets of forms, their checks.

A form set is one circular's set of forms (TT 01/2018/TT-VPCP, TT 03/2025/TT-VPCP…), read
from ``tthc/data/forms.toml``. Each form has a number ("01"), a Vietnamese title, the kind of
document it is for the app (receipt, supplement…), a paper size, and how each of these facts
was checked (domain.md tags: V verified, S secondary source, U not verified). Any fault raises
``FormSetError`` naming the set and the form, so a bad file is refused whole.

Which set is in force on a day is the legal framework's (``tthc.domain.frameworks``); which
set a dossier prints is the one it recorded (``tthc.desk.formsets``). The templates are one
per kind: a set changes the number, title, printed legal basis and paper of a document, never
its template.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any, Mapping

from .tables import TableReader

FORMS_FILE = Path(__file__).resolve().parents[1] / "data" / "forms.toml"

#: The documents of the desk, by kind.
RECEIPT, SUPPLEMENT, REFUSAL, APOLOGY, STOP, CONTROL, LEDGER = (
    "receipt", "supplement", "refusal", "apology", "stop", "control", "ledger")
KINDS = (RECEIPT, SUPPLEMENT, REFUSAL, APOLOGY, STOP, CONTROL, LEDGER)
#: The kinds every set must have, once: the app's actions produce them.
PRODUCED = (RECEIPT, SUPPLEMENT, REFUSAL, APOLOGY, CONTROL, LEDGER)
#: Kinds the app can produce where a set has them: ``stop`` (Thông báo dừng giải quyết hồ
#: sơ) exists only in TT 03/2025; under a set without it, processing cannot be stopped.
OPTIONAL = (STOP,)
PAPERS = ("A5", "A4")
SET_FACTS = ("effective_from", "legal_basis")
FORM_FACTS = ("number", "title", "paper", "content")

_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{1,38}$")
_NUMBER = re.compile(r"^\d{2}$")
_SET_KEYS = {"key", "name", "legal_basis", "printed_basis", "effective_from", "source",
             "checked", "note_vi", "note_en", "form"}
_FORM_KEYS = {"number", "kind", "title_vi", "title_en", "paper", "produced", "checked",
              "note_vi", "note_en"}
_TOP_KEYS = {"unrecorded", "set"}


class FormSetError(ValueError):
    """A form-set file is wrong; the message names the set, the form and the field."""

    def __init__(self, set_key: str, form: str, field_name: str, problem: str):
        self.set_key, self.form, self.field, self.problem = set_key, form, field_name, problem
        where = f"set {set_key!r}" + (f", form {form!r}" if form else "")
        super().__init__(f"{where}, field {field_name!r}: {problem}")


@dataclass(frozen=True)
class OfficialForm:
    number: str
    kind: str
    title_vi: str
    title_en: str
    paper: str
    produced: bool = True
    checked: Mapping[str, str] = field(default_factory=dict)
    note_vi: str = ""
    note_en: str = ""

    @property
    def unverified(self) -> tuple[str, ...]:
        """The facts of this form not checked against any source (tag U or untagged)."""
        return tuple(f for f in FORM_FACTS if self.checked.get(f, "U") == "U")


@dataclass(frozen=True)
class FormSet:
    key: str
    name: str
    legal_basis: str
    printed_basis: str
    effective_from: dt.date
    forms: tuple[OfficialForm, ...]
    source: str = ""
    checked: Mapping[str, str] = field(default_factory=dict)
    note_vi: str = ""
    note_en: str = ""

    @property
    def unverified(self) -> tuple[str, ...]:
        return tuple(f for f in SET_FACTS if self.checked.get(f, "U") == "U")

    @property
    def any_unverified(self) -> bool:
        """Whether a fact of the set or of one of its forms is not verified (tag U)."""
        return bool(self.unverified) or any(f.unverified for f in self.forms)

    def form(self, kind: str) -> OfficialForm:
        """The form of this set for a kind of document (every set has the produced kinds)."""
        for found in self.forms:
            if found.kind == kind:
                return found
        raise KeyError(kind)

    def has(self, kind: str) -> bool:
        return any(f.kind == kind for f in self.forms)

    def by_number(self, number: str) -> OfficialForm | None:
        return next((f for f in self.forms if f.number == number), None)


@dataclass(frozen=True)
class FormSets:
    """Every set of the file and the set of dossiers that recorded none."""

    sets: tuple[FormSet, ...]
    unrecorded: str

    def get(self, key: str | None) -> FormSet | None:
        return next((s for s in self.sets if s.key == key), None) if key else None

    def __getitem__(self, key: str) -> FormSet:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.sets)

    def for_dossier(self, recorded: str | None) -> FormSet:
        """The set a dossier prints: the one it recorded; TT 01/2018 when it recorded none."""
        return self.get(recorded) or self[self.unrecorded]


def parse_formsets(data: Mapping[str, Any]) -> FormSets:
    """Parse and check a whole form-set file (a TOML document as a dict)."""
    if not isinstance(data, Mapping):
        raise FormSetError("?", "", "", "the file must be a table")
    for key in data:
        if key not in _TOP_KEYS:
            raise FormSetError("?", "", key,
                               f"is not a key here (known: {', '.join(sorted(_TOP_KEYS))})")
    raw_sets = data.get("set")
    if not isinstance(raw_sets, list) or not raw_sets:
        raise FormSetError("?", "", "set", "at least one [[set]] is needed")
    sets = tuple(parse_set(raw, index) for index, raw in enumerate(raw_sets))
    keys = [s.key for s in sets]
    for key in keys:
        if keys.count(key) > 1:
            raise FormSetError(key, "", "key", "is used by two sets")
    value = data.get("unrecorded")
    if not isinstance(value, str) or value not in keys:
        raise FormSetError(str(value), "", "unrecorded", f"must name a set ({', '.join(keys)})")
    return FormSets(sets, value)


def parse_set(raw: Any, index: int = 0) -> FormSet:
    if not isinstance(raw, Mapping):
        raise FormSetError(f"#{index + 1}", "", "", "must be a table")
    key = raw.get("key")
    if not isinstance(key, str) or not _KEY.match(key):
        raise FormSetError(f"#{index + 1}", "", "key",
                           "must be a short identifier like 'tt01-2018'")
    r = _Reader(key, "", raw)
    r.only(_SET_KEYS)
    checked = r.source_tags("checked", SET_FACTS)
    note_vi = r.text("note_vi", required=False)
    if "U" in [checked.get(f, "U") for f in SET_FACTS] and not note_vi:
        raise r.fail("note_vi", "must say what is not verified (a fact is tagged U)")
    raw_forms = r.get("form")
    if not isinstance(raw_forms, list) or not raw_forms:
        raise r.fail("form", "at least one [[set.form]] is needed")
    forms = tuple(_parse_form(key, raw_form, i) for i, raw_form in enumerate(raw_forms))
    for attribute, name in (("number", "number"), ("kind", "kind")):
        values = [getattr(f, attribute) for f in forms]
        for value in values:
            if values.count(value) > 1:
                raise FormSetError(key, value, name, f"two forms have the {name} {value!r}")
    kinds = {f.kind for f in forms}
    for kind in PRODUCED:
        if kind not in kinds:
            raise FormSetError(key, "", "form", f"has no form of kind {kind!r}, which the app "
                               "prints")
    return FormSet(
        key=key, name=r.text("name"), legal_basis=r.text("legal_basis"),
        printed_basis=r.text("printed_basis"), effective_from=r.date("effective_from"),
        forms=tuple(sorted(forms, key=lambda f: f.number)), source=r.text("source", False),
        checked=checked, note_vi=note_vi, note_en=r.text("note_en", required=False))


def _parse_form(set_key: str, raw: Any, index: int) -> OfficialForm:
    if not isinstance(raw, Mapping):
        raise FormSetError(set_key, f"#{index + 1}", "", "must be a table")
    number = raw.get("number")
    if not isinstance(number, str) or not _NUMBER.match(number):
        raise FormSetError(set_key, f"#{index + 1}", "number",
                           'must be two digits in quotes, e.g. "01"')
    r = _Reader(set_key, number, raw)
    r.only(_FORM_KEYS)
    kind = r.choice("kind", KINDS)
    produced = r.boolean("produced", default=True)
    if produced and kind not in PRODUCED + OPTIONAL:
        raise r.fail("produced", f"the app has no action for kind {kind!r} yet: set "
                     "produced = false")
    checked = r.source_tags("checked", FORM_FACTS)
    note_vi = r.text("note_vi", required=False)
    if "U" in [checked.get(f, "U") for f in FORM_FACTS] and not note_vi:
        raise r.fail("note_vi", "must say what is not verified (a fact is tagged U)")
    return OfficialForm(
        number=number, kind=kind, title_vi=r.text("title_vi"), title_en=r.text("title_en"),
        paper=r.choice("paper", PAPERS), produced=produced, checked=checked, note_vi=note_vi,
        note_en=r.text("note_en", required=False))


class _Reader(TableReader):
    """Typed access to one table, raising FormSetError with the set, form and field."""

    def __init__(self, set_key: str, form: str, raw: Mapping[str, Any]):
        super().__init__(raw)
        self.set_key, self.form = set_key, form

    def fail(self, key: str, problem: str) -> FormSetError:
        return FormSetError(self.set_key, self.form, key, problem)


def load_formsets_file(path: str | PathLike[str] = FORMS_FILE) -> FormSets:
    """Load a form-set file in the format of ``tthc/data/forms.toml``."""
    with open(path, "rb") as fh:
        return parse_formsets(tomllib.load(fh))
