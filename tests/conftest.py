"""Fixtures: an app on a real database, SQLite or PostgreSQL as the run chooses.

`--database=postgres` (or TTHC_TEST_DATABASE=postgres) runs the whole suite on the throwaway
PostgreSQL cluster of tests/postgres.py; the default is SQLite. Either way every test gets a
fresh copy of a database migrated and seeded once per run (a file copy on SQLite,
CREATE DATABASE … TEMPLATE on PostgreSQL). Tests that are SQLite-only by nature carry
`@pytest.mark.sqlite_only("why")`: the PostgreSQL run leaves them out and says how many and why.
"""

from __future__ import annotations

import os
import shutil
from collections import Counter
from pathlib import Path

import pytest
from flask_migrate import upgrade

from tthc import create_app
from tthc.cli import demo_load

ROOT = Path(__file__).resolve().parent.parent
# tests.htmlcheck: every HTML page the tests receive is checked by vnu at the end.
pytest_plugins = ["tests.postgres", "tests.staff_fixtures", "tests.htmlcheck"]
ENGINES = ("sqlite", "postgres")
LEFT_OUT = pytest.StashKey[list]()


def pytest_addoption(parser):
    parser.addoption("--database", choices=ENGINES,
                     default=os.environ.get("TTHC_TEST_DATABASE") or "sqlite",
                     help="the engine every test's app runs on (default: $TTHC_TEST_DATABASE "
                          "or sqlite)")


def pytest_configure(config):
    if config.getoption("--database") not in ENGINES:  # a bad TTHC_TEST_DATABASE
        raise pytest.UsageError(f"--database / TTHC_TEST_DATABASE must be one of {ENGINES}")
    config.stash[LEFT_OUT] = []


def pytest_collection_modifyitems(config, items):
    """On PostgreSQL, leave out the tests marked sqlite_only, keeping why."""
    kept, dropped, left_out = [], [], config.stash[LEFT_OUT]
    for item in items:
        mark = item.get_closest_marker("sqlite_only")
        if mark is not None and not (mark.args and str(mark.args[0]).strip()):
            raise pytest.UsageError(f"{item.nodeid}: sqlite_only needs a reason")
        if mark is not None and config.getoption("--database") == "postgres":
            left_out.append((item.nodeid, mark.args[0]))
            dropped.append(item)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def pytest_report_header(config):
    return f"database: {config.getoption('--database')}"


def pytest_terminal_summary(terminalreporter, config):
    left_out = config.stash.get(LEFT_OUT, [])
    if not left_out:
        return
    terminalreporter.section(f"{len(left_out)} SQLite-only tests left out on PostgreSQL")
    for reason, count in Counter(reason for _, reason in left_out).most_common():
        terminalreporter.write_line(f"{count:4d}  {reason}")
        for nodeid, why in left_out:
            if why == reason:
                terminalreporter.write_line(f"        {nodeid}")


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
    os.environ["TTHC_INSTANCE_PATH"] = str(instance)
    try:
        return create_app(config)
    finally:
        del os.environ["TTHC_INSTANCE_PATH"]


def dispose(app) -> None:
    from tthc.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def migrate_and_seed(app, seed: bool = True) -> None:
    with app.app_context():
        upgrade()
        if seed:
            app.test_cli_runner().invoke(demo_load, catch_exceptions=False)


@pytest.fixture(scope="session")
def database_engine(request) -> str:
    """The run's engine: "sqlite" or "postgres"."""
    return request.config.getoption("--database")


@pytest.fixture(scope="session")
def seeded_sqlite(tmp_path_factory) -> Path:
    """A migrated SQLite file with the seed catalogue and demo office, built once."""
    folder = tmp_path_factory.mktemp("template")
    path = folder / "seed.sqlite"
    migrate_and_seed(make_app(f"sqlite:///{path}", folder))
    return path


@pytest.fixture(scope="session")
def empty_sqlite(tmp_path_factory) -> Path:
    """A migrated SQLite file with nothing loaded, built once."""
    folder = tmp_path_factory.mktemp("empty-template")
    path = folder / "empty.sqlite"
    migrate_and_seed(make_app(f"sqlite:///{path}", folder), seed=False)
    return path


def _postgres_template(request, folder: Path, seed: bool):
    """A PostgreSQL database migrated (and seeded) once, copied per test."""
    from tests.postgres import Copies, create_database, drop_database

    url = create_database(request.getfixturevalue("postgres_server"))
    request.addfinalizer(lambda: drop_database(url))  # on a server named by the environment
    app = make_app(url, folder)
    migrate_and_seed(app, seed=seed)
    dispose(app)  # a template database cannot be copied while anyone is connected
    server, name = url.rsplit("/", 1)
    copies = Copies(server, name)
    request.addfinalizer(copies.close)
    return copies


@pytest.fixture(scope="session")
def seeded_postgres(request, tmp_path_factory):
    """Copies of a PostgreSQL database migrated and seeded once."""
    return _postgres_template(request, tmp_path_factory.mktemp("pg-template"), True)


@pytest.fixture(scope="session")
def empty_postgres(request, tmp_path_factory):
    """Copies of a PostgreSQL database migrated once with nothing loaded."""
    return _postgres_template(request, tmp_path_factory.mktemp("pg-empty"), False)


def copy_database(request, url: str, tmp_path: Path) -> str:
    """A fresh copy of the database at `url` (SQLite file or PostgreSQL template) for one test;
    the PostgreSQL copy is dropped after the test."""
    from tests.postgres import create_database, drop_database

    if url.startswith("sqlite:///"):
        path = tmp_path / "tthc.sqlite"
        shutil.copy(url.removeprefix("sqlite:///"), path)
        return f"sqlite:///{path}"
    server, template = url.rsplit("/", 1)
    copy = create_database(server, template)
    request.addfinalizer(lambda: drop_database(copy))
    return copy


def _fresh(request, tmp_path, seeded: bool) -> str:
    """A URL of a fresh copy of the run's seeded (or empty) template."""
    kind = "seeded" if seeded else "empty"
    if request.config.getoption("--database") == "postgres":
        return _postgres_copy(request, request.getfixturevalue(f"{kind}_postgres"))
    return copy_database(request, f"sqlite:///{request.getfixturevalue(f'{kind}_sqlite')}",
                         tmp_path)


def _postgres_copy(request, copies) -> str:
    url = copies.take()
    request.addfinalizer(lambda: copies.give_back(url))
    return url


@pytest.fixture
def database_url(request, tmp_path) -> str:
    """A fresh seeded database on the run's engine, for tests that build their own app."""
    return _fresh(request, tmp_path, seeded=True)


@pytest.fixture
def empty_database_url(request, tmp_path) -> str:
    """A fresh migrated database with nothing loaded, on the run's engine."""
    return _fresh(request, tmp_path, seeded=False)


@pytest.fixture
def app(database_url, tmp_path):
    app = make_app(database_url, tmp_path)
    yield app
    dispose(app)


@pytest.fixture
def empty_app(empty_database_url, tmp_path):
    """An app on a migrated database with nothing loaded."""
    app = make_app(empty_database_url, tmp_path)
    yield app
    dispose(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def htmx_headers():
    return {"HX-Request": "true"}


@pytest.fixture
def pg_app(request, seeded_postgres, tmp_path):
    """The app on a fresh seeded database of the throwaway PostgreSQL cluster, whatever the run."""
    app = make_app(_postgres_copy(request, seeded_postgres), tmp_path)
    yield app
    dispose(app)
