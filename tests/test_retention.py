"""Retention (tthc/retention.py, `flask retention run`): old drafts never submitted go with
their files on disk, expired phone profiles and old tickets go; everything else stays."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from sqlalchemy import select, update

from tests.intake.conftest import APPLICANT, Citizen
from tests.intake.test_uploads import jpeg, upload
from tthc import retention
from tthc.cli import retention_run
from tthc.extensions import db
from tthc.models import (AccessLog, ApplicantProfile, Dossier, DossierEvent, Rating, Staff,
                         Ticket, Upload)
from tthc.models.dossier import utcnow
from tthc.timeutil import today

OLD = utcnow() - dt.timedelta(days=31)


@pytest.fixture
def citizen(app):
    return Citizen(app, app.test_client())


def draft_with_file(app, citizen: Citizen) -> tuple[int, Path]:
    """A draft with one photo stored on disk: its id and the file's path."""
    path = citizen.start()
    assert upload(citizen, path, jpeg(exif=False)).status_code == 303
    dossier = citizen.dossier(path)
    (row,) = dossier.uploads
    file = Path(app.instance_path) / "uploads" / row.stored_name
    assert file.is_file()
    return dossier.id, file


def age(app, dossier_id: int, when: dt.datetime = OLD, **values) -> None:
    with app.app_context():
        db.session.execute(update(Dossier).where(Dossier.id == dossier_id)
                           .values(updated_at=when, **values))
        db.session.commit()


def exists(app, model, ident) -> bool:
    with app.app_context():
        return db.session.get(model, ident) is not None


def run(app, **kwargs) -> retention.Counts:
    with app.test_request_context():
        return retention.run(**kwargs)


def test_an_old_draft_goes_with_its_files_and_history_the_rest_stays(app, citizen):
    old_id, old_file = draft_with_file(app, citizen)
    young_id, young_file = draft_with_file(app, citizen)
    age(app, old_id)
    with app.app_context():
        assert db.session.scalar(select(DossierEvent.id).filter_by(dossier_id=old_id))
    counts = run(app)
    assert (counts.drafts, counts.files) == (1, 1)
    assert not exists(app, Dossier, old_id) and not old_file.exists()
    assert exists(app, Dossier, young_id) and young_file.is_file()
    with app.app_context():
        assert db.session.scalars(select(DossierEvent).filter_by(dossier_id=old_id)).all() == []
        assert db.session.scalars(select(Upload).filter_by(dossier_id=old_id)).all() == []
    assert run(app).drafts == 0  # nothing left to do


def test_a_dry_run_counts_and_deletes_nothing(app, citizen):
    old_id, old_file = draft_with_file(app, citizen)
    age(app, old_id)
    counts = run(app, dry_run=True)
    assert (counts.drafts, counts.files) == (1, 1)
    assert exists(app, Dossier, old_id) and old_file.is_file()


def test_the_period_is_configurable(app, citizen):
    old_id, _ = draft_with_file(app, citizen)
    age(app, old_id, utcnow() - dt.timedelta(days=10))
    assert run(app).drafts == 0
    app.config["TTHC_DRAFT_RETENTION_DAYS"] = 7
    assert run(app).drafts == 1
    assert not exists(app, Dossier, old_id)


@pytest.mark.parametrize("kept", [
    {"status": 1},  # submitted: the office's now
    {"received_at": OLD},  # received once (a reopened draft that carries its reception)
    {"code": "DEMO-261101-0001"},  # given an official code
])
def test_a_dossier_ever_submitted_or_received_is_never_purged(app, citizen, kept):
    dossier_id, file = draft_with_file(app, citizen)
    age(app, dossier_id, **kept)
    assert run(app).drafts == 0
    assert exists(app, Dossier, dossier_id) and file.is_file()


def test_a_submitted_dossier_stays_however_old(app, citizen):
    path = citizen.start()
    citizen.fill_complete(path)
    assert citizen.action(path + "/nop").status_code == 303
    dossier = citizen.dossier(path)
    assert dossier.status != 0
    age(app, dossier.id)
    assert run(app).drafts == 0
    assert exists(app, Dossier, dossier.id)


def test_the_access_log_keeps_its_lines_about_a_purged_draft(app, citizen, demo):
    dossier_id, _ = draft_with_file(app, citizen)
    age(app, dossier_id)
    with app.app_context():
        staff = db.session.get(Staff, demo["staff"]["tiepnhan"])
        entry = AccessLog(staff_id=staff.id, office_id=staff.office_id, dossier_id=dossier_id,
                          action="view")
        db.session.add(entry)
        db.session.commit()
        entry_id = entry.id
    assert run(app).drafts == 1
    with app.app_context():
        kept = db.session.get(AccessLog, entry_id)
        assert kept is not None and kept.dossier_id is None and kept.action == "view"


