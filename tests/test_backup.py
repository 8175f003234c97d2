"""flask backup / flask restore on SQLite (live, under writes), and pg_dump/pg_restore."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
import threading
import time

import pytest
from sqlalchemy import func, select

from tests.conftest import make_app
from tests.postgres import _bin
from tthc import backup as backup_module
from tthc.extensions import db
from tthc.models import Dossier, DossierEvent, Office

COPY = "chung-thuc-ban-sao"
PDF = b"%PDF-1.4\n% a stored paper\n"


def _drafts(app, n: int) -> list[tuple[int, str]]:
    """n drafts made through intake's services: (id, link token)."""
    from tthc.catalogue import services as catalogue
    from tthc.intake import services as intake

    made = []
    with app.app_context():
        office = db.session.scalar(select(Office).filter_by(code="demo"))
        version = catalogue.get_in_force(COPY)
        for _ in range(n):
            dossier, token = intake.create_draft(version, office, None)
            made.append((dossier.id, token))
    return made


def _run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def _head(app) -> str:
    with app.app_context():
        return backup_module.known_revisions()[-1]


def _fresh(tmp_path, name="restored"):
    folder = tmp_path / name
    folder.mkdir()
    return make_app(f"sqlite:///{folder / 'tthc.sqlite'}", folder), folder


@pytest.mark.sqlite_only("backs up a SQLite file with its online backup API")
def test_backup_then_restore_into_an_empty_instance(app, tmp_path):
    made = _drafts(app, 3)
    uploads = tmp_path / "uploads"
    uploads.mkdir(exist_ok=True)
    (uploads / ("a" * 32 + ".pdf")).write_bytes(PDF)
    (uploads / ("b" * 32 + ".part")).write_bytes(b"half-written")

    result = _run(app, "backup", str(tmp_path / "bk"))
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "bk" / "manifest.json").read_text())
    assert manifest["revision"] == _head(app)
    assert manifest["integrity_check"] == "ok"
    assert manifest["created"].endswith("+00:00")
    files = {f["path"]: f for f in manifest["files"]}
    assert set(files) == {"tthc.sqlite", "uploads/" + "a" * 32 + ".pdf"}  # no .part
    assert files["uploads/" + "a" * 32 + ".pdf"]["size"] == len(PDF)
    assert files["tthc.sqlite"]["sha256"] == backup_module.sha256_of(tmp_path / "bk/tthc.sqlite")
    # Personal data: the copy is readable by its owner only.
    assert (tmp_path / "bk").stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "bk" / "tthc.sqlite").stat().st_mode & 0o777 == 0o600

    restored, folder = _fresh(tmp_path)
    result = _run(restored, "restore", str(tmp_path / "bk"))
    assert result.exit_code == 0, result.output
    assert (folder / "uploads" / ("a" * 32 + ".pdf")).read_bytes() == PDF
    with restored.app_context():
        assert sorted(db.session.scalars(select(Dossier.id))) == [i for i, _ in made]
    # The app runs on it: the citizen's link opens the same draft.
    page = restored.test_client().get(f"/ho-so/{made[0][1]}")
    assert page.status_code == 200
    with restored.app_context():
        db.engine.dispose()


@pytest.mark.sqlite_only("backs up a SQLite file with its online backup API")
def test_restore_refuses_an_instance_with_data_unless_forced(app, tmp_path):
    _drafts(app, 1)
    assert _run(app, "backup", str(tmp_path / "bk")).exit_code == 0
    other, folder = _fresh(tmp_path, "other")
    # A migrated but empty database counts as empty; one with rows does not.
    from tests.conftest import migrate_and_seed

    migrate_and_seed(other)
    result = _run(other, "restore", str(tmp_path / "bk"))
    assert result.exit_code != 0
    assert "already has data" in result.output
    result = _run(other, "restore", "--force", str(tmp_path / "bk"))
    assert result.exit_code == 0, result.output
    aside = [p.name for p in folder.iterdir() if ".before-restore-" in p.name]
    assert any(name.startswith("tthc.sqlite.before-restore-") for name in aside)
    with other.app_context():
        assert db.session.scalar(select(func.count(Dossier.id))) == 1
        db.engine.dispose()


@pytest.mark.sqlite_only("backs up a SQLite file with its online backup API")
def test_backup_refuses_a_folder_in_use(app, tmp_path):
    (tmp_path / "bk").mkdir()
    (tmp_path / "bk" / "old").write_text("x")
    result = _run(app, "backup", str(tmp_path / "bk"))
    assert result.exit_code != 0 and "not empty" in result.output


