"""Non-secret defaults; instance/config.py, the environment and tests layer on top."""

from __future__ import annotations

import os
from typing import Any, Mapping

from .domain.workdays import DEFAULT_RULE, CountingRule


class ConfigurationError(RuntimeError):
    """The app cannot start safely with this configuration."""


DEFAULTS: dict[str, Any] = {
    # Required outside debug and tests (tthc.check_secret_key refuses to start without it).
    # Bandit B105 checked: None is no password, it says there is no default key
    "SECRET_KEY": None,  # nosec B105
    "SQLALCHEMY_DATABASE_URI": None,  # None: SQLite in the instance folder
    "SQLALCHEMY_ENGINE_OPTIONS": None,  # None: see engine_options
    "BABEL_DEFAULT_LOCALE": "vi",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
    "LANGUAGES": ("vi", "en"),
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_HTTPONLY": True,
    # A staff sign-in lasts TTHC_STAFF_SESSION_HOURS from sign-in, not from the last click:
    # no new session cookie on every response (a whole Monday of "Gọi tiếp" re-signed it).
    "SESSION_REFRESH_EACH_REQUEST": False,
    # True behind HTTPS: set TTHC_SESSION_COOKIE_SECURE=1 (required in production unless
    # TTHC_PLAIN_HTTP=1; the remember-me cookie follows it). See check_transport.
    "SESSION_COOKIE_SECURE": False,
    "TTHC_PLAIN_HTTP": False,  # served over plain HTTP on purpose (make run, a closed LAN)
    "TTHC_HSTS_SECONDS": 365 * 24 * 3600,  # Strict-Transport-Security max-age behind HTTPS
    # How long a write waits for a lock other writers hold before it answers 503 "busy":
    # SQLite's busy timeout, PostgreSQL's lock_timeout. None: TTHC_SQLITE_BUSY_MS (its old
    # name, still read), else 5000. See busy_ms.
    "TTHC_DB_BUSY_MS": None,
    "TTHC_SQLITE_BUSY_MS": None,  # the old name of TTHC_DB_BUSY_MS
    "TTHC_HEALTHZ_TIMEOUT_MS": 1000,  # /healthz: a write lock not had in this long is a 503
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "WTF_CSRF_TIME_LIMIT": 8 * 3600,  # a whole Monday at the desk
    "MAX_CONTENT_LENGTH": 32 * 1024 * 1024,
    "STATIC_MAX_AGE": 365 * 24 * 3600,  # static URLs carry a content hash
    "COMPRESS_REGISTER": True,
    "COMPRESS_ALGORITHM": ["br", "gzip"],
    # Below about one TCP segment compressing gains no round trip on a slow phone, only
    # server time: most live-check fragments (≈ 1 KB) go as they are.
    "COMPRESS_MIN_SIZE": 1400,
    "COMPRESS_MIMETYPES": ["text/html", "text/css", "application/javascript", "image/svg+xml",
                           "application/json", "text/plain"],
    # The Fernet key sealing notification gateways' secrets; unset: one derived from
    # SECRET_KEY (docs/notify.md, "Secrets at rest").
    "TTHC_SECRETS_KEY": None,
    "TTHC_OFFICE": None,  # code of the office served at /, default: the one marked default
    "TTHC_CATALOGUE_FILE": None,  # default: tthc/data/catalogue.toml
    "TTHC_SEARCH_MAX": 200,  # characters of ?q= taken into account
    # Number of reverse proxies in front whose X-Forwarded-For/-Proto/-Host are trusted;
    # 0: none, the headers are ignored (anyone could forge them). Named explicitly only.
    "TTHC_PROXY_FIX": 0,
    # Pre-filing (tthc.intake): uploads, the device cookie of the applicant profile, look-up.
    "TTHC_UPLOAD_MAX_FILE": 10 * 1024 * 1024,  # bytes per uploaded file, as sent
    "TTHC_UPLOAD_MAX_DOSSIER": 30 * 1024 * 1024,  # bytes stored per dossier, all files
    "TTHC_UPLOAD_MAX_PIXELS": 25_000_000,  # most pixels ever decoded (decompression bombs)
    "TTHC_UPLOAD_MAX_SIDE": 2000,  # images are scaled down to fit this box (px)
    "TTHC_UPLOAD_RATE_LIMIT": "120 per hour",  # files a citizen's address may send (images, PDFs)
    "TTHC_IMAGE_SLOTS": 2,  # images decoded at once on this machine, all workers together
    "TTHC_IMAGE_WAIT_SECONDS": 15,  # wait for a free slot this long, then "try again" (503)
    "TTHC_DEVICE_COOKIE": "tthc_thiet_bi",  # secret cookie binding the profile to a phone
    "TTHC_DEVICE_COOKIE_DAYS": 365,  # also how long a phone's profile is kept (retention)
    "TTHC_LOOKUP_RATE_LIMIT": "10 per minute",  # POST /tra-cuu, per client IP
    "TTHC_LOOKUP_DOSSIER_FAILURES": 10,  # wrong last-4 for one dossier, all addresses, then
    "TTHC_LOOKUP_DOSSIER_WINDOW_MINUTES": 60,  # it answers "not found" until they age out
    "TTHC_DRAFT_RATE_LIMIT": "60 per hour",  # new drafts (POST /nop-truoc), per client IP
    "TTHC_SQLITE_WAL": True,  # SQLite only: WAL + synchronous=NORMAL (see configure_sqlite)
    # Retention (flask retention run, docs/data-protection.md): drafts never submitted, days
    # after their last save; tickets, days after their day.
    "TTHC_DRAFT_RETENTION_DAYS": 30,
    "TTHC_TICKET_RETENTION_DAYS": 90,
    # Notifications sent or given up: recipient, text and gateway error blanked after these
    # days (the row stays: that a message went, when, on which channel); the access log's
    # lines deleted after these days (five years, leap days included).
    "TTHC_NOTIFY_RETENTION_DAYS": 180,
    "TTHC_ACCESS_LOG_RETENTION_DAYS": 1827,
    # Flask-Limiter's counts. memory:// is per worker process: production with several
    # workers or servers must name a shared store (TTHC_RATELIMIT_STORAGE_URI=redis://…,
    # docs/sessions.md). The sign-in slow-down is in the database and shared anyway.
    "RATELIMIT_STORAGE_URI": "memory://",
    # A shared store that is down must not answer every sign-in, look-up and ticket with a
    # 500: Flask-Limiter then counts in the worker's memory until the store is back.
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    "RATELIMIT_HEADERS_ENABLED": True,
    # Staff accounts (tthc/auth)
    "TTHC_DEMO": False,  # serving the demo data: allows the demo accounts' known password
    "TTHC_STAFF_SESSION_HOURS": 10,  # a staff sign-in lasts this long (PERMANENT_SESSION_LIFETIME)
    "TTHC_STAFF_IDLE_MINUTES": 30,  # a staff session ends after this long without a click
    # The sign-in slow-down (tthc/auth/throttle.py): failures of one username from one
    # address that cost nothing, then waits of 2, 4, 8… s up to the maximum; an address's
    # failures on any usernames likewise; counts forgotten after the window.
    "TTHC_LOGIN_FREE_FAILURES": 3,
    "TTHC_LOGIN_ADDRESS_FREE_FAILURES": 20,
    "TTHC_LOGIN_MAX_WAIT_SECONDS": 900,
    "TTHC_LOGIN_FAILURE_WINDOW_MINUTES": 60,
    "TTHC_LOGIN_RATE_LIMIT": "30 per minute",  # sign-in attempts per address (Flask-Limiter)
    # The queue (tthc/queue)
    "TTHC_TICKET_RATE_LIMIT": "60 per minute",  # tickets taken per address (kiosk, phones)
    "TTHC_TICKET_POLL_SECONDS": 5,  # the live ticket page on a phone
    "TTHC_BOARD_POLL_SECONDS": 2,  # the hall's display board: a call shows within 3 s
    "TTHC_COUNTER_POLL_SECONDS": 5,  # the counter screen's waiting lists
    # The kiosk and phones give numbers only while the desk is open (Office.schedule and the
    # holiday table); off for a demo or test server that must give numbers at any hour.
    "TTHC_QUEUE_OPENING_HOURS": True,
    "TTHC_TICKETS_PER_PHONE_PER_DAY": 3,  # numbers one phone may take a day (0: no limit)
    # The desk's cut-off is the legal framework's (tthc/data/frameworks.toml) unless an office
    # sets its own on /can-bo/tiep-nhan/cai-dat; its hours are the office's weekly schedule.
    # How a legal time of n working days is counted (docs/deadlines.md): "days", whole working
    # days after the reception day (domain.md §12 item 1), or "hours", n working days' worth
    # of office hours from the reception instant, as some provincial systems count.
    "TTHC_DEADLINE_COUNTING": DEFAULT_RULE.value,  # "days"
    # The province's dossier code pattern; None: the legal framework's (each office may set
    # its own on /can-bo/tiep-nhan/cai-dat)
    "TTHC_DOSSIER_CODE_PATTERN": None,
    # The legal framework by date and its official forms (docs/desk.md "The legal framework")
    "TTHC_FRAMEWORKS_FILE": None,  # default: tthc/data/frameworks.toml
    "TTHC_FORMS_FILE": None,  # default: tthc/data/forms.toml
}