def test_a_file_no_upload_names_goes_once_a_day_old(app, citizen):
    _, kept = draft_with_file(app, citizen)
    folder = kept.parent
    stale, fresh = folder / ("a" * 32 + ".jpg"), folder / ("b" * 32 + ".part")
    stale.write_bytes(b"left by a crash")
    fresh.write_bytes(b"a row on its way")
    two_days_ago = (utcnow() - dt.timedelta(days=2)).timestamp()
    os.utime(stale, (two_days_ago, two_days_ago))
    os.utime(kept, (two_days_ago, two_days_ago))
    assert run(app, dry_run=True).orphan_files == 1 and stale.exists()
    assert run(app).orphan_files == 1
    assert not stale.exists() and fresh.exists() and kept.exists()


def test_a_phone_profile_goes_when_its_cookie_has_expired(app, citizen):
    path = citizen.start()
    dossier_id = citizen.dossier(path).id
    days = app.config["TTHC_DEVICE_COOKIE_DAYS"]
    with app.app_context():
        expired = ApplicantProfile(device_hash="a" * 64, data={"applicant_full_name": "X"},
                                   created_at=utcnow() - dt.timedelta(days=days + 1))
        alive = ApplicantProfile(device_hash="b" * 64, data={},
                                 created_at=utcnow() - dt.timedelta(days=days - 1))
        db.session.add_all([expired, alive])
        db.session.flush()
        db.session.get(Dossier, dossier_id).profile_id = expired.id
        db.session.commit()
        expired_id, alive_id = expired.id, alive.id
    assert run(app).profiles == 1
    assert not exists(app, ApplicantProfile, expired_id)
    assert exists(app, ApplicantProfile, alive_id)
    with app.app_context():
        dossier = db.session.get(Dossier, dossier_id)
        assert dossier is not None and dossier.profile_id is None  # the draft stays


def test_old_tickets_go_except_rated_ones(app, demo, issue):
    group = demo["groups"][0]
    old, rated, recent = (issue(group)[0] for _ in range(3))
    with app.app_context():
        db.session.execute(update(Ticket).where(Ticket.id.in_([old, rated]))
                           .values(day=today() - dt.timedelta(days=91)))
        db.session.execute(update(Ticket).where(Ticket.id == recent)
                           .values(day=today() - dt.timedelta(days=89)))
        db.session.add(Rating(office_id=demo["office"], ticket_id=rated, overall=2))
        db.session.commit()
    counts = run(app)
    assert (counts.tickets, counts.tickets_kept) == (1, 1)
    assert not exists(app, Ticket, old)
    assert exists(app, Ticket, rated) and exists(app, Ticket, recent)


def test_the_command_prints_counts_never_personal_data(app, citizen):
    dossier_id, file = draft_with_file(app, citizen)
    age(app, dossier_id)
    runner = app.test_cli_runner()
    dry = runner.invoke(retention_run, ["--dry-run"], catch_exceptions=False)
    assert dry.exit_code == 0
    assert "drafts: 1" in dry.output and "files: 1" in dry.output
    assert "nothing deleted" in dry.output and file.is_file()
    done = runner.invoke(retention_run, [], catch_exceptions=False)
    assert done.exit_code == 0 and "drafts: 1" in done.output and not file.exists()
    for value in APPLICANT.values():
        if len(value) > 3:
            assert value not in dry.output + done.output


def test_postgresql_purges_a_draft_despite_the_history_foreign_key(pg_app):
    citizen = Citizen(pg_app, pg_app.test_client())
    dossier_id, file = draft_with_file(pg_app, citizen)
    age(pg_app, dossier_id)
    assert run(pg_app).drafts == 1
    assert not exists(pg_app, Dossier, dossier_id) and not file.exists()


def test_the_database_refuses_deleting_a_dossier_with_history_outside_the_purge(app, citizen):
    """The purge deletes events on purpose; a plain delete of a draft still fails."""
    from tthc.models.dossier import HistoryKept

    dossier_id, _ = draft_with_file(app, citizen)
    with app.app_context():
        with pytest.raises(HistoryKept):
            db.session.delete(db.session.get(Dossier, dossier_id))
            db.session.flush()
        db.session.rollback()
    assert exists(app, Dossier, dossier_id)