@pytest.mark.sqlite_only("backs up a SQLite file with its online backup API")
@pytest.mark.parametrize("damage", ["hash", "extra", "missing", "revision"])
def test_restore_checks_the_manifest(app, tmp_path, damage):
    assert _run(app, "backup", str(tmp_path / "bk")).exit_code == 0
    bk = tmp_path / "bk"
    if damage == "hash":
        with open(bk / "tthc.sqlite", "r+b") as f:
            f.seek(200)
            f.write(b"\xff")
    elif damage == "extra":
        (bk / "uploads").mkdir(exist_ok=True)
        (bk / "uploads" / "planted.pdf").write_bytes(PDF)
    elif damage == "missing":
        (bk / "tthc.sqlite").unlink()
    else:  # the manifest's revision edited: the database file says otherwise
        manifest = json.loads((bk / "manifest.json").read_text())
        manifest["revision"] = "0099z"
        (bk / "manifest.json").write_text(json.dumps(manifest))
    restored, folder = _fresh(tmp_path)
    result = _run(restored, "restore", str(bk))
    assert result.exit_code != 0
    assert "nothing restored" in result.output
    assert not (folder / "tthc.sqlite").exists() or (folder / "tthc.sqlite").stat().st_size == 0


@pytest.mark.sqlite_only("backs up a SQLite file with its online backup API")
def test_a_backup_of_a_newer_release_is_refused(app, tmp_path):
    with app.app_context():
        db.session.execute(db.text("UPDATE alembic_version SET version_num = '0099z'"))
        db.session.commit()
    assert _run(app, "backup", str(tmp_path / "bk")).exit_code == 0
    restored, folder = _fresh(tmp_path)
    result = _run(restored, "restore", str(tmp_path / "bk"))
    assert result.exit_code != 0
    assert "0099z is unknown to this code" in result.output
    assert not (folder / "tthc.sqlite").exists()


@pytest.mark.sqlite_only("backs up a SQLite file with its online backup API")
def test_the_manifest_names_uploads_the_database_has_but_the_disk_lost(app, tmp_path):
    from tthc.models import Upload

    (dossier_id, _), = _drafts(app, 1)
    kept, lost = "e" * 32 + ".pdf", "f" * 32 + ".pdf"
    (tmp_path / "uploads").mkdir(exist_ok=True)
    (tmp_path / "uploads" / kept).write_bytes(PDF)
    with app.app_context():
        for name in (kept, lost):
            db.session.add(Upload(dossier_id=dossier_id, paper_key="giay-to", stored_name=name,
                                  content_type="application/pdf", size=len(PDF)))
        db.session.commit()
    result = _run(app, "backup", str(tmp_path / "bk"))
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "bk" / "manifest.json").read_text())
    assert manifest["missing_uploads"] == [lost]
    assert "1 uploaded file(s) named by the database were not on disk" in result.output


@contextlib.contextmanager
def _writing(app):
    """A thread making drafts (a dossier and its create event in one transaction) until the
    block ends; yield the ids it committed, in order. Ensures writes before and after."""
    written: list[int] = []
    stop = threading.Event()

    def writer():
        from tthc.catalogue import services as catalogue
        from tthc.intake import drafts

        with app.app_context():
            office = db.session.scalar(select(Office).filter_by(code="demo"))
            version = catalogue.get_in_force(COPY)
            while not stop.is_set():
                dossier, _ = drafts.create_draft(version, office, None)
                written.append(dossier.id)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 20 and thread.is_alive():
            time.sleep(0.01)
        yield written
        after = len(written)
        while len(written) < after + 5 and thread.is_alive():  # never blocked for good
            time.sleep(0.01)
        assert thread.is_alive(), "the writer stopped"
    finally:
        stop.set()
        thread.join()


def _one_point_in_time(ids: list[int], events: set[int], written: list[int],
                       before: int, after: int) -> None:
    assert before <= len(ids) <= after
    assert ids == written[:len(ids)]  # a prefix of the commits: one point in time
    assert events == set(ids)  # no dossier without its event, no event without its dossier


@pytest.mark.sqlite_only("backs up a SQLite file with its online backup API")
def test_a_backup_taken_while_dossiers_are_written_is_one_point_in_time(app, tmp_path):
    """The SQLite copy passes integrity_check and holds exactly the first N drafts."""
    connection = sqlite3.connect(tmp_path / "tthc.sqlite")
    connection.execute("PRAGMA journal_mode=WAL")  # as in production (configure_sqlite)
    connection.close()
    with _writing(app) as written:
        before = len(written)
        result = _run(app, "backup", str(tmp_path / "bk"))
        after = len(written)
    assert result.exit_code == 0, result.output
    copy = sqlite3.connect(tmp_path / "bk" / "tthc.sqlite")
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        ids = [row[0] for row in copy.execute("SELECT id FROM dossier ORDER BY id")]
        events = {row[0] for row in copy.execute(
            "SELECT dossier_id FROM dossier_event WHERE action = 'create'")}
    finally:
        copy.close()
    _one_point_in_time(ids, events, written, before, after)