# Environment variables read on top of instance/config.py; TTHC_* map to config keys.
_BOOL = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}


def from_environ(environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """Return the configuration the environment sets (DATABASE_URL, SECRET_KEY, TTHC_*)."""
    config: dict[str, Any] = {}
    if environ.get("DATABASE_URL"):
        config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(environ["DATABASE_URL"])
    if environ.get("SECRET_KEY"):
        config["SECRET_KEY"] = environ["SECRET_KEY"]
    for name, value in environ.items():
        if name.startswith("TTHC_") and len(name) > 5:
            key = name if name in DEFAULTS else name[5:]
            config[key] = _coerce(value, DEFAULTS.get(key))
    return config


#: How long a write waits for another writer's lock unless TTHC_DB_BUSY_MS says otherwise.
DEFAULT_BUSY_MS = 5000


def busy_ms(config: Mapping[str, Any]) -> int:
    """Milliseconds a write waits for a lock: TTHC_DB_BUSY_MS, else TTHC_SQLITE_BUSY_MS (the
    old name, from the days it applied to SQLite only), else 5000."""
    for key in ("TTHC_DB_BUSY_MS", "TTHC_SQLITE_BUSY_MS"):
        value = config.get(key)
        if value not in (None, ""):
            try:
                return max(1, int(value))
            except (TypeError, ValueError):
                raise ConfigurationError(f"{key} must be a number of milliseconds, "
                                         f"got {value!r}") from None
    return DEFAULT_BUSY_MS


def engine_options(uri: str, busy_ms: int = DEFAULT_BUSY_MS) -> dict[str, Any]:
    """SQLAlchemy engine options for a database URL.

    A write waits at most ``busy_ms`` for a lock another transaction holds, then fails (and
    the app answers 503 "busy", tthc/errors.py): SQLite's busy timeout; PostgreSQL's
    ``lock_timeout``, given to every connection as a startup option (libpq ``options``).
    A server database drops idle connections (restarts, timeouts), so each checkout is
    pinged first. An SQLite file cannot go away under a connection: the ping would only
    add a round trip to every request, the live check's included. Statement parameters
    (names, ID numbers, birth dates) are never put in error messages and logs
    (``hide_parameters``, Decree 13/2023).
    """
    if uri.startswith("sqlite"):
        return {"hide_parameters": True, "connect_args": {"timeout": busy_ms / 1000}}
    return {"hide_parameters": True, "pool_pre_ping": True,
            "connect_args": {"options": f"-c lock_timeout={int(busy_ms)}"}}


def _coerce(value: str, default: Any) -> Any:
    if isinstance(default, bool):
        return _BOOL.get(value.strip().lower(), default)
    if isinstance(default, int):
        try:
            return int(value)
        except ValueError:
            return default
    return value


def warn_if_limits_count_per_worker(app: Any) -> None:
    """Log one warning when a production start counts rate limits in the worker's memory.

    ``memory://`` is a count per worker process: with gunicorn's four workers, or several
    servers, each counts alone and a client gets several times every limit. Only the
    environment's ``TTHC_*`` names are read, so a plain ``RATELIMIT_STORAGE_URI=redis://…``
    in the service's settings file leaves it on ``memory://``. Debug, tests and commands
    other than ``flask run`` (they serve nothing) are quiet; a server that really runs one
    worker gets one line at each start.
    """
    import click

    uri = str(app.config.get("RATELIMIT_STORAGE_URI") or "memory://")
    if not uri.startswith("memory://") or app.debug or app.testing:
        return
    command = click.get_current_context(silent=True)
    if command is not None and command.info_name != "run":
        return
    app.logger.warning(
        "Rate limits are counted in each worker's memory (RATELIMIT_STORAGE_URI=memory://): "
        "with several workers or servers each counts alone and a client gets the limit once "
        "per worker. Set TTHC_RATELIMIT_STORAGE_URI=redis://… in the environment (or "
        "RATELIMIT_STORAGE_URI in instance/config.py) to a store they all share.")


def counting_rule(config: Mapping[str, Any]) -> CountingRule:
    """The deadline counting rule of TTHC_DEADLINE_COUNTING; ConfigurationError if unknown
    (checked when the app starts, so a typo never silently counts another way)."""
    value = config.get("TTHC_DEADLINE_COUNTING", DEFAULTS["TTHC_DEADLINE_COUNTING"])
    try:
        return CountingRule(str(value).strip().lower())
    except ValueError:
        raise ConfigurationError(
            f"TTHC_DEADLINE_COUNTING must be one of {', '.join(r.value for r in CountingRule)}, "
            f"got {value!r}") from None


def normalise_database_url(url: str) -> str:
    """Accept the postgres:// URLs hosts hand out and use psycopg 3 for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
