"""Non-secret defaults; instance/config.py, the environment and tests layer on top."""

from __future__ import annotations

import os
from typing import Any, Mapping

from .domain.workdays import DEFAULT_RULE, CountingRule


class ConfigurationError(RuntimeError):
    """The app cannot start safely with this configuration."""


DEFAULTS: dict[str, Any] = {
    "SECRET_KEY": None,  # required outside debug and tests: see check_production
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
    "SESSION_COOKIE_SECURE": False,  # True behind HTTPS: set TTHC_SESSION_COOKIE_SECURE=1
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
    "TTHC_OFFICE": None,  # code of the office served at /, default: the one marked default
    "TTHC_CATALOGUE_FILE": None,  # default: tthc/data/catalogue.toml
    "TTHC_SEARCH_MAX": 200,  # characters of ?q= taken into account
    "TTHC_PROXY_FIX": 0,  # number of reverse proxies in front (X-Forwarded-*)
    # Pre-filing (tthc.intake): uploads, the device cookie of the applicant profile, look-up.
    "TTHC_UPLOAD_MAX_FILE": 10 * 1024 * 1024,  # bytes per uploaded file, as sent
    "TTHC_UPLOAD_MAX_DOSSIER": 30 * 1024 * 1024,  # bytes stored per dossier, all files
    "TTHC_UPLOAD_MAX_PIXELS": 25_000_000,  # most pixels ever decoded (decompression bombs)
    "TTHC_UPLOAD_MAX_SIDE": 2000,  # images are scaled down to fit this box (px)
    "TTHC_DEVICE_COOKIE": "tthc_thiet_bi",  # secret cookie binding the profile to a phone
    "TTHC_DEVICE_COOKIE_DAYS": 365,
    "TTHC_LOOKUP_RATE_LIMIT": "10 per minute",  # POST /tra-cuu, per client IP
    "TTHC_DRAFT_RATE_LIMIT": "60 per hour",  # new drafts (POST /nop-truoc), per client IP
    "TTHC_SQLITE_WAL": True,  # SQLite only: WAL + synchronous=NORMAL (see configure_sqlite)
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": True,
    # Staff accounts (tthc/auth)
    "TTHC_DEMO": False,  # serving the demo data: allows the demo accounts' known password
    "TTHC_STAFF_SESSION_HOURS": 10,  # a staff sign-in lasts this long (PERMANENT_SESSION_LIFETIME)
    "TTHC_LOGIN_MAX_FAILURES": 5,  # failed sign-ins in a row before the account is locked
    "TTHC_LOGIN_LOCK_MINUTES": 15,
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


def engine_options(uri: str) -> dict[str, Any]:
    """SQLAlchemy engine options for a database URL.

    A server database drops idle connections (restarts, timeouts), so each checkout is
    pinged first. An SQLite file cannot go away under a connection: the ping would only
    add a round trip to every request, the live check's included.
    """
    return {} if uri.startswith("sqlite") else {"pool_pre_ping": True}


def _coerce(value: str, default: Any) -> Any:
    if isinstance(default, bool):
        return _BOOL.get(value.strip().lower(), default)
    if isinstance(default, int):
        try:
            return int(value)
        except ValueError:
            return default
    return value


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
