"""tthc: intake for the one-stop desk of a Vietnamese ward or commune."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from . import config as config_module
from . import files
from .config import ConfigurationError  # noqa: F401  (tthc.ConfigurationError, public)

if TYPE_CHECKING:  # Flask is imported lazily so that tthc.domain loads without it
    from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then instance/config.py, then the environment, then tests."""
    from flask import Flask

    app = Flask(
        __name__,
        instance_path=os.environ.get("TTHC_INSTANCE_PATH") or str(ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    load_config(app, test_config)
    from .logs import install as mask_tokens_in_logs

    # The app's lines ("Exception on /ho-so/<token>/luu") and the dev server's access log.
    mask_tokens_in_logs(app.logger.name, "werkzeug")
    configure_extensions(app)
    register_blueprints(app)
    from . import cli, errors, web

    errors.register_error_handlers(app)
    web.init_app(app)
    cli.init_app(app)
    return app


def load_config(app: Flask, test_config: Mapping[str, Any] | None = None) -> None:
    app.config.from_mapping(config_module.DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(config_module.from_environ())
    if test_config is not None:
        app.config.update(test_config)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        files.private_dir(app.instance_path)  # the database and uploads live there: 0700
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + str(
            Path(app.instance_path) / "tthc.sqlite"
        )
    if app.config.get("SQLALCHEMY_ENGINE_OPTIONS") is None:
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = config_module.engine_options(
            str(app.config["SQLALCHEMY_DATABASE_URI"]), config_module.busy_ms(app.config))
    # Personal data never in a logged statement, whatever options instance/config.py gives.
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**app.config["SQLALCHEMY_ENGINE_OPTIONS"],
                                               "hide_parameters": True}
    check_secret_key(app)
    check_transport(app)
    config_module.warn_if_limits_count_per_worker(app)
    config_module.counting_rule(app.config)  # ConfigurationError on an unknown rule


def check_secret_key(app: Flask) -> None:
    """Refuse a production start without a real secret key (sessions and CSRF hang on it)."""
    if app.config.get("SECRET_KEY"):
        return
    if app.debug or app.testing:
        # Bandit B105 checked: debug and tests only; production refuses to start without one
        app.config["SECRET_KEY"] = "dev-only-not-secret"  # nosec B105
        return
    raise ConfigurationError(
        "SECRET_KEY is not set. Put SECRET_KEY = '…' in instance/config.py or set the "
        "SECRET_KEY environment variable (make run generates one into instance/)."
    )


def check_transport(app: Flask) -> None:
    """Refuse to serve production without HTTPS's protections, unless told it is plain HTTP.

    Behind HTTPS the session and remember-me cookies must be ``Secure`` (never sent in
    clear) and pages carry HSTS (tthc.web). TTHC_PLAIN_HTTP=1 says the server is reached
    over plain HTTP on purpose (make run on 127.0.0.1, a closed LAN). Debug and tests are
    exempt, and so are commands other than ``flask run`` (``flask db upgrade`` …): they
    serve nothing.
    """
    import click

    secure = bool(app.config.get("SESSION_COOKIE_SECURE"))
    app.config.setdefault("REMEMBER_COOKIE_SECURE", secure)
    if app.config.get("TTHC_PLAIN_HTTP") or app.debug or app.testing:
        return
    command = click.get_current_context(silent=True)
    if command is not None and command.info_name != "run":
        return
    missing = []
    if not secure or not app.config.get("REMEMBER_COOKIE_SECURE"):
        missing.append("Secure cookies (TTHC_SESSION_COOKIE_SECURE=1)")
    if int(app.config.get("TTHC_HSTS_SECONDS") or 0) <= 0:
        missing.append("HSTS (TTHC_HSTS_SECONDS > 0)")
    if missing:
        raise ConfigurationError(
            "Production needs HTTPS's protections: " + ", ".join(missing) + " are off. Set "
            "them, or set TTHC_PLAIN_HTTP=1 if this server is reached over plain HTTP on "
            "purpose (make run, a closed network).")


def configure_extensions(app: Flask) -> None:
    from . import i18n
    from .extensions import babel, compress, csrf, db, htmx, limiter, login_manager, migrate

    db.init_app(app)
    configure_sqlite(app)
    protect_sqlite_file(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        default_translation_directories=str(ROOT / "tthc" / "translations"),
    )
    csrf.init_app(app)
    compress.init_app(app)
    htmx.init_app(app)  # request.htmx
    login_manager.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app)
    configure_proxy_fix(app)


def configure_proxy_fix(app: Flask) -> None:
    """Trust X-Forwarded-* only from as many proxies as TTHC_PROXY_FIX names.

    Without a proxy in front anyone can send those headers: trusting them would let a
    client pick the address rate limits count and the scheme of absolute URLs.
    """
    value = app.config.get("TTHC_PROXY_FIX") or 0
    try:
        count = int(value)
    except (TypeError, ValueError):
        count = -1
    if count < 0 or isinstance(value, bool):
        raise ConfigurationError(
            f"TTHC_PROXY_FIX must be the number of reverse proxies in front (0, 1, …), "
            f"got {value!r}")
    if count:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def sqlite_path(uri: str) -> Path | None:
    """The file of an SQLite URL, None for another database or an in-memory one."""
    from sqlalchemy.engine import make_url

    url = make_url(uri)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    if url.database.startswith("file:"):  # already an SQLite URI: it says its own mode
        return None
    return Path(url.database)


def create_sqlite_file(app: Flask) -> None:
    """Create the app's SQLite file if it is missing: for the migrations only.

    The app opens SQLite read-write only (configure_sqlite), so a moved or missing file is
    an error, not a new empty database; migrations/env.py calls this before it connects
    (``flask db upgrade``), and the new file is readable by the app's user only.
    """
    path = sqlite_path(str(app.config["SQLALCHEMY_DATABASE_URI"]))
    if path is not None and not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)


