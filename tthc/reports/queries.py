"""What the reports count about dossiers, asked of the database.

Counts are aggregates (COUNT, SUM, GROUP BY) over the office's indexed columns. Two
measures need the holiday table per dossier, so they read a few columns of a bounded set
of rows and hand them to ``tthc.domain.metrics``:

* the 766 on-time measure: the office's dossiers finished in the period or still open at
  its end (one office, a period of at most 366 days; open dossiers of the office only);
  the events of the dossiers with one supplement request, or stopped or refused, are read
  for those dossiers only, in batches of ids;
* the same-day rate: the dossiers of same-day procedures received in the period.

Nothing here imports the desk: the public board uses it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from sqlalchemy import and_, exists, func, or_, select, true

from ..domain import metrics
from ..domain.status import Status
from ..domain.workdays import Calendar, OfficeHours
from ..extensions import db
from ..models import Dossier, DossierEvent, ProcedureVersion, Upload
from ..models.feedback import Feedback, Rating
from . import sql
from .periods import Period, counting_rule

D, E, V = Dossier, DossierEvent, ProcedureVersion
BATCH = 500
CHANNELS = ("walk_in", "prefiled", "assisted", "post")
ENDED = (int(Status.REJECTED), int(Status.STOPPED))


def _received_in(period: Period):
    return and_(D.received_at >= period.first, D.received_at < period.after)


def received_by_channel(office_id: int, period: Period) -> dict[str, int]:
    """Dossiers received: at the counter, pre-filed online by the citizen, filed online with
    the desk's help (assisted), by public post."""
    counts = dict.fromkeys(CHANNELS, 0)
    for channel, assisted, n in db.session.execute(
            select(D.channel, D.assisted, func.count(D.id))
            .where(D.office_id == office_id, _received_in(period))
            .group_by(D.channel, D.assisted)):
        key = {1: "walk_in", 3: "post"}.get(channel) or ("assisted" if assisted else "prefiled")
        counts[key] += n
    return counts


def digitised(office_id: int, period: Period) -> tuple[int, int]:
    """(received, received with at least one paper stored as a file)."""
    has_file = exists().where(Upload.dossier_id == D.id)
    row = db.session.execute(
        select(func.count(D.id), func.count(D.id).filter(has_file))
        .where(D.office_id == office_id, _received_in(period))).one()
    return row[0], row[1]


@dataclass(frozen=True)
class ProcedureLine:
    procedure_id: int
    name_vi: str
    name_en: str
    received: int
    first_time: int  # received with no supplement request at any stage

    @property
    def rate(self) -> float | None:
        return metrics.rate(self.first_time, self.received)


def first_time_right(office_id: int, period: Period) -> list[ProcedureLine]:
    """Per procedure: dossiers received in the period, and those never asked to supplement."""
    asked = exists().where(E.dossier_id == D.id, E.action == "request_supplement")
    rows = db.session.execute(
        select(V.procedure_id, func.max(V.name_vi), func.max(V.name_en), func.count(D.id),
               func.count(D.id).filter(~asked))
        .join(V, V.id == D.procedure_version_id)
        .where(D.office_id == office_id, _received_in(period))
        .group_by(V.procedure_id).order_by(func.count(D.id).desc(), V.procedure_id))
    return [ProcedureLine(*row) for row in rows]


def missing_papers(office_id: int, period: Period, limit: int = 10) -> list[tuple[str, int]]:
    """The items most often asked for (Form 02): each dossier's last request, for the
    dossiers asked to supplement during the period."""
    asked = exists().where(E.dossier_id == D.id, E.action == "request_supplement",
                           E.at >= period.first, E.at < period.after)
    if sql.dialect() == "postgresql":
        item = func.json_array_elements(D.supplement_items).table_valued("value", name="item")
        label = item.c.value.op("->>")("label")
    else:
        item = func.json_each(D.supplement_items).table_valued("value", name="item")
        label = func.json_extract(item.c.value, "$.label")
    rows = db.session.execute(
        select(label.label("label"), func.count().label("n"))
        .select_from(D.__table__.join(item, true()))
        # A request in the period changed the dossier then or later: updated_at prunes the
        # office's older dossiers before the history is probed.
        .where(D.office_id == office_id, D.updated_at >= period.first, asked)
        .group_by(label).order_by(func.count().desc(), label).limit(limit))
    return [(r.label or "", r.n) for r in rows if r.label]


