"""A short-lived, per-process cache for public pages that are the same for everyone.

The catalogue is read all day and changes when the law does. Caching its rendered pages
for a minute, per URL and language, spares the database and the template engine on every
phone that opens it; the date is part of the key so a new version takes effect at midnight.
Only 200 responses of GET requests are kept, and cached pages carry no CSRF token or
personal data (base.html leaves the token out when g.public_page is set).
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections import OrderedDict
from typing import Callable

from flask import current_app, g, make_response, request

from .htmx import is_fragment_request
from .i18n import language
from .timeutil import today


def _store() -> OrderedDict[tuple, tuple[float, bytes, str, str]]:
    """Each app keeps its own pages (tests run several apps in one process)."""
    return current_app.extensions.setdefault("tthc_pagecache", OrderedDict())


def clear() -> None:
    _store().clear()


def public_page(view: Callable) -> Callable:
    """Serve *view* from the cache when the same page was rendered in the last TTL seconds."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        g.public_page = True
        ttl = current_app.config["TTHC_PAGE_CACHE_SECONDS"]
        # language() runs the locale selector, which also remembers ?lang= in the session.
        key = (request.full_path, language(), is_fragment_request(), today())
        now = time.monotonic()
        store = _store()
        hit = store.get(key) if ttl > 0 else None
        if hit is not None and hit[0] > now:
            store.move_to_end(key)
            response = make_response(hit[1])
            response.mimetype, response.headers["ETag"] = hit[2], hit[3]
        else:
            response = make_response(view(*args, **kwargs))
            if response.status_code != 200 or ttl <= 0:
                return response
            body = response.get_data()
            etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
            response.headers["ETag"] = etag
            store[key] = (now + ttl, body, response.mimetype, etag)
            while len(store) > current_app.config["TTHC_PAGE_CACHE_SIZE"]:
                store.popitem(last=False)
        # A phone that already has this exact page gets a bodyless 304.
        return response.make_conditional(request)

    return wrapper
