"""`flask backup DEST` and `flask restore SRC`: a consistent copy of a live instance.

The SQLite database is copied with SQLite's online backup API (``sqlite3.Connection.backup``
in one step), which reads one snapshot of the database while the app keeps writing; the
uploads are copied after it, so every file the copied rows name is in the copy (stored files
are written before their row and never changed afterwards). ``manifest.json`` lists every
file with its size and SHA-256, the schema's Alembic revision and the time. A restore checks
all of it before it touches anything.

PostgreSQL is dumped with ``pg_dump -Fc`` and restored with ``pg_restore`` (docs/deploy.md
"Backups"); ``flask backup`` on PostgreSQL copies the uploads only and says so.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import click
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from flask.cli import with_appcontext

MANIFEST = "manifest.json"
FORMAT = 1
DATABASE_FILE = "tthc.sqlite"
UPLOADS = "uploads"


class BackupError(RuntimeError):
    """The backup or the restore cannot go on; nothing was overwritten."""


@dataclass(frozen=True)
class Source:
    """What an instance is made of: its SQLite file (None on PostgreSQL) and uploads folder."""

    database: Path | None
    uploads: Path
    engine: str


def source_of(app: Flask) -> Source:
    """The database file and uploads folder *app* is configured with."""
    from sqlalchemy.engine import make_url

    url = make_url(str(app.config["SQLALCHEMY_DATABASE_URI"]))
    uploads = Path(app.instance_path) / UPLOADS
    if url.get_backend_name() != "sqlite":
        return Source(None, uploads, url.get_backend_name())
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Source(Path(url.database), uploads, "sqlite")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _private_dir(path: Path) -> None:
    # Personal data (Decree 13/2023): readable by the app's user only.
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)


def _revision(connection: sqlite3.Connection) -> str | None:
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return None
    return row[0] if row else None


def copy_sqlite(source: Path, target: Path) -> tuple[str, str | None]:
    """Copy a live SQLite database with the online backup API; return (integrity, revision).

    ``pages=-1`` copies the whole database in one step under one read transaction: a single
    point in time even while other connections write (in WAL mode they are not held up).
    """
    if not source.is_file():
        raise BackupError(f"{source}: no database file")
    src = sqlite3.connect(source, timeout=30)  # only read: the backup API never writes it
    dst = sqlite3.connect(target)
    try:
        src.backup(dst, pages=-1)
        dst.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
        integrity = dst.execute("PRAGMA integrity_check").fetchone()[0]
        revision = _revision(dst)
    finally:
        dst.close()
        src.close()
    os.chmod(target, 0o600)
    return integrity, revision


def backup(app: Flask, dest: Path, now: dt.datetime | None = None) -> dict:
    """Copy *app*'s database (SQLite) and uploads into the new folder *dest*; return the
    manifest written there."""
    source = source_of(app)
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"{dest} is not empty: choose a new folder")
    _private_dir(dest)
    manifest: dict = {
        "format": FORMAT,
        "created": (now or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds"),
        "engine": source.engine,
        "revision": None,
        "integrity_check": None,
        "files": [],
    }
    if source.database is not None:
        integrity, revision = copy_sqlite(source.database, dest / DATABASE_FILE)
        if integrity != "ok":
            raise BackupError(f"the copy fails SQLite's integrity check: {integrity}")
        manifest.update(revision=revision, integrity_check=integrity)
    else:
        manifest["revision"] = _live_revision()
    # After the database: every file its rows name already exists (written before the row).
    if source.uploads.is_dir():
        _private_dir(dest / UPLOADS)
        for path in sorted(source.uploads.iterdir()):
            if path.is_file() and path.suffix != ".part":  # .part: a write in progress
                try:
                    shutil.copy2(path, dest / UPLOADS / path.name)
                except FileNotFoundError:
                    continue  # deleted since the folder was listed (a purged draft's file)
                os.chmod(dest / UPLOADS / path.name, 0o600)
    if source.database is not None:
        # A file deleted between the snapshot and its copy (the retention purge) is named.
        manifest["missing_uploads"] = sorted(
            set(_stored_names(dest / DATABASE_FILE))
            - {p.name for p in (dest / UPLOADS).glob("*")})
    for path in sorted(p for p in dest.rglob("*") if p.is_file()):
        manifest["files"].append({"path": path.relative_to(dest).as_posix(),
                                  "size": path.stat().st_size, "sha256": sha256_of(path)})
    target = dest / MANIFEST
    target.write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", "utf-8")
    os.chmod(target, 0o600)
    return manifest


def _live_revision() -> str | None:
    from sqlalchemy import text

    from .extensions import db

    return db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _stored_names(database: Path) -> list[str]:
    connection = sqlite3.connect(database)
    try:
        return [row[0] for row in connection.execute("SELECT stored_name FROM upload")]
    except sqlite3.DatabaseError:
        return []
    finally:
        connection.close()


def _file_revision(database: Path) -> str | None:
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return _revision(connection)
    finally:
        connection.close()


def known_revisions() -> list[str]:
    """The code's Alembic revisions, oldest first (the migrations folder)."""
    migrate = current_app.extensions["migrate"]
    script = ScriptDirectory.from_config(migrate.migrate.get_config(migrate.directory))
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def check(src: Path) -> dict:
    """Read *src*'s manifest and check every file; return the manifest or raise BackupError."""
    try:
        manifest = json.loads((src / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(f"{src / MANIFEST}: unreadable ({error})") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    listed = {f["path"]: f for f in manifest["files"]}
    present = {p.relative_to(src).as_posix() for p in src.rglob("*") if p.is_file()}
    present.discard(MANIFEST)
    if present - set(listed):
        raise BackupError(f"files not in the manifest: {', '.join(sorted(present - set(listed)))}")
    for name, entry in listed.items():
        path = src / name
        if not path.is_file():
            raise BackupError(f"{name}: missing")
        if path.stat().st_size != entry["size"] or sha256_of(path) != entry["sha256"]:
            raise BackupError(f"{name}: size or SHA-256 differs from the manifest")
    revision = manifest.get("revision")
    if DATABASE_FILE in listed and _file_revision(src / DATABASE_FILE) != revision:
        raise BackupError("the database's schema revision is not the manifest's")
    if revision is not None and revision not in known_revisions():
        raise BackupError(f"the backup's schema revision {revision} is unknown to this code "
                          "(newer, or another application's): install the matching release")
    return manifest


def is_empty(source: Source) -> bool:
    """True when the instance has no uploads and its database no rows (a migrated empty
    database, a 0-byte file and no file at all are empty)."""
    if source.database is not None and source.database.is_file() \
            and source.database.stat().st_size > 0 and _has_rows(source.database):
        return False
    return not (source.uploads.is_dir() and any(source.uploads.iterdir()))


def _has_rows(path: Path) -> bool:
    connection = sqlite3.connect(path, timeout=30)
    try:
        tables = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name != 'alembic_version'")]
        # Bandit B608 checked: the names come from sqlite_master, not from anyone's input
        queries = [f'SELECT 1 FROM "{name}" LIMIT 1' for name in tables]  # nosec B608
        return any(connection.execute(query).fetchone() for query in queries)
    except sqlite3.DatabaseError:
        return True  # not a database we can read: never overwritten without --force
    finally:
        connection.close()


def restore(app: Flask, src: Path, force: bool = False,
            now: dt.datetime | None = None) -> dict:
    """Check *src* and restore it into *app*'s instance; return its manifest.

    A non-empty instance is refused unless *force*; then its database and uploads are moved
    aside (``*.before-restore-<time>``), never deleted.
    """
    manifest = check(src)
    source = source_of(app)
    if (manifest["engine"] == "sqlite") != (source.engine == "sqlite"):
        raise BackupError(f"the backup is of a {manifest['engine']} instance, this one runs "
                          f"on {source.engine}")
    if not is_empty(source) and not force:
        raise BackupError("this instance already has data: restore into an empty instance, "
                          "or add --force to move its database and uploads aside first")
    from .extensions import db

    db.engine.dispose()  # no pooled connection keeps the old file open
    stamp = (now or dt.datetime.now(dt.timezone.utc)).strftime("%Y%m%dT%H%M%SZ")
    if source.database is not None:
        _restore_sqlite(src / DATABASE_FILE, source.database, stamp)
    if source.uploads.exists():
        source.uploads.rename(source.uploads.with_name(f"{UPLOADS}.before-restore-{stamp}"))
    _private_dir(source.uploads)
    if (src / UPLOADS).is_dir():
        for path in sorted((src / UPLOADS).iterdir()):
            shutil.copy2(path, source.uploads / path.name)
            os.chmod(source.uploads / path.name, 0o600)
    return manifest


def _restore_sqlite(copy: Path, target: Path, stamp: str) -> None:
    _private_dir(target.parent)
    partial = target.with_name(target.name + ".restoring")
    shutil.copyfile(copy, partial)
    os.chmod(partial, 0o600)
    connection = sqlite3.connect(partial)
    try:
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()
    if integrity != "ok":
        partial.unlink()
        raise BackupError(f"the restored copy fails SQLite's integrity check: {integrity}")
    if target.exists():
        target.rename(target.with_name(f"{target.name}.before-restore-{stamp}"))
    # A write-ahead log left by the old file would be replayed into the restored one.
    for suffix in ("-wal", "-shm", "-journal"):
        stale = target.with_name(target.name + suffix)
        if stale.exists():
            stale.rename(stale.with_name(f"{stale.name}.before-restore-{stamp}"))
    os.replace(partial, target)


@click.command("backup")
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def backup_command(dest: Path) -> None:
    """Copy the live database (SQLite) and uploads into the new folder DEST."""
    try:
        manifest = backup(current_app, dest)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    size = sum(f["size"] for f in manifest["files"])
    click.echo(f"backup: {len(manifest['files'])} file(s), {size} bytes, schema "
               f"{manifest['revision']}, integrity {manifest['integrity_check']} -> {dest}")
    if manifest.get("missing_uploads"):
        click.echo(f"{len(manifest['missing_uploads'])} uploaded file(s) named by the database "
                   "were not on disk (listed in manifest.json, missing_uploads)", err=True)
    if manifest["engine"] != "sqlite":
        click.echo(f"the {manifest['engine']} database is NOT in this copy: dump it with "
                   "pg_dump -Fc (docs/deploy.md, Backups)", err=True)


@click.command("restore")
@click.argument("src", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--force", is_flag=True,
              help="Restore over an instance that has data (moved aside, not deleted).")
@with_appcontext
def restore_command(src: Path, force: bool) -> None:
    """Check the backup SRC (every hash, the schema revision) and restore it."""
    try:
        manifest = restore(current_app, src, force=force)
    except BackupError as error:
        raise click.ClickException(f"nothing restored: {error}") from None
    click.echo(f"restored {len(manifest['files'])} file(s) from {manifest['created']} "
               f"(schema {manifest['revision']})")
    if manifest["revision"] not in (None, known_revisions()[-1]):
        click.echo("the schema is older than this code's: run flask db upgrade")
