"""The report measures against hand counts on the 2026 holiday table (domain.md §1.4, §4,
§11.4, §12). Each expected date below was counted by hand on a calendar; the comment says
how."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tthc.domain import metrics
from tthc.domain.metrics import DossierTimes, Measure, Supplement
from tthc.domain.status import Status
from tthc.domain.workdays import VN_TZ, CountingRule, load_calendar_file

CAL = load_calendar_file()
DAYS, HOURS = CountingRule.DAYS, CountingRule.HOURS


def vn(y: int, m: int, d: int, h: int = 9, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=VN_TZ)


def close(y: int, m: int, d: int) -> datetime:
    return vn(y, m, d, 17, 0)


# ------------------------------------------------------------------ the supplement wait


def test_waited_working_days_across_tet() -> None:
    # Asked Thu 12/02, back Mon 23/02: Fri 13/02 and Mon 23/02 (Tết and weekends not).
    wait = Supplement(vn(2026, 2, 12, 14), vn(2026, 2, 23, 10))
    assert metrics.waited_working_days([wait], vn(2026, 3, 1), CAL) == 2
    # Asked and back the same day: nothing to move.
    same = Supplement(vn(2026, 3, 2, 9), vn(2026, 3, 2, 11))
    assert metrics.waited_working_days([same], vn(2026, 3, 9), CAL) == 0
    # A wait that begins after the moment measured does not count yet.
    assert metrics.waited_working_days([wait], vn(2026, 2, 10), CAL) == 0
    # Still with the citizen: counted up to the moment measured (Fri 13/02, Mon 23/02, Tue).
    open_wait = Supplement(vn(2026, 2, 12, 14))
    assert metrics.waited_working_days([open_wait], vn(2026, 2, 24, 12), CAL) == 3


def test_moved_due_uses_the_makeup_saturday() -> None:
    assert metrics.moved_due(close(2026, 1, 9), 1, CAL) == close(2026, 1, 10)
    assert metrics.moved_due(close(2026, 1, 9), 0, CAL) == close(2026, 1, 9)


# ------------------------------------------------------------------ the 766 measure

AFTER_FEB = vn(2026, 3, 1, 0)


def tet_case(finished: datetime) -> DossierTimes:
    """§12 item 2: received Thu 12/02, asked to supplement the same day, complete again
    Mon 23/02; 3 working days. Due at first Tue 24/02 (13/02, 23/02, 24/02); the wait is 2
    working days (13/02, 23/02), so the measure's due date is Thu 26/02 at close."""
    return DossierTimes(vn(2026, 2, 12, 9), 3, None, finished, 1,
                        (Supplement(vn(2026, 2, 12, 14), vn(2026, 2, 23, 10)),))


def test_supplement_across_tet_is_subtracted_in_working_days() -> None:
    # A calendar subtraction (11 days) would call Fri 27/02 early; in working days it is late.
    def measured(finished: datetime) -> Measure:
        return metrics.measure(tet_case(finished), AFTER_FEB, CAL, rule=DAYS)

    assert metrics.due_by(tet_case(None), AFTER_FEB, CAL, rule=DAYS) == close(2026, 2, 26)
    assert measured(vn(2026, 2, 27, 10)) == Measure.LATE
    assert measured(vn(2026, 2, 26, 16)) == Measure.ON_TIME
    assert measured(vn(2026, 2, 25, 16)) == Measure.EARLY


def test_supplement_across_tet_under_the_hours_rule() -> None:
    # Thu 12/02 09:00 + 28.5 h: Thu 8 h, Fri 13/02 17.5 h, Mon 23/02 27 h, Tue 24/02 09:00;
    # moved by the 2 working days waited: Thu 26/02 09:00. Fri 27/02 is late here too.
    assert metrics.due_by(tet_case(None), AFTER_FEB, CAL, rule=HOURS) == vn(2026, 2, 26, 9)
    assert metrics.measure(tet_case(vn(2026, 2, 27, 10)), AFTER_FEB, CAL, rule=HOURS) \
        == Measure.LATE
    assert metrics.measure(tet_case(vn(2026, 2, 26, 8)), AFTER_FEB, CAL, rule=HOURS) \
        == Measure.ON_TIME


