from alembic.config import Config
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from . import bp


@bp.get("/healthz")
def healthz():
    """Answer 200 when the database can be written and has the code's schema, else 503."""
    try:
        version = _write_check()
    except SQLAlchemyError as error:
        reason = _reason(error)
        current_app.logger.error("healthz: database %s (%s)", reason, error.orig or error)
        return {"status": "error", "database": reason}, 503
    heads, known = _revisions()
    if version not in heads:
        # Behind: `flask db upgrade`. Unknown: the database is newer than this code.
        schema = "behind" if version in known else "unknown"
        current_app.logger.error("healthz: database schema %s (%s), code expects %s",
                                 version, schema, ", ".join(sorted(heads)))
        return {"status": "error", "database": "ok", "schema": schema,
                "version": version, "expected": sorted(heads)}, 503
    return {"status": "ok", "database": "ok", "schema": "ok"}


def _write_check() -> str | None:
    """Take the write lock within TTHC_HEALTHZ_TIMEOUT_MS, write, roll back; the schema version.

    The write is to alembic_version's one row (set to itself): every migrated database has
    it, on every engine, and a read-only file, a read-only PostgreSQL or a lock held longer
    than the timeout fails it as it would fail a citizen's save. Nothing is committed.
    """
    timeout_ms = int(current_app.config["TTHC_HEALTHZ_TIMEOUT_MS"])
    with db.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # The pooled connection goes back with its usual busy timeout (finally below).
            usual = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
            connection.exec_driver_sql(f"PRAGMA busy_timeout = {timeout_ms}")
        try:
            if sqlite:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                connection.execute(text(f"SET LOCAL lock_timeout = {timeout_ms}"))
                connection.execute(text(f"SET LOCAL statement_timeout = {2 * timeout_ms}"))
            version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            connection.execute(text("UPDATE alembic_version SET version_num = version_num"))
            connection.rollback()
        finally:
            if sqlite:
                connection.rollback()
                connection.exec_driver_sql(f"PRAGMA busy_timeout = {int(usual)}")
    return version


def _reason(error: SQLAlchemyError) -> str:
    """A short, stable word for the monitoring: why nothing can be written."""
    message = str(getattr(error, "orig", None) or error).lower()
    if "locked" in message or "lock timeout" in message or "statement timeout" in message:
        return "locked"
    if "readonly" in message or "read-only" in message:
        return "read-only"
    if "no such table" in message or "does not exist" in message:
        return "not migrated"
    return "unreachable"


def _revisions() -> tuple[frozenset[str], frozenset[str]]:
    """The migrations' heads and every revision they know, read from the scripts once per
    process (about 9 ms; docs/caching.md): they are part of the code shipped, which changes
    only with a deploy that restarts the workers. Read on every call in debug."""
    app = current_app
    found = app.extensions.get("tthc_migration_revisions")
    if found is None or app.debug:
        script = ScriptDirectory.from_config(_alembic_config())
        found = app.extensions["tthc_migration_revisions"] = (
            frozenset(script.get_heads()),
            frozenset(revision.revision for revision in script.walk_revisions()))
    return found


def _alembic_config() -> Config:
    """The migrations folder only (no alembic.ini, no logging set-up: a request's job)."""
    config = Config()
    config.set_main_option("script_location", current_app.extensions["migrate"].directory)
    return config
