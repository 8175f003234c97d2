"""The procedure versions the admin sees and writes: the list, new and edited versions, the
catalogue file out and in.

A version is the law as it stands from its date: once in force (or past) it is never
changed, because dossiers keep the version they were received under. Only a version that
has not yet come into force may be edited, and then by compare-and-set on the content it
was read with. Every version is checked by the catalogue file's own parser before it is
stored, and stored as the file loader stores it (``spec`` is the TOML table, as JSON).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import tomllib
from dataclasses import dataclass, field
from typing import Any, Mapping

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer, joinedload

from .. import timeutil
from ..catalogue import services as catalogue
from ..domain.catalogue import CatalogueError, Procedure as Spec, parse_catalogue
from ..extensions import db
from ..models import Dossier, Office, Procedure, ProcedureVersion
from ..transactions import serialised
from . import procedures_toml as toml

CURRENT, FUTURE, PAST = "current", "future", "past"
HEADER = (
    "# Danh mục thủ tục hành chính (xuất từ trang quản trị)\n"
    "# Catalogue of administrative procedures, exported from the admin pages.\n"
    "# Format: tthc/data/catalogue.toml; load with `flask catalogue load FILE`.\n\n"
)


class DateTaken(ValueError):
    """The procedure already has a version from that date."""


class Changed(RuntimeError):
    """The version came into force, or someone else saved it, since it was read."""


@dataclass
class VersionLine:
    """One version in the list: its row (without the spec), state and the days it governs."""

    row: ProcedureVersion
    state: str
    until: dt.date | None  # the last day it governs; None: no later version
    asked: bool = False  # it governs the date the admin asked about

    def governs(self, day: dt.date) -> bool:
        return self.row.effective_from <= day and (self.until is None or day <= self.until)


@dataclass
class ProcedureLine:
    code: str
    name: str
    versions: list[VersionLine] = field(default_factory=list)


def state_of(effective_from: dt.date, in_force_id: int | None, row_id: int,
             today: dt.date) -> str:
    if effective_from > today:
        return FUTURE
    return CURRENT if row_id == in_force_id else PAST


def overview(today: dt.date | None = None, asked: dt.date | None = None) -> list[ProcedureLine]:
    """Every procedure with its versions, newest first, and the days each governs (and
    which one governs *asked*)."""
    today = today or timeutil.today()
    rows = db.session.scalars(
        select(ProcedureVersion)
        .options(defer(ProcedureVersion.spec), joinedload(ProcedureVersion.procedure))
        .order_by(ProcedureVersion.procedure_id, ProcedureVersion.effective_from)
    ).all()
    lines: dict[int, ProcedureLine] = {}
    by_procedure: dict[int, list[ProcedureVersion]] = {}
    for row in rows:
        by_procedure.setdefault(row.procedure_id, []).append(row)
    for procedure_id, versions in by_procedure.items():
        started = [v for v in versions if v.effective_from <= today]
        in_force = started[-1] if started else None
        shown = in_force or versions[-1]
        line = lines[procedure_id] = ProcedureLine(versions[0].procedure.code, shown.name_vi)
        for i, row in enumerate(versions):
            until = versions[i + 1].effective_from - dt.timedelta(days=1) \
                if i + 1 < len(versions) else None
            state = state_of(row.effective_from, in_force.id if in_force else None, row.id,
                             today)
            version = VersionLine(row, state, until)
            version.asked = asked is not None and version.governs(asked)
            line.versions.append(version)
        line.versions.reverse()
    return sorted(lines.values(), key=lambda line: line.name)


def get(code: str, effective_from: dt.date) -> ProcedureVersion | None:
    return db.session.scalar(
        select(ProcedureVersion).join(Procedure)
        .where(Procedure.code == code, ProcedureVersion.effective_from == effective_from))


def state(row: ProcedureVersion, today: dt.date | None = None) -> str:
    today = today or timeutil.today()
    in_force = catalogue.get_in_force(row.procedure.code, today)
    return state_of(row.effective_from, in_force.id if in_force else None, row.id, today)


def base_for_new(code: str) -> ProcedureVersion | None:
    """What a new version starts from: the version in force, else the latest one."""
    row = catalogue.get_in_force(code)
    if row is not None:
        return row
    return db.session.scalar(
        select(ProcedureVersion).join(Procedure).where(Procedure.code == code)
        .order_by(ProcedureVersion.effective_from.desc()).limit(1))


def dossier_count(row: ProcedureVersion) -> int:
    return db.session.scalar(
        select(func.count(Dossier.id)).where(Dossier.procedure_version_id == row.id)) or 0


def _taken(procedure_id: int, day: dt.date, other_than: int | None = None) -> bool:
    query = select(ProcedureVersion.id).where(
        ProcedureVersion.procedure_id == procedure_id, ProcedureVersion.effective_from == day)
    if other_than is not None:
        query = query.where(ProcedureVersion.id != other_than)
    return db.session.scalar(query) is not None


def create(code: str, spec: Spec, raw: Mapping[str, Any]) -> ProcedureVersion:
    """Store a new version of procedure *code*; DateTaken when that date has one."""
    try:
        with serialised() as session:
            procedure = session.scalar(select(Procedure).filter_by(code=code))
            if procedure is None or _taken(procedure.id, spec.version):
                raise DateTaken(str(spec.version))
            row = ProcedureVersion(procedure_id=procedure.id,
                                   **catalogue.version_columns(spec, raw))
            session.add(row)
    except IntegrityError:  # another admin stored that date between the check and the insert
        raise DateTaken(str(spec.version)) from None
    return row


def replace(row_id: int, read_hash: str, spec: Spec, raw: Mapping[str, Any]) -> None:
    """Rewrite a version not yet in force, if it is still as read (*read_hash*).

    :raise Changed: it came into force, was saved by someone else, or a dossier uses it
    :raise DateTaken: its new date already has another version
    """
    today = timeutil.today()
    try:
        with serialised() as session:
            row = session.get(ProcedureVersion, row_id)
            if row is None or dossier_count(row):
                raise Changed(str(row_id))
            if _taken(row.procedure_id, spec.version, other_than=row_id):
                raise DateTaken(str(spec.version))
            done = session.execute(
                update(ProcedureVersion)
                .where(ProcedureVersion.id == row_id,
                       ProcedureVersion.content_hash == read_hash,
                       ProcedureVersion.effective_from > today)
                .values(**catalogue.version_columns(spec, raw))
                .execution_options(synchronize_session=False))
            if done.rowcount != 1:
                raise Changed(str(row_id))
    except IntegrityError:
        raise DateTaken(str(spec.version)) from None
    db.session.expire_all()


# --- the catalogue file out and in ----------------------------------------------------------


def export(in_force_only: bool = False) -> str:
    """The catalogue as a TOML file in the format of tthc/data/catalogue.toml."""
    if in_force_only:
        ids = [row.id for row in catalogue.versions_in_force()]
        query = select(ProcedureVersion).where(ProcedureVersion.id.in_(ids))
    else:
        query = select(ProcedureVersion)
    rows = db.session.scalars(
        query.order_by(ProcedureVersion.procedure_id, ProcedureVersion.effective_from)).all()
    return toml.catalogue([row.spec for row in rows], header=HEADER)


@dataclass
class ImportPlan:
    """What loading a file would do: versions added (new or future) and versions unchanged."""

    added: list[Spec]
    unchanged: list[Spec]


def plan_import(text: str) -> ImportPlan:
    """Check a catalogue file as the loader does, without storing anything.

    :raise CatalogueError: the file is refused whole: syntax, a rule of the file, or a
        version already stored with other content
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CatalogueError("(file)", "(syntax)", str(error)) from None
    specs = parse_catalogue(data)
    stored = {(row.procedure.code, row.effective_from): row.content_hash for row in
              db.session.scalars(select(ProcedureVersion).options(
                  defer(ProcedureVersion.spec), joinedload(ProcedureVersion.procedure)))}
    plan = ImportPlan([], [])
    for spec in specs:
        digest = stored.get((spec.code, spec.version))
        if digest is None:
            plan.added.append(spec)
        elif digest == spec.content_hash():
            plan.unchanged.append(spec)
        else:
            raise CatalogueError(spec.code, "version", "already loaded with other content")
    return plan


def apply_import(text: str) -> catalogue.LoadReport:
    """Load the file with the catalogue's own loader: all of it, or nothing."""
    handle, path = tempfile.mkstemp(suffix=".toml")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as f:
            f.write(text)
        with serialised():
            return catalogue.load(path)
    finally:
        os.unlink(path)


def may_change_catalogue(staff) -> bool:
    """A city admin, or any admin of a deployment that serves one office only."""
    if staff.has_role("city_admin"):
        return True
    return db.session.scalar(select(func.count()).select_from(Office)) <= 1
