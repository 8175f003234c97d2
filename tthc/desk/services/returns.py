"""The end of a dossier at the desk: handing the result over, how Decision 766 measures its
timeliness, and its line in the year's ledger (tthc.desk.services says how the modules share
the work)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ...domain.deadlines import measured_timeliness
from ...domain.status import STAFF
from ...domain.workdays import Timeliness, due_at
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


def first_due(dossier: Dossier, spec=None) -> dt.datetime | None:
    """The due date of the first reception, which the 766 measure keeps."""
    received = dossier.received_at
    if received is None:
        return None
    spec = spec or services.spec_of(dossier)
    if dossier.same_day and not dossier.supplement_count:
        return dossier.due_at
    return due_at(received, spec.statutory_days, services.calendar(),
                  services.office_hours(dossier.office_id))


def measured(dossier: Dossier, spec=None) -> Timeliness | None:
    """Early, on time or late as Decision 766 counts it, once the result is ready."""
    finished = dossier.resolved_at or dossier.returned_at
    due = first_due(dossier, spec)
    if finished is None or due is None:
        return None
    return measured_timeliness(finished, due,
                               supplement_wait=dt.timedelta(
                                   seconds=dossier.supplement_wait_seconds or 0),
                               supplement_count=dossier.supplement_count or 0)
