"""HTTP caching of the public catalogue pages: browsers and proxies keep them, and ask.

A page's strong ETag is computed before rendering, from everything the page shows, read
from the database on each request (never from this process's memory, which another worker
would not see): the office served and its row, the catalogue's state (its versions, their
load times and confirmations), the day (a version comes into force at midnight), the
language, page or fragment, the URL and the deployed code. A client that has that tag gets
a bodyless 304 without the page being rendered. ``Cache-Control: public, no-cache`` lets
any cache keep the page but makes it ask every time, so a ``flask catalogue load`` or a
change of office shows at once; ``Vary: Cookie, HX-Request`` because the language lives in
the session cookie and the same URL answers htmx with a fragment.
"""

from __future__ import annotations

import functools
import hashlib
from typing import Callable

from flask import current_app, g, make_response, request, session
from sqlalchemy import func, inspect, select

from ..extensions import db
from ..htmx import is_fragment_request
from ..i18n import language
from ..models import Office, ProcedureVersion
from ..offices import current_office
from ..timeutil import today
from ..web import code_version

# Flask-Compress sends a compressed page under "<tag>:<coding>" (a strong tag per coding).
_CODINGS = ("br", "gzip", "deflate", "zstd")


def _office_state(office: Office | None) -> tuple:
    if office is None:
        return ()
    return tuple(getattr(office, attr.key) for attr in inspect(Office).column_attrs)


def _catalogue_state() -> tuple:
    row = db.session.execute(select(
        func.count(ProcedureVersion.id), func.max(ProcedureVersion.id),
        func.max(ProcedureVersion.loaded_at), func.count(ProcedureVersion.confirmed_by),
    )).one()
    return tuple(row)


def page_etag() -> str:
    """The tag of the page this request asks for, from what it depends on."""
    if "office" not in g:
        g.office = current_office()  # the layout shows it (web.office_context reuses it)
    parts = (code_version(), _office_state(g.office), _catalogue_state(),
             today().isoformat(), language(), is_fragment_request(), request.full_path)
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def _matched(etag: str) -> str | None:
    """The tag (plain or as compressed) the client says it holds, if any."""
    for candidate in (etag, *(f"{etag}:{coding}" for coding in _CODINGS)):
        if request.if_none_match.contains(candidate):
            return candidate
    return None


def public_page(view: Callable) -> Callable:
    """Serve *view* with a strong ETag and revalidation; 304 without rendering when unchanged.

    Public pages carry no CSRF token or personal data (base.html leaves the token out when
    ``g.public_page`` is set), so any cache may keep them.
    """

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        g.public_page = True
        etag = page_etag()
        matched = _matched(etag)
        if matched is not None:
            response = current_app.response_class(status=304)
            response.set_etag(matched)
        else:
            response = make_response(view(*args, **kwargs))
            if response.status_code != 200:
                return response
            response.set_etag(etag)
        # ?lang= has just been stored in the session: that answer sets a cookie.
        if session.modified:
            response.cache_control.private = True
        else:
            response.cache_control.public = True
        response.cache_control.no_cache = True
        response.vary.add("Cookie")
        return response

    return wrapper
