"""An office's holiday table: days off and make-up working days, as dated rows.

The deadlines, the kiosk and the footer count working days against these rows
(tthc.offices.calendar, read on every use: no copy in process memory). An office whose table
was never edited reads the seed file tthc/data/holidays.toml; the admin's first change copies
the file's rows into the database for that office (``seed_rows``), and from then on the rows
are the office's own.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from typing import Any

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from ..domain.workdays import HOLIDAY, HOLIDAYS_FILE, MAKEUP_WORKDAY
from ..extensions import db
from .dossier import utcnow

KINDS = (HOLIDAY, MAKEUP_WORKDAY)


class Holiday(db.Model):
    """One day of an office's table: a weekday off (holiday) or a worked Saturday or Sunday
    (makeup_workday). A disabled row is kept for reference and not counted."""

    __table_args__ = (UniqueConstraint("office_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"), index=True)
    day: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    basis: Mapped[str] = mapped_column(Text, default="")  # the notice or legal basis
    confirmed: Mapped[bool] = mapped_column(default=False)
    enabled: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def as_row(self) -> dict[str, Any]:
        """The row as tthc.domain.workdays.load_calendar reads it."""
        return {"date": self.day, "kind": self.kind, "name": self.name, "basis": self.basis,
                "confirmed": self.confirmed, "enabled": self.enabled}


def file_rows(path=HOLIDAYS_FILE) -> tuple[str, list[dict[str, Any]]]:
    """The seed file's version and ``[[day]]`` rows."""
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    return str(data.get("version", "")), list(data.get("day", []))


def office_has_table(office_id: int) -> bool:
    """True once the office's table is in the database (its admin changed it)."""
    return db.session.scalar(select(Holiday.id).filter_by(office_id=office_id).limit(1)) \
        is not None


def seed_rows(office_id: int) -> int:
    """Copy the seed file's rows into the office's table unless it has rows already; the
    number added. Joins the caller's transaction."""
    if office_has_table(office_id):
        return 0
    _, rows = file_rows()
    for row in rows:
        db.session.add(Holiday(
            office_id=office_id, day=row["date"], kind=row["kind"], name=row.get("name", ""),
            basis=row.get("basis", ""), confirmed=row.get("confirmed") is True,
            enabled=row.get("enabled", True)))
    db.session.flush()
    return len(rows)


def table_rows(office_id: int | None) -> tuple[str, list[dict[str, Any]]]:
    """The office's table as ``(version, rows)``: its database rows by date, else the seed
    file's. The version of database rows is the time of the last change."""
    if office_id is not None:
        found = list(db.session.scalars(
            select(Holiday).filter_by(office_id=office_id).order_by(Holiday.day)))
        if found:
            latest = max(h.updated_at for h in found)
            return f"db:{latest:%Y%m%dT%H%M%S.%f}", [h.as_row() for h in found]
    return file_rows()
