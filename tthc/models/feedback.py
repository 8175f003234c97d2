"""What citizens say: one rating per dossier or visit, and feedback (phản ánh, kiến nghị)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .dossier import utcnow

# Scores, as Circular 01/2018 Art 13 counts them (2/1/0) and as the national portal words
# the overall rating: 2 Rất hài lòng, 1 Hài lòng, 0 Không hài lòng.
SCORES = (2, 1, 0)
# The indicators the citizen answers (Art 14(3)(a): indicators 1, 3, 4 and 7).
INDICATORS = ("time_score", "contacts_score", "agencies_score", "attitude_score")


class Rating(db.Model):
    """A citizen's rating of one dossier or of one ticket-only visit (never both).

    ``overall`` is the one-tap answer; the four indicators are optional (NULL: not
    answered). ``created_at`` places the rating in a period; ``updated_at`` moves when the
    citizen changes it within the window the rules allow.
    """

    __table_args__ = (
        CheckConstraint("(dossier_id IS NULL) <> (ticket_id IS NULL)", name="one_subject"),
        CheckConstraint("overall IN (0, 1, 2)", name="overall"),
        CheckConstraint(
            " AND ".join(f"({name} IS NULL OR {name} IN (0, 1, 2))" for name in INDICATORS),
            name="indicators",
        ),
        # Satisfaction per office and period counts ratings by their answer: the index
        # alone answers it (office, period range, then the answer counted).
        Index("ix_rating_office_created", "office_id", "created_at", "overall"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"), unique=True,
                                                   default=None)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"), unique=True,
                                                  default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    overall: Mapped[int] = mapped_column(SmallInteger)
    time_score: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    contacts_score: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    agencies_score: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    attitude_score: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    comment: Mapped[str] = mapped_column(Text, default="")


class Feedback(db.Model):
    """Phản ánh, kiến nghị on a dossier: the citizen's text and a leader's answer.

    Open while ``answered_at`` is NULL. Decision 766 measures feedback handled on time
    (15 working days) from ``created_at`` to ``answered_at``.
    """

    __table_args__ = (
        # Per office and period (counts, handled on time) and the leader's open list.
        Index("ix_feedback_office_created", "office_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    text: Mapped[str] = mapped_column(Text)
    answer: Mapped[str | None] = mapped_column(Text, default=None)
    answered_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    # A phone or email the citizen gave for the answer, only with their consent to keep it
    # (the time they ticked the box); blanked by ``flask retention run`` (docs/feedback.md).
    contact: Mapped[str] = mapped_column(String(200), default="")
    contact_consent_at: Mapped[dt.datetime | None] = mapped_column(default=None)
