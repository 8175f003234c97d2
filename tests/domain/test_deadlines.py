from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tthc.domain.deadlines import (
    RescheduleRefused, check_reschedule, decide, restart_after_supplement)
from tthc.domain.status import Status, is_overdue
from tthc.domain.workdays import VN_TZ, CountingRule, due_at, load_calendar_file

CAL = load_calendar_file()
DAYS, HOURS = CountingRule.DAYS, CountingRule.HOURS


def at(y, m, d, hh=9, mm=0, ss=0):
    return datetime(y, m, d, hh, mm, ss, tzinfo=VN_TZ)


def test_same_day_before_cutoff_is_due_today_at_close():
    decision = decide(at(2026, 3, 2, 10), 0, CAL, rule=DAYS, monday_same_day=True)
    assert decision.same_day and not decision.after_cutoff and decision.warning is None
    assert decision.due == at(2026, 3, 2, 17)
    assert decision.extension_days == 0


def test_after_cutoff_the_law_allows_the_next_working_day_with_a_warning():
    for rule in CountingRule:
        decision = decide(at(2026, 3, 2, 15, 30), 0, CAL, rule=rule, monday_same_day=True)
        assert not decision.same_day and decision.after_cutoff
        assert decision.due == at(2026, 3, 3, 17)
        assert "15:00" in str(decision.warning)


def test_same_day_after_cutoff_before_tet_is_due_after_tet():
    # §12 item 1: Fri 13/02/2026 16:00, a same-day procedure → Mon 23/02.
    decision = decide(at(2026, 2, 13, 16), 0, CAL, rule=DAYS)
    assert not decision.same_day and decision.due == at(2026, 2, 23, 17)


def test_the_officer_may_keep_the_monday_promise_after_cutoff():
    decision = decide(at(2026, 3, 2, 15, 30), 0, CAL, rule=DAYS, monday_same_day=True,
                      keep_same_day_promise=True)
    assert decision.same_day and decision.due == at(2026, 3, 2, 17)
    assert decision.warning is not None


def test_a_multi_day_procedure_gets_an_appointment_the_cutoff_does_not_move():
    # Received Friday 13/02/2026 at 09:00 or 15:30, 3 working days: Tết (16–20/02) skipped.
    for hh, mm in ((9, 0), (15, 30)):
        decision = decide(at(2026, 2, 13, hh, mm), 3, CAL, rule=DAYS)
        assert not decision.same_day and decision.warning is None
        assert decision.due == at(2026, 2, 25, 17)
    assert decide(at(2026, 2, 13, 10), 3, CAL, rule=HOURS).due == at(2026, 2, 25, 10)


# ------------------------------------------------------------------ extended time at reception


@pytest.mark.parametrize("received", [at(2026, 3, 2, 10), at(2026, 3, 2, 16)])
def test_certified_copies_of_many_pages_plus_two(received):
    # A same-day procedure given +2 working days (Decree 23/2015 Art 21): the 2nd working
    # day after the reception day, whether received before or after 15:00: Wed 04/03.
    decision = decide(received, 0, CAL, rule=DAYS, extension_days=2, monday_same_day=True,
                      keep_same_day_promise=True)
    assert not decision.same_day and decision.warning is None
    assert decision.due == at(2026, 3, 4, 17)
    assert decision.extension_days == 2


def test_extension_across_tet_and_a_makeup_saturday():
    # Fri 13/02 10:00 + 2: Mon 23/02, Tue 24/02. Thu 08/01 + 2: Fri 09/01, Sat 10/01.
    assert decide(at(2026, 2, 13, 10), 0, CAL, rule=DAYS, extension_days=2).due == \
        at(2026, 2, 24, 17)
    assert decide(at(2026, 1, 8, 11), 0, CAL, rule=DAYS, extension_days=2).due == \
        at(2026, 1, 10, 17)


def test_marriage_needing_verification_plus_five():
    # Fri 24/04/2026 09:00, same-day procedure + 5: 28/04, 29/04, (30/4–3/5 off) 04/05,
    # 05/05, 06/05.
    assert decide(at(2026, 4, 24), 0, CAL, rule=DAYS, extension_days=5).due == at(2026, 5, 6, 17)


def test_multi_day_plus_n_adds_n():
    # Recognition of parent and child: 3 + 5 working days from Mon 02/03: Thu 12/03.
    decision = decide(at(2026, 3, 2), 3, CAL, rule=DAYS, extension_days=5)
    assert decision.due == at(2026, 3, 12, 17) == due_at(at(2026, 3, 2), 8, CAL, rule=DAYS)
    # Correction of civil status: 3 + 3, received Wed 29/04: 04, 05, 06, 07, 08, 11/05.
    assert decide(at(2026, 4, 29, 10), 3, CAL, rule=DAYS, extension_days=3).due == \
        at(2026, 5, 11, 17)


def test_extension_under_the_hours_rule():
    # Mon 02/03 10:00 + 2 days of 9.5 h: Mon 7 h, Tue 16.5 h, Wed 2.5 h more: 10:00.
    assert decide(at(2026, 3, 2, 10), 0, CAL, rule=HOURS, extension_days=2).due == \
        at(2026, 3, 4, 10)


def test_an_extended_same_day_dossier_is_not_overdue_at_closing_time():
    received = at(2026, 3, 2, 10)
    plain = decide(received, 0, CAL, rule=DAYS)
    extended = decide(received, 0, CAL, rule=DAYS, extension_days=2)
    evening = at(2026, 3, 2, 17, 30)
    assert is_overdue(Status.IN_PROGRESS, plain.due, evening)
    assert not is_overdue(Status.IN_PROGRESS, extended.due, evening)
    assert not is_overdue(Status.IN_PROGRESS, extended.due, at(2026, 3, 4, 16, 59))
    assert is_overdue(Status.IN_PROGRESS, extended.due, at(2026, 3, 4, 17, 1))


