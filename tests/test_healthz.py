"""/healthz answers 200 only when a write would succeed on the schema the code expects.

Each failure a monitor must catch: the write lock held longer than the timeout, a
read-only file, the file moved away (and no empty file made in its place), the schema
behind the code. The app's pages answer 503 as well, never a new empty database.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time

import pytest
from alembic.script import ScriptDirectory
from flask_migrate import upgrade

from tests.conftest import make_app
from tthc.extensions import db


@pytest.fixture
def db_app(seeded_sqlite, tmp_path):
    path = tmp_path / "tthc.sqlite"
    shutil.copy(seeded_sqlite, path)
    app = make_app(f"sqlite:///{path}", tmp_path, TTHC_HEALTHZ_TIMEOUT_MS=200)
    yield app, path
    with app.app_context():
        db.engine.dispose()


def test_ok_when_the_database_can_be_written(db_app):
    app, _ = db_app
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "schema": "ok"}


def test_503_when_the_write_lock_is_held_longer_than_the_timeout(db_app):
    app, path = db_app
    client = app.test_client()
    assert client.get("/healthz").status_code == 200  # a pooled connection, busy timeout 5 s
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the lock (for "10 s")
    try:
        started = time.monotonic()
        response = client.get("/healthz")
        waited = time.monotonic() - started
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert response.status_code == 503
    assert response.json["database"] == "locked"
    assert waited < 3  # the health check's timeout, not the writers' 5 s
    # The pooled connection got its usual busy timeout back; the lock gone, 200 again.
    assert client.get("/healthz").status_code == 200
    with app.app_context():
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_503_when_the_database_is_read_only(db_app, seeded_sqlite, tmp_path):
    app, path = db_app
    # A read-only file. Root (these tests' user) writes it all the same, so the app opens it
    # with mode=ro as well, as SQLite opens a file on a read-only mount.
    os.chmod(path, 0o400)
    ro = make_app(f"sqlite:///file:{path}?mode=ro&uri=true", tmp_path)
    try:
        response = ro.test_client().get("/healthz")
    finally:
        with ro.app_context():
            db.engine.dispose()
        os.chmod(path, 0o600)
    assert response.status_code == 503
    assert response.json["database"] == "read-only"


def test_503_and_no_new_file_when_the_database_is_moved_away(db_app, tmp_path):
    app, path = db_app
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    with app.app_context():
        db.engine.dispose()  # a restart: no connection left open on the old file
    path.rename(tmp_path / "moved.sqlite")
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json["database"] == "unreachable"
    page = client.get("/thu-tuc")
    assert page.status_code == 503 and page.headers["Retry-After"]
    assert "chưa được lưu" in page.get_data(as_text=True)
    assert not path.exists()  # SQLite did not make an empty database in its place


def test_flask_db_upgrade_creates_the_database(tmp_path):
    path = tmp_path / "new.sqlite"
    app = make_app(f"sqlite:///{path}", tmp_path)
    assert app.test_client().get("/healthz").status_code == 503
    assert not path.exists()
    with app.app_context():
        upgrade()
        db.engine.dispose()
    assert path.exists() and (path.stat().st_mode & 0o077) == 0  # the app's user only
    assert app.test_client().get("/healthz").status_code == 200


def test_503_when_the_schema_is_behind_the_code(db_app):
    app, path = db_app
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("UPDATE alembic_version SET version_num = '0001'")
    other.close()
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["schema"] == "behind" and response.json["version"] == "0001"
    assert response.json["expected"]  # the migrations' head, named for the operator
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("UPDATE alembic_version SET version_num = '9999z'")  # a newer release's
    other.close()
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.json["schema"] == "unknown"


def test_the_scripts_are_read_once_per_process_the_database_on_every_call(db_app,
                                                                          monkeypatch):
    """The code's migration heads are worked out once (docs/caching.md); the database's
    version is read on every probe, so an upgrade or a restore shows at the next one."""
    app, path = db_app
    reads = []
    read = ScriptDirectory.from_config
    monkeypatch.setattr(ScriptDirectory, "from_config",
                        lambda config: reads.append(config) or read(config))
    client = app.test_client()
    assert [client.get("/healthz").status_code for _ in range(3)] == [200, 200, 200]
    assert len(reads) == 1
    other = sqlite3.connect(path, isolation_level=None)
    (head,) = other.execute("SELECT version_num FROM alembic_version").fetchone()
    other.execute("UPDATE alembic_version SET version_num = '0001'")
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json["schema"] == "behind"
    other.execute("UPDATE alembic_version SET version_num = ?", (head,))
    other.close()
    assert client.get("/healthz").status_code == 200
    assert len(reads) == 1
    app.debug = True  # in debug a migration just written counts at once
    client.get("/healthz")
    client.get("/healthz")
    assert len(reads) == 3


# --------------------------------------------------------------------------- PostgreSQL

@pytest.fixture
def pg_app(postgres_url, tmp_path):
    app = make_app(postgres_url, tmp_path, TTHC_HEALTHZ_TIMEOUT_MS=300)
    with app.app_context():
        upgrade()
    yield app, postgres_url.replace("postgresql+psycopg://", "postgresql://")
    with app.app_context():
        db.engine.dispose()


@pytest.mark.postgres
def test_postgres_ok_then_locked_then_read_only(pg_app):
    import psycopg

    app, url = pg_app
    client = app.test_client()
    assert client.get("/healthz").json == {"status": "ok", "database": "ok", "schema": "ok"}
    with psycopg.connect(url) as other:  # a migration (or a stuck writer) holds the row
        other.execute("SELECT version_num FROM alembic_version FOR UPDATE")
        started = time.monotonic()
        response = client.get("/healthz")
        assert time.monotonic() - started < 3
        other.rollback()
    assert response.status_code == 503 and response.json["database"] == "locked"
    assert client.get("/healthz").status_code == 200
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
    with app.app_context():
        db.engine.dispose()  # new connections: read-only, as on a standby
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json["database"] == "read-only"
