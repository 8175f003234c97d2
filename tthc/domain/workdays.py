"""Working days, the 15:00 cut-off and due dates.

Deadlines for administrative procedures are counted in working days ("ngày làm việc"):
Saturdays, Sundays and public holidays are not counted, make-up Saturdays are. The days off
and make-up days of each year come from the holiday table (``tthc/data/holidays.toml``),
never from code.

The 15:00 cut-off (Decree 61/2018 Art 18(2), Luật Hộ tịch Art 5(3), Decree 23/2015 Art 7)
says when a dossier reaches the processor (:func:`counting_start`) and whether a same-day
result is still due today. It does not move a deadline counted in days (domain.md §12
item 1). How a limit of *n* working days is counted is configuration
(:class:`CountingRule`, ``TTHC_DEADLINE_COUNTING``), implemented by :func:`due_at`:

* ``days`` (the default; a period counted in days starts the day after the event, Civil
  Code 2015 Art 147): **day 0** is the reception day, or the next working day when the
  dossier was received on a day off; the limit is due at closing time on the *n*-th
  working day after day 0, whatever the hour of reception. "3 ngày làm việc" received
  Monday 09:00 or 16:00 is due Thursday at close.
* ``hours`` (as some provincial systems count): *n* days are ``n ×`` the length of the
  office's working day (``close − open``, 9 h 30 by default), counted from the reception
  instant and only inside ``open``–``close`` on working days (a reception before opening
  counts from the opening, one after closing or on a day off from the next working day's
  opening; the lunch break is inside the window), and never before a same-day limit
  received at the same time would be due. Where the office's weekly schedule gives a day
  other hours (``OfficeHours.week``), that day counts its own window and a due date falls
  due at its last closing.
  "3 ngày làm việc" received Friday 24/04/2026 09:00 is due Monday 04/05 09:00.
* ``n == 0`` means "the same day" (trả ngay / trong ngày) under either rule, and here the
  cut-off decides: received on a working day up to the cut-off, due that day at closing
  time; after the cut-off or on a day off, due at closing time on the next working day.

The cut-off and office hours are [U] in the domain brief and therefore configuration
(:class:`OfficeHours`), not constants.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from os import PathLike
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from tthc.domain.i18n import N_

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
"""The office time zone; Vietnam has no daylight saving time."""

HOLIDAYS_FILE = Path(__file__).resolve().parents[1] / "data" / "holidays.toml"
"""The holiday table shipped with the app."""

HOLIDAY = "holiday"
MAKEUP_WORKDAY = "makeup_workday"
_KINDS = frozenset({HOLIDAY, MAKEUP_WORKDAY})
_ONE_DAY = timedelta(days=1)


class CountingRule(StrEnum):
    """How a limit of *n* working days is counted (see the module docstring)."""

    DAYS = "days"
    """Whole working days after the reception day (the default, domain.md §12 item 1)."""
    HOURS = "hours"
    """n × the working day's length, counted from the reception instant in office hours."""


DEFAULT_RULE = CountingRule.DAYS


@dataclass(frozen=True)
class Calendar:
    """Which days are working days for a Monday–Friday office."""

    holidays: frozenset[date] = frozenset()
    """Days off that would otherwise be working days (Mon–Fri); weekend entries are harmless."""
    makeup_workdays: frozenset[date] = frozenset()
    """Saturdays and Sundays that are working days (làm bù)."""
    version: str = ""
    """Version of the table the calendar was loaded from, to record with each due date."""

    def __post_init__(self) -> None:
        both = self.holidays & self.makeup_workdays
        if both:
            raise ValueError(f"days listed both as holiday and make-up workday: {sorted(both)}")
        weekdays = sorted(d for d in self.makeup_workdays if d.weekday() < 5)
        if weekdays:
            raise ValueError(f"make-up workdays must be a Saturday or Sunday: {weekdays}")

    def is_working_day(self, d: date) -> bool:
        """True if the office works on *d*."""
        if d in self.makeup_workdays:
            return True
        return d.weekday() < 5 and d not in self.holidays

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after *d*."""
        d += _ONE_DAY
        while not self.is_working_day(d):
            d += _ONE_DAY
        return d

    def add_working_days(self, d: date, n: int) -> date:
        """The *n*-th working day after *d* (*d* itself is not counted; ``n == 0`` gives *d*)."""
        if n < 0:
            raise ValueError("n must be zero or positive")
        for _ in range(n):
            d = self.next_working_day(d)
        return d

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in ``(start, end]``; negative if *end* is before *start*.

        The inverse of :meth:`add_working_days`:
        ``working_days_between(d, add_working_days(d, n)) == n``.
        """
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        d = start + _ONE_DAY
        while d <= end:
            count += self.is_working_day(d)
            d += _ONE_DAY
        return count


