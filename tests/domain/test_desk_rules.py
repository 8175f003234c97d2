"""The desk's rules after reception (issue 11): the state machine's new moves, the 3 working
days to ask for a supplement after appraisal, and the portal's dossier code."""

from __future__ import annotations

from datetime import date

import pytest

from tthc.domain.codes import PORTAL_CODE_MAX, normalise_portal_code, portal_code_problem
from tthc.domain.status import (CITIZEN, STAFF, WITHDRAWABLE_ONLINE, IllegalTransition, Status,
                                allowed_actions, supplement_notice_last_day,
                                supplement_notice_problem, transition)
from tthc.domain.workdays import load_calendar_file

CAL = load_calendar_file()


@pytest.mark.parametrize("source, action, target", [
    (Status.AWAITING_FEE, "withdraw", Status.WITHDRAWN),
    (Status.AWAITING_FEE, "stop", Status.STOPPED),
    (Status.AWAITING_FEE, "fee_paid", Status.IN_PROGRESS),
    (Status.SUPPLEMENT, "stop", Status.STOPPED),
    (Status.IN_PROGRESS, "request_fee", Status.AWAITING_FEE),
])
def test_the_new_moves_are_the_officers(source, action, target):
    assert transition(source, action, STAFF) == target
    with pytest.raises(IllegalTransition):
        transition(source, action if action != "withdraw" else "stop", CITIZEN)


def test_after_reception_the_citizen_still_withdraws_only_at_the_counter():
    assert WITHDRAWABLE_ONLINE == {Status.NEW, Status.SUPPLEMENT}
    assert "withdraw" not in allowed_actions(Status.AWAITING_FEE, CITIZEN)


@pytest.mark.parametrize("source", [Status.RECEIVED, Status.RESOLVED, Status.RETURNED,
                                    Status.WITHDRAWN, Status.STOPPED])
def test_stopping_elsewhere_is_refused_with_a_message(source):
    with pytest.raises(IllegalTransition) as refused:
        transition(source, "stop", STAFF)
    assert "Dừng xử lý" in str(refused.value) and source.label in str(refused.value)


@pytest.mark.parametrize("received, last", [
    (date(2026, 3, 2), date(2026, 3, 5)),  # Mon → Thu
    (date(2026, 3, 6), date(2026, 3, 11)),  # Fri → Wed (the weekend is not counted)
    # Fri 24/04/2026: Mon 27/04 (Giỗ Tổ, observed), 30/04 and 01/05 are days off
    (date(2026, 4, 24), date(2026, 5, 4)),
    # received on the observed day off: counted from Tue 28/04 (domain.md §12 item 1)
    (date(2026, 4, 27), date(2026, 5, 5)),
    (date(2026, 2, 13), date(2026, 2, 25)),  # Tết 16–20/02/2026
])
def test_the_last_day_to_ask_for_a_supplement_is_the_third_working_day(received, last):
    assert supplement_notice_last_day(received, CAL, 3) == last


def test_the_whole_third_day_is_in_time_and_the_next_is_not():
    received, last = date(2026, 3, 6), date(2026, 3, 11)
    basis = "Nghị định số 118/2025/NĐ-CP"
    assert supplement_notice_problem(received, last, CAL, working_days=3, basis=basis) is None
    problem = supplement_notice_problem(received, date(2026, 3, 12), CAL, working_days=3,
                                        basis=basis)
    assert problem is not None
    text = str(problem)
    assert "3 ngày làm việc" in text and "06/03/2026" in text and "11/03/2026" in text
    assert "(Nghị định số 118/2025/NĐ-CP)" in text and "61/2018" not in text
    # Two working days (another version's value): the Monday is already too late.
    assert supplement_notice_problem(received, last, CAL, working_days=2, basis=basis)


@pytest.mark.parametrize("raw, code", [
    ("G22.99.21-250707-0003", "G22.99.21-250707-0003"),
    ("  000.00.21.H26-250707-0003 ", "000.00.21.H26-250707-0003"),
    ("Ｈ２６-0001", "H26-0001"),  # full-width, as some keyboards type it
    ("h26/2026_0001", "h26/2026_0001"),  # opaque: case and separators kept
])
def test_a_portal_code_is_kept_as_it_is(raw, code):
    assert normalise_portal_code(raw) == code


@pytest.mark.parametrize("raw", ["", "G22", "G22 99.21-0003", "Mã-hồ-sơ-01", "<script>",
                                 "-G22-0001", "A" * (PORTAL_CODE_MAX + 1), None])
def test_a_portal_code_of_other_characters_or_length_is_refused(raw):
    assert normalise_portal_code(raw) is None


def test_a_dossier_never_gets_a_second_code():
    assert portal_code_problem(None, "", "G22-0001") is None  # not received: no code yet
    assert portal_code_problem("H26-260302-0001", "", "") is None  # nothing new
    assert portal_code_problem("G22-0001", "G22-0001", "G22-0001") is None
    second = portal_code_problem("H26-260302-0001", "", "G22-0001")
    assert second is not None and "H26-260302-0001" in str(second)
    assert portal_code_problem("G22-0001", "G22-0001", "G22-0002") is not None
