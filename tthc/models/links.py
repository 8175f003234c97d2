"""A dossier's link token, sealed, so that the phone that keeps it can list and reopen it."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class DossierLink(db.Model):
    """The link token of one dossier, sealed with Fernet (``fernet:<token>``, tthc.intake.mine).

    Only the token's hash is on the dossier; this row lets the server give the link back to
    the phone whose profile the dossier is linked to ("my dossiers"), never to anyone else.
    """

    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"),
                                            primary_key=True)
    sealed: Mapped[str] = mapped_column(String(255))
