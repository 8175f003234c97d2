"""Offices: every dossier, ticket and staff account belongs to one."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..domain.hours import display_rows, parse_schedule
from ..extensions import db


class Office(db.Model):
    """A ward or commune office (UBND phường/xã) and its one-stop desk."""

    id: Mapped[int] = mapped_column(primary_key=True)
    # Short slug used in URLs when a deployment serves several offices.
    code: Mapped[str] = mapped_column(String(40), unique=True)
    # Unit code per QCVN 102:2016, the first part of official dossier codes.
    unit_code: Mapped[str] = mapped_column(String(40), default="")
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    desk_name: Mapped[str] = mapped_column(String(200), default="")
    province: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    # The weekly hours (tthc.domain.hours): {"mon": ["07:30-11:30", "13:30-17:00"], …,
    # "makeup": […]}; None: no hours set, the kiosk always gives numbers. The one source of
    # the footer's lines, the kiosk and the deadlines' days (0007o dropped the display copy).
    schedule: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    counters: Mapped[int] = mapped_column(default=1)
    is_default: Mapped[bool] = mapped_column(default=False)

    @property
    def opening_hours(self) -> list[list[str]]:
        """The hours as the pages print them, derived from ``schedule``: rows of
        [days (vi), days (en), hours]; none when no hours are set or they cannot be read."""
        try:
            schedule = parse_schedule(self.schedule)
        except ValueError:
            return []
        return display_rows(schedule) if schedule is not None else []

    def __repr__(self) -> str:
        return f"<Office {self.code}>"
