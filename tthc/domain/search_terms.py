"""The words citizens use, as data: synonyms of the ward's procedures, and where to go for
what the ward does not do (tthc/data/search_terms.toml).

``[[synonym]]`` ties phrases ("khaisinh", "sao y", "giấy xác nhận độc thân") to a procedure
code. ``[[elsewhere]]`` answers phrases of procedures another office handles ("cccd",
"hộ khẩu") with a plain message saying where to go. Phrases are stored folded (no
diacritics, đ → d, lower case) as tuples of words, the form search compares. Any fault
raises ``SearchTermsError`` naming the table and the key, so a bad file is refused whole.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

from .tables import TableReader
from .text import clean, fold

TERMS_FILE = Path(__file__).resolve().parent.parent / "data" / "search_terms.toml"

_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
_WORD = re.compile(r"\w+(?:\.\w+)*")
MAX_PHRASE_WORDS = 8


class SearchTermsError(ValueError):
    """The search terms file is wrong; the message names the table and the key."""

    def __init__(self, where: str, key: str, problem: str):
        self.where, self.key, self.problem = where, key, problem
        super().__init__(f"{where}, {key!r}: {problem}")


def words(text: str | None) -> tuple[str, ...]:
    """The folded words of *text*: "Đăng ký, kết hôn" → ("dang", "ky", "ket", "hon")."""
    return tuple(_WORD.findall(fold(text)))


@dataclass(frozen=True)
class Synonym:
    procedure: str
    phrases: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Elsewhere:
    """A procedure the ward does not handle, and where the citizen goes instead."""

    key: str
    phrases: tuple[tuple[str, ...], ...]
    title_vi: str
    title_en: str
    message_vi: str
    message_en: str
    source: str
    unconfirmed: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchTerms:
    synonyms: tuple[Synonym, ...] = ()
    elsewhere: tuple[Elsewhere, ...] = ()

    def phrases_for(self, procedure: str) -> tuple[tuple[str, ...], ...]:
        """Every synonym phrase of one procedure, in file order."""
        return tuple(p for s in self.synonyms if s.procedure == procedure for p in s.phrases)


class _Reader(TableReader):
    def __init__(self, where: str, raw: Mapping[str, Any]):
        super().__init__(raw)
        self.where = where

    def fail(self, key: str, problem: str) -> SearchTermsError:
        return SearchTermsError(self.where, key, problem)

    def phrases(self, key: str = "words") -> tuple[tuple[str, ...], ...]:
        values = self.strings(key)
        if not values:
            raise self.fail(key, "lists no phrase")
        found: list[tuple[str, ...]] = []
        for value in values:
            phrase = words(clean(value))
            if not phrase:
                raise self.fail(key, f"{value!r} has no letter or digit")
            if len(phrase) > MAX_PHRASE_WORDS:
                raise self.fail(key, f"{value!r} is longer than {MAX_PHRASE_WORDS} words")
            if phrase in found:
                raise self.fail(key, f"{value!r} is listed twice (accents and case ignored)")
            found.append(phrase)
        return tuple(found)


def parse_terms(data: Mapping[str, Any], known_codes: Iterable[str] | None = None) -> SearchTerms:
    """Check and parse the whole file; with *known_codes*, a synonym must name one of them."""
    if not isinstance(data, Mapping):
        raise SearchTermsError("(file)", "(table)", "must be a table")
    top = _Reader("(file)", data)
    top.only({"schema", "synonym", "elsewhere"})
    if data.get("schema") != 1:
        raise SearchTermsError("(file)", "schema", "must be 1")
    known = set(known_codes) if known_codes is not None else None
    synonyms = tuple(_synonym(i, raw, known) for i, raw in enumerate(top.list("synonym")))
    elsewhere = tuple(_elsewhere(i, raw) for i, raw in enumerate(top.list("elsewhere")))
    _check_no_clash(synonyms, elsewhere)
    return SearchTerms(synonyms, elsewhere)


def load_terms(path: str | Path = TERMS_FILE, known_codes: Iterable[str] | None = None) -> SearchTerms:
    """Read and parse a search terms file; SearchTermsError on any fault, syntax included."""
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except tomllib.TOMLDecodeError as error:
        raise SearchTermsError("(file)", "(syntax)", str(error)) from None
    return parse_terms(data, known_codes)


def _table(kind: str, index: int, raw: Any) -> _Reader:
    where = f"{kind}[{index}]"
    if not isinstance(raw, Mapping):
        raise SearchTermsError(where, "(table)", "must be a table")
    return _Reader(where, raw)


def _synonym(index: int, raw: Any, known: set[str] | None) -> Synonym:
    r = _table("synonym", index, raw)
    r.only({"procedure", "words"})
    code = r.pattern("procedure", _CODE, "a procedure code such as dang-ky-khai-sinh")
    if known is not None and code not in known:
        raise r.fail("procedure", f"{code!r} is not a procedure of the catalogue")
    return Synonym(code, r.phrases())


def _elsewhere(index: int, raw: Any) -> Elsewhere:
    r = _table("elsewhere", index, raw)
    allowed = {"key", "words", "title_vi", "title_en", "message_vi", "message_en", "source",
               "unconfirmed"}
    r.only(allowed)
    unconfirmed = tuple(r.strings("unconfirmed", required=False))
    for fact in unconfirmed:
        if fact not in allowed - {"unconfirmed", "key"}:
            raise r.fail("unconfirmed", f"names no key of this table: {fact!r}")
    return Elsewhere(
        key=r.pattern("key", _CODE, "lower-case letters, digits and dashes"),
        phrases=r.phrases(),
        title_vi=r.text("title_vi"),
        title_en=r.text("title_en"),
        message_vi=r.text("message_vi"),
        message_en=r.text("message_en"),
        source=r.text("source"),
        unconfirmed=unconfirmed,
    )


def _check_no_clash(synonyms: tuple[Synonym, ...], elsewhere: tuple[Elsewhere, ...]) -> None:
    """A phrase leads one way: to procedures of the ward, or to one other office."""
    owner: dict[tuple[str, ...], str] = {}
    for i, entry in enumerate(elsewhere):
        for phrase in entry.phrases:
            if phrase in owner:
                raise SearchTermsError(f"elsewhere[{i}]", "words",
                                       f"{' '.join(phrase)!r} is already used by {owner[phrase]}")
            owner[phrase] = f"elsewhere {entry.key!r}"
    for i, synonym in enumerate(synonyms):
        for phrase in synonym.phrases:
            if owner.get(phrase, "").startswith("elsewhere"):
                raise SearchTermsError(f"synonym[{i}]", "words",
                                       f"{' '.join(phrase)!r} is already used by {owner[phrase]}")
