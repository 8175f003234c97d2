"""Small helpers shared by the queue tests."""

from __future__ import annotations

import re

from tthc.extensions import db
from tthc.models import Ticket


def load(app, ticket_id: int) -> Ticket:
    """A detached copy of a ticket, read fresh from the database."""
    with app.app_context():
        t = db.session.get(Ticket, ticket_id)
        db.session.expunge(t)
        return t


def token_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def post(client, url: str, data: dict | None = None, **kwargs):
    """POST with this client's CSRF token (read from a page it can see)."""
    from tests.auth.factories import csrf

    return client.post(url, data={"csrf_token": csrf(client), **(data or {})}, **kwargs)
