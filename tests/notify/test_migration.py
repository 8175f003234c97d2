"""0006n: the tables match the models, and the migration goes down and up again."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from tthc.extensions import db

TABLES = {"notify_consent", "notify_gateway", "notify_template", "notify_message"}


def _notify_diffs(diffs) -> list:
    found = []
    for diff in diffs:
        for item in diff if isinstance(diff, list) else [diff]:
            if any(getattr(part, "name", None) in TABLES
                   or getattr(getattr(part, "table", None), "name", None) in TABLES
                   or part in TABLES for part in item[1:] if part is not None):
                found.append(item)
    return found


def test_the_migration_matches_the_models_and_goes_down_and_up(app):
    with app.app_context():
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert _notify_diffs(compare_metadata(context, db.metadata)) == []
        # Down to the revision before 0006n, whatever the merge chains it after.
        config = current_app.extensions["migrate"].migrate.get_config()
        before = ScriptDirectory.from_config(config).get_revision("0006n").down_revision
        downgrade(revision=before)
        assert TABLES.isdisjoint(inspect(db.engine).get_table_names())
        upgrade()
        assert TABLES <= set(inspect(db.engine).get_table_names())
