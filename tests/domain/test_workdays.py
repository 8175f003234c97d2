"""Working days, cut-off and due dates, against the real 2026 holiday table."""

from __future__ import annotations

import tomllib
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tthc.domain.workdays import (
    HOLIDAYS_FILE,
    VN_TZ,
    Calendar,
    OfficeHours,
    Timeliness,
    counting_start,
    due_at,
    load_calendar,
    load_calendar_file,
    timeliness,
)

TABLE = Path(__file__).parents[2] / "tthc/data/holidays.toml"
CAL = load_calendar_file(TABLE)
HOURS = OfficeHours()


def vn(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=VN_TZ)


def close(y: int, m: int, d: int) -> datetime:
    return vn(y, m, d, 17, 0)


# ------------------------------------------------------------------ the table itself


def test_table_file_is_the_shipped_one() -> None:
    assert HOLIDAYS_FILE == TABLE.resolve()


def test_table_rows_are_well_formed() -> None:
    data = tomllib.loads(TABLE.read_text(encoding="utf-8"))
    assert data["version"]
    assert isinstance(data["effective_from"], date)
    for row in data["day"]:
        assert {"date", "kind", "name", "basis", "confirmed"} <= row.keys(), row
        assert row["kind"] in {"holiday", "makeup_workday"}
        assert isinstance(row["confirmed"], bool)
        if row["kind"] == "holiday" and row.get("enabled", True):
            assert row["date"].weekday() < 5, f"{row['date']} is a weekend: list the day taken"
        if row["kind"] == "makeup_workday":
            assert row["date"].weekday() >= 5
        if row["date"].year >= 2027:
            assert row["confirmed"] is False
    assert CAL.version == data["version"]


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 1, 1), date(2026, 1, 2),
        date(2026, 2, 16), date(2026, 2, 17), date(2026, 2, 18), date(2026, 2, 19),
        date(2026, 2, 20),
        date(2026, 4, 27), date(2026, 4, 30), date(2026, 5, 1),
        date(2026, 9, 1), date(2026, 9, 2),
        date(2027, 1, 1), date(2027, 5, 3),
    ],
)
def test_days_off_2026_2027(day: date) -> None:
    assert day.weekday() < 5
    assert not CAL.is_working_day(day)


def test_makeup_saturday_is_a_working_day() -> None:
    assert date(2026, 1, 10).weekday() == 5
    assert CAL.is_working_day(date(2026, 1, 10))
    assert not CAL.is_working_day(date(2026, 1, 17))  # an ordinary Saturday


def test_culture_day_is_off_by_default() -> None:
    assert CAL.is_working_day(date(2026, 11, 24))  # enabled = false until enacted


def test_unconfirmed_rows_can_be_left_out() -> None:
    strict = load_calendar_file(TABLE, include_unconfirmed=False)
    assert CAL.is_working_day(date(2026, 9, 1)) is False
    assert strict.is_working_day(date(2026, 9, 1)) is True
    assert not strict.is_working_day(date(2026, 9, 2))
    assert strict.is_working_day(date(2027, 5, 3))


def test_tet_week_2026_has_no_working_day() -> None:
    assert [d for d in _days(date(2026, 2, 14), date(2026, 2, 22)) if CAL.is_working_day(d)] == []


# ------------------------------------------------------------------ counting


def test_next_working_day_over_new_year_2026() -> None:
    assert CAL.next_working_day(date(2025, 12, 31)) == date(2026, 1, 5)
    assert CAL.next_working_day(date(2026, 1, 9)) == date(2026, 1, 10)  # make-up Saturday
    assert CAL.next_working_day(date(2026, 1, 10)) == date(2026, 1, 12)


def test_add_and_count_working_days() -> None:
    assert CAL.add_working_days(date(2026, 3, 2), 0) == date(2026, 3, 2)
    assert CAL.add_working_days(date(2026, 3, 2), 3) == date(2026, 3, 5)
    assert CAL.add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 9)
    assert CAL.working_days_between(date(2026, 3, 2), date(2026, 3, 5)) == 3
    assert CAL.working_days_between(date(2026, 3, 5), date(2026, 3, 2)) == -3
    assert CAL.working_days_between(date(2026, 2, 13), date(2026, 2, 23)) == 1
    with pytest.raises(ValueError):
        CAL.add_working_days(date(2026, 3, 2), -1)


def test_due_at_convention_monday_plus_three() -> None:
    assert due_at(vn(2026, 3, 2, 9), 3, CAL) == close(2026, 3, 5)  # Mon 09:00 → Thu at close


def test_due_at_skips_tet() -> None:
    # Fri 13/02/2026: day 0; Tết runs Sat 14 – Sun 22; day 1–3 = Mon 23 – Wed 25.
    assert due_at(vn(2026, 2, 13, 10), 3, CAL) == close(2026, 2, 25)


def test_due_at_after_cutoff_on_new_years_eve() -> None:
    received = vn(2025, 12, 31, 16)
    assert counting_start(received, CAL) == date(2026, 1, 5)
    assert due_at(received, 0, CAL) == close(2026, 1, 5)
    assert due_at(received, 1, CAL) == close(2026, 1, 6)


def test_due_at_uses_the_makeup_saturday() -> None:
    assert due_at(vn(2026, 1, 9, 10), 1, CAL) == close(2026, 1, 10)
    assert due_at(vn(2026, 1, 10, 10), 0, CAL) == close(2026, 1, 10)


