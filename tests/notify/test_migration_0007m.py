"""0007m: the ticket's contact and the feedback's contact match the models, and the
migration goes down and up again."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from tthc.extensions import db


def _diffs_of(diffs, table: str) -> list:
    found = []
    for diff in diffs:
        for item in diff if isinstance(diff, list) else [diff]:
            if any(getattr(part, "name", None) == table
                   or getattr(getattr(part, "table", None), "name", None) == table
                   or part == table for part in item[1:] if part is not None):
                found.append(item)
    return found


def test_the_migration_matches_the_models_and_goes_down_and_up(app):
    with app.app_context():
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diffs = compare_metadata(context, db.metadata)
            assert _diffs_of(diffs, "ticket_contact") == []
            assert _diffs_of(diffs, "feedback") == []
        downgrade(revision="0007m-1")
        assert "ticket_contact" not in inspect(db.engine).get_table_names()
        assert "contact" not in {c["name"] for c in inspect(db.engine).get_columns("feedback")}
        upgrade()
        assert "ticket_contact" in inspect(db.engine).get_table_names()
        columns = {c["name"] for c in inspect(db.engine).get_columns("feedback")}
        assert {"contact", "contact_consent_at"} <= columns
