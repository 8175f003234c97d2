"""Request-wide wiring: the office being served, static URLs, security and cache headers."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, current_app, g, url_for
from whitenoise import WhiteNoise

from .htmx import add_vary

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


def init_app(app: Flask) -> None:
    # WhiteNoise serves /static/ itself (and the .br/.gz files `make setup` precompresses),
    # with a year-long cache: every URL we emit carries the file's content hash (?v=).
    app.wsgi_app = WhiteNoise(  # type: ignore[method-assign]
        app.wsgi_app,
        root=app.static_folder,
        prefix="static/",
        max_age=app.config["STATIC_MAX_AGE"],
        autorefresh=app.debug,
        add_headers_function=static_headers(hsts_value(app.config)),
    )
    app.jinja_env.globals["static_url"] = static_url
    app.after_request(add_vary)
    app.after_request(security_headers)
    app.context_processor(office_context)


def static_url(filename: str) -> str:
    """URL of a static file with its content hash, so that it can be cached for a year.

    Hashed on each call (about 60 µs for a page's three files): no memo to keep in step
    with the files.
    """
    path = Path(current_app.static_folder or "") / filename
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return url_for("static", filename=filename, v=digest)


def office_context() -> dict:
    """The office this deployment serves, looked up once per request and only when rendering."""
    from .offices import current_office

    if "office" not in g:
        g.office = current_office()
    return {"office": g.office}


SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def static_headers(hsts: str | None):
    """WhiteNoise's add_headers_function: static files carry nosniff and the CSP too.

    WhiteNoise answers /static/ before Flask, so security_headers never sees them: a file
    served with a wrong type must not be sniffed into a script, nor an SVG run one.
    WhiteNoise calls it once per file when it scans the folder, outside any request.
    """
    def add_headers(headers, _path: str, _url: str) -> None:
        for key, value in SECURITY_HEADERS.items():
            headers.setdefault(key, value)
        if hsts:
            headers.setdefault("Strict-Transport-Security", hsts)

    return add_headers


def hsts_value(config) -> str | None:
    """The Strict-Transport-Security value, None over plain HTTP (TTHC_PLAIN_HTTP=1)."""
    seconds = int(config.get("TTHC_HSTS_SECONDS") or 0)
    if config.get("TTHC_PLAIN_HTTP") or seconds <= 0:
        return None
    return f"max-age={seconds}"


def security_headers(response):
    """The security headers every response carries, unless a view set its own."""
    for key, value in SECURITY_HEADERS.items():
        response.headers.setdefault(key, value)
    hsts = hsts_value(current_app.config)
    if hsts:
        response.headers.setdefault("Strict-Transport-Security", hsts)
    if response.mimetype == "text/html":
        # Pages can hold personal data and differ by language: never stored by shared caches.
        response.headers.setdefault("Cache-Control", "private, no-cache")
    return response


def code_version() -> str:
    """A fingerprint of the deployed code, templates, translations and static files.

    Part of every public page's ETag, so that a deploy changes the pages' tags. The same
    on every worker and server that runs the same files; worked out once per process
    (the files change only with a deploy, which restarts it), on every call in debug.
    """
    app = current_app
    found = app.extensions.get("tthc_code_version")
    if found is None or app.debug:
        digest = hashlib.blake2b(digest_size=16)
        roots = [Path(__file__).resolve().parent, Path(app.template_folder or ""),
                 Path(app.static_folder or "")]
        for root in roots:
            if not root.is_absolute():
                root = Path(app.root_path) / root
            for path in sorted(root.rglob("*")):
                if path.is_file() and path.suffix not in (".pyc", ".br", ".gz", ".po"):
                    digest.update(str(path.relative_to(root)).encode())
                    digest.update(path.read_bytes())
        found = app.extensions["tthc_code_version"] = digest.hexdigest()
    return found
