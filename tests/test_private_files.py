"""The database file and the instance and uploads folders are the app's user's alone."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from flask_migrate import upgrade

from tthc import create_app
from tthc.extensions import db
from tthc.intake import uploads

pytestmark = pytest.mark.sqlite_only("file modes of the SQLite database file")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def usual_umask():
    """The umask most servers run with (files 0644, folders 0755 unless told otherwise)."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def fresh_app(instance: Path, monkeypatch):
    monkeypatch.setenv("TTHC_INSTANCE_PATH", str(instance))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return create_app({"TESTING": True, "SECRET_KEY": "test"})


def test_a_new_instance_database_and_uploads_are_private(tmp_path, monkeypatch, usual_umask):
    instance = tmp_path / "instance"
    app = fresh_app(instance, monkeypatch)
    assert mode(instance) == 0o700
    with app.app_context():
        upgrade()  # flask db upgrade: creates the SQLite file
        database = instance / "tthc.sqlite"
        assert database.is_file() and mode(database) == 0o600
        folder = uploads.folder()
        assert folder == instance / "uploads" and mode(folder) == 0o700
        db.engine.dispose()


def test_a_folder_and_database_found_readable_by_others_are_tightened(tmp_path, monkeypatch,
                                                                      usual_umask):
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    (instance / "uploads").mkdir(mode=0o755)
    database = instance / "tthc.sqlite"
    database.touch(mode=0o644)
    os.chmod(instance, 0o755)
    os.chmod(database, 0o644)
    app = fresh_app(instance, monkeypatch)
    assert mode(instance) == 0o700
    with app.app_context():
        upgrade()
        assert mode(database) == 0o600
        assert mode(uploads.folder()) == 0o700
        db.engine.dispose()
