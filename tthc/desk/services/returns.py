"""The end of a dossier at the desk: handing the result over, how Decision 766 measures its
timeliness, and its line in the year's ledger (tthc.desk.services says how the modules share
the work)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ...domain import metrics
from ...domain.status import STAFF
from ...extensions import db
from ...intake import services as intake
from ...models import Dossier, Staff
from ...timeutil import TZ
from ...transactions import serialised
from .. import services
from ..services import locked


def return_result(dossier_id: int, staff: Staff, *, channel: str, address: str = "",
                  receiver: str = "") -> Dossier:
    """Hand the result over (status 10): at the desk, by public post, or electronically."""
    if channel not in services.RETURN_CHANNELS:
        raise ValueError(channel)
    with serialised() as session:
        dossier = locked(session, dossier_id)
        intake.change_status(dossier, "return_result", STAFF, staff=staff, note=channel)
        dossier.return_channel = channel
        dossier.return_address = address if channel == "post" else ""
        dossier.returned_to = receiver
        dossier.returned_at = services.now()
    return dossier


# --- the ledger's lines and the 766 measure --------------------------------------------------


def ledger_number(dossier: Dossier) -> int | None:
    """The dossier's line in the year's ledger (one book a year, lines from 1: TT 01/2018
    Art 10), derived from the order of reception."""
    received = dossier.received_at
    if received is None:
        return None
    start = dt.datetime(received.astimezone(TZ).year, 1, 1, tzinfo=TZ)
    return db.session.scalar(select(func.count(Dossier.id)).where(
        Dossier.office_id == dossier.office_id, Dossier.received_at >= start,
        (Dossier.received_at < dossier.received_at)
        | ((Dossier.received_at == dossier.received_at) & (Dossier.id <= dossier.id))))


def ledger(office_id: int, start: dt.date, end: dt.date) -> list[Dossier]:
    """Dossiers received between *start* and *end* (local days, inclusive), in order."""
    first = dt.datetime.combine(start, dt.time(0), tzinfo=TZ)
    after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=TZ)
    return list(db.session.scalars(
        select(Dossier).where(Dossier.office_id == office_id,
                              Dossier.received_at >= first,
                              Dossier.received_at < after)
        .options(selectinload(Dossier.procedure_version), selectinload(Dossier.events))
        .order_by(Dossier.received_at, Dossier.id)))


def times(dossier: Dossier, spec=None) -> metrics.DossierTimes | None:
    """What the 766 measure needs of a received dossier, read as the reports read it."""
    if dossier.received_at is None:
        return None
    spec = spec or services.spec_of(dossier)
    events = sorted(dossier.events, key=lambda e: (e.at, e.id))
    ended = max((e.at for e in events if e.action in metrics.ENDING_ACTIONS), default=None)
    requests = dossier.supplement_count or 0
    return metrics.DossierTimes(
        dossier.received_at, spec.statutory_days + (dossier.extension_days or 0),
        metrics.first_appointment(dossier.due_at, dossier.original_due_at,
                                  bool(dossier.rescheduled), requests),
        metrics.processing_end(dossier.resolved_at, dossier.returned_at, ended), requests,
        metrics.supplement_waits((e.action, e.source, e.at) for e in events))


def measured(dossier: Dossier, spec=None) -> metrics.Measure | None:
    """Early, on time or late as Decision 766 counts it (tthc.domain.metrics), once
    processing has ended."""
    case = times(dossier, spec)
    if case is None or case.finished_at is None:
        return None
    return metrics.measure(case, case.finished_at, services.calendar(),
                           services.office_hours(dossier.office_id, dossier),
                           rule=services.counting_rule())
