"""Deadline decisions at the desk: same day or a slip, extended time, the one reschedule.

Two clocks are kept apart on purpose (domain.md §11.7): the legal due date restarts from
zero when a supplemented dossier arrives complete (Decree 61/2018 Art 19(4)), while the
Decision 766 on-time measure keeps the first reception and subtracts the citizen's waiting
in working days (:mod:`tthc.domain.metrics`, the one rule for the desk and the reports).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .i18n import N_, Message, msg
from .workdays import VN_TZ, DEFAULT_HOURS, Calendar, CountingRule, OfficeHours, due_at


@dataclass(frozen=True)
class IntakeDecision:
    """What the desk can promise for a dossier received at *received_at*."""

    same_day: bool  # result today, no appointment slip needed (Art 17(4))
    due: datetime  # the legal due date and hour
    after_cutoff: bool  # received after the cut-off (15:00 by default) or on a day off
    warning: Message | None = None
    extension_days: int = 0  # working days granted at reception on top of the legal time


def decide(received_at: datetime, statutory_days: int, calendar: Calendar,
           hours: OfficeHours = DEFAULT_HOURS, *, rule: CountingRule, extension_days: int = 0,
           monday_same_day: bool = False, keep_same_day_promise: bool = False,
           cutoff_basis: str = "") -> IntakeDecision:
    """Decide between same-day handling and an appointment, and the due date.

    A same-day procedure received before the cut-off is due today at closing time. After
    the cut-off the law allows the next working day; the officer may still keep the
    Monday promise (``keep_same_day_promise``), which goes beyond the law.

    *extension_days* is the extra time the officer granted at reception for a reason the
    procedure's data allows (e.g. +2 for certified copies of many pages, +5 for a marriage
    needing verification); the caller checks it is allowed. The limit is then
    ``statutory_days + extension_days`` counted by *rule*, the dossier gets a slip with
    that date, and it is never a same-day dossier (so never overdue at closing time).
    *cutoff_basis* is the cut-off rule's citation (the framework version's), quoted in the
    warning.
    """
    if extension_days < 0:
        raise ValueError("extension_days must be zero or positive")
    local = received_at.astimezone(hours.tz)
    after_cutoff = local.time() > hours.cutoff or not calendar.is_working_day(local.date())
    days = statutory_days + extension_days
    legal_due = due_at(received_at, days, calendar, hours, rule=rule)
    if days > 0:
        return IntakeDecision(False, legal_due, after_cutoff, None, extension_days)
    if not after_cutoff:
        return IntakeDecision(True, legal_due, False)
    if cutoff_basis:  # the cut-off rule's citation, from the framework version
        warning = msg(N_("Đã quá %(cutoff)s: theo quy định (%(basis)s), hồ sơ được giải quyết "
                         "trong ngày làm việc tiếp theo. Có thể vẫn giải quyết ngay hôm nay nếu "
                         "kịp."), cutoff=hours.cutoff.strftime("%H:%M"), basis=cutoff_basis)
    else:
        warning = msg(N_("Đã quá %(cutoff)s: theo quy định, hồ sơ được giải quyết trong ngày làm "
                         "việc tiếp theo. Có thể vẫn giải quyết ngay hôm nay nếu kịp."),
                      cutoff=hours.cutoff.strftime("%H:%M"))
    if keep_same_day_promise and monday_same_day and calendar.is_working_day(local.date()):
        closing = hours.closing(local.date(), calendar)
        today_close = local.replace(hour=closing.hour, minute=closing.minute,
                                    second=0, microsecond=0)
        return IntakeDecision(True, max(today_close, local), True, warning)
    return IntakeDecision(False, legal_due, True, warning)


def restart_after_supplement(complete_at: datetime, statutory_days: int, calendar: Calendar,
                             hours: OfficeHours = DEFAULT_HOURS, *, rule: CountingRule,
                             extension_days: int = 0) -> datetime:
    """The legal due date once the complete dossier arrives: the whole legal time (with the
    extension granted at reception) counted again from *complete_at* (Art 19(4))."""
    if extension_days < 0:
        raise ValueError("extension_days must be zero or positive")
    return due_at(complete_at, statutory_days + extension_days, calendar, hours, rule=rule)


class RescheduleRefused(Exception):
    def __init__(self, message: Message):
        self.message = message
        super().__init__(str(message))


def check_reschedule(due: datetime, new_due: datetime, now: datetime, *, done: int,
                     days_before: int, times: int, basis: str) -> None:
    """Form 04 (apology and new date) is allowed at most *times* times, until the end of the
    day *days_before* days before the due date; the numbers and their citation (*basis*) are
    the framework version's ``apology`` rule (Decree 61/2018 Art 19(9): "chậm nhất 01 ngày
    trước ngày hết hạn … không quá một lần", 1 and 1).

    *done* is how many times the dossier was rescheduled already. Days are local days
    (Asia/Ho_Chi_Minh) and calendar days, as the article counts them: due on the 10th with
    1 day before, the letter may go out until 23:59:59 on the 9th, whatever the due hour
    (domain.md §12 item 3). Raises RescheduleRefused with the reason otherwise.
    """
    if done >= times:
        raise RescheduleRefused(msg(N_("Hồ sơ đã được hẹn lại %(done)d lần, bằng số lần tối đa "
                                       "được phép (%(basis)s); không được hẹn lại thêm."),
                                    done=done, basis=basis))
    last = due.astimezone(VN_TZ).date() - timedelta(days=days_before)
    if now.astimezone(VN_TZ).date() > last:
        raise RescheduleRefused(msg(N_("Phải gửi văn bản xin lỗi và hẹn lại chậm nhất %(days)02d "
                                       "ngày trước ngày hết hạn, tức là hết ngày %(last)s "
                                       "(%(basis)s)."),
                                    days=days_before, last=last.strftime("%d/%m/%Y"),
                                    basis=basis))
    if new_due <= due:
        raise RescheduleRefused(msg(N_("Ngày hẹn mới phải sau ngày hẹn cũ.")))
