"""Every setting the deploy guide, the README and the sample units name is one the app reads.

Only DATABASE_URL, SECRET_KEY and TTHC_* reach the configuration from the environment
(tthc.config.from_environ); anything else in /etc/tthc/tthc.env is dropped without a word.
docs/deploy.md once told admins to set RATELIMIT_STORAGE_URI=redis://… there, and every
worker went on counting rate limits alone. These tests read the guide's settings (its
fenced blocks and the table of section 2), README's Configuration table and the units'
Environment= lines, and put each name through the loader. And a production start still on memory:// says so in its log.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import dispose, make_app
from tthc import create_app
from tthc.config import DEFAULTS, from_environ
from tthc.extensions import limiter

ROOT = Path(__file__).resolve().parent.parent
DEPLOY_MD = ROOT / "docs" / "deploy.md"
README = ROOT / "README.md"

# Names the guide may give that the config loader does not read, and who reads them. The
# two read by the project (create_app, the ward unit) are checked below; the others are the
# system's. A name in neither this list nor the app's configuration keys fails.
READ_ELSEWHERE = {
    "TTHC_INSTANCE_PATH": "create_app: the instance folder",
    "FLASK_APP": "the flask command: which app to load",
    "TZ": "the C library: the time zone of log lines and of cron",
    "CRON_TZ": "cron: the time zone of a crontab's schedule",
    "WARD_PORT": "deploy/tthc@.service: the port of a ward's instance",
}

_FENCE = re.compile(r"^\s*```[^\n]*\n(.*?)^\s*```", re.S | re.M)
_ASSIGNMENT = re.compile(r"^([A-Z][A-Z0-9_]*)=(.*)$")


def assignments(text: str) -> list[tuple[str, str]]:
    """The NAME=value pairs a shell or env-file block sets (commented-out ones too)."""
    found = []
    for line in text.splitlines():
        line = re.sub(r"^\s*#\s*", "", line.strip())
        if line.startswith("export "):
            for word in line.split()[1:]:
                if match := _ASSIGNMENT.match(word):
                    found.append(match.groups())
            continue
        if line.startswith("printf '"):  # printf 'A=1\nB=2\n' > /etc/tthc/ward-….env
            for part in line.split("'")[1].split("\\n"):
                if match := _ASSIGNMENT.match(part):
                    found.append(match.groups())
            continue
        if match := _ASSIGNMENT.match(line):
            name, value = match.groups()
            found.append((name, value.split(" in ")[0].strip()))
    return found


def documented_settings() -> list[tuple[str, str, str]]:
    """(name, value or "", where) for every setting deploy.md, README and the units give."""
    text = DEPLOY_MD.read_text("utf-8")
    found = [(name, value, "docs/deploy.md") for block in _FENCE.findall(text)
             for name, value in assignments(block)]
    settings = text.split("## 2. Settings", 1)[1].split("\n## ", 1)[0]
    found += [(name, "", "docs/deploy.md, the table of section 2")
              for name in re.findall(r"^\| `([A-Z][A-Z0-9_]*)`", settings, re.M)]
    configuration = README.read_text("utf-8").split("\n## Configuration", 1)[1]
    for row in configuration.split("\n## ", 1)[0].splitlines():
        if row.startswith("|"):  # every name in README's table, either column
            found += [(name, value, "README.md, Configuration")
                      for name, value in re.findall(r"`([A-Z][A-Z0-9_]+)(?:=([^`]*))?`", row)]
    for unit in sorted((ROOT / "deploy").glob("*.service")):
        for name, value in re.findall(r"^Environment=([A-Z][A-Z0-9_]*)=(.*)$",
                                      unit.read_text("utf-8"), re.M):
            found.append((name, value, f"deploy/{unit.name}"))
    return found


def env_file_block() -> str:
    """Section 2's /etc/tthc/tthc.env, the first fenced block after its heading."""
    settings = DEPLOY_MD.read_text("utf-8").split("## 2. Settings", 1)[1]
    return _FENCE.search(settings).group(1)


@pytest.fixture(scope="module")
def known_keys(tmp_path_factory) -> set[str]:
    """Every key of a built app's configuration: defaults, Flask's, the blueprints' own."""
    instance = tmp_path_factory.mktemp("instance")
    app = make_app(f"sqlite:///{instance / 'tthc.sqlite'}", instance)
    return set(app.config)


def test_the_guide_gives_its_settings():
    names = {name for name, _, _ in documented_settings()}
    # The parser still finds the settings (a reworded guide must not make the test vacuous).
    assert {"SECRET_KEY", "DATABASE_URL", "TTHC_RATELIMIT_STORAGE_URI", "TTHC_PROXY_FIX",
            "TTHC_SESSION_COOKIE_SECURE", "TTHC_OFFICE", "WARD_PORT", "TZ",
            "TTHC_LOOKUP_RATE_LIMIT", "TTHC_FORMS_FILE"} <= names
    assert {where for _, _, where in documented_settings()} >= {
        "docs/deploy.md", "docs/deploy.md, the table of section 2", "README.md, Configuration",
        "deploy/tthc.service", "deploy/tthc@.service"}