def load_calendar(
    rows: Iterable[Mapping[str, Any]], *, version: str = "", include_unconfirmed: bool = True
) -> Calendar:
    """Build a :class:`Calendar` from ``[[day]]`` rows as parsed from ``holidays.toml``.

    Rows with ``enabled = false`` are skipped; with ``include_unconfirmed=False`` so are rows
    whose ``confirmed`` is not true. Raises ValueError on a malformed or duplicate row.
    """
    holidays: set[date] = set()
    makeup: set[date] = set()
    for row in rows:
        if not row.get("enabled", True):
            continue
        if not include_unconfirmed and row.get("confirmed") is not True:
            continue
        day, kind = row.get("date"), row.get("kind")
        if not isinstance(day, date) or isinstance(day, datetime):
            raise ValueError(f"holiday row needs a plain date, got {day!r}")
        if kind not in _KINDS:
            raise ValueError(f"holiday row {day}: kind must be {' or '.join(sorted(_KINDS))}")
        if day in holidays or day in makeup:
            raise ValueError(f"holiday row {day} is listed twice")
        (holidays if kind == HOLIDAY else makeup).add(day)
    return Calendar(frozenset(holidays), frozenset(makeup), version)


def load_calendar_file(
    path: str | PathLike[str] = HOLIDAYS_FILE, *, include_unconfirmed: bool = True
) -> Calendar:
    """Load a holiday table in the format of ``tthc/data/holidays.toml``."""
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    return load_calendar(
        data.get("day", []),
        version=str(data.get("version", "")),
        include_unconfirmed=include_unconfirmed,
    )


@dataclass(frozen=True)
class OfficeHours:
    """Desk hours; all [U] in the domain brief, so configurable per office."""

    cutoff: time = time(15, 0)
    """Received after this time: handed to the processor the next working day, and a
    same-day result is due then (it does not move a limit counted in days)."""
    close: time = time(17, 0)
    """The usual closing time: a due date falls due at its day's ``closing`` (this one where
    ``week`` gives that day no hours)."""
    open: time = time(7, 30)
    """The usual opening time."""
    tz: tzinfo = VN_TZ
    """Time zone of the office; days are cut at local midnight."""
    week: tuple[tuple[time, time] | None, ...] = ()
    """Per weekday (Monday first), the desk's first opening and last closing that day, from
    the office's weekly schedule (tthc.domain.hours.desk_hours); empty, or None for a day:
    *open* and *close*."""
    makeup: tuple[time, time] | None = None
    """The same on a make-up working day (None: *open* and *close*)."""

    def __post_init__(self) -> None:
        if not self.open < self.cutoff <= self.close:
            raise ValueError("office hours need open < cutoff <= close")
        if self.week and len(self.week) != 7:
            raise ValueError("office hours need seven weekdays or none")

    def window(self, day: date, calendar: Calendar) -> tuple[time, time]:
        """When the desk opens, and closes for the evening, on the working day *day*."""
        if day in calendar.makeup_workdays and self.makeup:
            return self.makeup
        found = self.week[day.weekday()] if self.week else None
        return found or (self.open, self.close)

    def closing(self, day: date, calendar: Calendar) -> time:
        """The hour a dossier due on *day* falls due: the desk's last closing that day."""
        return self.window(day, calendar)[1]


DEFAULT_HOURS = OfficeHours()


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")


