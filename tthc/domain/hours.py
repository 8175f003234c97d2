"""Opening hours as data: when the one-stop desk is open, and when it opens next.

An office's weekly schedule is stored as JSON (``Office.schedule``, loaded from
``tthc/data/demo.toml`` for the demo)::

    {"mon": ["07:30-11:30", "13:30-17:00"], "tue": [...], ..., "sat": [], "sun": [],
     "makeup": ["07:30-11:30", "13:30-17:00"]}

Each weekday lists its open intervals in local time (Asia/Ho_Chi_Minh), the lunch break
being the gap between two intervals; a missing weekday is closed. The holiday table
(:class:`tthc.domain.workdays.Calendar`) decides the days: a public holiday is closed
whatever its weekday, and a make-up working day (a Saturday or Sunday that is worked, làm
bù) has the ``makeup`` hours (by default those of Monday: it replaces a full working day).

Pure functions; every datetime is timezone-aware, and results are in the office's zone.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .workdays import VN_TZ, Calendar, OfficeHours

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAKEUP = "makeup"
#: Days searched ahead by next_opening: a year of closed days means no opening at all.
HORIZON_DAYS = 400

Interval = tuple[dt.time, dt.time]

_INTERVAL = re.compile(r"\s*([01]?\d|2[0-3])[:hg.]([0-5]\d)\s*[-\u2013\u2014]\s*"
                       r"([01]?\d|2[0-4])[:hg.]([0-5]\d)\s*")

_DAY_NAMES = {  # Vietnamese, English: for the display lines derived from a schedule
    "mon": ("Thứ Hai", "Monday"), "tue": ("Thứ Ba", "Tuesday"),
    "wed": ("Thứ Tư", "Wednesday"), "thu": ("Thứ Năm", "Thursday"),
    "fri": ("Thứ Sáu", "Friday"), "sat": ("Thứ Bảy", "Saturday"),
    "sun": ("Chủ nhật", "Sunday"),
}
_MAKEUP_NAMES = ("Ngày làm bù (Thứ Bảy, Chủ nhật)", "Make-up working days (Saturday, Sunday)")


@dataclass(frozen=True)
class Schedule:
    """The week's open intervals per weekday (0 = Monday) and on make-up working days."""

    week: tuple[tuple[Interval, ...], ...]  # seven entries, Monday first
    makeup: tuple[Interval, ...]
    tz: dt.tzinfo = VN_TZ

    def intervals(self, day: dt.date, calendar: Calendar) -> tuple[Interval, ...]:
        """The open intervals of *day* (local times): none on a holiday or a day off."""
        if day in calendar.makeup_workdays:
            return self.makeup
        if day in calendar.holidays:
            return ()
        return self.week[day.weekday()]


def _parse_interval(text: object) -> Interval:
    match = _INTERVAL.fullmatch(text) if isinstance(text, str) else None
    if not match:
        raise ValueError(f"an opening interval reads like '07:30-11:30', got {text!r}")
    start = dt.time(int(match[1]), int(match[2]))
    end = dt.time.max if match[3] == "24" else dt.time(int(match[3]), int(match[4]))
    if match[3] == "24" and match[4] != "00":
        raise ValueError(f"an opening interval ends at 24:00 at the latest, got {text!r}")
    if not start < end:
        raise ValueError(f"an opening interval must end after it starts, got {text!r}")
    return start, end


def _parse_day(value: object, name: str) -> tuple[Interval, ...]:
    if value is None:
        return ()
    if not isinstance(value, (list, tuple)):
        raise ValueError(f"{name}: a list of intervals like ['07:30-11:30'], got {value!r}")
    intervals = sorted(_parse_interval(v) for v in value)
    for (_, end), (start, _) in zip(intervals, intervals[1:]):
        if start < end:
            raise ValueError(f"{name}: opening intervals overlap")
    return tuple(intervals)


def parse_schedule(data: Mapping[str, Any] | None, tz: dt.tzinfo = VN_TZ) -> Schedule | None:
    """A :class:`Schedule` from its JSON form; None when *data* is empty (no hours set).

    :raise ValueError: an unknown key, a malformed or overlapping interval
    """
    if not data:
        return None
    if not isinstance(data, Mapping):
        raise ValueError("opening hours are a table of weekdays")
    unknown = set(data) - set(DAYS) - {MAKEUP}
    if unknown:
        raise ValueError(f"unknown keys in the opening hours: {sorted(unknown)}")
    week = tuple(_parse_day(data.get(day), day) for day in DAYS)
    makeup = _parse_day(data[MAKEUP], MAKEUP) if MAKEUP in data else week[0]
    return Schedule(week, makeup, tz)


def _check_aware(at: dt.datetime) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("at must be timezone-aware")


