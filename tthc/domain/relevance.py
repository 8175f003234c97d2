"""How well a procedure answers a search: a deterministic score, relevance first.

Every text is compared folded (no diacritics, đ → d, lower case) and word by word. The tiers,
best first:

6. EXACT: the query is the procedure's whole name (or its national code).
5. NAME_PHRASE: the query's words stand together, in order, in the name ("ket hon" in
   "Đăng ký kết hôn"); written without spaces too ("khaisinh" = "khai" + "sinh").
4. NAME_WORDS: every word of the query is in the name, in any order.
3. TEXT_PHRASE: the query stands together in the summary or in a synonym phrase of the
   procedure ("sao y", "giấy xác nhận độc thân").
2. TEXT_WORDS: every word of the query is in the name, summary, code or synonyms.
1. SYNONYM: a synonym phrase of the procedure stands in a longer query ("sao y cccd");
   the other query words found in the procedure's text break ties between such matches.

A procedure in no tier is not a result. Within a tier, more query words found come first,
then the more used procedure, then the name. The last word of the query may be unfinished
(the list updates as one types): it matches the start of a word once it has two letters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence, TypeVar

from .search_terms import words

EXACT, NAME_PHRASE, NAME_WORDS, TEXT_PHRASE, TEXT_WORDS, SYNONYM = 6, 5, 4, 3, 2, 1

Phrase = tuple[str, ...]
T = TypeVar("T")


@dataclass(frozen=True)
class Entry:
    """What search compares of one procedure, already split into folded words."""

    item: object  # what the caller gets back (a stored procedure version)
    names: tuple[Phrase, ...]  # the Vietnamese name, the English name
    text: Phrase  # names, national code, summary
    synonyms: tuple[Phrase, ...] = ()
    national_code: str = ""
    popularity: int = 0
    sort_name: str = ""


@dataclass(frozen=True, order=True)
class Score:
    tier: int
    found: int  # query words found in the procedure's text


def _same(query_word: str, word: str, unfinished: bool) -> bool:
    return query_word == word or (unfinished and len(query_word) >= 2 and word.startswith(query_word))


def stands_in(query: Phrase, text: Phrase, *, unfinished: bool = True) -> bool:
    """Whether the query's words stand together, in order, in *text*; also written as one
    word ("khaisinh" for "khai sinh"). With *unfinished*, the query's last word may be the
    start of a word."""
    if not query or not text:
        return False
    size = len(query)
    for start in range(len(text) - size + 1):
        window = text[start:start + size]
        if all(q == w for q, w in zip(query[:-1], window[:-1])) and \
                _same(query[-1], window[-1], unfinished):
            return True
    joined = "".join(query)
    for start in range(len(text)):
        glued = text[start]
        for word in text[start + 1:]:
            if len(glued) >= len(joined):
                break
            glued += word
            if glued == joined or (unfinished and len(joined) > len(text[start])
                                   and glued.startswith(joined) and len(joined) >= 4):
                return True
    return False


def _all_in(query: Phrase, text: Iterable[str]) -> int:
    """How many query words are in *text* (the last one may be unfinished)."""
    bag = set(text)
    last = len(query) - 1
    return sum(1 for i, q in enumerate(query)
               if q in bag or (i == last and any(_same(q, w, True) for w in bag)))


def score(query: Phrase, entry: Entry) -> Score | None:
    """The score of *entry* for the folded query words, or None when it does not match."""
    if not query:
        return Score(0, 0)
    everything = entry.text + tuple(w for phrase in entry.synonyms for w in phrase)
    found = _all_in(query, everything)
    if any(query == name for name in entry.names) or (
            entry.national_code and query == (entry.national_code,)):
        return Score(EXACT, found)
    if any(stands_in(query, name) for name in entry.names):
        return Score(NAME_PHRASE, found)
    if any(_all_in(query, name) == len(query) for name in entry.names):
        return Score(NAME_WORDS, found)
    if stands_in(query, entry.text) or any(stands_in(query, s) for s in entry.synonyms):
        return Score(TEXT_PHRASE, found)
    if found == len(query):
        return Score(TEXT_WORDS, found)
    if any(_phrase_in(s, query) for s in entry.synonyms):
        return Score(SYNONYM, found)
    return None


def rank(query: str, entries: Sequence[Entry]) -> list[tuple[Entry, Score]]:
    """The entries that match *query*, best first; all of them by use when it is empty."""
    folded = words(query)
    scored = [(entry, s) for entry in entries if (s := score(folded, entry)) is not None]
    return sorted(scored, key=lambda pair: (-pair[1].tier, -pair[1].found,
                                            -pair[0].popularity, pair[0].sort_name))


def _phrase_in(phrase: Phrase, query: Phrase) -> bool:
    """Whether a whole phrase stands in the query, as words or written as one word."""
    return stands_in(phrase, query, unfinished=False) or "".join(phrase) in query


def mentions(query: str, phrases: Iterable[Phrase]) -> bool:
    """Whether one of *phrases* stands, whole, in *query* (words or written as one word)."""
    folded = words(query)
    return any(_phrase_in(phrase, folded) for phrase in phrases)