def test_a_negative_extension_is_refused():
    with pytest.raises(ValueError):
        decide(at(2026, 3, 2), 0, CAL, rule=DAYS, extension_days=-1)
    with pytest.raises(ValueError):
        restart_after_supplement(at(2026, 3, 2), 3, CAL, rule=DAYS, extension_days=-1)


@given(st.sampled_from(list(CountingRule)),
       st.datetimes(min_value=datetime(2025, 12, 1), max_value=datetime(2027, 12, 31),
                    timezones=st.just(VN_TZ)),
       st.integers(min_value=0, max_value=10), st.integers(min_value=0, max_value=5))
def test_an_extension_never_shortens_the_time(rule, received, days, extra):
    plain = decide(received, days, CAL, rule=rule)
    extended = decide(received, days, CAL, rule=rule, extension_days=extra)
    assert extended.due >= plain.due > received
    assert extended.due == due_at(received, days + extra, CAL, rule=rule)
    assert not (extra and extended.same_day)


# ------------------------------------------------------------------ the restart (Art 19(4))


def test_the_legal_deadline_restarts_after_a_supplement():
    # §12 item 1: complete again Wed 29/04 10:00, 3 days restarted: Wed 06/05.
    assert restart_after_supplement(at(2026, 4, 29, 10), 3, CAL, rule=DAYS) == at(2026, 5, 6, 17)
    # After 15:00 the count is the same: Wed 04/03 16:00 + 3: Mon 09/03.
    assert restart_after_supplement(at(2026, 3, 4, 16), 3, CAL, rule=DAYS) == at(2026, 3, 9, 17)
    # The extension granted at reception is counted again with the rest.
    assert restart_after_supplement(at(2026, 3, 4, 16), 0, CAL, rule=DAYS,
                                    extension_days=2) == at(2026, 3, 6, 17)
    assert restart_after_supplement(at(2026, 4, 29, 10), 3, CAL, rule=HOURS) == \
        at(2026, 5, 6, 10)


# ------------------------------------------------------------------ Form 04, §12 item 3

DUE = at(2026, 3, 10, 17)  # Tue 10/03 at close
LATER = DUE + timedelta(days=2)
# The apology rule's values and citation, as the framework version gives them (2018 values).
ONCE = {"done": 0, "days_before": 1, "times": 1,
        "basis": "Nghị định số 61/2018/NĐ-CP, Điều 19 khoản 9"}


def test_reschedule_allowed_until_the_end_of_the_day_before():
    check_reschedule(DUE, LATER, at(2026, 3, 5), **ONCE)
    check_reschedule(DUE, LATER, at(2026, 3, 9, 17, 30), **ONCE)
    check_reschedule(DUE, LATER, at(2026, 3, 9, 23, 59, 59), **ONCE)
    with pytest.raises(RescheduleRefused, match="01 ngày"):
        check_reschedule(DUE, LATER, at(2026, 3, 10, 0, 0), **ONCE)
    with pytest.raises(RescheduleRefused, match="01 ngày"):
        check_reschedule(DUE, LATER, at(2026, 3, 10, 16), **ONCE)


def test_reschedule_days_are_local_days():
    # Due 08:00: the evening before is less than 24 h before, and still in time.
    early_due = at(2026, 3, 10, 8)
    check_reschedule(early_due, LATER, at(2026, 3, 9, 20), **ONCE)
    # 16:59 UTC on 09/03 is 23:59 in Hanoi; 17:00 UTC is 00:00 on the due day.
    check_reschedule(DUE, LATER, datetime(2026, 3, 9, 16, 59, tzinfo=timezone.utc),
                     **ONCE)
    with pytest.raises(RescheduleRefused):
        check_reschedule(DUE, LATER, datetime(2026, 3, 9, 17, 0, tzinfo=timezone.utc),
                         **ONCE)
    # A due date stored in UTC is cut at the Hanoi midnight too.
    check_reschedule(DUE.astimezone(timezone.utc), LATER, at(2026, 3, 9, 23, 59),
                     **ONCE)


def test_reschedule_only_once_and_to_a_later_date():
    with pytest.raises(RescheduleRefused, match="đã được hẹn lại 1 lần.*không được hẹn lại thêm"):
        check_reschedule(DUE, LATER, at(2026, 3, 5), **{**ONCE, "done": 1})
    with pytest.raises(RescheduleRefused, match="sau ngày hẹn cũ"):
        check_reschedule(DUE, DUE, at(2026, 3, 5), **ONCE)


def test_reschedule_follows_the_values_it_is_given():
    """The numbers are the framework version's: two days before, twice, with its citation."""
    rule = {"days_before": 2, "times": 2, "basis": "Nghị định thử, Điều 1"}
    check_reschedule(DUE, LATER, at(2026, 3, 8, 23, 59), done=1, **rule)
    with pytest.raises(RescheduleRefused,
                       match=r"02 ngày .* 08/03/2026 \(Nghị định thử, Điều 1\)"):
        check_reschedule(DUE, LATER, at(2026, 3, 9, 0, 0), done=0, **rule)
    with pytest.raises(RescheduleRefused, match=r"2 lần.*Nghị định thử"):
        check_reschedule(DUE, LATER, at(2026, 3, 5), done=2, **rule)