def test_the_waits_are_read_from_the_history() -> None:
    received, processing = int(Status.RECEIVED), int(Status.IN_PROGRESS)
    history = [
        # asked before the first reception: the clock had not started, not a wait
        ("request_supplement", int(Status.NEW), vn(2026, 2, 10, 9)),
        ("receive", int(Status.SUPPLEMENT), vn(2026, 2, 12, 9)),
        ("start", received, vn(2026, 2, 12, 10)),
        ("request_supplement", processing, vn(2026, 2, 12, 14)),
        ("receive", int(Status.SUPPLEMENT), vn(2026, 2, 23, 10)),
        ("request_supplement", received, vn(2026, 2, 24, 9)),  # still with the citizen
    ]
    assert metrics.supplement_waits(history) == (
        Supplement(vn(2026, 2, 12, 14), vn(2026, 2, 23, 10)),
        Supplement(vn(2026, 2, 24, 9), None))
    assert metrics.supplement_waits([]) == ()


def test_the_first_appointment() -> None:
    due, first = close(2026, 3, 12), close(2026, 3, 5)
    assert metrics.first_appointment(due, None, False, 0) == due
    # Form 04 reset the date: the first one still counts.
    assert metrics.first_appointment(due, first, True, 0) == first
    # A supplement restarted the legal time: counted again from the first reception.
    assert metrics.first_appointment(due, first, True, 1) is None


def test_a_step_is_judged_as_if_the_dossier_ended_then() -> None:
    case = tet_case(vn(2026, 2, 27, 10))  # due for the measure: Thu 26/02 at close
    step = metrics.measure_step
    assert step(case, vn(2026, 2, 12, 11), CAL, rule=DAYS) == Measure.EARLY
    assert step(case, vn(2026, 2, 26, 11), CAL, rule=DAYS) == Measure.ON_TIME
    assert step(case, vn(2026, 2, 27, 10), CAL, rule=DAYS) == Measure.LATE
    # While the citizen holds the dossier the due date moves with the wait: on Mon 23/02
    # morning (before it came back) the wait so far is Fri 13/02 and Mon 23/02.
    assert step(case, vn(2026, 2, 23, 8), CAL, rule=DAYS) == Measure.EARLY
    # A second request counts against the steps after it only.
    second = Supplement(vn(2026, 2, 24, 9), vn(2026, 2, 24, 15))
    twice = DossierTimes(case.received_at, 3, None, vn(2026, 2, 25, 10), 2,
                         case.supplements + (second,))
    assert step(twice, vn(2026, 2, 13, 10), CAL, rule=DAYS) == Measure.EARLY
    assert step(twice, vn(2026, 2, 25, 10), CAL, rule=DAYS) == Measure.LATE
    assert metrics.measure(twice, AFTER_FEB, CAL, rule=DAYS) == Measure.LATE


def test_two_supplement_requests_are_late_whatever_the_dates() -> None:
    waits = (Supplement(vn(2026, 3, 2, 10), vn(2026, 3, 2, 11)),
             Supplement(vn(2026, 3, 2, 14), vn(2026, 3, 2, 15)))
    quick = DossierTimes(vn(2026, 3, 2, 9), 3, close(2026, 3, 5), vn(2026, 3, 3, 9), 2, waits)
    assert metrics.measure(quick, vn(2026, 4, 1, 0), CAL, rule=DAYS) == Measure.LATE
    still_open = DossierTimes(vn(2026, 3, 2, 9), 3, close(2026, 3, 5), None, 2, waits)
    assert metrics.measure(still_open, vn(2026, 3, 3, 0), CAL, rule=DAYS) == Measure.LATE


def test_returned_on_the_due_date() -> None:
    # Received Mon 02/03, 3 days: appointment Thu 05/03 at 17:00.
    def returned(at: datetime, resolved: datetime | None = None) -> Measure:
        end = metrics.processing_end(resolved, at)
        case = DossierTimes(vn(2026, 3, 2, 9), 3, close(2026, 3, 5), end)
        return metrics.measure(case, vn(2026, 4, 1, 0), CAL, rule=DAYS)

    assert returned(vn(2026, 3, 5, 16, 30)) == Measure.ON_TIME  # no "ready" time: returned
    assert returned(vn(2026, 3, 5, 17, 30)) == Measure.LATE  # after the appointment's hour
    # Ready the day before and handed over on the due date: the ready time counts.
    assert returned(vn(2026, 3, 5, 16, 30), resolved=vn(2026, 3, 4, 15)) == Measure.EARLY


