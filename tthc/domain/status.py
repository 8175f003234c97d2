"""Dossier statuses and the transitions between them.

Codes 1–10 are the DVCQG sync codes (domain.md §1.3); 0 is our own draft state for a
citizen's unsent dossier and is never synced. The transitions are a data table,
:data:`TRANSITIONS`, of exactly what the services do; :func:`transition` is the only way to
move a dossier. The status sets that gate actions (``EDITABLE``, ``WITHDRAWABLE_ONLINE``,
``AT_INTAKE``, ``CORRECTABLE``, ``PROCESSING``) are defined beside it, the first two read off
the table.

The leader's sign-off (trình ký) is a step inside 4, not a status of its own (the codes are
DVCQG's): a dossier awaits a signature while it is in progress and a leader was asked to sign
(:func:`awaiting_signature`); :func:`signoff_transition` adds that condition to the table's.

"Quá hạn" (overdue) is not a status but a flag derived by :func:`is_overdue`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from enum import IntEnum

from tthc.domain.i18n import N_, Message, msg
from tthc.domain.workdays import Calendar


class Status(IntEnum):
    """Dossier status; values are the DVCQG codes."""

    DRAFT = 0
    NEW = 1
    RECEIVED = 2
    REJECTED = 3
    IN_PROGRESS = 4
    SUPPLEMENT = 5
    AWAITING_FEE = 6
    WITHDRAWN = 7
    STOPPED = 8
    RESOLVED = 9
    RETURNED = 10

    @property
    def label(self) -> str:
        """Vietnamese label (msgid), as on DVCQG."""
        return _LABELS[self]

    @property
    def description(self) -> str:
        """Plain Vietnamese explanation for the citizen's timeline (msgid)."""
        return _DESCRIPTIONS[self]

    @property
    def is_terminal(self) -> bool:
        """True if no transition leaves this status."""
        return self in TERMINAL


_LABELS = {
    Status.DRAFT: N_("Bản nháp"),
    Status.NEW: N_("Mới đăng ký"),
    Status.RECEIVED: N_("Được tiếp nhận"),
    Status.REJECTED: N_("Không được tiếp nhận"),
    Status.IN_PROGRESS: N_("Đang xử lý"),
    Status.SUPPLEMENT: N_("Yêu cầu bổ sung giấy tờ"),
    Status.AWAITING_FEE: N_("Yêu cầu thực hiện nghĩa vụ tài chính"),
    Status.WITHDRAWN: N_("Công dân yêu cầu rút hồ sơ"),
    Status.STOPPED: N_("Dừng xử lý"),
    Status.RESOLVED: N_("Đã xử lý xong"),
    Status.RETURNED: N_("Đã trả kết quả"),
}

_DESCRIPTIONS = {
    Status.DRAFT: N_("Hồ sơ đang soạn, chưa gửi đến Bộ phận Một cửa."),
    Status.NEW: N_("Hồ sơ đã gửi, đang chờ cán bộ kiểm tra và tiếp nhận."),
    Status.RECEIVED: N_("Hồ sơ đã được tiếp nhận. Thời hạn giải quyết bắt đầu tính từ lúc này."),
    Status.REJECTED: N_("Hồ sơ không được tiếp nhận. Lý do được ghi trong phiếu từ chối."),
    Status.IN_PROGRESS: N_("Hồ sơ đang được giải quyết."),
    Status.SUPPLEMENT: N_(
        "Hồ sơ cần bổ sung, hoàn thiện. Vui lòng xem các nội dung cần bổ sung và nộp lại"
        " một lần đầy đủ. Thời hạn giải quyết được tính lại từ đầu khi nhận đủ hồ sơ."
    ),
    Status.AWAITING_FEE: N_("Vui lòng nộp phí, lệ phí để hồ sơ được tiếp tục giải quyết."),
    Status.WITHDRAWN: N_("Hồ sơ đã được rút theo yêu cầu của người nộp."),
    Status.STOPPED: N_(
        "Việc giải quyết hồ sơ đã dừng. Lý do được ghi trong thông báo dừng giải quyết."
    ),
    Status.RESOLVED: N_("Hồ sơ đã giải quyết xong, kết quả đã sẵn sàng để trả."),
    Status.RETURNED: N_("Kết quả đã được trả cho người nộp hồ sơ."),
}

CITIZEN = "citizen"
STAFF = "staff"
ACTORS: tuple[str, ...] = (CITIZEN, STAFF)


@dataclass(frozen=True)
class Transition:
    """One allowed move: *actor* may perform *action* on a dossier in *source*."""

    source: Status
    target: Status
    action: str
    actor: str