def configure_sqlite(app: Flask) -> None:
    """On SQLite, an existing file only, and write-ahead logging with synchronous=NORMAL.

    SQLite creates a missing file on connect: a database moved away would come back empty
    and every page would answer 500. The app opens it with ``mode=rw`` (an SQLite URI), so
    that it stays an error (tthc.errors answers 503); ``flask db upgrade`` creates it.

    Every live check of a draft autosaves it; in SQLite's default mode each commit waits
    for the disk (about 15 ms here), which caps the whole server at a few dozen saves a
    second. In WAL mode a commit does not wait, readers never wait for the writer, and a
    power cut can lose the last commits but never the database. Off for tests, which copy
    database files (WAL keeps recent commits in a second file) and for TTHC_SQLITE_WAL=0.
    """
    uri = str(app.config.get("SQLALCHEMY_DATABASE_URI") or "")
    path = sqlite_path(uri)
    if path is None:
        return
    from urllib.parse import quote

    from sqlalchemy import event

    from .extensions import db

    with app.app_context():
        engine = db.engine
    existing_only = "file:" + quote(str(path.resolve()), safe="/") + "?mode=rw"

    @event.listens_for(engine, "do_connect")
    def _existing_only(_dialect, _record, cargs, cparams):
        cargs[:] = [existing_only]
        cparams["uri"] = True

    if not app.config.get("TTHC_SQLITE_WAL") or app.testing:
        return

    @event.listens_for(engine, "connect")
    def _wal(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def protect_sqlite_file(app: Flask) -> None:
    """Keep an SQLite database file readable by the app's user only (0600).

    The file appears with the first connection (``flask db upgrade``): each new connection
    checks its mode, a stat call. SQLite gives the -wal and -shm files the same mode.
    """
    if not str(app.config.get("SQLALCHEMY_DATABASE_URI") or "").startswith("sqlite"):
        return
    from sqlalchemy import event

    from .extensions import db

    with app.app_context():
        engine = db.engine
    path = engine.url.database

    if path and path != ":memory:":
        @event.listens_for(engine, "connect")
        def _private(_dbapi_connection, _record):
            files.private_file(path)


def register_blueprints(app: Flask) -> None:
    from . import site
    from .admin import bp as admin_bp
    from .auth import bp as auth_bp
    from .catalogue import bp as catalogue_bp
    from .desk import bp as desk_bp
    from .feedback import bp as feedback_bp
    from .intake import bp as intake_bp
    from .notify import bp as notify_bp
    from .queue import bp as queue_bp
    from .reports import bp as reports_bp

    for bp in (site.bp, catalogue_bp, intake_bp, queue_bp, auth_bp, desk_bp, notify_bp,
               feedback_bp, reports_bp, admin_bp):
        app.register_blueprint(bp)
