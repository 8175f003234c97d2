"""Dossiers (hồ sơ), their append-only history, uploads and the citizen's reusable profile."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, event, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Dossier(db.Model):
    """One request for one procedure: a citizen's draft, then the office's dossier.

    ``answers`` holds the form as typed (NFC strings); the version of the procedure in force
    when the draft was started is kept and replaced only until reception fixes it.
    """

    __table_args__ = (
        UniqueConstraint("office_id", "code"),
        Index("ix_dossier_office_status", "office_id", "status"),
        # Reports and the ledger read an office's dossiers received in a period (0006p).
        Index("ix_dossier_office_received", "office_id", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"), index=True)
    procedure_version_id: Mapped[int] = mapped_column(ForeignKey("procedure_version.id"))
    procedure_version = relationship("ProcedureVersion")
    status: Mapped[int] = mapped_column(default=0)  # tthc.domain.status.Status
    channel: Mapped[int] = mapped_column(default=2)  # KenhThucHien: 1 direct, 2 online, 3 post
    # Pre-filing code (ours, read aloud at the desk) and the hash of the secret link token.
    prefiling_code: Mapped[str] = mapped_column(String(16), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The official code (Circular 01/2018 Art 19), assigned at reception only.
    code: Mapped[str | None] = mapped_column(String(40), default=None)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Papers the citizen says they have and will bring (keys); uploads are rows below.
    papers_confirmed: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Denormalised from answers for look-up and staff lists (lists show them masked).
    applicant_name: Mapped[str] = mapped_column(String(200), default="")
    applicant_search: Mapped[str] = mapped_column(String(200), default="")
    phone_last4: Mapped[str] = mapped_column(String(4), default="")
    profile_id: Mapped[int | None] = mapped_column(ForeignKey("applicant_profile.id"),
                                                   default=None)
    fee_estimate: Mapped[int | None] = mapped_column(default=None)
    # Staff side
    assisted: Mapped[bool] = mapped_column(default=False)
    assisted_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    portal_code: Mapped[str] = mapped_column(String(60), default="")  # national portal's code
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    paper_checks: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    same_day: Mapped[bool] = mapped_column(default=False)
    slip_requested: Mapped[bool] = mapped_column(default=False)
    supplement_items: Mapped[list[Any]] = mapped_column(JSON, default=list)
    supplement_count: Mapped[int] = mapped_column(default=0)
    supplement_wait_seconds: Mapped[int] = mapped_column(default=0)  # for the 766 metric
    refusal_reason: Mapped[str] = mapped_column(Text, default="")
    # How the result goes back (desk / post / online): chosen when filing or at reception,
    # then the channel actually used at return; the postal address with it.
    return_channel: Mapped[str] = mapped_column(String(10), default="")
    return_address: Mapped[str] = mapped_column(Text, default="")
    returned_to: Mapped[str] = mapped_column(String(200), default="")
    # Extended time given at reception (0007r): the reason's key in the procedure version's
    # extensions ("" for none) and the working days it added to the legal time.
    extension_key: Mapped[str] = mapped_column(String(41), default="")
    extension_days: Mapped[int] = mapped_column(default=0)
    # A result sent by public post: the day handed to the post office, the tracking number.
    post_handed_on: Mapped[dt.date | None] = mapped_column(default=None)
    post_tracking: Mapped[str] = mapped_column(String(40), default="")
    original_due_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    rescheduled: Mapped[bool] = mapped_column(default=False)
    # The set of official forms (tthc/data/forms.toml) in force at the desk's first decision;
    # None: not decided yet, or decided before sets were recorded (TT 01/2018). See 0004f.
    form_set: Mapped[str | None] = mapped_column(String(40), default=None)
    # The legal framework version (tthc/data/frameworks.toml) in force on the day it was
    # received; None: not received yet, or received before versions were recorded (0007f).
    framework: Mapped[str | None] = mapped_column(String(40), default=None)
    # Form 01 item 2, "Số lượng hồ sơ (bộ)": the sets of papers handed in (0007f).
    sets: Mapped[int] = mapped_column(default=1)
    # The leader's sign-off (0006s): the leader asked to sign (None: no signature awaited),
    # the number of hand-overs for signature (what the leader's page posts back), and the
    # signed result document: "số, ký hiệu", its date, who approved it and when.
    signoff_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None,
                                                      index=True)
    signoff_round: Mapped[int] = mapped_column(default=0)
    result_number: Mapped[str] = mapped_column(String(60), default="")
    result_date: Mapped[dt.date | None] = mapped_column(default=None)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    signed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    # Times (UTC); "overdue" is derived from due_at and status, never stored.
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    received_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    due_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    supplement_requested_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    returned_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    # The history outlives every mistake: deleting a dossier never deletes its events (no
    # delete cascade, passive_deletes="all": the ORM leaves them alone) and a dossier that
    # has any cannot be deleted at all (see HISTORY_KEPT below and migration 0007s).
    events: Mapped[list[DossierEvent]] = relationship(
        back_populates="dossier", order_by="DossierEvent.id", cascade="save-update, merge",
        passive_deletes="all"
    )
    uploads: Mapped[list[Upload]] = relationship(
        back_populates="dossier", order_by="Upload.id", cascade="all, delete-orphan"
    )


class DossierEvent(db.Model):
    """Append-only history: every status change (who, when, from, to, note)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    dossier: Mapped[Dossier] = relationship(back_populates="events")
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(10))  # citizen / staff / system
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    action: Mapped[str] = mapped_column(String(30))
    source: Mapped[int | None] = mapped_column(default=None)
    target: Mapped[int] = mapped_column()
    note: Mapped[str] = mapped_column(Text, default="")
    # What an event records beside its note (0007s), e.g. how the citizen was told of a new
    # date {"told": ["sms", "zalo"]}, or a change of procedure {"from": …, "to": …}.
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)


class Upload(db.Model):
    """A photo or PDF of one paper, stored under instance/uploads with a random name."""

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    dossier: Mapped[Dossier] = relationship(back_populates="uploads")
    paper_key: Mapped[str] = mapped_column(String(41))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column()
    pages: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # "paper": a paper of the dossier, sent by the citizen or scanned at the desk (staff_id:
    # the officer who scanned it); "result": the electronic result the office issued (0007s).
    kind: Mapped[str] = mapped_column(String(10), default="paper")
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)


@event.listens_for(Dossier, "before_delete")
def _keep_history(_mapper, connection, target: Dossier) -> None:
    """Refuse to delete a dossier that has history, whatever the engine (the database
    refuses it too: PostgreSQL by the foreign key, SQLite by the trigger of 0007s)."""
    if connection.scalar(select(DossierEvent.id).where(DossierEvent.dossier_id == target.id)
                         .limit(1)) is not None:
        raise HistoryKept(f"dossier {target.id} has history: it is kept, never deleted")


class HistoryKept(RuntimeError):
    """A dossier with history was about to be deleted: nothing was."""


class ApplicantProfile(db.Model):
    """A citizen's own details, bound to one phone by a secret cookie (hashed here)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    device_hash: Mapped[str] = mapped_column(String(64), unique=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