def test_same_day_before_and_after_cutoff() -> None:
    assert due_at(vn(2026, 3, 2, 14, 59), 0, CAL) == close(2026, 3, 2)
    assert due_at(vn(2026, 3, 2, 15, 0), 0, CAL) == close(2026, 3, 2)  # "sau 15 giờ" is strict
    assert due_at(vn(2026, 3, 2, 15, 1), 0, CAL) == close(2026, 3, 3)


def test_received_on_weekend_counts_from_monday() -> None:
    assert due_at(vn(2026, 3, 7, 10), 3, CAL) == close(2026, 3, 12)


def test_due_at_keeps_the_time_zone_and_cuts_days_locally() -> None:
    # 08:30 UTC is 15:30 in Hanoi: after the cut-off.
    received = datetime(2026, 3, 2, 8, 30, tzinfo=timezone.utc)
    due = due_at(received, 0, CAL)
    assert due.tzinfo is timezone.utc
    assert due == close(2026, 3, 3)


def test_office_hours_are_configuration() -> None:
    late_desk = OfficeHours(cutoff=time(16, 0), close=time(17, 30))
    assert due_at(vn(2026, 3, 2, 15, 30), 0, CAL, late_desk) == vn(2026, 3, 2, 17, 30)
    with pytest.raises(ValueError):
        OfficeHours(cutoff=time(18, 0))


def test_due_at_rejects_naive_and_negative() -> None:
    with pytest.raises(ValueError):
        due_at(datetime(2026, 3, 2, 9), 1, CAL)
    with pytest.raises(ValueError):
        due_at(vn(2026, 3, 2), -1, CAL)


# ------------------------------------------------------------------ loading


def test_load_calendar_skips_disabled_and_rejects_bad_rows() -> None:
    cal = load_calendar(
        [
            {"date": date(2026, 3, 3), "kind": "holiday"},
            {"date": date(2026, 3, 4), "kind": "holiday", "enabled": False},
            {"date": date(2026, 3, 7), "kind": "makeup_workday"},
        ]
    )
    assert cal.holidays == {date(2026, 3, 3)}
    assert cal.makeup_workdays == {date(2026, 3, 7)}
    bad_rows = [
        [{"date": date(2026, 3, 3), "kind": "day_off"}],
        [{"date": "2026-03-03", "kind": "holiday"}],
        [{"date": datetime(2026, 3, 3), "kind": "holiday"}],
        [{"date": date(2026, 3, 3), "kind": "holiday"}] * 2,
        [{"date": date(2026, 3, 4), "kind": "makeup_workday"}],  # a Wednesday
    ]
    for rows in bad_rows:
        with pytest.raises(ValueError):
            load_calendar(rows)


# ------------------------------------------------------------------ timeliness


def test_timeliness() -> None:
    due = close(2026, 3, 5)
    assert timeliness(vn(2026, 3, 4, 16), due) == Timeliness.EARLY == "early"
    assert timeliness(vn(2026, 3, 5, 8), due) == "on_time"
    assert timeliness(due, due) == "on_time"
    assert timeliness(due + timedelta(seconds=1), due) == "late"
    assert timeliness(vn(2026, 3, 9, 8), due) == "late"
    assert Timeliness.EARLY.label == "Trước hạn"


# ------------------------------------------------------------------ properties

days = st.dates(min_value=date(2025, 12, 1), max_value=date(2027, 12, 31))
clock = st.times()
limits = st.integers(min_value=0, max_value=30)


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _received(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=VN_TZ)


@given(days, clock, limits)
def test_due_day_is_a_working_day(day: date, at: time, n: int) -> None:
    due = due_at(_received(day, at), n, CAL)
    d = due.astimezone(VN_TZ).date()
    assert (d.weekday() < 5 and d not in CAL.holidays) or d in CAL.makeup_workdays
    assert due.astimezone(VN_TZ).time() == HOURS.close
    assert due > _received(day, at)


@given(days, st.times(min_value=time(15, 0, 0, 1)), limits)
def test_after_cutoff_counts_from_next_working_day(day: date, at: time, n: int) -> None:
    next_opening = _received(CAL.next_working_day(day), HOURS.open)
    assert due_at(_received(day, at), n, CAL) == due_at(next_opening, n, CAL)


@given(days, clock, limits)
def test_working_days_from_day_zero_to_due_day(day: date, at: time, n: int) -> None:
    received = _received(day, at)
    start = counting_start(received, CAL)
    assert CAL.is_working_day(start)
    assert CAL.working_days_between(start, due_at(received, n, CAL).date()) == n


@given(days, limits)
def test_add_working_days_is_monotonic_in_n(day: date, n: int) -> None:
    assert CAL.add_working_days(day, n) < CAL.add_working_days(day, n + 1)
    assert CAL.working_days_between(day, CAL.add_working_days(day, n)) == n


@given(days, days, limits)
def test_add_working_days_is_monotonic_in_start(a: date, b: date, n: int) -> None:
    first, second = sorted((a, b))
    assert CAL.add_working_days(first, n) <= CAL.add_working_days(second, n)


@given(days, clock, days, clock, limits)
def test_later_receipt_is_never_due_earlier(d1: date, t1: time, d2: date, t2: time, n: int) -> None:
    first, second = sorted((_received(d1, t1), _received(d2, t2)))
    assert due_at(first, n, CAL) <= due_at(second, n, CAL)


@given(st.frozensets(days.filter(lambda d: d.weekday() < 5), max_size=20), days, limits)
def test_arbitrary_holidays_are_skipped(holidays: frozenset[date], day: date, n: int) -> None:
    cal = Calendar(holidays=holidays, makeup_workdays=frozenset())
    result = cal.add_working_days(day, n)
    assert n == 0 or (result.weekday() < 5 and result not in holidays)
