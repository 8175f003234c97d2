"""Dossier statuses: the transition table, exhaustively, and the overdue flag."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

import pytest

from tthc.domain.i18n import Message
from tthc.domain.status import (
    ACTION_LABELS,
    ACTIONS,
    ACTORS,
    AT_INTAKE,
    CITIZEN,
    EDITABLE,
    STAFF,
    WITHDRAWABLE_ONLINE,
    CORRECTABLE,
    NOT_OVERDUE,
    PROCESSING,
    SIGNOFF_ONLY,
    TERMINAL,
    TRANSITIONS,
    IllegalTransition,
    Status,
    Transition,
    allowed_actions,
    awaiting_signature,
    is_overdue,
    signoff_transition,
    transition,
)
from tthc.domain.workdays import VN_TZ

LEGAL = {(t.source, t.action, t.actor): t.target for t in TRANSITIONS}
ALL_ACTIONS = (*ACTIONS, "bogus", "")
ALL_ACTORS = (*ACTORS, "robot")
ILLEGAL = [
    key for key in itertools.product(Status, ALL_ACTIONS, ALL_ACTORS) if key not in LEGAL
]
S = Status


def test_codes_match_dvcqg() -> None:
    assert [s.value for s in Status] == list(range(11))
    assert S.NEW.label == "Mới đăng ký"
    assert S.RETURNED.label == "Đã trả kết quả"
    assert S.DRAFT.label == "Bản nháp"
    for s in Status:
        assert s.label and s.description.endswith(".")


def test_terminal_statuses() -> None:
    assert TERMINAL == {S.REJECTED, S.WITHDRAWN, S.STOPPED, S.RETURNED}
    assert all(s.is_terminal == (s in TERMINAL) for s in Status)


def test_table_matches_the_brief() -> None:
    edges = {(t.source, t.target, t.action) for t in TRANSITIONS}
    assert edges == {
        (S.DRAFT, S.NEW, "submit"),
        (S.NEW, S.DRAFT, "reopen"),
        (S.NEW, S.WITHDRAWN, "withdraw"),
        (S.NEW, S.RECEIVED, "receive"),
        (S.NEW, S.REJECTED, "reject"),
        (S.NEW, S.SUPPLEMENT, "request_supplement"),
        (S.SUPPLEMENT, S.NEW, "complete_supplement"),
        (S.SUPPLEMENT, S.RECEIVED, "receive"),
        (S.SUPPLEMENT, S.WITHDRAWN, "withdraw"),
        (S.RECEIVED, S.IN_PROGRESS, "start"),
        (S.RECEIVED, S.RESOLVED, "resolve"),
        (S.RECEIVED, S.SUPPLEMENT, "request_supplement"),
        (S.RECEIVED, S.WITHDRAWN, "withdraw"),
        (S.IN_PROGRESS, S.SUPPLEMENT, "request_supplement"),
        (S.IN_PROGRESS, S.AWAITING_FEE, "request_fee"),
        (S.IN_PROGRESS, S.STOPPED, "stop"),
        (S.IN_PROGRESS, S.RESOLVED, "resolve"),
        (S.IN_PROGRESS, S.REJECTED, "reject"),
        (S.IN_PROGRESS, S.WITHDRAWN, "withdraw"),
        (S.IN_PROGRESS, S.IN_PROGRESS, "submit_for_signature"),
        (S.IN_PROGRESS, S.RESOLVED, "approve"),
        (S.IN_PROGRESS, S.IN_PROGRESS, "send_back"),
        (S.AWAITING_FEE, S.IN_PROGRESS, "fee_paid"),
        (S.AWAITING_FEE, S.WITHDRAWN, "withdraw"),  # issue 11
        (S.AWAITING_FEE, S.STOPPED, "stop"),  # issue 11
        (S.SUPPLEMENT, S.STOPPED, "stop"),  # issue 11
        (S.RESOLVED, S.RETURNED, "return_result"),
    }


def test_table_is_consistent() -> None:
    assert len(LEGAL) == len(TRANSITIONS)
    # One target per (source, action), whoever performs it.
    targets: dict[tuple[Status, str], Status] = {}
    for t in TRANSITIONS:
        assert targets.setdefault((t.source, t.action), t.target) == t.target
        assert t.actor in ACTORS
        # Only the sign-off's steps inside 4 keep the status (its history still records them).
        assert t.source != t.target or t.action in ("submit_for_signature", "send_back"), t
    assert set(ACTION_LABELS) == set(ACTIONS)
    citizen_only = {"submit", "reopen", "complete_supplement"}
    for t in TRANSITIONS:
        if t.action in citizen_only:
            assert t.actor == "citizen"
        elif t.action != "withdraw":
            assert t.actor == "staff", t


def test_every_status_is_reachable_from_draft() -> None:
    seen, frontier = {S.DRAFT}, [S.DRAFT]
    while frontier:
        current = frontier.pop()
        for t in TRANSITIONS:
            if t.source == current and t.target not in seen:
                seen.add(t.target)
                frontier.append(t.target)
    assert seen == set(Status)


@pytest.mark.parametrize("t", TRANSITIONS, ids=lambda t: f"{t.source.name}-{t.action}-{t.actor}")
def test_legal_transition(t: Transition) -> None:
    assert transition(t.source, t.action, t.actor) is t.target
    assert t.action in allowed_actions(t.source, t.actor)


@pytest.mark.parametrize(
    ("current", "action", "actor"), ILLEGAL, ids=lambda v: getattr(v, "name", v) or "empty"
)
def test_illegal_transition(current: Status, action: str, actor: str) -> None:
    with pytest.raises(IllegalTransition) as info:
        transition(current, action, actor)
    assert isinstance(info.value.message, Message)
    assert info.value.current is current
    assert current.label in str(info.value.message)
    assert action not in allowed_actions(current, actor)


def test_illegal_count_covers_the_whole_product() -> None:
    total = len(Status) * len(ALL_ACTIONS) * len(ALL_ACTORS)
    assert len(ILLEGAL) + len(LEGAL) == total


def test_transition_accepts_plain_ints() -> None:
    assert transition(2, "start", "staff") is S.IN_PROGRESS  # type: ignore[arg-type]


def test_allowed_actions() -> None:
    assert allowed_actions(S.NEW, "citizen") == ("reopen", "withdraw")
    assert allowed_actions(S.NEW, "staff") == (
        "withdraw", "receive", "reject", "request_supplement"
    )
    assert allowed_actions(S.AWAITING_FEE, "citizen") == ()
    for s in TERMINAL:
        assert allowed_actions(s, "citizen") == allowed_actions(s, "staff") == ()


def test_the_citizen_edits_exactly_while_the_dossier_is_theirs_to_send() -> None:
    assert EDITABLE == {S.DRAFT, S.SUPPLEMENT}
    for status in EDITABLE:
        sends = set(allowed_actions(status, CITIZEN)) & {"submit", "complete_supplement"}
        assert len(sends) == 1 and transition(status, sends.pop(), CITIZEN) == S.NEW
    # Once sent, nothing is edited until the citizen reopens it (before reception only).
    assert S.NEW not in EDITABLE
    assert transition(S.NEW, "reopen", CITIZEN) in EDITABLE
    assert allowed_actions(S.RECEIVED, CITIZEN) == ()


def test_the_citizen_withdraws_online_only_before_reception() -> None:
    assert WITHDRAWABLE_ONLINE == {S.NEW, S.SUPPLEMENT}
    for status in Status:
        online = "withdraw" in allowed_actions(status, CITIZEN)
        assert online == (status in WITHDRAWABLE_ONLINE), status
    # Afterwards the officer records it at the counter, until a result is ready.
    for status in (S.RECEIVED, S.IN_PROGRESS):
        assert transition(status, "withdraw", STAFF) == S.WITHDRAWN
        with pytest.raises(IllegalTransition):
            transition(status, "withdraw", CITIZEN)


# ------------------------------------------------------------------ overdue

NOW = datetime(2026, 3, 5, 17, 1, tzinfo=VN_TZ)
PAST = NOW - timedelta(minutes=1)


@pytest.mark.parametrize("status", list(Status))
def test_is_overdue(status: Status) -> None:
    owes_result = status in {S.NEW, S.RECEIVED, S.IN_PROGRESS, S.AWAITING_FEE}
    assert is_overdue(status, PAST, NOW) is owes_result
    assert is_overdue(status, NOW, NOW) is False
    assert is_overdue(status, None, NOW) is False


def test_resolved_and_returned_are_never_overdue() -> None:
    assert {S.RESOLVED, S.RETURNED} <= NOT_OVERDUE
    # Strict §1.3 reading, if an office wants it:
    strict = {S.RESOLVED, S.RETURNED}
    assert is_overdue(S.WITHDRAWN, PAST, NOW, exempt=strict) is True
    assert is_overdue(S.RETURNED, PAST, NOW, exempt=strict) is False


# ------------------------------------------------------------------ what the desk's steps gate


def _reachable(start: Status) -> set[Status]:
    seen, frontier = {start}, [start]
    while frontier:
        current = frontier.pop()
        for t in TRANSITIONS:
            if t.source == current and t.target not in seen:
                seen.add(t.target)
                frontier.append(t.target)
    return seen


def test_the_check_at_intake_is_exactly_the_statuses_before_reception() -> None:
    receivable = {t.source for t in TRANSITIONS if t.action == "receive" and t.actor == "staff"}
    # A draft is received once the citizen has sent it through the officer (0 → 1).
    assert AT_INTAKE == receivable | {S.DRAFT}
    assert transition(S.DRAFT, "submit", "citizen") in AT_INTAKE
    for status in AT_INTAKE:
        assert S.RECEIVED in _reachable(status), status


@pytest.mark.parametrize("status", sorted(AT_INTAKE - {S.DRAFT}), ids=lambda s: s.name)
def test_every_status_at_intake_allows_the_decision_of_the_check(status: Status) -> None:
    # Complete: receive (Art 17); the reception leaves the intake step for processing.
    target = transition(status, "receive", "staff")
    assert target not in AT_INTAKE and target in CORRECTABLE
    # Incomplete: Form 02 "once and completely" (Art 15(3)), unless already waiting for it.
    if status != S.SUPPLEMENT:
        assert transition(status, "request_supplement", "staff") == S.SUPPLEMENT
        assert S.SUPPLEMENT in AT_INTAKE  # checked again when the citizen brings it
        assert transition(status, "reject", "staff") == S.REJECTED  # Form 03


def test_corrections_are_possible_while_a_result_is_owed() -> None:
    assert AT_INTAKE < CORRECTABLE
    for status in CORRECTABLE:
        assert not status.is_terminal and status != S.RESOLVED, status
        assert S.RESOLVED in _reachable(status), status  # a result is still to come
    # Once the result is ready, or the dossier ended, the record stands; 6 (fee awaited) is
    # not reached at the desk yet.
    assert set(Status) - CORRECTABLE == TERMINAL | {S.RESOLVED, S.AWAITING_FEE}


@pytest.mark.parametrize("status", sorted(CORRECTABLE - {S.DRAFT}), ids=lambda s: s.name)
def test_each_correctable_status_allows_the_step_a_correction_calls_for(status: Status) -> None:
    staff = allowed_actions(status, "staff")
    if status == S.SUPPLEMENT:
        # corrected at the counter with the citizen: the dossier is complete, receive it
        assert "receive" in staff
    else:
        # a correction shows something is missing: ask for it once and completely
        assert "request_supplement" in staff
    assert "withdraw" in staff  # the citizen may still withdraw, at the counter



# ------------------------------------------------------------------ the leader's sign-off


def test_processing_is_received_or_in_progress() -> None:
    assert PROCESSING == {S.RECEIVED, S.IN_PROGRESS} and PROCESSING < CORRECTABLE


def test_awaiting_a_signature_needs_a_signer_and_a_dossier_in_progress() -> None:
    assert awaiting_signature(S.IN_PROGRESS, 7) is True
    assert awaiting_signature(S.IN_PROGRESS, None) is False
    for status in set(Status) - {S.IN_PROGRESS}:  # a stale signer elsewhere means nothing
        assert awaiting_signature(status, 7) is False


def test_the_leader_answers_only_while_a_signature_is_awaited() -> None:
    assert SIGNOFF_ONLY == {"approve", "send_back"}
    assert signoff_transition(S.IN_PROGRESS, "approve", awaiting=True) == S.RESOLVED
    assert signoff_transition(S.IN_PROGRESS, "send_back", awaiting=True) == S.IN_PROGRESS
    for action in SIGNOFF_ONLY:
        with pytest.raises(IllegalTransition) as info:
            signoff_transition(S.IN_PROGRESS, action, awaiting=False)
        assert "không còn chờ ký" in str(info.value.message)


def test_the_officer_hands_over_again_but_does_not_resolve_what_the_leader_holds() -> None:
    for awaiting in (False, True):
        assert signoff_transition(S.IN_PROGRESS, "submit_for_signature",
                                  awaiting=awaiting) == S.IN_PROGRESS
    assert signoff_transition(S.IN_PROGRESS, "resolve", awaiting=False) == S.RESOLVED
    with pytest.raises(IllegalTransition) as info:
        signoff_transition(S.IN_PROGRESS, "resolve", awaiting=True)
    assert "đang chờ lãnh đạo ký" in str(info.value.message)


@pytest.mark.parametrize("status", sorted(set(Status) - {S.IN_PROGRESS}), ids=lambda s: s.name)
def test_the_sign_off_happens_only_in_progress(status: Status) -> None:
    for action in ("submit_for_signature", "approve", "send_back"):
        with pytest.raises(IllegalTransition):
            signoff_transition(status, action, awaiting=True)
        assert action not in allowed_actions(status, STAFF)
    assert not ({"approve", "send_back", "submit_for_signature"}
                & set(allowed_actions(S.IN_PROGRESS, CITIZEN)))
