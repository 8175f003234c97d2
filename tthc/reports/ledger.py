"""The ledger (Sổ theo dõi hồ sơ: Form 06 of TT 01/2018, 07 of TT 03/2025) streamed as .xlsx
or .csv.

The lines are the desk's own (``tthc.desk.slips.ledger_rows``: the same columns, numbering,
masked phone and notes as the printed book); only the reading is different: the period's
dossiers are read in batches, each batch turned into lines and written out, so a busy year
never sits whole in memory. Staff-only, so it may use the desk's public functions.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterator

from flask_babel import force_locale, gettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..auth import log_access
from ..desk import services as desk_services
from ..desk import slips
from ..extensions import db
from ..models import Dossier, Office
from .periods import Period

BATCH = 500
WIDTHS = slips.LEDGER_WIDTHS


def _batches(office_id: int, period: Period) -> Iterator[list[Dossier]]:
    """The period's dossiers in the ledger's order, BATCH at a time (keyset pagination)."""
    last: tuple[dt.datetime, int] | None = None
    while True:
        stmt = (select(Dossier)
                .where(Dossier.office_id == office_id, Dossier.received_at >= period.first,
                       Dossier.received_at < period.after)
                .options(selectinload(Dossier.procedure_version), selectinload(Dossier.events))
                .order_by(Dossier.received_at, Dossier.id).limit(BATCH))
        if last is not None:
            stmt = stmt.where((Dossier.received_at > last[0])
                              | ((Dossier.received_at == last[0]) & (Dossier.id > last[1])))
        batch = list(db.session.scalars(stmt))
        if not batch:
            return
        yield batch
        last = (batch[-1].received_at, batch[-1].id)
        for dossier in batch:  # what was written out is not kept (events go with it)
            db.session.expunge(dossier)


def rows(office_id: int, period: Period, action: str) -> Iterator[list]:
    """The ledger's lines as cells; each dossier written out is logged as read."""
    names = desk_services.staff_names(office_id)
    with force_locale("vi"):  # the ledger is an official book: in Vietnamese
        for batch in _batches(office_id, period):
            for dossier in batch:
                log_access(dossier.id, action, "sổ theo dõi hồ sơ")
            lines = slips.ledger_rows(batch, names)
            db.session.commit()
            for r in lines:
                yield slips.ledger_cells(r)


def heading(office: Office, period: Period) -> tuple[str, list[list[str]], list[str]]:
    """The sheet's title, the lines above the table, the column names."""
    form_set, form = slips.ledger_form(office.id)
    with force_locale("vi"):
        preamble = [[form.title_vi.upper()], [office.name],
                    [gettext("Từ ngày %(start)s đến ngày %(end)s",
                             start=period.start.strftime("%d/%m/%Y"),
                             end=period.end.strftime("%d/%m/%Y"))],
                    [gettext("Mẫu số %(number)s", number=form.number)
                     + f" ({form_set.printed_basis})"]]
        return "So theo doi ho so", preamble, slips.ledger_headers()