def _periods(schedule: Schedule, calendar: Calendar, day: dt.date):
    """The open periods of *day* as aware datetimes (an end of 24:00 is the next midnight)."""
    for start, end in schedule.intervals(day, calendar):
        opens = dt.datetime.combine(day, start, tzinfo=schedule.tz)
        closes = (dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=schedule.tz)
                  if end == dt.time.max else dt.datetime.combine(day, end, tzinfo=schedule.tz))
        yield opens, closes


def closing_time(schedule: Schedule, calendar: Calendar, at: dt.datetime) -> dt.datetime | None:
    """When the open period *at* falls in ends (the break or the evening), or None if closed.

    Open means ``opens <= at < closes``: at 11:30 sharp the desk is on its break.
    """
    _check_aware(at)
    local = at.astimezone(schedule.tz)
    for opens, closes in _periods(schedule, calendar, local.date()):
        if opens <= local < closes:
            return closes
    return None


def is_open(schedule: Schedule, calendar: Calendar, at: dt.datetime) -> bool:
    """True if the desk is open at *at* (a working day, inside one of its intervals)."""
    return closing_time(schedule, calendar, at) is not None


def next_opening(schedule: Schedule, calendar: Calendar, at: dt.datetime) -> dt.datetime | None:
    """The first moment at or after *at* when the desk is open: *at* itself when open now,
    else the start of the next open period (after the break, tomorrow, after Tết). None when
    the schedule opens on no day of the next HORIZON_DAYS."""
    _check_aware(at)
    local = at.astimezone(schedule.tz)
    day = local.date()
    for offset in range(HORIZON_DAYS):
        for opens, closes in _periods(schedule, calendar, day + dt.timedelta(days=offset)):
            if local < closes:
                return max(opens, local)
    return None


def day_closing(schedule: Schedule, calendar: Calendar, day: dt.date) -> dt.datetime | None:
    """When the desk closes for the evening on *day* (its last period's end), or None."""
    ends = [closes for _, closes in _periods(schedule, calendar, day)]
    return ends[-1] if ends else None


def desk_hours(schedule: Schedule | None, cutoff: dt.time) -> OfficeHours:
    """The desk's hours for deadlines, from the weekly schedule (the one source of hours).

    Each weekday's window runs from its first opening to its last closing: a dossier due
    that day falls due at that closing (docs/deadlines.md). ``open``/``close`` (a working
    day without hours in the schedule; the length of a day under the ``hours`` counting
    rule) are the window most weekdays have. No schedule: the defaults of OfficeHours.

    :raise ValueError: the cut-off is not inside that window
    """
    if schedule is None:
        return OfficeHours(cutoff=cutoff)
    windows = tuple((day[0][0], day[-1][1]) if day else None for day in schedule.week)
    makeup = (schedule.makeup[0][0], schedule.makeup[-1][1]) if schedule.makeup else None
    found = [w for w in windows if w is not None]
    if not found:
        return OfficeHours(cutoff=cutoff, tz=schedule.tz)
    usual = max(found, key=lambda w: (found.count(w), -found.index(w)))
    return OfficeHours(cutoff=cutoff, open=usual[0], close=usual[1], tz=schedule.tz,
                       week=windows, makeup=makeup)


# --------------------------------------------------------------------------- display


def _hhmm(t: dt.time) -> str:
    return "24:00" if t == dt.time.max else f"{t:%H:%M}"


def hours_text(intervals: tuple[Interval, ...]) -> str:
    """``"07:30 – 11:30, 13:30 – 17:00"``, as the office's opening hours print."""
    return ", ".join(f"{_hhmm(a)} – {_hhmm(b)}" for a, b in intervals)


def display_rows(schedule: Schedule) -> list[list[str]]:
    """The schedule as ``[days (vi), days (en), hours]`` rows: consecutive weekdays with the
    same hours share a row ("Thứ Hai – Thứ Sáu"); closed days are left out; make-up days
    get their own row when the week has a weekend day off."""
    rows: list[list[str]] = []
    index = 0
    while index < len(DAYS):
        hours = schedule.week[index]
        last = index
        while last + 1 < len(DAYS) and schedule.week[last + 1] == hours:
            last += 1
        if hours:
            first_vi, first_en = _DAY_NAMES[DAYS[index]]
            if last == index:
                rows.append([first_vi, first_en, hours_text(hours)])
            else:
                last_vi, last_en = _DAY_NAMES[DAYS[last]]
                rows.append([f"{first_vi} – {last_vi}", f"{first_en} – {last_en}",
                             hours_text(hours)])
        index = last + 1
    if schedule.makeup and not all(schedule.week[5:]):
        rows.append([*_MAKEUP_NAMES, hours_text(schedule.makeup)])
    return rows
