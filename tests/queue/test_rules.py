"""The queue's pure rules (tthc/domain/queue.py): call order, actions, no-show, the wait."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tthc.domain import queue as rules

T0 = dt.datetime(2026, 3, 9, 7, 30, tzinfo=dt.timezone.utc)


def w(id_, minutes, priority=False, group=1):
    return rules.Waiting(id_, group, priority, T0 + dt.timedelta(minutes=minutes))


def test_priority_first_then_arrival():
    waiting = [w(1, 0), w(2, 1), w(3, 5, priority=True), w(4, 6, priority=True)]
    assert rules.choose_next(waiting, rules.PRIORITY_FIRST).id == 3
    order = sorted(waiting, key=lambda t: rules.sort_key(t, rules.PRIORITY_FIRST))
    assert [t.id for t in order] == [3, 4, 1, 2]


def test_strict_arrival_ignores_priority():
    waiting = [w(1, 0), w(2, 1), w(3, 5, priority=True)]
    assert rules.choose_next(waiting, rules.ARRIVAL).id == 1


def test_same_time_breaks_ties_by_id():
    assert rules.choose_next([w(9, 0), w(4, 0)], rules.ARRIVAL).id == 4


def test_choose_next_limited_to_groups_and_empty():
    waiting = [w(1, 0, group=1), w(2, 1, group=2)]
    assert rules.choose_next(waiting, rules.ARRIVAL, groups=[2]).id == 2
    assert rules.choose_next(waiting, rules.ARRIVAL, groups=[3]) is None
    assert rules.choose_next([], rules.PRIORITY_FIRST) is None


def test_people_ahead_counts_only_the_same_queue_in_call_order():
    waiting = [w(1, 0), w(2, 1), w(3, 2, group=2), w(4, 3, priority=True), w(5, 4)]
    assert rules.people_ahead(waiting[4], waiting, rules.PRIORITY_FIRST) == 3  # 4, 1, 2
    assert rules.people_ahead(waiting[4], waiting, rules.ARRIVAL) == 3  # 1, 2, 4
    assert rules.people_ahead(waiting[3], waiting, rules.PRIORITY_FIRST) == 0
    assert rules.people_ahead(waiting[3], waiting, rules.ARRIVAL) == 2


def test_call_tiers_describe_the_same_order_as_sort_key():
    assert rules.CALL_TIERS[rules.PRIORITY_FIRST] == (True, False)
    assert rules.CALL_TIERS[rules.ARRIVAL] == (None,)


waiting_lists = st.lists(
    st.builds(rules.Waiting, id=st.integers(1, 10_000), group_id=st.integers(1, 3),
              priority=st.booleans(),
              queued_at=st.integers(0, 600).map(lambda m: T0 + dt.timedelta(minutes=m))),
    max_size=40, unique_by=lambda t: t.id)


def _by_tiers(waiting, policy):
    """The order the SQL of services.call_next reads: tier by tier, each by place."""
    order = []
    for tier in rules.CALL_TIERS[policy]:
        order += sorted((t for t in waiting if tier is None or t.priority is tier),
                        key=lambda t: (t.queued_at, t.id))
    return order


@given(waiting_lists, st.sampled_from(rules.POLICIES))
def test_tiers_and_sort_key_agree(waiting, policy):
    assert _by_tiers(waiting, policy) == sorted(waiting, key=lambda t: rules.sort_key(t, policy))


@given(waiting_lists, st.sampled_from(rules.POLICIES))
def test_calling_repeatedly_empties_each_queue_in_people_ahead_order(waiting, policy):
    left = list(waiting)
    while left:
        chosen = rules.choose_next(left, policy)
        # the ticket called next never has anybody ahead of it in its own queue
        assert rules.people_ahead(chosen, left, policy) == 0
        left.remove(chosen)


@pytest.mark.parametrize("status", rules.STATUSES)
@pytest.mark.parametrize("action", ["call", "recall", "start", "finish", "no_show", "transfer"])
def test_each_action_is_allowed_only_from_its_states(action, status):
    allowed = {
        "call": {"waiting"}, "recall": {"called"}, "start": {"called"},
        "finish": {"called", "serving"}, "no_show": {"called"},
        "transfer": {"called", "serving"},
    }[action]
    if status in allowed:
        rules.check(action, status, "A-001")
    else:
        with pytest.raises(rules.QueueError) as refusal:
            rules.check(action, status, "A-001")
        assert refusal.value.message.text  # a message for the officer, translated later


def test_no_show_goes_back_once_then_is_missed():
    assert rules.after_no_show(0) == rules.WAITING
    assert rules.after_no_show(1) == rules.MISSED
    assert rules.after_no_show(5) == rules.MISSED


def test_service_minutes_uses_the_default_until_there_are_enough_samples():
    assert rules.service_minutes([], 8) == 8
    assert rules.service_minutes([4, 6], 8) == 8
    assert rules.service_minutes([4, 6, 5], 8) == 5
    # absurd durations (a ticket left open over lunch) are ignored
    assert rules.service_minutes([4, 6, 5, 500, 0], 8) == 5
    # the recent ones count: the day's rhythm changes
    assert rules.service_minutes([30] * 30 + [2] * 20, 8) == 2


def test_estimate_wait_rounds_up_to_five_and_divides_by_counters():
    assert rules.estimate_wait(0, 8, 1) == 0
    assert rules.estimate_wait(1, 2, 1) == 5
    assert rules.estimate_wait(3, 5, 1) == 15
    assert rules.estimate_wait(3, 5, 3) == 5
    assert rules.estimate_wait(4, 7, 2) == 15  # 14 → 15
    assert rules.estimate_wait(10, 8, 0) == 80  # no counter seen yet counts as one


@given(st.integers(0, 200), st.floats(0.5, 60), st.integers(1, 10))
def test_estimate_wait_grows_with_people_ahead(ahead, minutes, counters):
    now = rules.estimate_wait(ahead, minutes, counters)
    assert now % 5 == 0
    assert rules.estimate_wait(ahead + 1, minutes, counters) >= now


def test_priority_reasons_follow_the_glossary():
    assert set(rules.PRIORITY_REASONS) == {"elderly", "disability", "pregnant", "young_child",
                                           "merit"}
    assert rules.PRIORITY_REASONS["young_child"] == "Người có con nhỏ dưới 6 tuổi"
    assert rules.parse_priority_reason(" merit ") == "merit"
    assert rules.parse_priority_reason(None) == ""
    with pytest.raises(ValueError):
        rules.parse_priority_reason("vip")


def test_policy_parsing_defaults_to_priority_first():
    assert rules.parse_policy("arrival") == rules.ARRIVAL
    assert rules.parse_policy(None) == rules.PRIORITY_FIRST
    assert rules.parse_policy("random") == rules.PRIORITY_FIRST
    assert rules.parse_policy(3) == rules.PRIORITY_FIRST


def test_announcement_uses_the_glossary_wording():
    assert str(rules.announcement("A-015", 2)) == \
        "Mời công dân có số thứ tự A-015 đến quầy số 2"
    assert rules.spoken_label("A-015") == "A, 15"
    assert rules.spoken_label("B-100") == "B, 100"
    assert rules.spoken_label("odd") == "odd"
