"""Retention: personal data the app no longer needs is deleted (Decree 13/2023).

``flask retention run`` (one shot, for cron; ``--dry-run`` counts only) deletes

- drafts never submitted, TTHC_DRAFT_RETENTION_DAYS (30) after their last save, with their
  uploaded files on disk, their consents, links and pending messages;
- a phone's remembered profile once its device cookie has expired (TTHC_DEVICE_COOKIE_DAYS
  after the profile was made: the cookie is set once, with that max-age);
- queue tickets TTHC_TICKET_RETENTION_DAYS (90) after their day, with their messages. A
  ticket the citizen rated is kept: the rating counts in the Decision 766 satisfaction
  index, and a ticket holds no personal data;
- files in the uploads folder that no upload row names (a crash between a purge's commit
  and its unlink, a write cut short), once a day old: younger ones may be a file stored a
  moment before its row is committed.

A dossier's history outlives it (tthc.models.dossier.HistoryKept, the trigger of 0007s): a
draft's own events (its creation, its saves) are deleted here on purpose, in the same
transaction as the draft and only for a dossier still in draft that was never received and
never given an official code, checked again inside that transaction. Access-log lines about
a purged draft stay (the log is append-only); they no longer point at it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from flask import current_app
from sqlalchemy import and_, delete, exists, or_, select, update

from .domain.status import Status
from .extensions import db
from .intake import uploads
from .models import (AccessLog, ApplicantProfile, Dossier, DossierEvent, DossierLink, Feedback,
                     Rating, Ticket, Upload)
from .models.dossier import utcnow
from .models.notify import NotifyConsent, NotifyMessage
from .timeutil import today
from .transactions import serialised

#: Rows deleted per transaction: a short write lock at a time for the desk and the citizens.
BATCH = 200
#: An upload file without its row is left alone this long (its row may be on its way).
ORPHAN_AGE = dt.timedelta(days=1)


@dataclass
class Counts:
    """What a run deleted (or would delete): numbers only, never whose."""

    drafts: int = 0
    files: int = 0
    profiles: int = 0
    tickets: int = 0
    tickets_kept: int = 0  # old enough, but rated
    orphan_files: int = 0

    def lines(self) -> list[str]:
        return [f"{f.name.replace('_', ' ')}: {getattr(self, f.name)}" for f in fields(self)]


def run(*, now: dt.datetime | None = None, dry_run: bool = False) -> Counts:
    """Delete everything past its retention period (count only with *dry_run*)."""
    now = now or utcnow()
    config = current_app.config
    counts = Counts()
    draft_cutoff = now - dt.timedelta(days=int(config["TTHC_DRAFT_RETENTION_DAYS"]))
    profile_cutoff = now - dt.timedelta(days=int(config["TTHC_DEVICE_COOKIE_DAYS"]))
    ticket_cutoff = today() - dt.timedelta(days=int(config["TTHC_TICKET_RETENTION_DAYS"]))
    purge_drafts(draft_cutoff, counts, dry_run)
    purge_profiles(profile_cutoff, counts, dry_run)
    purge_tickets(ticket_cutoff, counts, dry_run)
    purge_orphan_files(now - ORPHAN_AGE, counts, dry_run)
    return counts


# --- drafts ------------------------------------------------------------------------------------


def never_submitted(cutoff: dt.datetime):
    """The condition of a draft to delete: still a draft, never received, no official code,
    not saved since *cutoff*, and nothing kept for the office's indices (rating, feedback)."""
    return and_(
        Dossier.status == int(Status.DRAFT), Dossier.received_at.is_(None),
        Dossier.code.is_(None), Dossier.updated_at < cutoff,
        ~exists().where(Rating.dossier_id == Dossier.id),
        ~exists().where(Feedback.dossier_id == Dossier.id),
    )


def purge_drafts(cutoff: dt.datetime, counts: Counts, dry_run: bool) -> None:
    expired = select(Dossier.id).where(never_submitted(cutoff))
    ids = db.session.scalars(expired.order_by(Dossier.id)).all()
    if dry_run:
        counts.drafts += len(ids)
        counts.files += db.session.scalar(
            select(db.func.count(Upload.id)).where(Upload.dossier_id.in_(expired))) or 0
        db.session.commit()
        return
    db.session.commit()
    for start in range(0, len(ids), BATCH):
        names = _delete_drafts(ids[start:start + BATCH], cutoff, counts)
        for name in names:  # after the commit: a rolled-back purge keeps its files
            uploads.remove(name)
        counts.files += len(names)


