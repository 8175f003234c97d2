"""The desk's hours for deadlines come from the office's weekly schedule (one source)."""

from datetime import datetime, time

import pytest

from tthc.domain.hours import desk_hours, parse_schedule
from tthc.domain.workdays import VN_TZ, CountingRule, OfficeHours, due_at, load_calendar_file

CAL = load_calendar_file()
DAY = ["07:30-11:30", "13:30-17:00"]
WEEK = {"mon": DAY, "tue": DAY, "wed": DAY, "thu": DAY, "fri": ["07:30-11:30", "13:30-16:00"]}


def at(*args):
    return datetime(*args, tzinfo=VN_TZ)


def test_each_weekday_falls_due_at_its_last_closing():
    hours = desk_hours(parse_schedule(WEEK), time(15))
    assert (hours.open, hours.close) == (time(7, 30), time(17))  # the usual day
    # Tue 03/03/2026 + 3 working days: Fri 06/03, which closes at 16:00.
    assert due_at(at(2026, 3, 3, 9), 3, CAL, hours, rule=CountingRule.DAYS) == \
        at(2026, 3, 6, 16)
    # + 2: Thu 05/03, the usual 17:00.
    assert due_at(at(2026, 3, 3, 9), 2, CAL, hours, rule=CountingRule.DAYS) == \
        at(2026, 3, 5, 17)
    # A same-day dossier received on Friday before the cut-off: due at 16:00 that day.
    assert due_at(at(2026, 3, 6, 9), 0, CAL, hours, rule=CountingRule.DAYS) == \
        at(2026, 3, 6, 16)


def test_the_hours_rule_counts_each_days_own_window():
    hours = desk_hours(parse_schedule(WEEK), time(15))
    # One day (9 h 30) from Fri 06/03 07:30: Friday gives 8 h 30, Monday the last hour.
    assert due_at(at(2026, 3, 6, 7, 30), 1, CAL, hours, rule=CountingRule.HOURS) == \
        at(2026, 3, 9, 8, 30)
    assert due_at(at(2026, 3, 5, 7, 30), 1, CAL, hours, rule=CountingRule.HOURS) == \
        at(2026, 3, 5, 17)


def test_makeup_days_have_the_makeup_hours():
    week = {**WEEK, "makeup": ["07:30-11:30"]}
    hours = desk_hours(parse_schedule(week), time(10))
    # Thu 08/01/2026 + 2: the make-up Saturday 10/01, open until 11:30.
    assert due_at(at(2026, 1, 8, 9), 2, CAL, hours, rule=CountingRule.DAYS) == \
        at(2026, 1, 10, 11, 30)


def test_no_schedule_keeps_the_defaults_and_a_bad_cutoff_is_refused():
    assert desk_hours(None, time(16)) == OfficeHours(cutoff=time(16))
    with pytest.raises(ValueError):
        desk_hours(parse_schedule({"mon": ["07:30-11:30"]}), time(15))
