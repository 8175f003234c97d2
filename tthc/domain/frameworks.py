"""The legal framework of the one-stop desk as versioned data: decrees, forms and rules by date.

A framework version (``tthc/data/frameworks.toml``) is the set of texts in force from a day:
the decree and its amendments, the set of official forms (``tthc.domain.formsets``; its name
is the circular) and the desk's rules, each with the article it rests on (its *citation*) and
how that was checked (domain.md tags: V verified, S secondary source, U not verified). A rule
of a newer text that is not yet read carries over the values of an earlier version
(``carried_from``) and cites the newer text without an article; the tags and notes are for
the admin only.

A dossier follows the version in force on the day it is received (before reception: today).
The day a version takes effect may be unverified (tag U): the admin then sets it, and the
days the admin set (``dates``) replace those of the file, always in the file's order.
Any fault of the file raises ``FrameworkError`` naming the version, the rule and the field.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field, replace
from os import PathLike
from pathlib import Path
from typing import Any, Iterable, Mapping

from .i18n import N_
from .tables import TAGS, TableReader

FRAMEWORKS_FILE = Path(__file__).resolve().parents[1] / "data" / "frameworks.toml"

VERSION_FACTS = ("effective_from", "decree", "form_set")

#: The desk's rules every version states: key → (what it says, for the admin; its values and
#: their types). The app reads the citation of each, and the values where it has some.
RULES: Mapping[str, tuple[str, Mapping[str, type]]] = {
    "no_slip": (N_("Thủ tục trả kết quả ngay: không lập giấy tiếp nhận và hẹn trả kết quả, "
                   "trừ khi người nộp yêu cầu; vẫn cập nhật vào hệ thống"), {}),
    "cutoff": (N_("Chuyển hồ sơ trong ngày; tiếp nhận sau giờ chốt thì chuyển vào đầu giờ "
                  "ngày làm việc tiếp theo"), {"hour": str}),
    "supplement_once": (N_("Hướng dẫn bổ sung, hoàn thiện hồ sơ một lần, đầy đủ"), {}),
    "supplement_after_appraisal": (N_("Yêu cầu bổ sung sau thẩm định trong một số ngày làm "
                                      "việc kể từ ngày tiếp nhận; bổ sung đủ thì thời hạn giải "
                                      "quyết tính lại từ đầu"),
                                   {"working_days": int, "restart": bool}),
    "refusal_after_appraisal": (N_("Từ chối giải quyết sau thẩm định: thông báo bằng văn bản, "
                                   "nêu rõ lý do, trong thời hạn giải quyết"), {}),
    "apology": (N_("Xin lỗi và hẹn lại ngày trả kết quả: chậm nhất một số ngày trước ngày hết "
                   "hạn, có giới hạn số lần"), {"days_before": int, "times": int}),
    "early_return": (N_("Trả kết quả trước hạn: báo trước cho người nộp"), {}),
    "dossier_code": (N_("Cấu trúc mã hồ sơ"), {"pattern": str}),
}

#: What each value of a rule is, for the admin's page (msgids).
VALUE_LABELS: Mapping[str, str] = {
    "hour": N_("Giờ chốt"), "working_days": N_("Số ngày làm việc"),
    "restart": N_("Tính lại thời hạn từ đầu"), "days_before": N_("Số ngày trước ngày hết hạn"),
    "times": N_("Số lần tối đa"), "pattern": N_("Cấu trúc"),
}

_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{1,38}$")
_HOUR = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_TOP_KEYS = {"version"}
_VERSION_KEYS = {"key", "name", "decree", "decree_title", "amended_by", "form_set",
                 "effective_from", "checked", "source", "note_vi", "note_en", "rule"}
_RULE_KEYS = {"key", "citation", "checked", "values", "carried_from", "note_vi", "note_en"}


class FrameworkError(ValueError):
    """A framework file is wrong; the message names the version, the rule and the field."""

    def __init__(self, version: str, rule: str, field_name: str, problem: str):
        self.version, self.rule, self.field, self.problem = version, rule, field_name, problem
        where = f"version {version!r}" + (f", rule {rule!r}" if rule else "")
        super().__init__(f"{where}, field {field_name!r}: {problem}")


@dataclass(frozen=True)
class Rule:
    key: str
    citation: str
    checked: str
    values: Mapping[str, Any] = field(default_factory=dict)
    carried_from: str = ""
    note_vi: str = ""
    note_en: str = ""

    @property
    def summary(self) -> str:
        """What the rule says (a msgid: translate it where it is shown)."""
        return RULES[self.key][0]

    @property
    def verified(self) -> bool:
        return self.checked != "U"


@dataclass(frozen=True)
class Version:
    key: str
    name: str
    decree: str
    decree_title: str
    form_set: str
    effective_from: dt.date
    rules: tuple[Rule, ...]
    amended_by: tuple[str, ...] = ()
    checked: Mapping[str, str] = field(default_factory=dict)
    source: str = ""
    note_vi: str = ""
    note_en: str = ""
    #: The file's date when the admin set another (None: the file's date stands).
    file_date: dt.date | None = None
    #: The earliest day its set of forms can apply (the circular's date), if known.
    earliest: dt.date | None = None

    @property
    def unverified(self) -> tuple[str, ...]:
        """The facts of this version not checked against any source (tag U or untagged)."""
        return tuple(f for f in VERSION_FACTS if self.checked.get(f, "U") == "U")

    @property
    def date_editable(self) -> bool:
        """Whether the admin may set the day this version takes effect (it is unverified)."""
        return "effective_from" in self.unverified

    @property
    def cited_decree(self) -> str:
        """The decree with its amendments, as printed."""
        if not self.amended_by:
            return self.decree
        return f"{self.decree} ({', '.join(self.amended_by)})"

    def rule(self, key: str) -> Rule:
        for found in self.rules:
            if found.key == key:
                return found
        raise KeyError(key)

    def cite(self, key: str) -> str:
        """The citation of a rule, as officers and citizens read it."""
        return self.rule(key).citation

    def value(self, rule: str, name: str) -> Any:
        return self.rule(rule).values[name]


@dataclass(frozen=True)
class Frameworks:
    """Every version, in the order of their dates (the first serves any earlier day)."""

    versions: tuple[Version, ...]

    def get(self, key: str | None) -> Version | None:
        return next((v for v in self.versions if v.key == key), None) if key else None

    def __getitem__(self, key: str) -> Version:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(v.key for v in self.versions)

    def in_force(self, on: dt.date) -> Version:
        """The version in force on *on*: the last one that took effect by then."""
        found = self.versions[0]
        for version in self.versions:
            if version.effective_from <= on:
                found = version
        return found

    def date_problem(self, key: str, day: dt.date) -> str:
        """Why *key* cannot take effect on *day* ("" when it can), in English for logs:
        "unknown", "confirmed" (its date is verified), "before_forms" (before its circular
        exists), "too_early", "too_late" (not between the versions before and after it)."""
        found = self.get(key)
        if found is None:
            return "unknown"
        if not found.date_editable:
            return "confirmed"
        if found.earliest is not None and day < found.earliest:
            return "before_forms"
        index = self.versions.index(found)
        if index > 0 and day <= self.versions[index - 1].effective_from:
            return "too_early"
        if index + 1 < len(self.versions) and day >= self.versions[index + 1].effective_from:
            return "too_late"
        return ""

    def bounds(self, key: str) -> tuple[dt.date | None, dt.date | None]:
        """The dates of the versions before and after *key* (its date must fall between)."""
        index = self.keys.index(key)
        before = self.versions[index - 1].effective_from if index > 0 else None
        after = self.versions[index + 1].effective_from \
            if index + 1 < len(self.versions) else None
        return before, after

    def with_dates(self, dates: Mapping[str, dt.date]) -> Frameworks:
        """The versions with the days the admin set (unknown keys, verified dates and days
        out of order are ignored: the file's date stands)."""
        result = self
        for key in self.keys:
            day = dates.get(key)
            if isinstance(day, dt.date) and result.date_problem(key, day) == "":
                version = result[key]
                if day != version.effective_from:
                    changed = replace(version, effective_from=day,
                                      file_date=version.file_date or version.effective_from)
                    result = Frameworks(tuple(changed if v.key == key else v
                                              for v in result.versions))
        return result


def parse_frameworks(data: Mapping[str, Any],
                     form_sets: Mapping[str, dt.date] | Iterable[str]) -> Frameworks:
    """Parse and check a whole framework file; *form_sets* are the keys of the form sets, or
    each key with the earliest day its set can apply (a version cannot start before it)."""
    if not isinstance(data, Mapping):
        raise FrameworkError("?", "", "", "the file must be a table")
    for key in data:
        if key not in _TOP_KEYS:
            raise FrameworkError("?", "", key, "is not a key here (known: version)")
    raw_versions = data.get("version")
    if not isinstance(raw_versions, list) or not raw_versions:
        raise FrameworkError("?", "", "version", "at least one [[version]] is needed")
    earliest = dict(form_sets) if isinstance(form_sets, Mapping) else {}
    sets = tuple(form_sets)
    versions: list[Version] = []
    for index, raw in enumerate(raw_versions):
        version = _parse_version(raw, index, sets, versions)
        version = replace(version, earliest=earliest.get(version.form_set))
        if version.earliest is not None and version.effective_from < version.earliest:
            raise FrameworkError(version.key, "", "effective_from",
                                 f"must not be before its forms' day "
                                 f"({version.earliest.isoformat()})")
        if versions and version.effective_from <= versions[-1].effective_from:
            raise FrameworkError(version.key, "", "effective_from",
                                 f"must be after {versions[-1].key!r}'s "
                                 f"({versions[-1].effective_from.isoformat()}): list the "
                                 "versions in the order of their dates")
        versions.append(version)
    return Frameworks(tuple(versions))


def _parse_version(raw: Any, index: int, sets: tuple[str, ...],
                   earlier: list[Version]) -> Version:
    if not isinstance(raw, Mapping):
        raise FrameworkError(f"#{index + 1}", "", "", "must be a table")
    key = raw.get("key")
    if not isinstance(key, str) or not _KEY.match(key):
        raise FrameworkError(f"#{index + 1}", "", "key",
                             "must be a short identifier like 'nd118-2025'")
    if any(v.key == key for v in earlier):
        raise FrameworkError(key, "", "key", "is used by two versions")
    r = _Reader(key, "", raw)
    r.only(_VERSION_KEYS)
    checked = r.source_tags("checked", VERSION_FACTS)
    note_vi = r.text("note_vi", required=False)
    if "U" in [checked.get(f, "U") for f in VERSION_FACTS] and not note_vi:
        raise r.fail("note_vi", "must say what is not verified (a fact is tagged U)")
    form_set = r.text("form_set")
    if form_set not in sets:
        raise r.fail("form_set", f"must name a set of tthc/data/forms.toml ({', '.join(sets)})")
    raw_rules = r.list("rule")
    rules = [_parse_rule(key, raw_rule, i, earlier) for i, raw_rule in enumerate(raw_rules)]
    keys = [rule.key for rule in rules]
    for rule_key in RULES:
        if keys.count(rule_key) != 1:
            raise FrameworkError(key, rule_key, "rule", "every version states each rule once")
    return Version(
        key=key, name=r.text("name"), decree=r.text("decree"),
        decree_title=r.text("decree_title"), form_set=form_set,
        effective_from=r.date("effective_from"), rules=tuple(rules),
        amended_by=tuple(r.strings("amended_by", required=False)), checked=checked,
        source=r.text("source", required=False), note_vi=note_vi,
        note_en=r.text("note_en", required=False))


def _parse_rule(version: str, raw: Any, index: int, earlier: list[Version]) -> Rule:
    if not isinstance(raw, Mapping):
        raise FrameworkError(version, f"#{index + 1}", "", "must be a table")
    key = raw.get("key")
    if key not in RULES:
        raise FrameworkError(version, f"#{index + 1}", "key",
                             f"must be one of {', '.join(RULES)}")
    r = _Reader(version, key, raw)
    r.only(_RULE_KEYS)
    checked = r.choice("checked", TAGS)
    carried_from = r.text("carried_from", required=False)
    values = r.get("values", {})
    if not isinstance(values, Mapping):
        raise r.fail("values", "must be a table, e.g. { hour = \"15:00\" }")
    if carried_from:
        source = next((v for v in earlier if v.key == carried_from), None)
        if source is None:
            raise r.fail("carried_from", "must name an earlier version")
        values = {**source.rule(key).values, **values}
    elif checked == "U":
        raise r.fail("carried_from", "a rule not verified (U) carries over an earlier "
                     "version's rule: name it")
    note_vi = r.text("note_vi", required=False)
    if checked == "U" and not note_vi:
        raise r.fail("note_vi", "must say what is not verified (the rule is tagged U)")
    _check_values(r, key, values)
    return Rule(key=key, citation=r.text("citation"), checked=checked, values=dict(values),
                carried_from=carried_from, note_vi=note_vi,
                note_en=r.text("note_en", required=False))


def _check_values(r: _Reader, key: str, values: Mapping[str, Any]) -> None:
    expected = RULES[key][1]
    for name in values:
        if name not in expected:
            raise r.fail(f"values.{name}", f"is not a value of this rule "
                         f"({', '.join(expected) or 'it has none'})")
    for name, kind in expected.items():
        value = values.get(name)
        # bool is an int in Python: a count must not be true or false.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise r.fail(f"values.{name}", f"is missing or not a {kind.__name__}")
        if kind is int and value < 0:
            raise r.fail(f"values.{name}", "must not be negative")
    if "hour" in expected and not _HOUR.match(values["hour"]):
        raise r.fail("values.hour", "must be an hour like \"15:00\"")


class _Reader(TableReader):
    """Typed access to one table, raising FrameworkError with the version, rule and field."""

    def __init__(self, version: str, rule: str, raw: Mapping[str, Any]):
        super().__init__(raw)
        self.version, self.rule = version, rule

    def fail(self, key: str, problem: str) -> FrameworkError:
        return FrameworkError(self.version, self.rule, key, problem)


def load_frameworks_file(form_sets: Mapping[str, dt.date] | Iterable[str],
                         path: str | PathLike[str] = FRAMEWORKS_FILE) -> Frameworks:
    """Load a framework file in the format of ``tthc/data/frameworks.toml``."""
    with open(path, "rb") as fh:
        return parse_frameworks(tomllib.load(fh), form_sets)
