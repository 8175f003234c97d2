from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tthc.domain.deadlines import (
    RescheduleRefused, check_reschedule, decide, measured_timeliness, restart_after_supplement)
from tthc.domain.workdays import VN_TZ, Timeliness, load_calendar_file

CAL = load_calendar_file(Path(__file__).resolve().parents[2] / "tthc" / "data" / "holidays.toml")


def at(y, m, d, hh=9, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=VN_TZ)


def test_same_day_before_cutoff_is_due_today_at_close():
    decision = decide(at(2026, 3, 2, 10), 0, CAL, monday_same_day=True)
    assert decision.same_day and not decision.after_cutoff and decision.warning is None
    assert decision.due == at(2026, 3, 2, 17)


def test_after_cutoff_the_law_allows_the_next_working_day_with_a_warning():
    decision = decide(at(2026, 3, 2, 15, 30), 0, CAL, monday_same_day=True)
    assert not decision.same_day and decision.after_cutoff
    assert decision.due == at(2026, 3, 3, 17)
    assert "15:00" in str(decision.warning)


def test_the_officer_may_keep_the_monday_promise_after_cutoff():
    decision = decide(at(2026, 3, 2, 15, 30), 0, CAL, monday_same_day=True,
                      keep_same_day_promise=True)
    assert decision.same_day and decision.due == at(2026, 3, 2, 17)
    assert decision.warning is not None


def test_a_multi_day_procedure_gets_an_appointment():
    # Received Friday 13/02/2026 at 09:00, 3 working days: Tết (16–20/02) is skipped.
    decision = decide(at(2026, 2, 13), 3, CAL)
    assert not decision.same_day
    assert decision.due == at(2026, 2, 25, 17)


def test_the_legal_deadline_restarts_after_a_supplement():
    assert restart_after_supplement(at(2026, 3, 4, 16), 3, CAL) == at(2026, 3, 10, 17)


def test_reschedule_once_and_at_least_a_day_before():
    due = at(2026, 3, 10, 17)
    check_reschedule(due, due + timedelta(days=2), at(2026, 3, 9, 16), already_rescheduled=False)
    with pytest.raises(RescheduleRefused, match="một lần"):
        check_reschedule(due, due + timedelta(days=2), at(2026, 3, 5), already_rescheduled=True)
    with pytest.raises(RescheduleRefused, match="01 ngày"):
        check_reschedule(due, due + timedelta(days=2), at(2026, 3, 9, 17, 30),
                         already_rescheduled=False)
    with pytest.raises(RescheduleRefused, match="sau ngày hẹn cũ"):
        check_reschedule(due, due, at(2026, 3, 5), already_rescheduled=False)


def test_766_subtracts_waiting_and_counts_two_supplements_late():
    due = at(2026, 3, 10, 17)
    finished = at(2026, 3, 12, 10)
    assert measured_timeliness(finished, due, supplement_wait=timedelta(0),
                               supplement_count=0) is Timeliness.LATE
    assert measured_timeliness(finished, due, supplement_wait=timedelta(days=3),
                               supplement_count=1) is Timeliness.EARLY
    assert measured_timeliness(at(2026, 3, 9), due, supplement_wait=timedelta(0),
                               supplement_count=2) is Timeliness.LATE