def _t(source: Status, target: Status, action: str, actor: str) -> Transition:
    return Transition(source, target, action, actor)


S = Status
TRANSITIONS: tuple[Transition, ...] = (
    # Before reception (online or assisted filing).
    _t(S.DRAFT, S.NEW, "submit", CITIZEN),
    _t(S.NEW, S.DRAFT, "reopen", CITIZEN),  # edit again before staff look at it
    _t(S.NEW, S.WITHDRAWN, "withdraw", CITIZEN),
    _t(S.NEW, S.WITHDRAWN, "withdraw", STAFF),  # recorded at the desk on the citizen's request
    _t(S.NEW, S.RECEIVED, "receive", STAFF),  # Form 01, or none if same-day
    _t(S.NEW, S.REJECTED, "reject", STAFF),  # Form 03
    _t(S.NEW, S.SUPPLEMENT, "request_supplement", STAFF),  # Form 02
    # Waiting for the citizen's supplement; the deadline restarts on reception (Art 19(4)).
    _t(S.SUPPLEMENT, S.NEW, "complete_supplement", CITIZEN),
    _t(S.SUPPLEMENT, S.RECEIVED, "receive", STAFF),
    _t(S.SUPPLEMENT, S.WITHDRAWN, "withdraw", CITIZEN),
    _t(S.SUPPLEMENT, S.WITHDRAWN, "withdraw", STAFF),
    # The citizen never brings the supplement back (or asks to stop): the office stops it
    # with the notice of TT 03/2025 (Form 05), as from processing.
    _t(S.SUPPLEMENT, S.STOPPED, "stop", STAFF),
    # From reception on, the citizen withdraws at the counter: the officer records it.
    # Received: the clock runs.
    _t(S.RECEIVED, S.IN_PROGRESS, "start", STAFF),
    _t(S.RECEIVED, S.RESOLVED, "resolve", STAFF),  # same-day result
    _t(S.RECEIVED, S.SUPPLEMENT, "request_supplement", STAFF),  # after appraisal, Art 19(4)
    _t(S.RECEIVED, S.WITHDRAWN, "withdraw", STAFF),
    _t(S.IN_PROGRESS, S.SUPPLEMENT, "request_supplement", STAFF),
    _t(S.IN_PROGRESS, S.AWAITING_FEE, "request_fee", STAFF),
    _t(S.IN_PROGRESS, S.STOPPED, "stop", STAFF),  # 2025 form 05 "Thông báo dừng"
    _t(S.IN_PROGRESS, S.RESOLVED, "resolve", STAFF),
    _t(S.IN_PROGRESS, S.REJECTED, "reject", STAFF),  # refusal after appraisal, Art 19(8)
    _t(S.IN_PROGRESS, S.WITHDRAWN, "withdraw", STAFF),
    # Sign-off (trình ký), inside 4: the officer hands the result to a leader of the office,
    # who approves it, the result document's number and date recorded (9), or sends it back
    # with a reason (still 4). Approving and sending back need a signature to be awaited;
    # "resolve" needs none (see signoff_transition).
    _t(S.IN_PROGRESS, S.IN_PROGRESS, "submit_for_signature", STAFF),
    _t(S.IN_PROGRESS, S.RESOLVED, "approve", STAFF),
    _t(S.IN_PROGRESS, S.IN_PROGRESS, "send_back", STAFF),
    # 6 (fee awaited): the officer asks for the fee and records its payment; meanwhile the
    # citizen may withdraw (asked at the counter, recorded by the officer) or the office may
    # stop processing (Form 05). CORRECTABLE leaves 6 out: nothing is corrected while the
    # office waits for the payment.
    _t(S.AWAITING_FEE, S.IN_PROGRESS, "fee_paid", STAFF),
    _t(S.AWAITING_FEE, S.WITHDRAWN, "withdraw", STAFF),
    _t(S.AWAITING_FEE, S.STOPPED, "stop", STAFF),
    _t(S.RESOLVED, S.RETURNED, "return_result", STAFF),
)
del S

ACTIONS: tuple[str, ...] = tuple(dict.fromkeys(t.action for t in TRANSITIONS))
"""Every action name, in table order."""