def test_stopped_or_refused_end_is_the_last_resort() -> None:
    stopped = vn(2026, 3, 3, 10)
    assert metrics.processing_end(None, None, stopped) == stopped
    assert metrics.processing_end(vn(2026, 3, 2), vn(2026, 3, 4), stopped) == vn(2026, 3, 2)
    case = DossierTimes(vn(2026, 3, 2, 9), 3, close(2026, 3, 5), stopped)
    assert metrics.measure(case, vn(2026, 4, 1, 0), CAL, rule=DAYS) == Measure.EARLY


def test_received_after_cutoff_same_day_procedure_is_due_next_working_day() -> None:
    # Mon 02/03 15:30, a same-day procedure with no appointment recorded: due Tue 03/03.
    late_in_day = DossierTimes(vn(2026, 3, 2, 15, 30), 0, None, vn(2026, 3, 3, 10))
    assert metrics.measure(late_in_day, vn(2026, 4, 1, 0), CAL, rule=DAYS) == Measure.ON_TIME
    before = DossierTimes(vn(2026, 3, 2, 14, 0), 0, None, vn(2026, 3, 3, 10))
    assert metrics.measure(before, vn(2026, 4, 1, 0), CAL, rule=DAYS) == Measure.LATE
    # Fri 13/02 15:30, 3 days: due Wed 25/02 (the cut-off does not move a count in days).
    friday = DossierTimes(vn(2026, 2, 13, 15, 30), 3, None, vn(2026, 2, 26, 9))
    assert metrics.measure(friday, AFTER_FEB, CAL, rule=DAYS) == Measure.LATE


def test_dossiers_open_at_the_end_of_the_period() -> None:
    end_of_march = vn(2026, 4, 1, 0)
    overdue = DossierTimes(vn(2026, 3, 20), 3, close(2026, 3, 25))
    within = DossierTimes(vn(2026, 3, 30), 3, close(2026, 4, 2))
    finished_after = DossierTimes(vn(2026, 3, 30), 3, close(2026, 4, 2), vn(2026, 4, 2, 10))
    # Late finished after the period: late already at its end.
    late_after = DossierTimes(vn(2026, 3, 20), 3, close(2026, 3, 25), vn(2026, 4, 3, 10))
    # Waiting for the citizen since Tue 17/03: the clock stood still, so not late.
    waiting = DossierTimes(vn(2026, 3, 16), 3, close(2026, 3, 19), None, 1,
                           (Supplement(vn(2026, 3, 17, 10)),))
    measured = [metrics.measure(c, end_of_march, CAL, rule=DAYS)
                for c in (overdue, within, finished_after, late_after, waiting)]
    assert measured == [Measure.LATE, Measure.OPEN, Measure.OPEN, Measure.LATE, Measure.OPEN]
    counts = metrics.count_measures(measured)
    assert (counts.early, counts.on_time, counts.late, counts.open) == (0, 0, 2, 3)
    assert counts.measured == 2 and counts.on_time_rate == 0.0


def test_on_time_rate_leaves_open_within_time_out() -> None:
    counts = metrics.count_measures([Measure.EARLY] * 3 + [Measure.ON_TIME] * 5
                                    + [Measure.LATE] * 2 + [Measure.OPEN] * 7)
    assert counts.measured == 10
    assert counts.on_time_rate == 80.0
    assert metrics.MeasureCounts().on_time_rate is None


# ------------------------------------------------------------------ the same day


def test_monday_after_a_holiday() -> None:
    # Mon 04/05/2026 follows the 30/4–1/5 break: still a Monday. Mon 27/04 is the Giỗ Tổ
    # day off, so Tue 28/04 is the week's first working day but not a Monday.
    assert metrics.same_day_group(vn(2026, 5, 4, 9), CAL) == metrics.MONDAY
    assert metrics.same_day_group(vn(2026, 4, 28, 9), CAL) == metrics.OTHER_DAY
    assert metrics.same_day_group(vn(2026, 4, 27, 9), CAL) is None  # a day off
    assert metrics.same_day_group(vn(2026, 5, 4, 15, 30), CAL) is None  # after the cut-off


def test_same_day_counts_mondays_apart() -> None:
    cases = [
        (vn(2026, 5, 4, 9), vn(2026, 5, 4, 11)),  # Monday, same day
        (vn(2026, 5, 4, 10), vn(2026, 5, 5, 9)),  # Monday, next day
        (vn(2026, 5, 4, 10), None),  # Monday, not finished
        (vn(2026, 4, 28, 9), vn(2026, 4, 28, 16)),  # Tuesday after the Monday off
        (vn(2026, 3, 2, 16), vn(2026, 3, 3, 9)),  # Monday after 15:00: left out
    ]
    counts = metrics.count_same_day(cases, CAL)
    assert (counts.monday, counts.monday_done) == (3, 1)
    assert (counts.other, counts.other_done) == (1, 1)
    assert (counts.after_cutoff, counts.after_cutoff_done) == (1, 0)
    assert counts.monday_rate == pytest.approx(100 / 3)
    assert counts.other_rate == 100.0


