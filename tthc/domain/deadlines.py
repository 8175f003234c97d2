"""Deadline decisions at the desk: same day or a slip, the one reschedule, the 766 measure.

Two clocks are kept apart on purpose (domain.md §11.7): the legal due date restarts from
zero when a supplemented dossier arrives complete (Decree 61/2018 Art 19(4)), while the
Decision 766 on-time measure keeps the first reception and subtracts the citizen's waiting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .i18n import N_, Message, msg
from .workdays import DEFAULT_HOURS, Calendar, OfficeHours, Timeliness, due_at, timeliness


@dataclass(frozen=True)
class IntakeDecision:
    """What the desk can promise for a dossier received at *received_at*."""

    same_day: bool  # result today, no appointment slip needed (Art 17(4))
    due: datetime  # the legal due date and hour
    after_cutoff: bool  # received after the cut-off (15:00 by default)
    warning: Message | None = None


def decide(received_at: datetime, statutory_days: int, calendar: Calendar,
           hours: OfficeHours = DEFAULT_HOURS, *, monday_same_day: bool = False,
           keep_same_day_promise: bool = False) -> IntakeDecision:
    """Decide between same-day handling and an appointment, and the due date.

    A same-day procedure received before the cut-off is due today at closing time. After
    the cut-off the law allows the next working day; the officer may still keep the
    Monday promise (``keep_same_day_promise``), which goes beyond the law.
    """
    local = received_at.astimezone(hours.tz)
    after_cutoff = local.time() > hours.cutoff or not calendar.is_working_day(local.date())
    legal_due = due_at(received_at, statutory_days, calendar, hours)
    if statutory_days > 0:
        return IntakeDecision(False, legal_due, after_cutoff)
    if not after_cutoff:
        return IntakeDecision(True, legal_due, False)
    warning = msg(N_("Đã quá %(cutoff)s: theo quy định, hồ sơ được giải quyết trong ngày làm "
                     "việc tiếp theo. Có thể vẫn giải quyết ngay hôm nay nếu kịp."),
                  cutoff=hours.cutoff.strftime("%H:%M"))
    if keep_same_day_promise and monday_same_day and calendar.is_working_day(local.date()):
        today_close = local.replace(hour=hours.close.hour, minute=hours.close.minute,
                                    second=0, microsecond=0)
        return IntakeDecision(True, max(today_close, local), True, warning)
    return IntakeDecision(False, legal_due, True, warning)


def restart_after_supplement(complete_at: datetime, statutory_days: int, calendar: Calendar,
                             hours: OfficeHours = DEFAULT_HOURS) -> datetime:
    """The legal due date once the complete dossier arrives: counted again from zero."""
    return due_at(complete_at, statutory_days, calendar, hours)


class RescheduleRefused(Exception):
    def __init__(self, message: Message):
        self.message = message
        super().__init__(str(message))


def check_reschedule(due: datetime, new_due: datetime, now: datetime, *,
                     already_rescheduled: bool) -> None:
    """Form 04 (apology and new date) is allowed once, at least one day before the due date.

    Decree 61/2018 Art 19(9): "chậm nhất 01 ngày trước ngày hết hạn … không quá một lần".
    Raises RescheduleRefused with the reason otherwise.
    """
    if already_rescheduled:
        raise RescheduleRefused(msg(N_("Hồ sơ đã được hẹn lại một lần; không được hẹn lại lần nữa.")))
    if now > due - timedelta(days=1):
        raise RescheduleRefused(msg(N_("Phải gửi văn bản xin lỗi và hẹn lại chậm nhất 01 ngày "
                                       "trước ngày hết hạn.")))
    if new_due <= due:
        raise RescheduleRefused(msg(N_("Ngày hẹn mới phải sau ngày hẹn cũ.")))


def measured_timeliness(finished_at: datetime, due: datetime, *, supplement_wait: timedelta,
                        supplement_count: int) -> Timeliness:
    """On time as Decision 766 counts it: waiting for the citizen is subtracted, and more
    than one supplement request counts as late (domain.md §1.4)."""
    if supplement_count > 1:
        return Timeliness.LATE
    return timeliness(finished_at - supplement_wait, due)