def _delete_drafts(batch: list[int], cutoff: dt.datetime, counts: Counts) -> list[str]:
    """Delete one batch of drafts in one transaction; the stored names of their files."""
    with serialised() as session:
        # Checked again under the write lock: a draft submitted since is not touched.
        stmt = select(Dossier.id).where(Dossier.id.in_(batch), never_submitted(cutoff))
        if session.get_bind().dialect.name == "postgresql":
            stmt = stmt.with_for_update()
        ids = session.scalars(stmt).all()
        if not ids:
            return []
        names = session.scalars(select(Upload.stored_name)
                                .where(Upload.dossier_id.in_(ids))).all()
        events = select(DossierEvent.id).where(DossierEvent.dossier_id.in_(ids))
        session.execute(delete(NotifyMessage).where(or_(
            NotifyMessage.dossier_id.in_(ids), NotifyMessage.dossier_event_id.in_(events))))
        session.execute(delete(NotifyConsent).where(NotifyConsent.dossier_id.in_(ids)))
        session.execute(delete(DossierLink).where(DossierLink.dossier_id.in_(ids)))
        session.execute(delete(Upload).where(Upload.dossier_id.in_(ids)))
        session.execute(update(Ticket).where(Ticket.dossier_id.in_(ids)).values(dossier_id=None))
        session.execute(update(AccessLog).where(AccessLog.dossier_id.in_(ids))
                        .values(dossier_id=None))
        # On purpose: a never-submitted draft's own history goes with it (module docstring).
        session.execute(delete(DossierEvent).where(DossierEvent.dossier_id.in_(ids)))
        session.execute(delete(Dossier).where(Dossier.id.in_(ids)))
    counts.drafts += len(ids)
    return list(names)


# --- device profiles and tickets ---------------------------------------------------------------


def purge_profiles(cutoff: dt.datetime, counts: Counts, dry_run: bool) -> None:
    ids = db.session.scalars(select(ApplicantProfile.id)
                             .where(ApplicantProfile.created_at < cutoff)).all()
    db.session.commit()
    if dry_run:
        counts.profiles += len(ids)
        return
    for start in range(0, len(ids), BATCH):
        batch = ids[start:start + BATCH]
        with serialised() as session:
            session.execute(update(Dossier).where(Dossier.profile_id.in_(batch))
                            .values(profile_id=None))
            done = session.execute(delete(ApplicantProfile).where(
                ApplicantProfile.id.in_(batch), ApplicantProfile.created_at < cutoff))
        counts.profiles += done.rowcount


def purge_tickets(cutoff: dt.date, counts: Counts, dry_run: bool) -> None:
    old = Ticket.day < cutoff
    rated = exists().where(Rating.ticket_id == Ticket.id)
    counts.tickets_kept += db.session.scalar(
        select(db.func.count(Ticket.id)).where(old, rated)) or 0
    ids = db.session.scalars(select(Ticket.id).where(old, ~rated)).all()
    db.session.commit()
    if dry_run:
        counts.tickets += len(ids)
        return
    for start in range(0, len(ids), BATCH):
        batch = ids[start:start + BATCH]
        with serialised() as session:
            session.execute(delete(NotifyMessage).where(NotifyMessage.ticket_id.in_(batch)))
            done = session.execute(delete(Ticket).where(
                Ticket.id.in_(batch), old, ~exists().where(Rating.ticket_id == Ticket.id)))
        counts.tickets += done.rowcount


def purge_orphan_files(cutoff: dt.datetime, counts: Counts, dry_run: bool) -> None:
    folder = uploads.folder()
    known = set(db.session.scalars(select(Upload.stored_name)))
    db.session.commit()
    for path in folder.iterdir():
        if path.name in known or not path.is_file():
            continue
        if dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc) >= cutoff:
            continue
        counts.orphan_files += 1
        if not dry_run:
            path.unlink(missing_ok=True)