def test_every_documented_setting_is_read_by_the_app(known_keys):
    ignored = []
    for name, value, where in documented_settings():
        if name in READ_ELSEWHERE:
            continue
        keys = from_environ({name: value or "1"})
        if not keys or not set(keys) <= known_keys:
            ignored.append(f"{where}: {name} (the app reads no such setting)")
    assert not ignored, "\n".join(ignored)


def test_documented_values_mean_what_they_say():
    """A value the loader cannot read as its type falls back to the default silently."""
    wrong = []
    for name, value, where in documented_settings():
        if name in READ_ELSEWHERE or not value or value.startswith("<"):
            continue
        (key, loaded), = from_environ({name: value}).items()
        default = DEFAULTS.get(key)
        if isinstance(default, bool):
            ok = value.lower() in {"1", "true", "yes", "0", "false", "no"}
        elif isinstance(default, int):
            ok = str(loaded) == value
        else:
            ok = isinstance(loaded, str)  # taken as it is (a database URL: psycopg's form)
        if not ok:
            wrong.append(f"{where}: {name}={value} loads as {loaded!r}")
    assert not wrong, "\n".join(wrong)


def test_the_names_read_elsewhere_are_read_there(tmp_path, monkeypatch):
    names = {name for name, _, _ in documented_settings()}
    assert names & set(READ_ELSEWHERE)  # the list is not a blanket excuse for nothing
    ward_unit = (ROOT / "deploy" / "tthc@.service").read_text("utf-8")
    assert "--bind 127.0.0.1:${WARD_PORT}" in ward_unit
    monkeypatch.setenv("TTHC_INSTANCE_PATH", str(tmp_path))
    app = create_app({"TESTING": True, "SECRET_KEY": "test",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'tthc.sqlite'}"})
    dispose(app)
    assert app.instance_path == str(tmp_path)


def test_the_guides_settings_file_configures_the_app(tmp_path, monkeypatch):
    """/etc/tthc/tthc.env as the guide gives it, through create_app: PostgreSQL, Redis."""
    for name in [n for n in os.environ
                 if n.startswith("TTHC_") or n in ("DATABASE_URL", "SECRET_KEY")]:
        monkeypatch.delenv(name)
    given = dict(assignments(env_file_block()))
    assert given["SECRET_KEY"].startswith("<") and given["TTHC_OFFICE"].startswith("<")
    for name, value in given.items():  # placeholders (<office code>) get a sample value
        monkeypatch.setenv(name, "sample" if value.startswith("<") else value)
    monkeypatch.setenv("TTHC_INSTANCE_PATH", str(tmp_path))
    app = create_app({"TESTING": True})
    try:
        assert app.config["SECRET_KEY"] == app.config["TTHC_OFFICE"] == "sample"
        assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")
        assert app.config["RATELIMIT_STORAGE_URI"] == given["TTHC_RATELIMIT_STORAGE_URI"]
        assert type(limiter.storage).__name__ == "RedisStorage"
        assert app.config["TTHC_PROXY_FIX"] == 1
        assert app.config["SESSION_COOKIE_SECURE"] is True
    finally:
        dispose(app)


def test_a_plain_flask_limiter_name_in_the_environment_is_caught(known_keys):
    """The mistake this file guards against, fed to the same check."""
    assert from_environ({"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"}) == {}
    assert "RATELIMIT_STORAGE_URI" not in READ_ELSEWHERE


# A production start on memory:// ------------------------------------------------------------

@pytest.fixture
def database(seeded_sqlite, tmp_path):
    path = tmp_path / "tthc.sqlite"
    shutil.copy(seeded_sqlite, path)
    return f"sqlite:///{path}"


def per_worker_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.levelno == logging.WARNING and "each worker's memory" in r.getMessage()]


def production(database, tmp_path, **config):
    """The app as gunicorn serves it: not testing, not debug, over plain HTTP on purpose."""
    return make_app(database, tmp_path, TESTING=False, TTHC_DEMO=True, TTHC_PLAIN_HTTP=True,
                    **config)


def test_a_production_start_on_memory_storage_warns_once(database, tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    app = production(database, tmp_path, RATELIMIT_STORAGE_URI="memory://")
    dispose(app)
    (line,) = per_worker_warnings(caplog)
    assert "\n" not in line
    assert "several workers or servers" in line
    assert "TTHC_RATELIMIT_STORAGE_URI" in line


def test_a_shared_store_or_a_test_app_does_not_warn(database, tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    app = production(database, tmp_path, RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0")
    dispose(app)
    app = make_app(database, tmp_path, RATELIMIT_STORAGE_URI="memory://")  # TESTING
    dispose(app)
    assert per_worker_warnings(caplog) == []
