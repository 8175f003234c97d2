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
  moment before its row is committed;
- notifications sent or given up (failed, skipped) TTHC_NOTIFY_RETENTION_DAYS (180) ago
  lose their recipient, text and gateway error; the row stays (which dossier, what event,
  which channel, when, with what outcome), so a complaint can still be answered. Consents
  withdrawn that long ago lose their address (the record of consent and of its withdrawal
  stays);
- the access log's lines TTHC_ACCESS_LOG_RETENTION_DAYS (1827, five years) after they were
  written. The log has no index on its time: it is walked in the order it was written (id),
  ``LOG_BATCH`` lines a transaction, and the walk stops at the first line younger than the
  limit, so a run costs what it deletes, not the size of the log.

A dossier's history outlives it (tthc.models.dossier.HistoryKept, the trigger of 0007s): a
draft's own events (its creation, its saves) are deleted here on purpose, in the same
transaction as the draft and only for a dossier still in draft that was never received and
never given an official code, checked again inside that transaction. Access-log lines about
a purged draft stay (the log is append-only); they no longer point at it.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, fields

from flask import current_app
from sqlalchemy import ColumnElement, Table, and_, delete, exists, func, or_, select, update

from .domain.status import Status
from .extensions import db
from .intake import uploads
from .models import (AccessLog, ApplicantProfile, Dossier, DossierEvent, DossierLink, Feedback,
                     Rating, Ticket, Upload)
from .models.dossier import utcnow
from .models.notify import NotifyConsent, NotifyMessage
from .notify.sender import FAILED, SENT, SKIPPED
from .timeutil import today
from .transactions import serialised

log = logging.getLogger(__name__)

#: Rows deleted per transaction: a short write lock at a time for the desk and the citizens.
BATCH = 200
#: Access-log lines deleted per transaction (small rows, no files, no other table).
LOG_BATCH = 500
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
    messages_blanked: int = 0
    consent_addresses_blanked: int = 0
    access_log_lines: int = 0
    #: The access log's limit: lines written before it are deleted (not a count).
    access_log_before: dt.datetime | None = None

    def lines(self) -> list[str]:
        return [f"{f.name.replace('_', ' ')}: {getattr(self, f.name)}" for f in fields(self)
                if f.name != "access_log_before"]

    def access_log_line(self, dry_run: bool = False) -> str:
        """The one line that records the access log's own deletion: how many, up to when."""
        before = self.access_log_before.astimezone(dt.timezone.utc).strftime(
            "%Y-%m-%d %H:%M:%S UTC") if self.access_log_before else "-"
        verb = "would delete" if dry_run else "deleted"
        return f"access log: {verb} {self.access_log_lines} line(s) written before {before}"


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
    notify_cutoff = now - dt.timedelta(days=int(config["TTHC_NOTIFY_RETENTION_DAYS"]))
    blank_messages(notify_cutoff, counts, dry_run)
    blank_withdrawn_consents(notify_cutoff, counts, dry_run)
    counts.access_log_before = now - dt.timedelta(
        days=int(config["TTHC_ACCESS_LOG_RETENTION_DAYS"]))
    purge_access_log(counts.access_log_before, counts, dry_run)
    if not dry_run:
        log.info("%s", counts.access_log_line())
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


# --- notifications and consents ----------------------------------------------------------------


def _blank(table: Table, condition: ColumnElement[bool], values: dict, dry_run: bool) -> int:
    """Set *values* on the rows of *table* that meet *condition*; how many.

    The ids are walked in order (keyset, ``BATCH`` at a time: bounded memory), each batch
    changed in its own short serialised write that checks *condition* again (a row retried
    meanwhile is left alone).
    """
    c, done, after = table.c, 0, 0
    while True:
        ids = db.session.scalars(select(c.id).where(c.id > after, condition)
                                 .order_by(c.id).limit(BATCH)).all()
        db.session.commit()
        if dry_run:
            done += len(ids)
        elif ids:
            with serialised() as session:
                done += session.execute(update(table).where(c.id.in_(ids), condition)
                                        .values(**values)).rowcount
        if len(ids) < BATCH:
            return done
        after = ids[-1]


def blank_messages(cutoff: dt.datetime, counts: Counts, dry_run: bool) -> None:
    """Blank the recipient, text and error of messages sent or given up before *cutoff*."""
    m = NotifyMessage.__table__.c
    condition = and_(
        m.status.in_((SENT, FAILED, SKIPPED)), m.created_at < cutoff,
        # Sent, else the last attempt (claimed_at: failed and skipped rows), else written.
        func.coalesce(m.sent_at, m.claimed_at, m.created_at) < cutoff,
        or_(m.recipient != "", m.body != "", m.last_error != ""))
    counts.messages_blanked += _blank(NotifyMessage.__table__, condition,
                                      {"recipient": "", "body": "", "last_error": ""}, dry_run)


def blank_withdrawn_consents(cutoff: dt.datetime, counts: Counts, dry_run: bool) -> None:
    """Blank the address of consents withdrawn before *cutoff* (when, where from, stay)."""
    c = NotifyConsent.__table__.c
    condition = and_(c.withdrawn_at.is_not(None), c.withdrawn_at < cutoff, c.address != "")
    counts.consent_addresses_blanked += _blank(NotifyConsent.__table__, condition,
                                               {"address": ""}, dry_run)


# --- the access log ----------------------------------------------------------------------------


def purge_access_log(cutoff: dt.datetime, counts: Counts, dry_run: bool) -> None:
    """Delete the access log's lines written before *cutoff*, oldest first (module docstring:
    the walk stops at the first younger line; lines a clock's skew put after it go the next
    night)."""
    after = 0
    while True:
        rows = db.session.execute(select(AccessLog.id, AccessLog.at)
                                  .where(AccessLog.id > after)
                                  .order_by(AccessLog.id).limit(LOG_BATCH)).all()
        db.session.commit()
        old = [row.id for row in rows if row.at < cutoff]
        if dry_run:
            counts.access_log_lines += len(old)
        elif old:
            with serialised() as session:
                counts.access_log_lines += session.execute(delete(AccessLog).where(
                    AccessLog.id.in_(old), AccessLog.at < cutoff)).rowcount
        if len(rows) < LOG_BATCH or len(old) < len(rows):
            return
        after = rows[-1].id