# --- the per-dossier measures ------------------------------------------------------------------


@dataclass
class Timeliness:
    """The 766 measure of the period, overall and per procedure."""

    counts: metrics.MeasureCounts
    by_procedure: dict[int, metrics.MeasureCounts]
    resolved: int  # result ready in the period (early, on time or late)
    resolved_by_procedure: dict[int, int]
    stopped_or_refused: int
    late_ids: list[int] = field(default_factory=list)


def _batches(ids: list[int]) -> Iterator[list[int]]:
    for i in range(0, len(ids), BATCH):
        yield ids[i:i + BATCH]


def _ended_at(ids: list[int]) -> dict[int, dt.datetime]:
    """When processing was stopped or the dossier refused, for these dossiers."""
    found: dict[int, dt.datetime] = {}
    for batch in _batches(ids):
        found.update(db.session.execute(
            select(E.dossier_id, func.max(E.at))
            .where(E.dossier_id.in_(batch), E.action.in_(metrics.ENDING_ACTIONS))
            .group_by(E.dossier_id)).all())
    return found


def _waits(ids: list[int]) -> dict[int, tuple[metrics.Supplement, ...]]:
    """Each dossier's waits for the citizen after reception: a request made while the
    dossier was being processed, until the next reception of the complete dossier."""
    events: dict[int, list] = defaultdict(list)
    for batch in _batches(ids):
        for row in db.session.execute(
                select(E.dossier_id, E.at, E.action, E.source)
                .where(E.dossier_id.in_(batch), E.action.in_(("request_supplement", "receive")))
                .order_by(E.dossier_id, E.at, E.id)):
            events[row.dossier_id].append(row)
    return {dossier_id: metrics.supplement_waits((r.action, r.source, r.at) for r in rows)
            for dossier_id, rows in events.items()}


def timeliness(office_id: int, period: Period, now: dt.datetime, calendar: Calendar,
               hours: OfficeHours, procedure_id: int | None = None) -> Timeliness:
    """Early, on time, late and open within time, as Decision 766 counts them at the end of
    the period (or now, for a period not over yet). See tthc.domain.metrics."""
    at = min(period.after, now)
    finished = func.coalesce(D.resolved_at, D.returned_at)
    stmt = (select(D.id, D.status, V.procedure_id, V.statutory_days, D.received_at, D.due_at,
                   D.original_due_at, D.rescheduled, D.resolved_at, D.returned_at,
                   D.supplement_count, D.extension_days)
            .join(V, V.id == D.procedure_version_id)
            .where(D.office_id == office_id, D.received_at.is_not(None),
                   D.received_at < at, D.status != int(Status.WITHDRAWN),
                   or_(finished >= period.first,
                       and_(finished.is_(None), D.status.not_in(ENDED)),
                       and_(D.status.in_(ENDED), D.updated_at >= period.first))))
    if procedure_id is not None:
        stmt = stmt.where(V.procedure_id == procedure_id)
    rows = db.session.execute(stmt).all()
    ended = _ended_at([r.id for r in rows if r.status in ENDED])
    waits = _waits([r.id for r in rows if r.supplement_count == 1])
    measures: dict[int, list[metrics.Measure]] = defaultdict(list)
    resolved: dict[int, int] = defaultdict(int)
    stopped, late_ids = 0, []
    for r in rows:
        end = metrics.processing_end(r.resolved_at, r.returned_at, ended.get(r.id))
        if r.status in ENDED and (end is None or end < period.first):
            continue
        appointment = metrics.first_appointment(r.due_at, r.original_due_at, r.rescheduled,
                                                r.supplement_count)
        # The legal time with any extension granted at reception (domain.md §12 item 7).
        case = metrics.DossierTimes(r.received_at, r.statutory_days + (r.extension_days or 0),
                                    appointment, end,
                                    r.supplement_count, waits.get(r.id, ()))
        m = metrics.measure(case, at, calendar, hours, rule=counting_rule())
        measures[r.procedure_id].append(m)
        in_period = end is not None and period.first <= end < at
        if in_period and r.status in ENDED:
            stopped += 1
        elif in_period:
            resolved[r.procedure_id] += 1
        if m == metrics.Measure.LATE:
            late_ids.append(r.id)
    by_procedure = {pid: metrics.count_measures(ms) for pid, ms in measures.items()}
    overall = metrics.count_measures(m for ms in measures.values() for m in ms)
    return Timeliness(overall, by_procedure, sum(resolved.values()), dict(resolved), stopped,
                      late_ids)


