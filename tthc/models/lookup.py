"""Failed look-ups of one dossier, counted in the database so every worker and server agree."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .dossier import utcnow


class LookupFailure(db.Model):
    """One wrong last-4 typed for a dossier at /tra-cuu or the rating kiosk (lookups.lookup).

    Only the dossier and the time: not the address or the digits typed. Rows older than
    the counting window are deleted as new ones come, so a dossier keeps at most its limit.
    """

    __table_args__ = (Index("ix_lookup_failure_dossier_at", "dossier_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