ACTION_LABELS = {
    "submit": N_("Gửi hồ sơ"),
    "reopen": N_("Sửa lại hồ sơ"),
    "withdraw": N_("Rút hồ sơ"),
    "receive": N_("Tiếp nhận"),
    "reject": N_("Từ chối"),
    "request_supplement": N_("Yêu cầu bổ sung"),
    "complete_supplement": N_("Nộp bổ sung"),
    "start": N_("Bắt đầu xử lý"),
    "resolve": N_("Đã xử lý xong"),
    "return_result": N_("Trả kết quả"),
    "stop": N_("Dừng xử lý"),
    "request_fee": N_("Yêu cầu nộp phí, lệ phí"),
    "fee_paid": N_("Đã nộp phí, lệ phí"),
    "submit_for_signature": N_("Trình lãnh đạo ký"),
    "approve": N_("Lãnh đạo ký duyệt kết quả"),
    "send_back": N_("Lãnh đạo trả lại để xử lý tiếp"),
}
"""Vietnamese button labels (msgids) for the actions."""

SAID_BY_STATUS: frozenset[str] = frozenset({
    "submit", "receive", "reject", "request_supplement", "withdraw", "start", "stop",
    "resolve", "return_result", "request_fee"})
"""Actions whose resulting status already says what happened ("Đã xử lý xong" after
"resolve"): a timeline names them once, by the status."""

EVENT_NOTES = {action: label for action, label in ACTION_LABELS.items()
               if action not in SAID_BY_STATUS}
"""The actions a timeline names beside the status they led to (msgids): those that say more
than the status, e.g. "Nộp bổ sung" beside "Mới đăng ký"."""

TERMINAL: frozenset[Status] = frozenset(Status) - {t.source for t in TRANSITIONS}
"""Statuses with no way out: 3, 7, 8 and 10."""

EDITABLE: frozenset[Status] = frozenset(
    t.source for t in TRANSITIONS
    if t.actor == CITIZEN and t.action in ("submit", "complete_supplement"))
"""Statuses in which the citizen may change answers and papers online: those from which
the citizen sends the dossier (a draft, or a dossier waiting for a supplement)."""

WITHDRAWABLE_ONLINE: frozenset[Status] = frozenset(
    t.source for t in TRANSITIONS if t.actor == CITIZEN and t.action == "withdraw")
"""Statuses in which the citizen may withdraw online: before the office receives the
dossier. Later the citizen asks at the counter and the officer records it."""

AT_INTAKE: frozenset[Status] = frozenset({Status.DRAFT, Status.NEW, Status.SUPPLEMENT})
"""Statuses in which the desk checks the papers and decides on reception (Decree 61/2018
Art 17, with Art 15(3) for a supplement): receive (Form 01, or no slip for a same-day
result, Art 17(4)), ask once for a supplement (Form 02) or refuse (Form 03). A draft is
first sent by the citizen through the officer (0 → 1); a dossier waiting for a supplement
is received when the citizen brings it complete to the counter."""

CORRECTABLE: frozenset[Status] = AT_INTAKE | {Status.RECEIVED, Status.IN_PROGRESS}
"""Statuses in which the desk may still correct the answers, the procedure and the channel:
from reception (Art 17) through processing (Art 19), as long as a result is still owed.
Once the result is ready (9, Art 20) or the dossier has ended (3, 7, 8, 10) the record
stands; 6 (fee awaited) is not reached at the desk yet and is left out."""

PROCESSING: frozenset[Status] = frozenset({Status.RECEIVED, Status.IN_PROGRESS})
"""A received dossier being processed: hand-overs, sign-off, the result, a new date (Form 04)."""

HANDLED: frozenset[Status] = PROCESSING | {Status.AWAITING_FEE}
"""A dossier its officer holds, for the work lists: being processed, or waiting for the fee
(it comes back to processing when paid)."""

SIGNOFF_ONLY: frozenset[str] = frozenset({"approve", "send_back"})
"""The leader's answers: only while a signature is awaited."""

NOT_WHILE_SIGNING: frozenset[str] = frozenset({"resolve", "request_fee"})
"""What the officer cannot do while the leader holds the result for signature."""

_BY_KEY: dict[tuple[Status, str, str], Transition] = {}
for _tr in TRANSITIONS:
    if (_tr.source, _tr.action, _tr.actor) in _BY_KEY:
        raise AssertionError(f"duplicate transition {_tr}")
    _BY_KEY[(_tr.source, _tr.action, _tr.actor)] = _tr
del _tr


class IllegalTransition(Exception):
    """A status change the table does not allow; ``message`` is for the user."""

    def __init__(self, message: Message, *, current: Status, action: str, actor: str) -> None:
        super().__init__(str(message))
        self.message = message
        self.current = current
        self.action = action
        self.actor = actor


def find_transition(current: Status, action: str, actor: str) -> Transition | None:
    """The table row for *actor* doing *action* in *current*, if any."""
    return _BY_KEY.get((Status(current), action, actor))


