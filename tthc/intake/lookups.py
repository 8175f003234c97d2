"""Look-up: a dossier's status and history by its code with the phone's last 4 digits."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from typing import Mapping

from flask import current_app
from sqlalchemy import delete, func, or_, select

from ..domain import codes
from ..domain.status import Status
from ..domain.text import nfc
from ..extensions import db
from ..models import Dossier, LookupFailure
from ..models.dossier import utcnow


def normalise_last4(raw: str | None) -> str | None:
    """Four digits, or None when the input is not four digits."""
    digits = re.sub(r"[\s.\-]", "", nfc(raw or ""))
    return digits if re.fullmatch(r"[0-9]{4}", digits) else None


def find_by_code(raw: str) -> Dossier | None:
    """A dossier by its pre-filing code (any spacing, case) or its official code (ours, or
    the portal's code it came with, which becomes its code at reception)."""
    prefiling = codes.normalise_prefiling_code(raw)
    if prefiling:
        found = db.session.scalar(select(Dossier).filter_by(prefiling_code=prefiling))
        if found is not None:
            return found
    official = " ".join(nfc(raw or "").split()).upper()
    if not official or len(official) > 40:
        return None
    return db.session.scalar(select(Dossier).where(
        or_(func.upper(Dossier.code) == official, func.upper(Dossier.portal_code) == official))
        .order_by(Dossier.code.is_(None)).limit(1))


def lookup(code: str, last4: str, office_id: int | None = None) -> Dossier | None:
    """The dossier of *code* when *last4* are its phone's last 4 digits; None for every
    failure alike: no such code, a draft's code, a dossier of another office than
    *office_id* (when given: the rating kiosk of an office), wrong digits, or a dossier that
    has had too many wrong digits lately (then not even checked).

    The one way a citizen's code and digits open a dossier: the public look-up (/tra-cuu)
    and the rating kiosk (/danh-gia) both call it, so a wrong last-4 typed at either counts
    against the same limit. Official codes are guessable ({unit}-{yymmdd}-{seq}): the
    digits are the only secret, so the caller must answer every None the same way, word
    for word.
    """
    dossier = find_by_code(code)
    if dossier is None or Status(dossier.status) == Status.DRAFT:
        return None
    if office_id is not None and dossier.office_id != office_id:
        return None
    config = current_app.config
    limit = config["TTHC_LOOKUP_DOSSIER_FAILURES"]
    since = utcnow() - dt.timedelta(minutes=config["TTHC_LOOKUP_DOSSIER_WINDOW_MINUTES"])
    failures = db.session.scalar(select(func.count()).select_from(LookupFailure).where(
        LookupFailure.dossier_id == dossier.id, LookupFailure.at > since))
    if failures >= limit:
        return None
    # Compare in constant time: the four digits are the only secret here.
    if dossier.phone_last4 and secrets.compare_digest(dossier.phone_last4, last4):
        return dossier
    _record_failure(dossier, since, failures + 1 >= limit)
    return None


def _record_failure(dossier: Dossier, since: dt.datetime, reached: bool) -> None:
    """Count one wrong last-4 against *dossier* (and forget those out of the window)."""
    db.session.execute(delete(LookupFailure).where(LookupFailure.dossier_id == dossier.id,
                                                   LookupFailure.at <= since))
    db.session.add(LookupFailure(dossier_id=dossier.id))
    db.session.commit()
    if reached:
        # For the desk and the admin: someone is guessing this dossier's digits. The
        # dossier's id only: no code, no address, nothing personal in the log.
        current_app.logger.warning(
            "look-up: dossier id=%s reached %s wrong last-4 digits in %s minutes; it answers "
            "'not found' until they age out", dossier.id,
            current_app.config["TTHC_LOOKUP_DOSSIER_FAILURES"],
            current_app.config["TTHC_LOOKUP_DOSSIER_WINDOW_MINUTES"])


def supplement_list(dossier: Dossier) -> list[str]:
    """What the desk asked to supplement, item by item as Form 02 numbers them; [] unless
    the dossier waits for a supplement."""
    if Status(dossier.status) != Status.SUPPLEMENT:
        return []
    items = []
    for item in dossier.supplement_items or ():
        if isinstance(item, Mapping):
            text = item.get("reason") or item.get("label") or ""
            if isinstance(text, str) and text.strip():
                items.append(text.strip())
    return items
