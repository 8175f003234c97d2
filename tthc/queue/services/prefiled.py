"""The pre-filed dossier's QR doubles as its ticket.

At the kiosk a barcode scanner types what the QR holds (the dossier's link,
``…/ho-so/<token>``) into a field, or the citizen types the pre-filing code (``YPD9-N7J6``,
any spacing or case); on the phone the confirmation page has a «Lấy số» button. Either way
the number is given in the group serving the procedure's field (``group_for_field``) and
tied to the dossier (``Ticket.dossier_id``), so the officer who calls it opens the dossier
from the counter with no typing. One number per dossier and day: scanning again shows it.

The dossier is found through ``tthc.intake.services`` (the queue never reads intake's
modules directly, and never the desk).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from ...domain.codes import format_prefiling_code
from ...domain.i18n import N_, Message, msg
from ...domain.status import Status
from ...extensions import db
from ...intake import services as intake
from ...models import Dossier, Office
from .settings import group_for_field
from .tickets import ticket_for_dossier

_TOKEN_IN_URL = re.compile(r"/ho-so/([A-Za-z0-9_-]{20,64})")

#: The dossiers a citizen may bring to the desk with a number: sent, not finished.
TICKETED = frozenset({Status.NEW, Status.RECEIVED, Status.IN_PROGRESS, Status.SUPPLEMENT,
                      Status.AWAITING_FEE, Status.RESOLVED})


class NoTicket(Exception):
    """No number for this dossier; ``message`` says why and what to do instead."""

    def __init__(self, message: Message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class DossierTicket:
    token: str
    label: str
    new: bool  # given now (False: the dossier's number of today, shown again)


def prefiling_codes(dossier_ids: list[int]) -> dict[int, str]:
    """The pre-filing codes of these dossiers as printed (``YPD9-N7J6``), by dossier id: what
    the counter shows beside a number given for a dossier (a code, not personal data)."""
    if not dossier_ids:
        return {}
    rows = db.session.execute(select(Dossier.id, Dossier.prefiling_code)
                              .where(Dossier.id.in_(dossier_ids[:20])))
    return {row.id: format_prefiling_code(row.prefiling_code) for row in rows
            if row.prefiling_code}


def find(raw: str, office_id: int) -> Dossier | None:
    """The office's dossier for what was scanned (its link) or typed (its code), or None."""
    raw = (raw or "").strip()[:500]
    if not raw:
        return None
    token = _TOKEN_IN_URL.search(raw)
    dossier = intake.find_by_token(token[1]) if token else intake.find_by_code(raw)
    return dossier if dossier is not None and dossier.office_id == office_id else None


def check(dossier: Dossier) -> None:
    """Raise NoTicket unless the dossier is one a number can be given for."""
    status = Status(dossier.status)
    if status == Status.DRAFT:
        raise NoTicket(msg(N_("Hồ sơ này chưa được nộp trước. Mở hồ sơ trên điện thoại và bấm "
                              "«Nộp trước», hoặc chọn việc cần làm bên dưới để lấy số.")))
    if status not in TICKETED:
        raise NoTicket(msg(N_("Hồ sơ này đã kết thúc nên không lấy số theo mã được. Chọn việc "
                              "cần làm bên dưới để lấy số.")))


def ticket(office: Office, dossier: Dossier, source: str) -> DossierTicket:
    """The dossier's number of today in its procedure's group, given now if it has none.

    :raise NoTicket: a draft, a finished dossier, or an office without groups
    :raise tthc.transactions.Busy: SQLite stayed locked by other writers
    """
    check(dossier)
    group = group_for_field(office.id, dossier.procedure_version.field)
    if group is None:
        raise NoTicket(msg(N_("Máy lấy số chưa được cài đặt. Vui lòng hỏi cán bộ tại Bộ phận "
                              "Một cửa.")))
    found, new = ticket_for_dossier(office, group, dossier.id, source=source)
    return DossierTicket(found.token, found.label, new)
