"""Extended time at reception (domain.md §5, §12 item 7): the reasons the procedure's version
allows, the date each would give, and the decision the desk records with one.

The officer picks a reason at reception; the legal time grows by its working days, the
receipt and appointment slip prints the lawful date, and the dossier is no longer handled
the same day (so never "overdue" at closing time on the day it came).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ...domain.catalogue_model import Extension
from ...domain.deadlines import IntakeDecision
from ...models import Dossier
from .. import services


@dataclass(frozen=True)
class Option:
    """One reason the officer may pick, with the due date it would give now."""

    extension: Extension
    due: dt.datetime


def decision(dossier: Dossier, spec, extension_days: int = 0, *, keep_promise: bool = False,
             at: dt.datetime | None = None) -> IntakeDecision:
    """What receiving the dossier at *at* promises, with *extension_days* more working days
    (0: the plain legal time, ``services.preview``)."""
    return services.preview(dossier, spec, keep_promise=keep_promise, at=at,
                            extension_days=extension_days)


def options(dossier: Dossier, spec, at: dt.datetime | None = None) -> list[Option]:
    """Each extension the procedure's version allows, with the date it would give."""
    at = at or services.now()
    return [Option(e, decision(dossier, spec, e.working_days, at=at).due)
            for e in spec.extensions]


def granted(dossier: Dossier, spec) -> Extension | None:
    """The extension given to *dossier* at reception, as its version words it, or None."""
    return spec.extension(dossier.extension_key) if dossier.extension_days else None


def context(dossier: Dossier, spec) -> dict:
    """What the decision at reception shows of the extensions: each with its date, and the
    one chosen (the dossier's, when it is received again after a supplement)."""
    return {"extension_options": options(dossier, spec) if spec.extensions else [],
            "extension_chosen": dossier.extension_key}


def log_detail(dossier: Dossier) -> str:
    """What the access log adds to a reception: the extension's key, a return other than at
    the desk (no personal data: never the postal address)."""
    granted = f", gia hạn {dossier.extension_key}" if dossier.extension_days else ""
    channel = dossier.return_channel or "desk"
    return granted + (f", nhận kết quả: {channel}" if channel != "desk" else "")
