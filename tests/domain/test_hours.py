"""Opening hours as data: open or closed at a moment, and when the desk opens next.

Hand-checked against the 2026 holiday table (tthc/data/holidays.toml) and the demo office's
week: Monday–Friday 07:30–11:30 and 13:30–17:00, make-up days the same.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest

from tthc.domain.hours import (closing_time, day_closing, display_rows, is_open, next_opening,
                               parse_schedule)
from tthc.domain.workdays import VN_TZ, Calendar, load_calendar_file

ROOT = Path(__file__).resolve().parents[2]
CAL = load_calendar_file(ROOT / "tthc" / "data" / "holidays.toml")
with open(ROOT / "tthc" / "data" / "demo.toml", "rb") as _f:
    DEMO = tomllib.load(_f)["office"][0]["schedule"]
WEEK = parse_schedule(DEMO)


def at(text: str) -> dt.datetime:
    """'2026-12-07 08:00' in Hanoi time."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


@pytest.mark.parametrize("moment, open_", [
    ("2026-12-07 07:29", False),  # Monday, before opening
    ("2026-12-07 07:30", True),
    ("2026-12-07 11:29", True),
    ("2026-12-07 11:30", False),  # the lunch break starts at 11:30 sharp
    ("2026-12-07 12:15", False),
    ("2026-12-07 13:30", True),
    ("2026-12-07 16:59", True),
    ("2026-12-07 17:00", False),  # evening
    ("2026-12-05 09:00", False),  # an ordinary Saturday
    ("2026-12-06 09:00", False),  # Sunday
    ("2026-09-02 09:00", False),  # Quốc khánh, a Wednesday
    ("2026-02-18 09:00", False),  # Tết
    ("2026-01-10 09:00", True),  # make-up Saturday (for Friday 02/01)
    ("2026-01-10 12:00", False),  # … with its lunch break
    ("2026-01-17 09:00", False),  # the next Saturday is a day off again
])
def test_is_open(moment, open_):
    assert is_open(WEEK, CAL, at(moment)) is open_


@pytest.mark.parametrize("moment, opens", [
    ("2026-12-07 09:00", "2026-12-07 09:00"),  # open now: now
    ("2026-12-07 06:00", "2026-12-07 07:30"),  # early morning
    ("2026-12-07 11:45", "2026-12-07 13:30"),  # lunch break: after it
    ("2026-12-07 17:00", "2026-12-08 07:30"),  # evening: tomorrow morning
    ("2026-12-04 18:00", "2026-12-07 07:30"),  # Friday evening: Monday
    ("2026-12-06 10:00", "2026-12-07 07:30"),  # Sunday: Monday
    ("2026-09-01 08:00", "2026-09-03 07:30"),  # Quốc khánh 01–02/09: Thursday
    ("2026-02-13 17:30", "2026-02-23 07:30"),  # Tết 16–20/02/2026: the Monday after
    ("2026-04-29 17:05", "2026-05-04 07:30"),  # 30/4 and 1/5 (Thu, Fri): Monday 04/05
    ("2026-01-09 17:10", "2026-01-10 07:30"),  # Friday evening before a make-up Saturday
    ("2026-12-31 16:00", "2026-12-31 16:00"),
    ("2026-12-31 17:00", "2027-01-04 07:30"),  # New Year's Day 2027 is a Friday off
])
def test_next_opening(moment, opens):
    assert next_opening(WEEK, CAL, at(moment)) == at(opens)


def test_any_time_zone_in_office_time_out():
    utc = dt.datetime(2026, 12, 7, 1, 0, tzinfo=dt.timezone.utc)  # 08:00 in Hanoi
    assert is_open(WEEK, CAL, utc)
    evening = dt.datetime(2026, 12, 7, 10, 30, tzinfo=dt.timezone.utc)  # 17:30 in Hanoi
    opens = next_opening(WEEK, CAL, evening)
    assert opens == at("2026-12-08 07:30") and opens.tzinfo is VN_TZ
    with pytest.raises(ValueError):
        is_open(WEEK, CAL, dt.datetime(2026, 12, 7, 8, 0))  # naive
    with pytest.raises(ValueError):
        next_opening(WEEK, CAL, dt.datetime(2026, 12, 7, 8, 0))


