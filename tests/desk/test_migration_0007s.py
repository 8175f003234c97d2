"""0007s: event details, who scanned an upload and its kind, and on SQLite the trigger that
keeps a dossier's history; down and up again."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from tthc.extensions import db


def _columns(table: str) -> set[str]:
    return {c["name"] for c in inspect(db.engine).get_columns(table)}


def _triggers() -> set[str]:
    with db.engine.connect() as conn:
        return set(conn.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))


@pytest.mark.sqlite_only("reads SQLite's sqlite_master")
def test_0007s_down_and_up_on_sqlite(empty_app):
    with empty_app.app_context():
        assert "detail" in _columns("dossier_event")
        assert {"kind", "staff_id"} <= _columns("upload")
        assert "dossier_history_kept" in _triggers()
        downgrade(revision="0007r")
        assert "detail" not in _columns("dossier_event")
        assert not {"kind", "staff_id"} & _columns("upload")
        assert "dossier_history_kept" not in _triggers()
        upgrade()
        assert "dossier_history_kept" in _triggers() and "detail" in _columns("dossier_event")


@pytest.mark.postgres
def test_0007s_down_and_up_on_postgresql(pg_app):
    with pg_app.app_context():
        assert {"kind", "staff_id"} <= _columns("upload")
        downgrade(revision="0007r")
        assert not {"kind", "staff_id"} & _columns("upload")
        upgrade()
        assert "detail" in _columns("dossier_event") and "kind" in _columns("upload")
        db.engine.dispose()
