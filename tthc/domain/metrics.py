"""The measures of the one-stop desk, as pure formulas: on time (Decision 766), the same
day, first time right, satisfaction, percentiles.

The reports (tthc/reports) count with the database and hand the few per-dossier cases that
need the holiday table to these functions. Every rule here is written down in
``docs/reports.md`` with the hand counts the tests check.

**On time as Decision 766 counts it** (domain.md §1.4, §11.7 item 3, §12 item 2):

* the end of processing is the time the result was ready ("Đã xử lý xong"), else the time
  it was returned, else the time processing was stopped or the dossier refused;
* it is compared with the appointment given at the first reception (``NgayHenTra``); the
  date promised again by Form 04 does not excuse the first one;
* the citizen's supplement wait is subtracted **in working days**: each wait counts the
  working days after the request up to the day the complete dossier came back, and the
  appointment moves by that many working days;
* more than one supplement request after reception is late, whatever the dates;
* a dossier still open at the end of the period is measured then: late if the (moved)
  appointment has passed, otherwise "open, within time";
* without a recorded appointment (a dossier that went back to the citizen had its due date
  restarted) the legal time is counted from the first reception by the office's counting
  rule (:func:`tthc.domain.workdays.due_at`, domain.md §12 item 1).

The desk (the dossier page, the ledger, the control sheet) and the reports build the same
:class:`DossierTimes` from a dossier (:func:`first_appointment`, :func:`supplement_waits`,
:data:`ENDING_ACTIONS`) and measure it here: one rule, one answer everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, tzinfo
from enum import StrEnum

from .i18n import N_
from .status import Status
from .workdays import (DEFAULT_HOURS, Calendar, CountingRule, OfficeHours, Timeliness, due_at,
                       timeliness)


class Measure(StrEnum):
    """Where a dossier stands for the 766 on-time indicator at the end of a period."""

    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"
    OPEN = "open"  # still being processed and within time when the period ended

    @property
    def label(self) -> str:
        """Vietnamese label (msgid)."""
        return _MEASURE_LABELS[self]


_MEASURE_LABELS = {
    Measure.EARLY: N_("Trước hạn"),
    Measure.ON_TIME: N_("Đúng hạn"),
    Measure.LATE: N_("Quá hạn"),
    Measure.OPEN: N_("Đang giải quyết, trong hạn"),
}

_FROM_TIMELINESS = {Timeliness.EARLY: Measure.EARLY, Timeliness.ON_TIME: Measure.ON_TIME,
                    Timeliness.LATE: Measure.LATE}


@dataclass(frozen=True)
class Supplement:
    """One wait for the citizen: the request, and the time the complete dossier came back
    (None while the citizen still holds it)."""

    requested_at: datetime
    completed_at: datetime | None = None


@dataclass(frozen=True)
class DossierTimes:
    """What the 766 measure needs of one received dossier (all datetimes aware)."""

    received_at: datetime
    statutory_days: int  # the legal time, with any extension granted at reception
    appointment: datetime | None = None  # NgayHenTra of the first reception, if recorded
    finished_at: datetime | None = None  # resolved, else returned, else stopped or refused
    supplement_requests: int = 0  # requests after reception (they stop the clock)
    supplements: tuple[Supplement, ...] = field(default_factory=tuple)


def processing_end(resolved_at: datetime | None, returned_at: datetime | None,
                   ended_at: datetime | None = None) -> datetime | None:
    """The end of processing (§1.4): the result ready, else returned, else the time it was
    stopped or refused."""
    for value in (resolved_at, returned_at, ended_at):
        if value is not None:
            return value
    return None


ENDING_ACTIONS = ("stop", "reject")
"""Events that end processing without a result (their time is the last-resort end)."""

_PROCESSING = (int(Status.RECEIVED), int(Status.IN_PROGRESS))


def first_appointment(due_at: datetime | None, original_due_at: datetime | None,
                      rescheduled: bool, supplement_requests: int) -> datetime | None:
    """The appointment of the first reception as the dossier records it: the date before
    a Form 04 reset, else the due date; None once a supplement restarted the legal time
    (the first date is then counted again from the reception)."""
    if supplement_requests:
        return None
    return original_due_at if rescheduled and original_due_at else due_at


def supplement_waits(events: Iterable[tuple[str, int | None, datetime]]
                     ) -> tuple[Supplement, ...]:
    """The waits for the citizen in a dossier's history of (action, source status, time),
    in time order: a supplement requested while the dossier was being processed, until
    the next reception of the complete dossier (a request before the first reception is
    not a wait: the clock had not started)."""
    found: list[Supplement] = []
    asked = None
    for action, source, at in events:
        if action == "request_supplement" and source in _PROCESSING:
            asked = at
        elif action == "receive" and asked is not None:
            found.append(Supplement(asked, at))
            asked = None
    if asked is not None:
        found.append(Supplement(asked, None))
    return tuple(found)


def waited_working_days(supplements: Iterable[Supplement], until: datetime,
                        calendar: Calendar, tz: tzinfo = DEFAULT_HOURS.tz) -> int:
    """Working days the citizen held the dossier, up to *until* (the end, or the period's).

    Each wait counts the working days after the request's day up to and including the
    day the complete dossier came back: asked on Thursday 12/02/2026 and back on Monday
    23/02/2026 (Tết in between) is 2 working days (Friday 13/02 and Monday 23/02).
    """
    total = 0
    for wait in supplements:
        if wait.requested_at > until:
            continue
        back = wait.completed_at if wait.completed_at is not None else until
        back = min(back, until)
        total += max(calendar.working_days_between(wait.requested_at.astimezone(tz).date(),
                                                   back.astimezone(tz).date()), 0)
    return total


def moved_due(due: datetime, days: int, calendar: Calendar,
              tz: tzinfo = DEFAULT_HOURS.tz) -> datetime:
    """*due* moved later by *days* working days, at the same local hour."""
    if days <= 0:
        return due
    local = due.astimezone(tz)
    day = calendar.add_working_days(local.date(), days)
    return datetime.combine(day, local.timetz()).astimezone(due.tzinfo)


def due_by(case: DossierTimes, at: datetime, calendar: Calendar,
           hours: OfficeHours = DEFAULT_HOURS, *, rule: CountingRule) -> datetime:
    """The due date the 766 measure holds the dossier to at *at*: the first appointment
    (or the legal time counted from the first reception by *rule*), moved later by the
    working days the citizen held the dossier up to *at*."""
    due = case.appointment or due_at(case.received_at, case.statutory_days, calendar, hours,
                                     rule=rule)
    return moved_due(due, waited_working_days(case.supplements, at, calendar, hours.tz),
                     calendar, hours.tz)


def measure(case: DossierTimes, at: datetime, calendar: Calendar,
            hours: OfficeHours = DEFAULT_HOURS, *, rule: CountingRule) -> Measure:
    """Early, on time, late, or open within time, as Decision 766 counts it at *at*.

    *at* is the end of the period: a dossier finished after it is measured as open then.
    """
    finished = case.finished_at if case.finished_at is not None and case.finished_at <= at \
        else None
    if case.supplement_requests > 1:
        return Measure.LATE
    due = due_by(case, finished or at, calendar, hours, rule=rule)
    if finished is None:
        return Measure.LATE if at > due else Measure.OPEN
    return _FROM_TIMELINESS[timeliness(finished, due, hours.tz)]


def measure_step(case: DossierTimes, at: datetime, calendar: Calendar,
                 hours: OfficeHours = DEFAULT_HOURS, *, rule: CountingRule) -> Measure:
    """How a step done at *at* stands (Form 05's column): the dossier measured as if it
    ended then, with the supplement requests made by then, so the result's row says what
    the ledger and the 766 figures say."""
    later = sum(1 for wait in case.supplements if wait.requested_at > at)
    return measure(replace(case, finished_at=at,
                           supplement_requests=max(case.supplement_requests - later, 0)),
                   at, calendar, hours, rule=rule)


@dataclass(frozen=True)
class MeasureCounts:
    """How many dossiers stand where, and the share resolved early or on time."""

    early: int = 0
    on_time: int = 0
    late: int = 0
    open: int = 0

    @property
    def measured(self) -> int:
        """Dossiers in the indicator: finished ones and those open but already late."""
        return self.early + self.on_time + self.late

    @property
    def on_time_rate(self) -> float | None:
        """Early or on time, over the measured dossiers (open within time not counted)."""
        return rate(self.early + self.on_time, self.measured)


def count_measures(measures: Iterable[Measure]) -> MeasureCounts:
    counts = {m: 0 for m in Measure}
    for m in measures:
        counts[m] += 1
    return MeasureCounts(counts[Measure.EARLY], counts[Measure.ON_TIME], counts[Measure.LATE],
                         counts[Measure.OPEN])


# --- the same day ----------------------------------------------------------------------------

MONDAY = "monday"
OTHER_DAY = "other"


def same_day_group(received_at: datetime, calendar: Calendar,
                   hours: OfficeHours = DEFAULT_HOURS) -> str | None:
    """"monday" or "other" for a reception that could be finished the same day, else None.

    A reception after the cut-off, or on a day off, may lawfully be finished the next
    working day (Luật Hộ tịch Art 5(3), Decree 23/2015 Art 7): it is left out of the rate
    instead of counting as a broken promise. Days are local days; a Monday is a Monday by
    the calendar, also the first Monday after a holiday (a Tuesday after a Monday holiday
    is an "other" day).
    """
    local = received_at.astimezone(hours.tz)
    if not calendar.is_working_day(local.date()) or local.time() > hours.cutoff:
        return None
    return MONDAY if local.weekday() == 0 else OTHER_DAY


def finished_same_day(received_at: datetime, finished_at: datetime | None,
                      tz: tzinfo = DEFAULT_HOURS.tz) -> bool:
    """The result was ready on the local day of reception."""
    return finished_at is not None and \
        finished_at.astimezone(tz).date() == received_at.astimezone(tz).date()


@dataclass(frozen=True)
class SameDayCounts:
    """Same-day results of the procedures that promise one, Mondays apart."""

    monday: int = 0
    monday_done: int = 0
    other: int = 0
    other_done: int = 0
    after_cutoff: int = 0  # left out of the rates
    after_cutoff_done: int = 0

    @property
    def monday_rate(self) -> float | None:
        return rate(self.monday_done, self.monday)

    @property
    def other_rate(self) -> float | None:
        return rate(self.other_done, self.other)


def count_same_day(cases: Iterable[tuple[datetime, datetime | None]], calendar: Calendar,
                   hours: OfficeHours = DEFAULT_HOURS) -> SameDayCounts:
    """Count (received_at, finished_at) pairs of same-day procedures."""
    n = {"monday": 0, "monday_done": 0, "other": 0, "other_done": 0, "after_cutoff": 0,
         "after_cutoff_done": 0}
    for received, finished in cases:
        group = same_day_group(received, calendar, hours) or "after_cutoff"
        n[group] += 1
        n[group + "_done"] += finished_same_day(received, finished, hours.tz)
    return SameDayCounts(**n)


# --- shares and satisfaction -------------------------------------------------------------------


def rate(part: int, whole: int) -> float | None:
    """*part* over *whole* as a percentage, None when there is nothing to count."""
    if whole <= 0:
        return None
    return 100.0 * part / whole


def satisfaction_766(measured: int, late: int, complained: int) -> float | None:
    """Decision 766 group 5: 100% − (% of dossiers late + % with a complaint or a
    "Không hài lòng" rating), never below 0; None with nothing measured.

    The two shares are added as the formula says, so a late dossier that was also rated
    "Không hài lòng" counts twice.
    """
    if measured <= 0:
        return None
    return max(0.0, 100.0 - 100.0 * late / measured - 100.0 * complained / measured)


SATISFACTION_FULL_MARKS = 90.0
"""At or above this, group 5's satisfaction indicator gets full marks (domain.md §4.1)."""


@dataclass(frozen=True)
class RatingCounts:
    """The one-tap answers: 2 Rất hài lòng, 1 Hài lòng, 0 Không hài lòng."""

    very: int = 0
    satisfied: int = 0
    dissatisfied: int = 0

    @property
    def total(self) -> int:
        return self.very + self.satisfied + self.dissatisfied

    @property
    def satisfied_rate(self) -> float | None:
        """Rất hài lòng or Hài lòng, over every answer."""
        return rate(self.very + self.satisfied, self.total)

    @property
    def score(self) -> float | None:
        """Mean score on the 2/1/0 scale of Circular 01/2018 Art 13."""
        return None if not self.total else (2 * self.very + self.satisfied) / self.total


def rating_counts(by_score: Mapping[int, int]) -> RatingCounts:
    return RatingCounts(by_score.get(2, 0), by_score.get(1, 0), by_score.get(0, 0))


def mean_score(total: int | float | None, answered: int) -> float | None:
    """Mean of an indicator's 2/1/0 answers (sum over the answered count)."""
    if not answered or total is None:
        return None
    return float(total) / answered


# --- percentiles -------------------------------------------------------------------------------


def nearest_rank(p: float, n: int) -> int:
    """The 1-based rank of the *p*-th percentile of *n* sorted values (nearest rank):
    ceil(p·n/100), at least 1. The reports ask the database for the value at this rank."""
    if n <= 0:
        raise ValueError("no values")
    return max(1, math.ceil(p * n / 100))


def percentile(values: Sequence[float], p: float) -> float | None:
    """The *p*-th percentile of *values* by nearest rank; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[nearest_rank(p, len(ordered)) - 1]


def next_working_days(today: date, n: int, calendar: Calendar) -> date:
    """The last of the next *n* working days after *today* (the "due soon" horizon)."""
    return calendar.add_working_days(today, n)
