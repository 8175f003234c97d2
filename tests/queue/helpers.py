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
    """POST with this client's CSRF token, read from the look-up page (a form anybody sees,
    even while the kiosk is closed)."""
    html = client.get("/tra-cuu").get_data(as_text=True)
    return client.post(url, data={"csrf_token": token_of(html), **(data or {})}, **kwargs)


COPY = "chung-thuc-ban-sao"  # field chung-thuc: group A
SINGLE = "xac-nhan-tinh-trang-hon-nhan"  # field ho-tich: group B


def prefile(app, code: str = COPY, *, submit: bool = True):
    """A citizen's phone pre-files a dossier: (dossier id, its path /ho-so/<token>, the phone
    (tests.intake.conftest.Citizen), its pre-filing code as stored)."""
    from tests.intake.conftest import Citizen

    citizen = Citizen(app, app.test_client())
    path = citizen.start(code)
    citizen.fill_complete(path, code)
    if submit:
        assert citizen.action(path + "/nop").status_code == 303
    dossier = citizen.dossier(path)
    return dossier.id, path, citizen, dossier.prefiling_code


def set_clock(monkeypatch, at):
    """The office's clock (tthc.timeutil.now, which today() reads too), fixed at *at*."""
    from tthc import timeutil

    monkeypatch.setattr(timeutil, "now", lambda: at)
    return at


def hanoi(text: str):
    """'2026-12-07 09:00' as an aware datetime in the office's zone."""
    import datetime as dt

    from tthc.timeutil import TZ

    return dt.datetime.fromisoformat(text).replace(tzinfo=TZ)


def next_working_monday(hour: int = 9, minute: int = 0):
    """The next working Monday (never before today), at *hour*:*minute* in Hanoi."""
    import datetime as dt

    from tthc.domain.workdays import load_calendar_file
    from tthc.timeutil import TZ

    calendar = load_calendar_file()
    day = dt.datetime.now(TZ).date()
    while day.weekday() != 0 or not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)
