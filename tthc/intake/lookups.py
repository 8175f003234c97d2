"""Look-up: a dossier's status by its code; its history only with the phone's last digits."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Mapping

from sqlalchemy import func, or_, select

from ..domain import codes
from ..domain.status import Status
from ..domain.text import nfc
from ..extensions import db
from ..models import Dossier


@dataclass(frozen=True)
class LookupResult:
    dossier: Dossier | None
    phone_matches: bool | None  # None: no digits given


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


def lookup(code: str, last4: str | None) -> LookupResult:
    dossier = find_by_code(code)
    if dossier is None or last4 is None:
        return LookupResult(dossier, None)
    # Compare in constant time: the four digits are the only secret here.
    matches = bool(dossier.phone_last4) and secrets.compare_digest(dossier.phone_last4, last4)
    return LookupResult(dossier, matches)


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