def test_a_pg_dump_taken_while_dossiers_are_written_is_one_point_in_time(
        pg_app, postgres_server, tmp_path):
    import psycopg

    plain = postgres_server.replace("postgresql+psycopg://", "postgresql://")
    with pg_app.app_context():
        name = db.engine.url.database
    dump = tmp_path / "tthc.dump"
    with _writing(pg_app) as written:
        before = len(written)
        subprocess.run([_bin("pg_dump"), "--format=custom", "--file", str(dump),
                        f"{plain}/{name}"], check=True, capture_output=True)
        after = len(written)
    with psycopg.connect(plain + "/postgres", autocommit=True) as conn:
        conn.execute('CREATE DATABASE "during_writes"')
    try:
        subprocess.run([_bin("pg_restore"), "--no-owner", "--exit-on-error", "--dbname",
                        f"{plain}/during_writes", str(dump)], check=True, capture_output=True)
        with psycopg.connect(plain + "/during_writes") as conn:
            ids = [row[0] for row in conn.execute("SELECT id FROM dossier ORDER BY id")]
            events = {row[0] for row in conn.execute(
                "SELECT dossier_id FROM dossier_event WHERE action = 'create'")}
    finally:
        with psycopg.connect(plain + "/postgres", autocommit=True) as conn:
            conn.execute('DROP DATABASE IF EXISTS "during_writes" WITH (FORCE)')
    _one_point_in_time(ids, events, written, before, after)


def test_postgres_dump_restores_into_a_new_database(pg_app, postgres_server, tmp_path):
    """docs/deploy.md's PostgreSQL backup: pg_dump -Fc, then pg_restore into a new database."""
    made = _drafts(pg_app, 3)
    with pg_app.app_context():
        before = [(d.id, d.prefiling_code, d.answers, d.status) for d in
                  db.session.scalars(select(Dossier).order_by(Dossier.id))]
        events = db.session.scalar(select(func.count(DossierEvent.id)))
        url = db.engine.url
    plain = postgres_server.replace("postgresql+psycopg://", "postgresql://")
    dump = tmp_path / "tthc.dump"
    subprocess.run([_bin("pg_dump"), "--format=custom", "--file", str(dump),
                    f"{plain}/{url.database}"], check=True, capture_output=True)
    import psycopg

    with psycopg.connect(plain + "/postgres", autocommit=True) as conn:
        conn.execute('CREATE DATABASE "restored_db"')
    try:
        subprocess.run([_bin("pg_restore"), "--no-owner", "--exit-on-error",
                        "--dbname", f"{plain}/restored_db", str(dump)],
                       check=True, capture_output=True)
        restored = make_app(f"{postgres_server}/restored_db", tmp_path / "r")
        with restored.app_context():
            after = [(d.id, d.prefiling_code, d.answers, d.status) for d in
                     db.session.scalars(select(Dossier).order_by(Dossier.id))]
            assert after == before and len(after) == len(made)
            assert db.session.scalar(select(func.count(DossierEvent.id))) == events
            assert backup_module.known_revisions()[-1] == db.session.execute(
                db.text("SELECT version_num FROM alembic_version")).scalar_one()
        assert restored.test_client().get(f"/ho-so/{made[0][1]}").status_code == 200
        with restored.app_context():
            db.engine.dispose()
    finally:
        with psycopg.connect(plain + "/postgres", autocommit=True) as conn:
            conn.execute('DROP DATABASE IF EXISTS "restored_db" WITH (FORCE)')


def test_flask_backup_on_postgres_copies_uploads_and_names_pg_dump(pg_app, tmp_path):
    (tmp_path / "uploads").mkdir(exist_ok=True)
    (tmp_path / "uploads" / ("c" * 32 + ".pdf")).write_bytes(PDF)
    result = _run(pg_app, "backup", str(tmp_path / "bk"))
    assert result.exit_code == 0, result.output
    assert "pg_dump" in result.output
    manifest = json.loads((tmp_path / "bk" / "manifest.json").read_text())
    assert manifest["engine"] == "postgresql"
    assert manifest["revision"] == _head(pg_app)
    assert [f["path"] for f in manifest["files"]] == ["uploads/" + "c" * 32 + ".pdf"]
    assert not os.path.exists(tmp_path / "bk" / "tthc.sqlite")
