"""Request-wide wiring: the office being served, static URLs, security and cache headers."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, current_app, g, url_for
from flask.sessions import SecureCookieSessionInterface
from whitenoise import WhiteNoise

from .htmx import add_vary, vary_on

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signing serializer built once per key set
    (Flask builds it on every request, for the same keys each time; it holds no state) and
    a short way out when the session is unchanged."""

    def save_session(self, app: Flask, session, response) -> None:
        # Unchanged and not to be re-sent: Flask only adds "Vary: Cookie" (if it was read),
        # after working out every cookie attribute; only that is done here.
        if session and not self.should_set_cookie(app, session):
            if session.accessed:
                vary_on(response, "Cookie")
            return None
        return super().save_session(app, session, response)

    def get_signing_serializer(self, app: Flask):
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        cached = getattr(self, "_tthc_serializer", None)
        if cached is None or cached[0] != keys:
            cached = self._tthc_serializer = (keys, super().get_signing_serializer(app))
        return cached[1]


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
    # WhiteNoise serves /static/ itself (and the .br/.gz files `make setup` precompresses),
    # with a year-long cache: every URL we emit carries the file's content hash (?v=).
    app.wsgi_app = WhiteNoise(  # type: ignore[method-assign]
        app.wsgi_app,
        root=app.static_folder,
        prefix="static/",
        max_age=app.config["STATIC_MAX_AGE"],
        autorefresh=app.debug,
    )
    app.jinja_env.globals["static_url"] = static_url
    app.after_request(add_vary)
    app.after_request(security_headers)
    app.context_processor(office_context)


_hashes: dict[str, tuple[float, str]] = {}


def static_url(filename: str) -> str:
    """URL of a static file with its content hash, so that it can be cached for a year."""
    path = Path(current_app.static_folder or "") / filename
    mtime = path.stat().st_mtime
    cached = _hashes.get(filename)
    if cached is None or cached[0] != mtime:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        cached = _hashes[filename] = (mtime, digest)
    return url_for("static", filename=filename, v=cached[1])


def office_context() -> dict:
    """The office this deployment serves, looked up once per request and only when rendering."""
    from .offices import current_office

    if "office" not in g:
        g.office = current_office()
    return {"office": g.office}


_SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
)


def security_headers(response):
    """The security headers every response carries, unless a view set its own."""
    headers = response.headers
    # One pass over the (list-backed) headers, then appends: setdefault would scan the
    # list again for each of them, on every response.
    present = {key.lower() for key, _ in headers.items()}
    for key, value in _SECURITY_HEADERS:
        if key.lower() not in present:
            headers.add(key, value)
    if "cache-control" not in present and response.mimetype == "text/html":
        # Pages can hold personal data and differ by language: never stored by shared caches.
        headers.add("Cache-Control", "private, no-cache")
    return response