@dataclass
class SameDay:
    counts: metrics.SameDayCounts
    by_procedure: dict[int, metrics.SameDayCounts]


def same_day(office_id: int, period: Period, calendar: Calendar, hours: OfficeHours,
             procedure_id: int | None = None) -> SameDay:
    """Same-day results of the procedures that promise them (same-day by law, or on
    Mondays), received in the period: Mondays apart from the other days."""
    stmt = (select(V.procedure_id, D.received_at, func.coalesce(D.resolved_at, D.returned_at))
            .join(V, V.id == D.procedure_version_id)
            .where(D.office_id == office_id, _received_in(period),
                   D.status != int(Status.WITHDRAWN),
                   or_(V.statutory_days == 0, V.monday_same_day.is_(True))))
    if procedure_id is not None:
        stmt = stmt.where(V.procedure_id == procedure_id)
    cases: dict[int, list] = defaultdict(list)
    for pid, received, finished in db.session.execute(stmt):
        cases[pid].append((received, finished))
    by_procedure = {pid: metrics.count_same_day(c, calendar, hours) for pid, c in cases.items()}
    overall = metrics.count_same_day((c for cs in cases.values() for c in cs), calendar, hours)
    return SameDay(overall, by_procedure)


# --- what citizens said ------------------------------------------------------------------------


@dataclass(frozen=True)
class Ratings:
    counts: metrics.RatingCounts
    indicators: dict[str, tuple[float | None, int]]  # name → (mean 2/1/0, answered)
    feedback: int
    complained: int  # dossiers with feedback or a "Không hài lòng" rating in the period


INDICATORS = ("time_score", "contacts_score", "agencies_score", "attitude_score")


def ratings(office_id: int, period: Period) -> Ratings:
    """The citizens' ratings given in the period (one per dossier or visit) and feedback."""
    in_period = and_(Rating.office_id == office_id, Rating.created_at >= period.first,
                     Rating.created_at < period.after)
    by_score = dict(db.session.execute(
        select(Rating.overall, func.count(Rating.id)).where(in_period)
        .group_by(Rating.overall)).all())
    columns = []
    for name in INDICATORS:
        column = getattr(Rating, name)
        columns += [func.sum(column), func.count(column)]
    row = db.session.execute(select(*columns).where(in_period)).one()
    indicators = {name: (metrics.mean_score(row[2 * i], row[2 * i + 1]), row[2 * i + 1])
                  for i, name in enumerate(INDICATORS)}
    feedback_in_period = and_(Feedback.office_id == office_id,
                              Feedback.created_at >= period.first,
                              Feedback.created_at < period.after)
    feedback = db.session.scalar(select(func.count(Feedback.id)).where(feedback_in_period))
    disliked = select(Rating.dossier_id.label("dossier_id")).where(
        in_period, Rating.overall == 0, Rating.dossier_id.is_not(None))
    complained_on = select(Feedback.dossier_id.label("dossier_id")).where(feedback_in_period)
    union = disliked.union(complained_on).subquery()
    complained = db.session.scalar(select(func.count()).select_from(union))
    return Ratings(metrics.rating_counts(by_score), indicators, feedback or 0, complained or 0)


# --- due soon and overdue ----------------------------------------------------------------------

OPEN = (int(Status.RECEIVED), int(Status.IN_PROGRESS), int(Status.AWAITING_FEE))


def due_soon(office_id: int, until: dt.datetime, limit: int = 200) -> list:
    """Dossiers being processed whose due date is before *until* (overdue first), with
    their procedure's name: (id, code, due_at, status, handler_id, name_vi, name_en)."""
    return list(db.session.execute(
        select(D.id, D.code, D.due_at, D.status, D.handler_id, V.name_vi, V.name_en)
        .join(V, V.id == D.procedure_version_id)
        .where(D.office_id == office_id, D.status.in_(OPEN), D.due_at.is_not(None),
               D.due_at < until)
        .order_by(D.due_at, D.id).limit(limit)))


def procedure_names(ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """(name_vi, name_en) of the latest version of each procedure."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(V.procedure_id, V.name_vi, V.name_en).where(V.procedure_id.in_(ids))
        .order_by(V.procedure_id, V.effective_from))
    return {pid: (vi, en) for pid, vi, en in rows}
