"""The public board (/cong-khai): an office's results this month and last, with no
personal data: counts, rates and a median, nothing about any one dossier or person.

It imports nothing of the desk (the import contract "public blueprints never import the
desk" lists tthc.reports.public and this module).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ..domain import metrics
from ..extensions import db
from ..i18n import language
from ..models import Office
from . import queries, queue_stats
from .periods import Period, calendar, month_of, office_hours, previous_month


@dataclass(frozen=True)
class ProcedureFigures:
    procedure_id: int
    name: str
    resolved: int
    on_time_rate: float | None
    monday_rate: float | None


@dataclass(frozen=True)
class MonthFigures:
    period: Period
    resolved: int
    on_time_rate: float | None
    monday_rate: float | None
    median_wait: float | None  # minutes
    satisfied_rate: float | None
    ratings: int
    procedures: tuple[ProcedureFigures, ...] = ()

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "month": f"{self.period.start:%Y-%m}", "from": self.period.start.isoformat(),
            "to": self.period.end.isoformat(), "resolved": self.resolved,
            "on_time_rate": _round(self.on_time_rate),
            "monday_same_day_rate": _round(self.monday_rate),
            "median_wait_minutes": _round(self.median_wait),
            "satisfied_rate": _round(self.satisfied_rate), "ratings": self.ratings,
        }
        if self.procedures:
            data["procedures"] = [
                {"name": p.name, "resolved": p.resolved, "on_time_rate": _round(p.on_time_rate),
                 "monday_same_day_rate": _round(p.monday_rate)} for p in self.procedures]
        return data


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def office_by_code(code: str) -> Office | None:
    if "\x00" in code:  # PostgreSQL refuses NUL in a text comparison; no code holds one
        return None
    return db.session.scalar(select(Office).filter_by(code=code[:40]))


def offices() -> list[tuple[str, str]]:
    """(code, name) of every office, for the list of boards."""
    return list(db.session.execute(select(Office.code, Office.name).order_by(Office.name))
                .all())


def month(office_id: int, period: Period, now: dt.datetime, *,
          per_procedure: bool = False) -> MonthFigures:
    cal, hours = calendar(office_id), office_hours(office_id)
    timeliness = queries.timeliness(office_id, period, now, cal, hours)
    same_day = queries.same_day(office_id, period, cal, hours)
    ratings = queries.ratings(office_id, period)
    procedures: tuple[ProcedureFigures, ...] = ()
    if per_procedure:
        ids = set(timeliness.resolved_by_procedure) | set(same_day.by_procedure)
        names = queries.procedure_names(ids)
        english = language() == "en"
        procedures = tuple(sorted((
            ProcedureFigures(
                pid, (names.get(pid, ("", ""))[1] if english else "") or names.get(pid, ("", ""))[0],
                timeliness.resolved_by_procedure.get(pid, 0),
                timeliness.by_procedure.get(pid, metrics.MeasureCounts()).on_time_rate,
                same_day.by_procedure.get(pid, metrics.SameDayCounts()).monday_rate)
            for pid in ids), key=lambda p: (-p.resolved, p.name)))
    return MonthFigures(period, timeliness.resolved, timeliness.counts.on_time_rate,
                        same_day.counts.monday_rate, queue_stats.median_wait(office_id, period),
                        ratings.counts.satisfied_rate, ratings.counts.total, procedures)


def board(office_id: int, today: dt.date, now: dt.datetime, *,
          per_procedure: bool = False) -> list[MonthFigures]:
    """This month so far, then last month."""
    this = month_of(today)
    return [month(office_id, p, now, per_procedure=per_procedure)
            for p in (this, previous_month(this))]
