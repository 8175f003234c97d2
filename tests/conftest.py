"""Fixtures: an app on a real SQLite file (migrated once, copied per test) or PostgreSQL."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask_migrate import upgrade

from tthc import create_app
from tthc.cli import demo_load

ROOT = Path(__file__).resolve().parent.parent
# tests.htmlcheck: every HTML page the tests receive is checked by vnu at the end.
pytest_plugins = ["tests.postgres", "tests.staff_fixtures", "tests.htmlcheck"]


def make_app(database_uri: str, instance: Path, **extra):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test",
        "SQLALCHEMY_DATABASE_URI": database_uri,
        "WTF_CSRF_ENABLED": True,
        # Tests take numbers whatever the hour they run at; tests/queue/test_hours_and_limits.py
        # turns the opening hours on with the clock set.
        "TTHC_QUEUE_OPENING_HOURS": False,
        **extra,
    }
    import os

    os.environ["TTHC_INSTANCE_PATH"] = str(instance)
    try:
        return create_app(config)
    finally:
        del os.environ["TTHC_INSTANCE_PATH"]


def migrate_and_seed(app) -> None:
    with app.app_context():
        upgrade()
        app.test_cli_runner().invoke(demo_load, catch_exceptions=False)


@pytest.fixture(scope="session")
def seeded_sqlite(tmp_path_factory) -> Path:
    """A migrated SQLite file with the seed catalogue and demo office, built once."""
    folder = tmp_path_factory.mktemp("template")
    path = folder / "seed.sqlite"
    migrate_and_seed(make_app(f"sqlite:///{path}", folder))
    return path


@pytest.fixture
def app(seeded_sqlite, tmp_path):
    path = tmp_path / "tthc.sqlite"
    shutil.copy(seeded_sqlite, path)
    app = make_app(f"sqlite:///{path}", tmp_path)
    yield app
    with app.app_context():
        from tthc.extensions import db

        db.engine.dispose()


@pytest.fixture
def empty_app(tmp_path):
    """An app on a migrated database with nothing loaded."""
    app = make_app(f"sqlite:///{tmp_path / 'empty.sqlite'}", tmp_path)
    with app.app_context():
        upgrade()
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def htmx_headers():
    return {"HX-Request": "true"}


@pytest.fixture
def pg_app(postgres_url, tmp_path):
    """The app on a fresh database of the throwaway PostgreSQL cluster, migrated and seeded."""
    from tthc.extensions import db

    app = make_app(postgres_url, tmp_path)
    migrate_and_seed(app)
    yield app
    with app.app_context():
        db.engine.dispose()
