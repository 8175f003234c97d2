"""Non-secret defaults; instance/config.py, the environment and tests layer on top."""

from __future__ import annotations

import os
from typing import Any, Mapping

DEFAULTS: dict[str, Any] = {
    "SECRET_KEY": None,  # required outside debug and tests: see check_production
    "SQLALCHEMY_DATABASE_URI": None,  # None: SQLite in the instance folder
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "BABEL_DEFAULT_LOCALE": "vi",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
    "LANGUAGES": ("vi", "en"),
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SECURE": False,  # True behind HTTPS: set TTHC_SESSION_COOKIE_SECURE=1
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "WTF_CSRF_TIME_LIMIT": 8 * 3600,  # a whole Monday at the desk
    "MAX_CONTENT_LENGTH": 32 * 1024 * 1024,
    "STATIC_MAX_AGE": 365 * 24 * 3600,  # static URLs carry a content hash
    "COMPRESS_REGISTER": True,
    "COMPRESS_ALGORITHM": ["br", "gzip"],
    "COMPRESS_MIN_SIZE": 500,
    "COMPRESS_MIMETYPES": ["text/html", "text/css", "application/javascript", "image/svg+xml",
                           "application/json", "text/plain"],
    "TTHC_OFFICE": None,  # code of the office served at /, default: the one marked default
    "TTHC_CATALOGUE_FILE": None,  # default: tthc/data/catalogue.toml
    "TTHC_SEARCH_MAX": 200,  # characters of ?q= taken into account
    "TTHC_PROXY_FIX": 0,  # number of reverse proxies in front (X-Forwarded-*)
    "TTHC_PAGE_CACHE_SECONDS": 60,  # public catalogue pages; 0 turns the cache off
    "TTHC_PAGE_CACHE_SIZE": 500,  # pages kept per worker process
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": True,
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


def _coerce(value: str, default: Any) -> Any:
    if isinstance(default, bool):
        return _BOOL.get(value.strip().lower(), default)
    if isinstance(default, int):
        try:
            return int(value)
        except ValueError:
            return default
    return value


def normalise_database_url(url: str) -> str:
    """Accept the postgres:// URLs hosts hand out and use psycopg 3 for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
