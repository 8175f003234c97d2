"""Working days and the holiday table, against the real 2026 table (due dates and the
counting rules: tests/domain/test_counting_rules.py)."""

from __future__ import annotations

import tomllib
from datetime import date, datetime, timedelta
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


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


limits = st.integers(min_value=0, max_value=30)


@given(days, limits)
def test_add_working_days_is_monotonic_in_n(day: date, n: int) -> None:
    assert CAL.add_working_days(day, n) < CAL.add_working_days(day, n + 1)
    assert CAL.working_days_between(day, CAL.add_working_days(day, n)) == n


@given(days, days, limits)
def test_add_working_days_is_monotonic_in_start(a: date, b: date, n: int) -> None:
    first, second = sorted((a, b))
    assert CAL.add_working_days(first, n) <= CAL.add_working_days(second, n)


@given(st.frozensets(days.filter(lambda d: d.weekday() < 5), max_size=20), days, limits)
def test_arbitrary_holidays_are_skipped(holidays: frozenset[date], day: date, n: int) -> None:
    cal = Calendar(holidays=holidays, makeup_workdays=frozenset())
    result = cal.add_working_days(day, n)
    assert n == 0 or (result.weekday() < 5 and result not in holidays)
