"""One test for "answer with a fragment", and the caching headers that go with it."""

from __future__ import annotations

from flask import request


def is_fragment_request() -> bool:
    """True for an htmx request that wants a fragment: not boosted, not a history restore.

    History restores also send HX-Request since htmx 2, and must get the whole page.
    """
    h = getattr(request, "htmx", None)
    return bool(h) and not h.boosted and not h.history_restore_request


def add_vary(response):
    """Pages and fragments share URLs, so caches must key on the htmx headers."""
    response.vary.add("HX-Request")
    return response


def page_state(names) -> str:
    """A set of names as the page keeps it in a hidden input (what it shows, for the next
    live check to compare): comma-separated, sorted."""
    return ",".join(sorted(names))


def read_page_state(raw: str | None) -> set[str]:
    """The names a page posted back with page_state; bounded, since the client sends it."""
    return {name for name in (raw or "")[:4000].split(",") if name}
