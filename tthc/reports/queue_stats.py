"""The queue over a period: tickets, waits and service times, no-shows, by hour of day, per
officer, per queue and per procedure; asked of the database (ix_ticket_next leads with the
office and the day).

The wait is from taking the number to the (last) call; the service time from the start of
service (else the call) to the end, for finished tickets, kept when between 0 and 4 hours
(a ticket left open over lunch says nothing; the same bound as the queue's estimate).
Medians and 90th percentiles are the values at the nearest rank (tthc.reports.sql).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, select

from ..domain import queue as rules
from ..models import Dossier, ProcedureVersion, ServiceGroup, Staff, Ticket
from ..extensions import db
from . import sql
from .periods import Period

T = Ticket
MAX_SERVICE_SECONDS = rules.MAX_SERVICE_MINUTES * 60


@dataclass(frozen=True)
class Line:
    """One row of a queue table: a group (hour, officer, queue, procedure) or the total."""

    key: object
    label: str
    tickets: int
    served: int
    no_shows: int
    missed: int
    wait_median: float | None  # minutes
    wait_p90: float | None
    service_median: float | None
    service_p90: float | None


def _in_period(office_id: int, period: Period):
    return and_(T.office_id == office_id, T.day >= period.start, T.day <= period.end)


def _wait():
    return sql.seconds_between(T.called_at, T.created_at)


def _service():
    return sql.seconds_between(T.done_at, func.coalesce(T.served_at, T.called_at))


def _lines(office_id: int, period: Period, group, labels: dict, select_from=None) -> list[Line]:
    where = [_in_period(office_id, period)]
    counts = select(group.label("g") if group is not None else func.min(0).label("g"),
                    func.count(T.id), func.count(T.id).filter(T.status == rules.DONE),
                    func.coalesce(func.sum(T.no_shows), 0),
                    func.count(T.id).filter(T.status == rules.MISSED))
    if select_from is not None:
        counts = counts.select_from(select_from)
    counts = counts.where(*where)
    if group is not None:
        counts = counts.group_by(group)
    totals = {row[0] if group is not None else None: row[1:]
              for row in db.session.execute(counts)}
    waits = {r[0]: r[2:] for r in sql.percentiles(
        _wait(), [*where, T.called_at.is_not(None)], group, select_from=select_from)}
    service = _service()
    services = {r[0]: r[2:] for r in sql.percentiles(
        service, [*where, T.status == rules.DONE, T.called_at.is_not(None),
                  T.done_at.is_not(None), service > 0, service <= MAX_SERVICE_SECONDS],
        group, select_from=select_from)}
    lines = []
    for key, (tickets, served, no_shows, missed) in totals.items():
        if not tickets:
            continue
        wait = waits.get(key, (None, None))
        serv = services.get(key, (None, None))
        lines.append(Line(key, labels.get(key, "") if key is not None else "", tickets, served,
                          int(no_shows or 0), missed, sql.minutes(wait[0]),
                          sql.minutes(wait[1]), sql.minutes(serv[0]), sql.minutes(serv[1])))
    return lines


def total(office_id: int, period: Period) -> Line | None:
    lines = _lines(office_id, period, None, {})
    return lines[0] if lines else None


def by_hour(office_id: int, period: Period) -> list[Line]:
    """Per hour of the day the number was taken (the office's clock): to staff the peak."""
    hour = sql.local_hour(T.created_at)
    lines = _lines(office_id, period, hour, {h: f"{h:02d}:00" for h in range(24)})
    return sorted(lines, key=lambda line: line.key)


def by_officer(office_id: int, period: Period) -> list[Line]:
    """Per officer who called the ticket (tickets never called are not anyone's)."""
    names = dict(db.session.execute(select(Staff.id, Staff.full_name)
                                    .where(Staff.office_id == office_id)).all())
    lines = _lines(office_id, period, T.staff_id, names)
    return sorted((x for x in lines if x.key is not None), key=lambda x: x.label)


def by_queue(office_id: int, period: Period) -> list[Line]:
    """Per queue the ticket was issued in (A chứng thực, B hộ tịch…)."""
    groups = {g.id: f"{g.prefix} – {g.name_vi}" for g in db.session.scalars(
        select(ServiceGroup).where(ServiceGroup.office_id == office_id))}
    lines = _lines(office_id, period, T.group_id, groups)
    return sorted(lines, key=lambda x: x.label)


def by_procedure(office_id: int, period: Period) -> list[Line]:
    """Per procedure, for the tickets the desk linked to a dossier."""
    joined = T.__table__.join(Dossier, Dossier.id == T.dossier_id) \
        .join(ProcedureVersion, ProcedureVersion.id == Dossier.procedure_version_id)
    group = ProcedureVersion.procedure_id
    names = dict(db.session.execute(
        select(ProcedureVersion.procedure_id, ProcedureVersion.name_vi)
        .order_by(ProcedureVersion.effective_from)).all())
    lines = _lines(office_id, period, group, names, select_from=joined)
    return sorted(lines, key=lambda x: (-x.tickets, x.label))


def median_wait(office_id: int, period: Period) -> float | None:
    """The median wait in minutes, for the public board."""
    rows = sql.percentiles(_wait(), [_in_period(office_id, period), T.called_at.is_not(None)],
                           ps=(50,))
    return sql.minutes(rows[0][2]) if rows else None
