"""Ratings, feedback and ticket phones past their period: blanked or deleted by
``flask retention run`` (tthc/cli.py, with the drafts, profiles and tickets of tthc.retention).

Periods are settings (``TTHC_RATING_*_DAYS``, ``TTHC_FEEDBACK_*_DAYS``; defaults and their
basis in docs/feedback.md, "Retention"). One pass, one transaction, safe to run again
(cron, daily):

- a rating's comment (free text, may hold personal data) is blanked after
  ``TTHC_RATING_COMMENT_DAYS``; the rating itself is deleted after ``TTHC_RATING_KEEP_DAYS``;
- a feedback's contact (phone or email given with consent) is blanked
  ``TTHC_FEEDBACK_CONTACT_DAYS`` after the answer; its text, answer and contact are blanked
  after ``TTHC_FEEDBACK_KEEP_DAYS`` (the row stays: reports count feedback and whether it
  was answered on time, never its words);
- a phone given on a ticket's page is deleted once the ticket's day is over, and the
  outbox rows written for it lose their recipient (``tthc.notify.tickets.purge``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Mapping

from flask import current_app
from sqlalchemy import case, delete, update

from ..models import Feedback, Rating
from ..notify import tickets
from ..timeutil import today
from ..transactions import serialised
from .services import now

@dataclass(frozen=True)
class Purged:
    """What one pass changed, by kind (counts of rows)."""

    ratings_deleted: int = 0
    comments_blanked: int = 0
    feedback_contacts_blanked: int = 0
    feedback_texts_blanked: int = 0
    ticket_phones_deleted: int = 0
    outbox_recipients_blanked: int = 0

    def __str__(self) -> str:
        return ", ".join(f"{f.name.replace('_', ' ')}: {getattr(self, f.name)}"
                         for f in fields(self))


def _days(config: Mapping, key: str) -> dt.timedelta:
    return dt.timedelta(days=int(config[key]))


def purge(at: dt.datetime | None = None, config: Mapping | None = None) -> Purged:
    """Apply every period as of *at* (now); what was changed."""
    at = at or now()
    config = config or current_app.config
    with serialised() as session:
        r, f = Rating.__table__.c, Feedback.__table__.c
        ratings = session.execute(delete(Rating.__table__).where(
            r.created_at < at - _days(config, "TTHC_RATING_KEEP_DAYS"))).rowcount
        comments = session.execute(update(Rating.__table__).where(
            r.created_at < at - _days(config, "TTHC_RATING_COMMENT_DAYS"), r.comment != "")
            .values(comment="")).rowcount
        texts = session.execute(update(Feedback.__table__).where(
            f.created_at < at - _days(config, "TTHC_FEEDBACK_KEEP_DAYS"),
            (f.text != "") | (f.answer != "") | (f.contact != ""))
            .values(text="", answer=case((f.answer.is_(None), None), else_=""),
                    contact="")).rowcount
        contacts = session.execute(update(Feedback.__table__).where(
            f.answered_at < at - _days(config, "TTHC_FEEDBACK_CONTACT_DAYS"), f.contact != "")
            .values(contact="")).rowcount
        phones, recipients = tickets.purge(session, today())
    return Purged(ratings, comments, contacts, texts, phones, recipients)
