"""The office's opening hours, as the kiosk and the phone ticket read them.

The schedule is the office's row (``Office.schedule``, tthc.domain.hours), the days off the
holiday table (tthc.offices.calendar); both are read on every use (the table parses in
under a millisecond), so an edit applies at once on every worker. An office without a
schedule gives numbers at any time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app

from ... import offices, timeutil
from ...domain import hours as rules
from ...domain.workdays import Calendar
from ...models import Office


@dataclass(frozen=True)
class Opening:
    """Whether the desk is open now; if not, when it opens next (None: no opening known)."""

    open: bool
    next_opening: dt.datetime | None = None
    closes_at: dt.datetime | None = None  # the end of the current period (break, evening)


def calendar(office_id: int | None = None) -> Calendar:
    """The office's holiday table, read now (tthc.offices.calendar)."""
    return offices.calendar(office_id)


def schedule_of(office: Office) -> rules.Schedule | None:
    """The office's weekly hours, or None when none are set (or they cannot be read)."""
    try:
        return rules.parse_schedule(office.schedule, tz=timeutil.TZ)
    except ValueError:
        current_app.logger.warning("office %s: unreadable opening hours", office.code)
        return None


def opening(office: Office, at: dt.datetime | None = None) -> Opening:
    """Whether *office*'s desk is open at *at* (default: now), and when it opens next.

    Always open when the office has no hours set or ``TTHC_QUEUE_OPENING_HOURS`` is off.
    """
    schedule = schedule_of(office)
    if schedule is None or not current_app.config.get("TTHC_QUEUE_OPENING_HOURS", True):
        return Opening(True)
    at = at or timeutil.now()
    days = calendar(office.id)
    closes = rules.closing_time(schedule, days, at)
    if closes is not None:
        return Opening(True, closes_at=closes)
    return Opening(False, next_opening=rules.next_opening(schedule, days, at))
