"""The queue's rules: call order, what each counter action may do, people ahead, the wait.

Pure Python: the services in tthc/queue apply these rules inside a locked transaction, and
translate the call order into SQL (``CALL_TIERS``); ``sort_key`` is the same order for
Python, and a test checks that both agree.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from dataclasses import dataclass
from typing import Iterable, Sequence

from .i18n import N_, Message, msg

# --------------------------------------------------------------------------- priority

PRIORITY_REASONS: dict[str, str] = {
    "elderly": N_("Người cao tuổi"),
    "disability": N_("Người khuyết tật"),
    "pregnant": N_("Phụ nữ mang thai"),
    "young_child": N_("Người có con nhỏ dưới 6 tuổi"),
    "merit": N_("Người có công với cách mạng"),
}
"""Who may take a priority ticket (glossary: Ưu tiên), keyed by the code stored on the ticket."""


def parse_priority_reason(raw: str | None) -> str:
    """The priority reason code for a form value: '' for none; ValueError if unknown."""
    value = (raw or "").strip()
    if value and value not in PRIORITY_REASONS:
        raise ValueError(f"unknown priority reason {value!r}")
    return value


# --------------------------------------------------------------------------- statuses

WAITING = "waiting"
CALLED = "called"  # called to a counter, not yet there (recall, no-show possible)
SERVING = "serving"  # at the counter
DONE = "done"
MISSED = "missed"  # did not come twice: out of the queue for good

STATUSES = (WAITING, CALLED, SERVING, DONE, MISSED)
FINAL = frozenset({DONE, MISSED})
AT_COUNTER = frozenset({CALLED, SERVING})

MAX_REQUEUES = 1
"""A no-show goes back to the end of the queue this many times, then the ticket is missed."""


class QueueError(Exception):
    """An action the ticket's state does not allow; ``message`` says why, for the officer."""

    def __init__(self, message: Message):
        super().__init__(str(message))
        self.message = message


# action -> statuses it may start from
_ALLOWED: dict[str, frozenset[str]] = {
    "call": frozenset({WAITING}),
    "recall": frozenset({CALLED}),
    "start": frozenset({CALLED}),
    "finish": AT_COUNTER,
    "no_show": frozenset({CALLED}),
    "transfer": AT_COUNTER,
}

_REFUSALS: dict[str, str] = {
    "call": N_("Số %(label)s không còn trong hàng chờ."),
    "recall": N_("Chỉ gọi lại được số đang được mời đến quầy."),
    "start": N_("Chỉ bắt đầu phục vụ được số đang được mời đến quầy."),
    "finish": N_("Số %(label)s không còn ở quầy."),
    "no_show": N_("Chỉ đánh dấu vắng mặt được số đã gọi mà chưa đến quầy."),
    "transfer": N_("Chỉ chuyển được số đang ở quầy."),
}


def check(action: str, status: str, label: str = "") -> None:
    """Raise QueueError unless *action* is allowed on a ticket in *status*."""
    if status not in _ALLOWED[action]:
        raise QueueError(msg(_REFUSALS[action], label=label))


def after_no_show(no_shows_before: int) -> str:
    """The status after a no-show: back to waiting once, then missed.

    Back means at the end of the whole queue, behind everyone waiting: a priority ticket
    has had its priority turn (it keeps its reason, for the record), otherwise "Gọi tiếp"
    would call the absent citizen again at once.
    """
    return WAITING if no_shows_before < MAX_REQUEUES else MISSED


# --------------------------------------------------------------------------- call order

PRIORITY_FIRST = "priority"
ARRIVAL = "arrival"
POLICIES = (PRIORITY_FIRST, ARRIVAL)
DEFAULT_POLICY = PRIORITY_FIRST

CALL_TIERS: dict[str, tuple[bool | None, ...]] = {
    PRIORITY_FIRST: (True, False),  # every priority ticket, then the others
    ARRIVAL: (None,),  # one tier: priority makes no difference
}
"""Call order as SQL can read it: each tier (priority = True/False, or None for any) is taken
in order of place in the queue (queued_at, then id); the first non-empty tier gives the next."""


def parse_policy(raw: object) -> str:
    """The call policy for a stored setting, the default when it is missing or unknown."""
    return raw if isinstance(raw, str) and raw in POLICIES else DEFAULT_POLICY


@dataclass(frozen=True)
class Waiting:
    """What the call order needs to know of a waiting ticket."""

    id: int
    group_id: int  # the queue it waits in
    priority: bool
    queued_at: dt.datetime


def sort_key(ticket: Waiting, policy: str) -> tuple:
    """The order in which *policy* calls waiting tickets (smallest first)."""
    place = (ticket.queued_at, ticket.id)
    if policy == PRIORITY_FIRST:
        return (not ticket.priority, *place)
    return place


def choose_next(waiting: Iterable[Waiting], policy: str,
                groups: Iterable[int] | None = None) -> Waiting | None:
    """The ticket to call next among *waiting*, limited to *groups* when given."""
    allowed = None if groups is None else frozenset(groups)
    candidates = [t for t in waiting if allowed is None or t.group_id in allowed]
    return min(candidates, key=lambda t: sort_key(t, policy), default=None)


def people_ahead(ticket: Waiting, waiting: Iterable[Waiting], policy: str) -> int:
    """How many tickets of the same queue will be called before *ticket*."""
    mine = sort_key(ticket, policy)
    return sum(1 for t in waiting
               if t.group_id == ticket.group_id and t.id != ticket.id
               and sort_key(t, policy) < mine)


# --------------------------------------------------------------------------- wait estimate

MIN_SAMPLES = 3
"""Below this many services finished today, the group's configured minutes are used."""
RECENT_SAMPLES = 20
MAX_SERVICE_MINUTES = 240.0  # a ticket left open over lunch says nothing about service time


def service_minutes(durations: Sequence[float], default_minutes: float) -> float:
    """Typical minutes per ticket: the median of today's recent services, else the default.

    *durations* are today's finished services in minutes, oldest first.
    """
    usable = [d for d in durations if 0 < d <= MAX_SERVICE_MINUTES][-RECENT_SAMPLES:]
    if len(usable) < MIN_SAMPLES:
        return float(default_minutes)
    return float(statistics.median(usable))


def estimate_wait(ahead: int, minutes_per_ticket: float, counters: int) -> int:
    """Estimated minutes before a ticket is called, rounded up to 5 ("khoảng 15 phút").

    0 when nobody is ahead; *counters* is how many counters are calling this queue (≥ 1).
    """
    if ahead <= 0:
        return 0
    raw = ahead * max(minutes_per_ticket, 0.5) / max(1, counters)
    return max(5, 5 * math.ceil(raw / 5))


# --------------------------------------------------------------------------- announcements

def announcement(label: str, counter: int | None) -> Message:
    """The call shown and spoken in the hall (glossary wording)."""
    return msg(N_("Mời công dân có số thứ tự %(label)s đến quầy số %(counter)s"),
               label=label, counter=counter if counter is not None else "")


def spoken_label(label: str) -> str:
    """A ticket label as a speech engine should read it: ``"A-015"`` → ``"A, 15"``."""
    prefix, _, number = label.partition("-")
    if not number.isdigit():
        return label
    return f"{prefix}, {int(number)}"
