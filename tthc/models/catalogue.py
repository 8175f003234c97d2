"""Procedures and their versions: the law as data, each dossier keeps its version."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class Procedure(db.Model):
    """The stable identity of a procedure; what it requires lives in its versions."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(63), unique=True)
    versions: Mapped[list[ProcedureVersion]] = relationship(
        back_populates="procedure", order_by="ProcedureVersion.effective_from",
        cascade="all, delete-orphan",
    )


class ProcedureVersion(db.Model):
    """One version of a procedure as a catalogue file stated it, in force from a date.

    The columns are what lists and search need; ``spec`` keeps the whole parsed entry
    so that a dossier received under this version can be shown and checked against it.
    """

    __table_args__ = (UniqueConstraint("procedure_id", "effective_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedure.id"), index=True)
    procedure: Mapped[Procedure] = relationship(back_populates="versions")
    effective_from: Mapped[dt.date] = mapped_column(Date)
    content_hash: Mapped[str] = mapped_column(String(64))
    national_code: Mapped[str] = mapped_column(String(20), default="")
    name_vi: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300))
    field: Mapped[str] = mapped_column(String(40), index=True)
    statutory_days: Mapped[int] = mapped_column()
    monday_same_day: Mapped[bool] = mapped_column()
    online_level: Mapped[str] = mapped_column(String(20))
    popularity: Mapped[int] = mapped_column(default=0)
    search_key: Mapped[str] = mapped_column(Text)
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    loaded_at: Mapped[dt.datetime] = mapped_column(
        default=lambda: dt.datetime.now(dt.timezone.utc)
    )
    # Set when an admin has confirmed the facts the data file flagged as unchecked.
    confirmed_by: Mapped[str | None] = mapped_column(String(100), default=None)