def transition(current: Status, action: str, actor: str) -> Status:
    """The status after *actor* performs *action*; raises IllegalTransition if not allowed."""
    found = find_transition(current, action, actor)
    if found is None:
        current = Status(current)
        raise IllegalTransition(
            msg(
                N_("Không thể thực hiện thao tác “%(action)s” khi hồ sơ đang “%(status)s”."),
                action=ACTION_LABELS.get(action, action),
                status=current.label,
            ),
            current=current,
            action=action,
            actor=actor,
        )
    return found.target


def allowed_actions(current: Status, actor: str) -> tuple[str, ...]:
    """Actions *actor* may perform in *current*, in table order."""
    current = Status(current)
    return tuple(t.action for t in TRANSITIONS if t.source == current and t.actor == actor)


def awaiting_signature(current: Status, signer_id: int | None) -> bool:
    """True while a leader (*signer_id*) was asked to sign a dossier still in progress."""
    return Status(current) == Status.IN_PROGRESS and signer_id is not None


def signoff_transition(current: Status, action: str, *, awaiting: bool) -> Status:
    """:func:`transition` for staff, with the sign-off's condition: approving and sending
    back need a signature to be awaited, resolving needs none; IllegalTransition otherwise."""
    target = transition(current, action, STAFF)
    if action in SIGNOFF_ONLY and not awaiting:
        raise IllegalTransition(
            msg(N_("Hồ sơ không còn chờ ký: đã được ký duyệt, trả lại hoặc chuyển cho cán bộ "
                   "khác. Tình trạng hiện tại của hồ sơ ở dưới đây.")),
            current=Status(current), action=action, actor=STAFF)
    if action in NOT_WHILE_SIGNING and awaiting:
        raise IllegalTransition(
            msg(N_("Hồ sơ đang chờ lãnh đạo ký: chờ lãnh đạo ký duyệt hoặc trả lại.")),
            current=Status(current), action=action, actor=STAFF)
    return target


NOT_OVERDUE: frozenset[Status] = frozenset(
    {
        Status.DRAFT,
        Status.SUPPLEMENT,  # the citizen holds the dossier; the deadline restarts on return
        Status.REJECTED,
        Status.WITHDRAWN,
        Status.STOPPED,
        Status.RESOLVED,
        Status.RETURNED,
    }
)
"""Statuses in which a dossier is never flagged overdue: no result is owed, or not yet.

domain.md §1.3 names only 9 and 10; the terminal statuses 3, 7 and 8 end processing too
(§1.4 takes their time as the end), and during 5 the legal deadline is reset (Art 19(4)).
"""


def is_overdue(
    status: Status,
    due: datetime | None,
    now: datetime,
    *,
    exempt: Collection[Status] = NOT_OVERDUE,
) -> bool:
    """Quá hạn: *now* is past *due* and the dossier is in a status that still owes a result."""
    if due is None or Status(status) in exempt:
        return False
    return now > due


# --------------------------------------------------------------------------- supplement notice

# The number of working days and its citation are the framework version's (the rule
# ``supplement_after_appraisal`` of tthc/data/frameworks.toml: 3, Decree 61/2018 Art 19(4),
# carried over into Decree 118/2025 until its text is read); the desk passes them in.


def supplement_notice_last_day(received: date, calendar: Calendar, working_days: int) -> date:
    """The last day a supplement may be asked for after appraisal: the *working_days*-th
    working day after the day of reception (a period in days starts the day after the
    event, domain.md §12 item 1; a dossier received on a day off counts as received on the
    next working day, as in §12's hand counts); the whole of that day counts."""
    if not calendar.is_working_day(received):
        received = calendar.next_working_day(received)
    return calendar.add_working_days(received, working_days)


def supplement_notice_problem(received: date, today: date, calendar: Calendar, *,
                              working_days: int, basis: str) -> Message | None:
    """Why a supplement can no longer be asked for after appraisal on *today*, or None;
    *basis* is the rule's citation as printed (the framework version's)."""
    last = supplement_notice_last_day(received, calendar, working_days)
    if today <= last:
        return None
    return msg(N_("Đã quá %(days)d ngày làm việc kể từ ngày tiếp nhận hồ sơ (%(received)s; hạn "
                  "cuối là %(last)s): không được yêu cầu bổ sung nữa (%(basis)s). Giải quyết hồ "
                  "sơ theo giấy tờ đã có, hoặc từ chối giải quyết có nêu rõ lý do."),
               days=working_days, received=received.strftime("%d/%m/%Y"),
               last=last.strftime("%d/%m/%Y"), basis=basis)
