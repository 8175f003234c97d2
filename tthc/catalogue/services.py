"""Loading the catalogue into the database and reading the versions in force."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import defer, joinedload

from ..domain.catalogue import (
    CatalogueError,
    Procedure as ProcedureSpec,
    parse_catalogue,
    parse_procedure,
)
from ..domain.relevance import Entry, mentions, rank
from ..domain.search_terms import Elsewhere, SearchTerms
from ..domain.search_terms import words as folded_words
from ..extensions import db
from ..models import Procedure, ProcedureVersion
from ..timeutil import today

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "data" / "catalogue.toml"


@dataclass(frozen=True)
class LoadReport:
    added: tuple[str, ...]
    unchanged: tuple[str, ...]


def read_file(path: str | Path) -> tuple[tuple[ProcedureSpec, ...], list[Mapping[str, Any]]]:
    """Parse a catalogue file; CatalogueError names the procedure and field at fault."""
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except tomllib.TOMLDecodeError as error:
        raise CatalogueError("(file)", "(syntax)", str(error)) from None
    return parse_catalogue(data), data["procedure"]


def load(path: str | Path, *, changed_from: dt.date | None = None) -> LoadReport:
    """Load every procedure version of a file in one transaction; idempotent.

    A version already loaded with the same content is skipped. A version loaded before with
    different content is refused: published law is amended by a new effective date,
    never rewritten in place, because received dossiers point at the version they used.
    With *changed_from*, such a changed entry (a corrected seed file, say) is loaded instead
    as a new version in force from that date; dossiers keep the version they were received
    under.
    """
    specs, raw_tables = read_file(path)
    added, unchanged = [], []
    try:
        for spec, raw in zip(specs, raw_tables):
            procedure = db.session.scalar(select(Procedure).filter_by(code=spec.code))
            if procedure is None:
                procedure = Procedure(code=spec.code)
                db.session.add(procedure)
            existing = _loaded(procedure, spec.version)
            if existing is not None and existing.content_hash != spec.content_hash():
                if changed_from is None:
                    raise CatalogueError(
                        spec.code, "version",
                        f"{spec.version} is already loaded with other content; "
                        "give the change a new effective date (or load it with "
                        "--changed-from DATE)",
                    )
                spec, raw = replace(spec, version=changed_from), {**raw, "version": changed_from}
                existing = _loaded(procedure, changed_from)
            digest = spec.content_hash()
            if existing is not None:
                if existing.content_hash != digest:
                    raise CatalogueError(
                        spec.code, "version",
                        f"{spec.version} is already loaded with other content; "
                        "give the change a new effective date",
                    )
                unchanged.append(spec.code)
                continue
            procedure.versions.append(_version_row(spec, raw, digest))
            added.append(spec.code)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return LoadReport(tuple(added), tuple(unchanged))


def _loaded(procedure: Procedure, on: dt.date) -> ProcedureVersion | None:
    return next((v for v in procedure.versions if v.effective_from == on), None)


def _version_row(spec: ProcedureSpec, raw: Mapping[str, Any], digest: str) -> ProcedureVersion:
    return ProcedureVersion(**version_columns(spec, raw, digest))


def version_columns(spec: ProcedureSpec, raw: Mapping[str, Any],
                    digest: str | None = None) -> dict[str, Any]:
    """A version row's columns for *spec*, parsed from the TOML table *raw*: what the loader
    and the admin's editor both store."""
    return {
        "effective_from": spec.version, "content_hash": digest or spec.content_hash(),
        "national_code": spec.national_code, "name_vi": spec.name_vi, "name_en": spec.name_en,
        "field": spec.field, "statutory_days": spec.statutory_days,
        "monday_same_day": spec.monday_same_day, "online_level": spec.online_level,
        "popularity": spec.popularity, "search_key": spec.search_key,
        "spec": jsonable(raw), "loaded_at": dt.datetime.now(dt.timezone.utc),
    }


def jsonable(value: Any) -> Any:
    """A TOML table as the database's JSON keeps it (dates as ISO text)."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    return value


_specs: dict[tuple[int, str], ProcedureSpec] = {}


def spec_of(version: ProcedureVersion) -> ProcedureSpec:
    """The domain Procedure of a stored version, parsed once per process (versions never change)."""
    key = (version.id, version.content_hash)
    spec = _specs.get(key)
    if spec is None:
        spec = _specs[key] = parse_procedure(version.spec)
    return spec


def versions_in_force(on: dt.date | None = None) -> list[ProcedureVersion]:
    """The version of each procedure in force on *on* (today by default)."""
    on = on or today()
    # Lists need the columns and the code, not the whole spec: one query, no lazy loads.
    rows = db.session.scalars(
        select(ProcedureVersion)
        .options(defer(ProcedureVersion.spec), joinedload(ProcedureVersion.procedure))
        .where(ProcedureVersion.effective_from <= on)
        .order_by(ProcedureVersion.procedure_id, ProcedureVersion.effective_from)
    ).all()
    latest: dict[int, ProcedureVersion] = {}
    for row in rows:
        latest[row.procedure_id] = row  # ordered by date: the last one wins
    return list(latest.values())


def search(query: str = "", field: str = "", on: dt.date | None = None,
           max_chars: int = 200,
           versions: list[ProcedureVersion] | None = None,
           terms: SearchTerms | None = None) -> list[ProcedureVersion]:
    """Procedures in force that match *query*, the most relevant first, then the most used.

    Diacritics and case are ignored; *terms* (the synonyms citizens use) widen the match
    (tthc.domain.relevance explains the order). An empty query lists every procedure by use.
    """
    terms = terms or SearchTerms()
    entries = [
        Entry(
            item=v,
            names=(folded_words(v.name_vi), folded_words(v.name_en)),
            text=folded_words(v.search_key),
            synonyms=terms.phrases_for(v.procedure.code),
            national_code=v.national_code or "",
            popularity=v.popularity,
            sort_name=v.name_vi,
        )
        for v in (versions if versions is not None else versions_in_force(on))
        if not field or v.field == field
    ]
    return [entry.item for entry, _ in rank(query[:max_chars], entries)]


def elsewhere(query: str, terms: SearchTerms, max_chars: int = 200) -> list[Elsewhere]:
    """The offices other than the ward that *query* names ("cccd", "hộ khẩu")."""
    query = query[:max_chars]
    return [entry for entry in terms.elsewhere if mentions(query, entry.phrases)]


def most_used(limit: int = 6) -> list[ProcedureVersion]:
    return sorted(versions_in_force(), key=lambda v: (-v.popularity, v.name_vi))[:limit]


def get_in_force(code: str, on: dt.date | None = None) -> ProcedureVersion | None:
    if "\x00" in code:  # PostgreSQL refuses NUL in a text comparison; no code holds one
        return None
    on = on or today()
    return db.session.scalar(
        select(ProcedureVersion)
        .join(Procedure)
        .where(Procedure.code == code, ProcedureVersion.effective_from <= on)
        .order_by(ProcedureVersion.effective_from.desc())
        .limit(1)
    )


def fields_in_use(versions: Iterable[ProcedureVersion]) -> list[str]:
    return sorted({v.field for v in versions})