def test_closing_time_is_the_break_or_the_evening():
    assert closing_time(WEEK, CAL, at("2026-12-07 10:00")) == at("2026-12-07 11:30")
    assert closing_time(WEEK, CAL, at("2026-12-07 14:00")) == at("2026-12-07 17:00")
    assert closing_time(WEEK, CAL, at("2026-12-07 12:00")) is None
    assert closing_time(WEEK, CAL, at("2026-09-02 10:00")) is None
    assert day_closing(WEEK, CAL, dt.date(2026, 12, 7)) == at("2026-12-07 17:00")
    assert day_closing(WEEK, CAL, dt.date(2026, 12, 6)) is None


def test_saturday_mornings_and_makeup_default():
    # An office that also opens on Saturday mornings; make-up days default to Monday's hours.
    week = parse_schedule({"mon": ["7:30-11:30", "13:30–17:00"], "sat": ["07:30 - 11:30"]})
    assert is_open(week, CAL, at("2026-12-05 09:00"))
    assert not is_open(week, CAL, at("2026-12-05 14:00"))
    assert is_open(week, CAL, at("2026-01-10 14:00"))  # make-up: a whole Monday
    assert not is_open(week, CAL, at("2026-12-08 09:00"))  # Tuesday is not listed: closed
    # A make-up Saturday of a week without Saturdays: the office's own make-up hours.
    week = parse_schedule({**DEMO, "makeup": ["08:00-11:00"]})
    assert not is_open(week, CAL, at("2026-01-10 07:45"))
    assert next_opening(week, CAL, at("2026-01-10 07:45")) == at("2026-01-10 08:00")


def test_a_holiday_closes_even_a_day_the_schedule_opens():
    calendar = Calendar(holidays=frozenset({dt.date(2026, 12, 5)}))
    week = parse_schedule({"sat": ["08:00-11:00"]})
    assert is_open(week, Calendar(), at("2026-12-05 09:00"))
    assert not is_open(week, calendar, at("2026-12-05 09:00"))
    assert next_opening(week, calendar, at("2026-12-05 09:00")) == at("2026-12-12 08:00")


def test_no_hours_and_never_open():
    assert parse_schedule(None) is None and parse_schedule({}) is None
    closed = parse_schedule({"mon": []})
    assert not is_open(closed, CAL, at("2026-12-07 09:00"))
    assert next_opening(closed, CAL, at("2026-12-07 09:00")) is None


@pytest.mark.parametrize("data", [
    {"mon": ["07:30"]},
    {"mon": ["11:30-07:30"]},
    {"mon": ["07:30-11:30", "11:00-17:00"]},  # overlap
    {"mon": "07:30-11:30"},  # not a list
    {"monday": ["07:30-11:30"]},  # unknown key
    {"mon": ["25:00-26:00"]},
    ["07:30-11:30"],
])
def test_bad_hours_are_refused(data):
    with pytest.raises(ValueError):
        parse_schedule(data)


def test_display_rows_group_the_week():
    assert display_rows(WEEK) == [
        ["Thứ Hai – Thứ Sáu", "Monday – Friday", "07:30 – 11:30, 13:30 – 17:00"],
        ["Ngày làm bù (Thứ Bảy, Chủ nhật)", "Make-up working days (Saturday, Sunday)",
         "07:30 – 11:30, 13:30 – 17:00"],
    ]
    week = parse_schedule({**DEMO, "wed": ["07:30-11:30"], "sat": ["07:30-11:30"]})
    assert [row[0] for row in display_rows(week)] == [
        "Thứ Hai – Thứ Ba", "Thứ Tư", "Thứ Năm – Thứ Sáu", "Thứ Bảy",
        "Ngày làm bù (Thứ Bảy, Chủ nhật)"]
