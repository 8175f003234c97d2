"""Dossiers, events, tickets and ratings written straight into the database at chosen times,
so that every figure of a report can be counted by hand."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from sqlalchemy import select

from tests.auth import factories
from tthc.extensions import db
from tthc.models import Dossier, DossierEvent, Procedure, ProcedureVersion, Ticket, Upload
from tthc.models.feedback import Feedback, Rating
from tthc.timeutil import TZ

SAME_DAY = "chung-thuc-ban-sao"  # statutory 0, promised on Mondays
THREE_DAYS = "xac-nhan-tinh-trang-hon-nhan"  # 3 working days
_seq = itertools.count(1)


def vn(y: int, m: int, d: int, h: int = 9, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=TZ)


def version(code: str) -> ProcedureVersion:
    return db.session.scalars(select(ProcedureVersion).join(Procedure)
                              .where(Procedure.code == code)
                              .order_by(ProcedureVersion.effective_from.desc())).first()


def dossier(office_id: int, code: str = THREE_DAYS, *, received: dt.datetime | None,
            status: int = 2, events=(), uploads: int = 0, **columns) -> Dossier:
    """A dossier as the desk leaves it; *events* are (action, at, source, target)."""
    n = next(_seq)
    row = Dossier(office_id=office_id, procedure_version_id=version(code).id, status=status,
                  prefiling_code=f"T{n:015d}", token_hash=f"{n:064d}",
                  code=f"TEST-{n:06d}" if received else None, received_at=received,
                  applicant_name=columns.pop("applicant_name", "Nguyễn Văn Thử"),
                  answers=columns.pop("answers", {"applicant_phone": "0912345678"}), **columns)
    db.session.add(row)
    db.session.flush()
    for action, at, source, target in events:
        db.session.add(DossierEvent(dossier_id=row.id, at=at, actor="staff", action=action,
                                    source=source, target=target))
    for i in range(uploads):
        db.session.add(Upload(dossier_id=row.id, paper_key="giay", stored_name=f"u{n}-{i}",
                              content_type="image/jpeg", size=1))
    db.session.commit()
    return row


def ticket(office_id: int, group_id: int, *, created: dt.datetime, status: str = "done",
           called: dt.datetime | None = None, served: dt.datetime | None = None,
           done: dt.datetime | None = None, staff_id: int | None = None, no_shows: int = 0,
           dossier_id: int | None = None) -> Ticket:
    n = next(_seq)
    row = Ticket(office_id=office_id, group_id=group_id, queue_group_id=group_id,
                 day=created.astimezone(TZ).date(), number=n, label=f"A-{n:03d}",
                 token=f"tok{n:061d}", status=status, created_at=created, queued_at=created,
                 called_at=called, served_at=served, done_at=done, staff_id=staff_id,
                 no_shows=no_shows, dossier_id=dossier_id)
    db.session.add(row)
    db.session.commit()
    return row


def rating(office_id: int, overall: int, at: dt.datetime, *, dossier_id=None, ticket_id=None,
           **scores) -> Rating:
    row = Rating(office_id=office_id, overall=overall, created_at=at, dossier_id=dossier_id,
                 ticket_id=ticket_id, **scores)
    db.session.add(row)
    db.session.commit()
    return row


def feedback(office_id: int, dossier_id: int, at: dt.datetime) -> Feedback:
    row = Feedback(office_id=office_id, dossier_id=dossier_id, created_at=at, text="Góp ý")
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def staff_client(app):
    """staff_client(staff_id) → a test client signed in as that officer."""

    def make(staff_id: int):
        client = app.test_client()
        factories.login(client, staff_id)
        return client

    return make


@pytest.fixture
def frozen(monkeypatch):
    """Fix the reports' clock: frozen(at) (aware) for the views and the public board."""
    from tthc.reports import public, views

    def set_to(at: dt.datetime) -> None:
        for module in (views, public):
            monkeypatch.setattr(module, "now", lambda: at)
            monkeypatch.setattr(module, "today", lambda: at.astimezone(TZ).date())

    return set_to
