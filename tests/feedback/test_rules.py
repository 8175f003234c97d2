"""The rating rules (tthc.domain.ratings), without an app."""

from __future__ import annotations

import datetime as dt

import pytest

from tthc.domain import ratings as rules
from tthc.domain.status import Status

State = rules.RatingState
T0 = dt.datetime(2026, 3, 2, 2, 30, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("status", list(Status))
def test_only_a_returned_dossier_is_ready(status):
    assert rules.dossier_ready(status) is (status == Status.RETURNED)


@pytest.mark.parametrize("status, ready", [("waiting", False), ("called", False),
                                           ("serving", False), ("done", True),
                                           ("missed", False)])
def test_only_a_finished_ticket_is_ready(status, ready):
    assert rules.ticket_ready(status) is ready


def test_the_states_of_a_rating():
    assert rules.rating_state(ready=False, rated_at=None, now=T0) is State.NOT_YET
    assert rules.rating_state(ready=True, rated_at=None, now=T0) is State.OPEN
    assert rules.rating_state(ready=True, rated_at=None, now=T0, linked=True) is State.LINKED
    week = dt.timedelta(days=7)
    assert rules.rating_state(ready=True, rated_at=T0, now=T0) is State.CHANGEABLE
    assert rules.rating_state(ready=True, rated_at=T0, now=T0 + week) is State.CHANGEABLE
    assert rules.rating_state(ready=True, rated_at=T0,
                              now=T0 + week + dt.timedelta(seconds=1)) is State.FINAL
    assert rules.rating_state(ready=True, rated_at=T0, now=T0 + dt.timedelta(days=3),
                              days=2) is State.FINAL


def test_scores_are_two_one_zero_or_not_answered():
    assert [rules.parse_score(v) for v in ("2", "1", "0", " 1 ", "", None)] == \
        [2, 1, 0, 1, None, None]
    for bad in ("3", "-1", "1.0", "hai", "٢"):
        with pytest.raises(ValueError):
            rules.parse_score(bad)


def test_a_ticket_visit_is_asked_only_about_attitude():
    assert [i.name for i in rules.indicators_for(rules.DOSSIER)] == \
        ["time_score", "contacts_score", "agencies_score", "attitude_score"]
    assert [i.name for i in rules.indicators_for(rules.TICKET)] == ["attitude_score"]
    # Circular 01/2018 Art 14(3)(a): indicators 1, 3, 4 and 7 of Art 13, each 2/1/0.
    assert [i.article for i in rules.INDICATORS] == [1, 3, 4, 7]
    assert all([s for s, _ in i.answers] == [2, 1, 0] for i in rules.INDICATORS)


@pytest.mark.parametrize("typed, parsed", [
    ("A-012", ("A", 12)), ("a12", ("A", 12)), ("B 7", ("B", 7)), (" c-001 ", ("C", 1)),
    ("AB-1000", ("AB", 1000)),
    ("ABCD-2345", None),  # a pre-filing code, never a ticket
    ("A-0", None), ("12", None), ("", None), (None, None), ("000.00.06.H56-231027-0361", None),
])
def test_ticket_numbers_as_typed(typed, parsed):
    assert rules.parse_ticket_number(typed) == parsed