def counting_start(
    received_at: datetime, calendar: Calendar, hours: OfficeHours = DEFAULT_HOURS
) -> date:
    """The day the dossier must reach the processor (Decree 61/2018 Art 18(2)): the
    reception day, or the next working day if received after the cut-off or on a day off.
    Also the day a same-day result is due; a limit in days is not counted from it."""
    _require_aware(received_at, "received_at")
    local = received_at.astimezone(hours.tz)
    day = local.date()
    if not calendar.is_working_day(day) or local.time() > hours.cutoff:
        return calendar.next_working_day(day)
    return day


def due_at(
    received_at: datetime,
    working_days: int,
    calendar: Calendar,
    hours: OfficeHours = DEFAULT_HOURS,
    *,
    rule: CountingRule,
) -> datetime:
    """When a dossier with a limit of *working_days* is due, counted by *rule* (see the
    module docstring; 0 is a same-day limit, where the cut-off decides).

    *received_at* must be timezone-aware; the result is in the same time zone.
    """
    _require_aware(received_at, "received_at")
    if working_days < 0:
        raise ValueError("working_days must be zero or positive")
    rule = CountingRule(rule)
    start = counting_start(received_at, calendar, hours)
    same_day = datetime.combine(start, hours.closing(start, calendar), tzinfo=hours.tz)
    if working_days == 0:
        due = same_day
    elif rule is CountingRule.HOURS:
        # Never before a same-day limit would be: one day's hours from 16:00 end at 16:00
        # the next day, while a same-day request received then is due at that day's close.
        due = max(_add_working_hours(received_at, working_days, calendar, hours), same_day)
    else:
        day = received_at.astimezone(hours.tz).date()
        if not calendar.is_working_day(day):
            day = calendar.next_working_day(day)
        last = calendar.add_working_days(day, working_days)
        due = datetime.combine(last, hours.closing(last, calendar), tzinfo=hours.tz)
    return due.astimezone(received_at.tzinfo)


def _add_working_hours(received_at: datetime, working_days: int, calendar: Calendar,
                       hours: OfficeHours) -> datetime:
    """*working_days* × the working day's length after *received_at*, in office hours."""
    local = received_at.astimezone(hours.tz)
    day = local.date()
    day_length = datetime.combine(day, hours.close) - datetime.combine(day, hours.open)
    left = working_days * day_length
    # Where the count starts: the reception instant inside the window, else the next opening.
    # Each day counts its own window (a shorter Friday counts less); a day is open − close.
    opens, closes = hours.window(day, calendar)
    if not calendar.is_working_day(day) or local.time() >= closes:
        day = calendar.next_working_day(day)
        start = hours.window(day, calendar)[0]
    else:
        start = max(local.time().replace(tzinfo=None), opens)
    while True:
        begin = datetime.combine(day, start, tzinfo=hours.tz)
        end = datetime.combine(day, hours.closing(day, calendar), tzinfo=hours.tz)
        if end - begin >= left:
            return begin + left
        left -= end - begin
        day = calendar.next_working_day(day)
        start = hours.window(day, calendar)[0]


class Timeliness(StrEnum):
    """How a finished dossier compares with its due date (§1.4; TT 01/2018 Art 13(1))."""

    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"

    @property
    def label(self) -> str:
        """Vietnamese label (msgid), as on Form 05."""
        return _TIMELINESS_LABELS[self]


_TIMELINESS_LABELS = {
    Timeliness.EARLY: N_("Trước hạn"),
    Timeliness.ON_TIME: N_("Đúng hạn"),
    Timeliness.LATE: N_("Quá hạn"),
}


def timeliness(finished_at: datetime, due_at: datetime, tz: tzinfo = VN_TZ) -> Timeliness:
    """Early if finished on a day before the due day, on time if on the due day and not
    after the due time, late if after the due time. Days are local days in *tz*."""
    _require_aware(finished_at, "finished_at")
    _require_aware(due_at, "due_at")
    if finished_at > due_at:
        return Timeliness.LATE
    if finished_at.astimezone(tz).date() < due_at.astimezone(tz).date():
        return Timeliness.EARLY
    return Timeliness.ON_TIME
