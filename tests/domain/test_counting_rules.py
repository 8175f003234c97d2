"""Due dates under both counting rules, against the shipped holiday table (domain.md §12 item 1).

The "days" rows are the audit's hand counts as printed in §12. The "hours" rows were counted
by hand too: the office's working day is 07:30–17:00 (9 h 30), so 3 days are 28 h 30 of
office time from the reception instant; each comment adds the hours day by day.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tthc.config import ConfigurationError, counting_rule
from tthc.domain.workdays import (DEFAULT_HOURS, VN_TZ, CountingRule, OfficeHours,
                                  counting_start, due_at, load_calendar_file)

CAL = load_calendar_file()  # tthc/data/holidays.toml, as shipped
DAYS, HOURS = CountingRule.DAYS, CountingRule.HOURS


def vn(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=VN_TZ)


def close(y: int, m: int, d: int) -> datetime:
    return vn(y, m, d, 17, 0)


# ------------------------------------------------------------------ §12 item 1, hand counts

HAND_COUNTS = [
    # received, legal time, due by "days", due by "hours"
    pytest.param(vn(2026, 4, 27, 9), 3, close(2026, 5, 5), close(2026, 5, 4),
                 # days: a day off (Giỗ Tổ observed): day 0 Tue 28/04; 29/04, (30/4–3/5 off)
                 # 04/05, 05/05. hours: from Tue 28/04 07:30: 28/04 9.5 h, 29/04 19 h,
                 # Mon 04/05 28.5 h at 17:00 (the count starts at once, no day 0).
                 id="mon-27-04-day-off"),
    pytest.param(vn(2026, 4, 24, 9), 3, close(2026, 5, 4), vn(2026, 5, 4, 9),
                 # days: 28/04, 29/04, 04/05. hours: Fri 8 h, Tue 28/04 17.5 h, Wed 29/04
                 # 27 h, Mon 04/05 1.5 h more: 09:00.
                 id="fri-24-04"),
    pytest.param(vn(2026, 2, 13, 10), 3, close(2026, 2, 25), vn(2026, 2, 25, 10),
                 # Tết 16–20/02 (break 14–22/02). days: 23, 24, 25/02. hours: Fri 7 h,
                 # 23/02 16.5 h, 24/02 26 h, 25/02 2.5 h more: 10:00.
                 id="fri-13-02-10h"),
    pytest.param(vn(2026, 2, 13, 15, 30), 3, close(2026, 2, 25), vn(2026, 2, 25, 15, 30),
                 # After 15:00 the count in days is the same. hours: Fri 1.5 h, 23/02 11 h,
                 # 24/02 20.5 h, 25/02 8 h more: 15:30.
                 id="fri-13-02-15h30"),
    pytest.param(vn(2026, 1, 8, 9), 2, close(2026, 1, 10), vn(2026, 1, 10, 9),
                 # days: Fri 09/01, make-up Sat 10/01. hours (19 h): Thu 8 h, Fri 17.5 h,
                 # Sat 10/01 1.5 h more: 09:00.
                 id="thu-08-01-9h"),
    pytest.param(vn(2026, 1, 8, 15, 30), 2, close(2026, 1, 10), vn(2026, 1, 10, 15, 30),
                 # hours: Thu 1.5 h, Fri 11 h, Sat 10/01 8 h more: 15:30.
                 id="thu-08-01-15h30"),
    pytest.param(vn(2026, 2, 13, 16), 0, close(2026, 2, 23), close(2026, 2, 23),
                 # A same-day procedure after the cut-off: the next working day, either rule.
                 id="fri-13-02-16h-same-day"),
    pytest.param(vn(2026, 4, 29, 10), 3, close(2026, 5, 6), vn(2026, 5, 6, 10),
                 # Complete after a supplement, counted again (Art 19(4)). days: 04, 05,
                 # 06/05. hours: Wed 7 h, 04/05 16.5 h, 05/05 26 h, 06/05 2.5 h: 10:00.
                 id="wed-29-04-restarted"),
]


@pytest.mark.parametrize("received, n, by_days, by_hours", HAND_COUNTS)
def test_hand_counts(received: datetime, n: int, by_days: datetime, by_hours: datetime) -> None:
    assert due_at(received, n, CAL, rule=DAYS) == by_days
    assert due_at(received, n, CAL, rule=HOURS) == by_hours


def test_rule_given_as_text() -> None:
    assert due_at(vn(2026, 4, 24), 3, CAL, rule="hours") == vn(2026, 5, 4, 9)
    with pytest.raises(ValueError):
        due_at(vn(2026, 4, 24), 3, CAL, rule="weeks")


def test_the_cutoff_does_not_move_a_count_in_days() -> None:
    # Mon 02/03/2026, 3 days: Thursday at close, received 09:00, 15:01 or 16:59.
    for hh, mm in ((9, 0), (15, 1), (16, 59)):
        assert due_at(vn(2026, 3, 2, hh, mm), 3, CAL, rule=DAYS) == close(2026, 3, 5)


def test_new_years_eve_after_the_cutoff() -> None:
    received = vn(2025, 12, 31, 16)  # Wed; 01/01–04/01/2026 off
    assert counting_start(received, CAL) == date(2026, 1, 5)  # handed over on Mon 05/01
    assert due_at(received, 0, CAL, rule=DAYS) == close(2026, 1, 5)
    assert due_at(received, 1, CAL, rule=DAYS) == close(2026, 1, 5)  # day 0 is Wed 31/12
    assert due_at(received, 2, CAL, rule=DAYS) == close(2026, 1, 6)


def test_same_day_limits_follow_the_cutoff_under_both_rules() -> None:
    for rule in CountingRule:
        assert due_at(vn(2026, 3, 2, 14, 59), 0, CAL, rule=rule) == close(2026, 3, 2)
        assert due_at(vn(2026, 3, 2, 15, 0), 0, CAL, rule=rule) == close(2026, 3, 2)  # strict
        assert due_at(vn(2026, 3, 2, 15, 1), 0, CAL, rule=rule) == close(2026, 3, 3)
        assert due_at(vn(2026, 3, 7, 10), 0, CAL, rule=rule) == close(2026, 3, 9)  # Saturday
        assert due_at(vn(2026, 1, 10, 10), 0, CAL, rule=rule) == close(2026, 1, 10)  # make-up


def test_hours_rule_edges() -> None:
    # Before opening: counted from 07:30; one day ends at the same day's close, not later.
    assert due_at(vn(2026, 3, 2, 6, 0), 1, CAL, rule=HOURS) == close(2026, 3, 2)
    # After closing: from the next opening.
    assert due_at(vn(2026, 3, 2, 18, 0), 1, CAL, rule=HOURS) == close(2026, 3, 3)
    # One day from 16:00 ends 16:00 the next day, but a same-day request received then is
    # due at that day's close: never earlier than that.
    assert due_at(vn(2026, 3, 2, 16, 0), 1, CAL, rule=HOURS) == close(2026, 3, 3)
    assert due_at(vn(2026, 3, 2, 16, 0), 2, CAL, rule=HOURS) == vn(2026, 3, 4, 16)
    # A weekend reception: Mon 09/03 07:30 + 28.5 h = Wed 11/03 at close.
    assert due_at(vn(2026, 3, 7, 10), 3, CAL, rule=HOURS) == close(2026, 3, 11)


def test_office_hours_are_configuration() -> None:
    late_desk = OfficeHours(cutoff=time(16, 0), close=time(17, 30))
    assert due_at(vn(2026, 3, 2, 15, 30), 0, CAL, late_desk, rule=DAYS) == vn(2026, 3, 2, 17, 30)
    assert due_at(vn(2026, 3, 2, 9), 1, CAL, late_desk, rule=DAYS) == vn(2026, 3, 3, 17, 30)
    # hours: a 10 h day; Mon 09:00 + 10 h = 8.5 h on Monday, 1.5 h on Tuesday: 09:00.
    assert due_at(vn(2026, 3, 2, 9), 1, CAL, late_desk, rule=HOURS) == vn(2026, 3, 3, 9)
    with pytest.raises(ValueError):
        OfficeHours(cutoff=time(18, 0))


def test_time_zone_kept_and_days_cut_locally() -> None:
    received = datetime(2026, 3, 2, 8, 30, tzinfo=timezone.utc)  # 15:30 in Hanoi
    for rule in CountingRule:
        due = due_at(received, 0, CAL, rule=rule)
        assert due.tzinfo is timezone.utc and due == close(2026, 3, 3)
    # 23:30 UTC on Sunday is Monday 06:30 in Hanoi: a working day, counted from Monday.
    sunday_utc = datetime(2026, 3, 1, 23, 30, tzinfo=timezone.utc)
    assert due_at(sunday_utc, 3, CAL, rule=DAYS) == close(2026, 3, 5)


def test_bad_input_is_refused() -> None:
    for rule in CountingRule:
        with pytest.raises(ValueError):
            due_at(datetime(2026, 3, 2, 9), 1, CAL, rule=rule)
        with pytest.raises(ValueError):
            due_at(vn(2026, 3, 2), -1, CAL, rule=rule)


def test_configuration_key() -> None:
    assert counting_rule({}) is DAYS
    assert counting_rule({"TTHC_DEADLINE_COUNTING": "days"}) is DAYS
    assert counting_rule({"TTHC_DEADLINE_COUNTING": " Hours "}) is HOURS
    with pytest.raises(ConfigurationError, match="TTHC_DEADLINE_COUNTING"):
        counting_rule({"TTHC_DEADLINE_COUNTING": "ngay"})


def test_the_app_refuses_to_start_with_an_unknown_rule() -> None:
    from tthc import create_app

    with pytest.raises(ConfigurationError):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                    "TTHC_DEADLINE_COUNTING": "calendar"})
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "TTHC_DEADLINE_COUNTING": "hours"})
    assert counting_rule(app.config) is HOURS


# ------------------------------------------------------------------ properties

rules = st.sampled_from(list(CountingRule))
days = st.dates(min_value=date(2025, 12, 1), max_value=date(2027, 12, 31))
clock = st.times()
limits = st.integers(min_value=0, max_value=30)


def _received(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=VN_TZ)


@given(rules, days, clock, limits)
def test_due_after_reception_on_a_working_day_in_office_hours(rule, day, at, n) -> None:
    received = _received(day, at)
    due = due_at(received, n, CAL, rule=rule).astimezone(VN_TZ)
    assert due > received
    assert CAL.is_working_day(due.date())
    assert DEFAULT_HOURS.open < due.timetz().replace(tzinfo=None) <= DEFAULT_HOURS.close
    if rule is DAYS:
        assert due.time() == DEFAULT_HOURS.close


@given(rules, days, clock, limits)
def test_monotone_in_n(rule, day, at, n) -> None:
    received = _received(day, at)
    shorter, longer = (due_at(received, k, CAL, rule=rule) for k in (n, n + 1))
    assert shorter <= longer
    if n > 0:  # from one day on, each day more is strictly later
        assert shorter < longer


@given(rules, days, clock, days, clock, limits)
def test_later_reception_never_due_earlier(rule, d1, t1, d2, t2, n) -> None:
    first, second = sorted((_received(d1, t1), _received(d2, t2)))
    assert due_at(first, n, CAL, rule=rule) <= due_at(second, n, CAL, rule=rule)


@given(days, clock, clock, st.integers(min_value=1, max_value=30))
def test_days_rule_ignores_the_hour_of_reception(day, t1, t2, n) -> None:
    assert due_at(_received(day, t1), n, CAL, rule=DAYS) == \
        due_at(_received(day, t2), n, CAL, rule=DAYS)


@given(days, clock, st.integers(min_value=1, max_value=30))
def test_days_rule_counts_n_working_days_after_day_zero(day, at, n) -> None:
    day_zero = day if CAL.is_working_day(day) else CAL.next_working_day(day)
    due = due_at(_received(day, at), n, CAL, rule=DAYS).astimezone(VN_TZ)
    assert CAL.working_days_between(day_zero, due.date()) == n


@given(days, clock, st.integers(min_value=1, max_value=30))
def test_hours_rule_counts_the_office_time(day, at, n) -> None:
    """Between reception and the due instant lie exactly n working days of office time
    (unless the same-day floor applies, which only ever lengthens a 1-day limit)."""
    received = _received(day, at)
    due = due_at(received, n, CAL, rule=HOURS)
    counted = timedelta(0)
    d = day
    while d <= due.date():
        if CAL.is_working_day(d):
            begin = max(datetime.combine(d, DEFAULT_HOURS.open, tzinfo=VN_TZ), received)
            end = min(datetime.combine(d, DEFAULT_HOURS.close, tzinfo=VN_TZ), due)
            counted += max(end - begin, timedelta(0))
        d += timedelta(days=1)
    length = timedelta(hours=9, minutes=30)
    assert counted == n * length or (n == 1 and counted > length
                                     and due == due_at(received, 0, CAL, rule=HOURS))