def test_same_day_is_the_local_day() -> None:
    received = vn(2026, 5, 4, 9)
    # 23:30 UTC on Monday is 06:30 on Tuesday in Hà Nội: not the same day.
    assert not metrics.finished_same_day(received,
                                         datetime(2026, 5, 4, 23, 30, tzinfo=timezone.utc))
    assert metrics.finished_same_day(received, datetime(2026, 5, 4, 9, 30, tzinfo=timezone.utc))


# ------------------------------------------------------------------ satisfaction and shares


def test_satisfaction_766_formula() -> None:
    # 100% − (4/40 late = 10%) − (2/40 complained = 5%) = 85%.
    assert metrics.satisfaction_766(40, 4, 2) == 85.0
    assert metrics.satisfaction_766(40, 30, 15) == 0.0  # never below zero
    assert metrics.satisfaction_766(0, 0, 0) is None
    assert metrics.satisfaction_766(10, 0, 0) >= metrics.SATISFACTION_FULL_MARKS


def test_ratings_overall_and_mean_score() -> None:
    counts = metrics.rating_counts({2: 6, 1: 3, 0: 1})
    assert counts.total == 10
    assert counts.satisfied_rate == 90.0
    assert counts.score == 1.5  # (2·6 + 1·3 + 0·1) / 10
    assert metrics.rating_counts({}).satisfied_rate is None
    assert metrics.mean_score(7, 4) == 1.75 and metrics.mean_score(None, 0) is None


def test_rates() -> None:
    assert metrics.rate(7, 10) == 70.0  # e.g. 7 of 10 received with no supplement request
    assert metrics.rate(0, 0) is None


def test_percentiles_by_nearest_rank() -> None:
    values = list(range(1, 11))
    assert metrics.percentile(values, 50) == 5
    assert metrics.percentile(values, 90) == 9
    assert metrics.percentile([3, 1, 2], 50) == 2  # rank ceil(1.5) = 2
    assert metrics.percentile([3, 1, 2], 90) == 3  # rank ceil(2.7) = 3
    assert metrics.percentile([7], 90) == 7
    assert metrics.percentile([], 50) is None
    assert metrics.nearest_rank(50, 1) == 1
    with pytest.raises(ValueError):
        metrics.nearest_rank(50, 0)


def test_due_soon_horizon_skips_days_off() -> None:
    # Wed 29/04: the next two working days are Mon 04/05 and Tue 05/05.
    assert metrics.next_working_days(date(2026, 4, 29), 2, CAL) == date(2026, 5, 5)


# ------------------------------------------------------------------ properties of the 766 due date

moments = st.datetimes(min_value=datetime(2025, 12, 1), max_value=datetime(2027, 6, 30),
                       timezones=st.just(VN_TZ))


@st.composite
def cases(draw) -> DossierTimes:
    received = draw(moments)
    asked = received + timedelta(hours=draw(st.integers(0, 24 * 30)))
    back = asked + timedelta(hours=draw(st.integers(0, 24 * 30)))
    waits = draw(st.sampled_from([(), (Supplement(asked, back),), (Supplement(asked, None),)]))
    return DossierTimes(received, draw(st.integers(0, 10)), None, None, len(waits), waits)


@given(cases(), st.sampled_from(list(CountingRule)), st.integers(0, 24 * 90),
       st.integers(0, 24 * 30))
def test_the_766_due_date_never_comes_before_the_legal_one_and_only_moves_later(
        case, rule, hours_after, more) -> None:
    first = metrics.due_by(case, case.received_at, CAL, rule=rule)
    at = case.received_at + timedelta(hours=hours_after)
    later = at + timedelta(hours=more)
    assert first >= case.received_at
    assert first <= metrics.due_by(case, at, CAL, rule=rule) <= \
        metrics.due_by(case, later, CAL, rule=rule)
    # A step done by the legal due date is never late (at most one supplement request).
    step = min(at, first)
    assert metrics.measure_step(case, step, CAL, rule=rule) != Measure.LATE
