"""Processing after reception: hand-overs between officers, the fee, the result, stopping,
the one new date, and the rules the desk applies after reception (the 3 working days to ask
for a supplement, one code per dossier). tthc.desk.services says how the modules share the
work; the leader's sign-off is ``services.signoff``."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Callable, Sequence

from sqlalchemy import func, or_, select

from ...domain import reception
from ...domain.codes import portal_code_problem
from ...domain.deadlines import RescheduleRefused, check_reschedule
from ...domain.i18n import N_, Message, msg
from ...domain.status import (STAFF, Status, awaiting_signature, signoff_transition,
                              supplement_notice_problem)
from ...extensions import db
from ...intake import services as intake
from ...models import Dossier, DossierEvent, Staff
from ...transactions import serialised
from .. import formsets, services
from ..services import DeskRefusal, locked

#: Events that move a dossier between officers, each a row of Form 05 (the note says from
#: whom, to whom: ``handover_of``): hand-overs, and the sign-off's hand-over and send-back.
HANDOVERS = ("handover", "submit_for_signature", "send_back")
#: How the desk tells the citizen of a new date (Decree 61/2018 Art 19(9): e-mail, text
#: message, phone, or a social network the authorities allow), as the officer ticks them.
APOLOGY_CHANNELS = {"sms": N_("Tin nhắn SMS"), "zalo": N_("Zalo"), "email": N_("Thư điện tử"),
                    "phone": N_("Gọi điện thoại")}
#: Events that make the result ready (status 9): resolved by the officer, approved by a leader.
RESULTS = ("resolve", "approve")


def colleagues(office_id: int) -> list[Staff]:
    """Active staff of the office who handle dossiers (hand-over targets)."""
    rows = db.session.scalars(select(Staff).where(Staff.office_id == office_id,
                                                  Staff.active.is_(True))
                              .order_by(Staff.full_name))
    return [s for s in rows if s.has_role("reception", "specialist", "leader")]


def hand_over(dossier_id: int, staff: Staff, to: Staff, note: str = "") -> Dossier:
    """Give the dossier to another officer (Form 05's rows: who, to whom, when).

    The first hand-over of a received dossier starts its processing (status 2 → 4). A
    dossier awaiting a leader's signature leaves the leader's tray: the request ends.
    """
    if to.office_id != staff.office_id or not to.active:
        raise DeskRefusal(msg(N_("Chọn một cán bộ của cơ quan.")), 422, "can_bo")
    with serialised() as session:
        dossier = locked(session, dossier_id)
        source = Status(dossier.status)
        if source == Status.RECEIVED:
            intake.change_status(dossier, "start", STAFF, staff=staff)
        elif source != Status.IN_PROGRESS:
            raise DeskRefusal(msg(N_("Chỉ chuyển được hồ sơ đang giải quyết.")))
        giver = dossier.handler_id or dossier.received_by_id or staff.id
        dossier.events.append(DossierEvent(
            actor=STAFF, action="handover", source=int(Status.IN_PROGRESS),
            target=int(Status.IN_PROGRESS), staff_id=staff.id,
            note=json.dumps({"from": giver, "to": to.id, "note": note[:300]})))
        dossier.handler_id = to.id
        dossier.signoff_by_id = None
    return dossier


def handover_of(event: DossierEvent) -> dict[str, Any]:
    """The from/to staff ids and note of a hand-over event."""
    try:
        data = json.loads(event.note or "{}")
    except ValueError:
        data = {}
    return data if isinstance(data, dict) else {}


def resolve(dossier_id: int, staff: Staff) -> Dossier:
    """The result is ready (status 9); on the same day at the counter, or after processing.

    Not while a leader holds the result for signature (the leader approves it then).
    """
    with serialised() as session:
        dossier = locked(session, dossier_id)
        signoff_transition(Status(dossier.status), "resolve",
                           awaiting=awaiting_signature(dossier.status, dossier.signoff_by_id))
        intake.change_status(dossier, "resolve", STAFF, staff=staff)
        dossier.resolved_at = services.now()
        if dossier.handler_id is None:
            dossier.handler_id = staff.id
    return dossier


def stop(dossier_id: int, staff: Staff, reason: str) -> Dossier:
    """Stop processing (status 8) and record why: the notice of TT 03/2025 (Form 05).

    Only where the dossier's set of forms has that notice. The transition table allows it
    in progress, while the fee is awaited, and while a supplement is awaited; from the last
    only for a dossier already received (before reception nothing is being processed: the
    citizen withdraws, or the request lapses).
    """
    with serialised() as session:
        dossier = locked(session, dossier_id)
        if formsets.stop_notice(dossier) is None:
            raise DeskRefusal(msg(N_("Bộ biểu mẫu của hồ sơ này không có thông báo dừng giải "
                                     "quyết hồ sơ.")))
        if Status(dossier.status) == Status.SUPPLEMENT and dossier.received_at is None:
            raise DeskRefusal(msg(N_("Hồ sơ chưa được tiếp nhận nên chưa có việc giải quyết để "
                                     "dừng. Nếu công dân không bổ sung nữa, ghi nhận công dân "
                                     "rút hồ sơ.")))
        intake.change_status(dossier, "stop", STAFF, staff=staff, note=reason[:500])
    return dossier


def request_fee(dossier_id: int, staff: Staff, note: str = "") -> Dossier:
    """Ask the citizen to pay the fee before processing goes on (status 4 → 6)."""
    with serialised() as session:
        dossier = locked(session, dossier_id)
        signoff_transition(Status(dossier.status), "request_fee",
                           awaiting=awaiting_signature(dossier.status, dossier.signoff_by_id))
        intake.change_status(dossier, "request_fee", STAFF, staff=staff, note=note[:300])
    return dossier


def fee_paid(dossier_id: int, staff: Staff) -> Dossier:
    """The fee is paid: processing goes on (status 6 → 4)."""
    with serialised() as session:
        dossier = locked(session, dossier_id)
        intake.change_status(dossier, "fee_paid", STAFF, staff=staff)
    return dossier


def reschedule(dossier_id: int, staff: Staff, new_due: dt.datetime, reason: str,
               told: Sequence[str]) -> Dossier:
    """Apologise and set a new date (Form 04), once, in time (``check_reschedule``).

    The new date becomes the due date; the first one is kept in ``original_due_at``. How the
    citizen was told of it (*told*: keys of APOLOGY_CHANNELS, one or more, Art 19(9)) is kept
    with the event.
    """
    told = [c for c in APOLOGY_CHANNELS if c in set(told)]
    if not told:
        raise DeskRefusal(msg(N_("Chọn cách đã báo ngày hẹn mới cho công dân (ít nhất một).")),
                          422, "bao_tin")
    problem = reception.new_due_problem(new_due, services.calendar())
    if problem is not None:
        raise DeskRefusal(problem, 422, "ngay")
    with serialised() as session:
        dossier = locked(session, dossier_id)
        if Status(dossier.status) not in services.PROCESSING or dossier.due_at is None:
            raise DeskRefusal(msg(N_("Chỉ hẹn lại được hồ sơ đang giải quyết.")))
        due = dossier.due_at
        apology = services.rules(dossier.office_id, dossier).rule("apology")
        done = max(int(bool(dossier.rescheduled)),
                   sum(e.action == "reschedule" for e in dossier.events))
        try:
            check_reschedule(due, new_due, services.now(), done=done,
                             days_before=apology.values["days_before"],
                             times=apology.values["times"], basis=apology.citation)
        except RescheduleRefused as refused:
            raise DeskRefusal(refused.message, 409) from None
        # The first appointment is kept whatever the number of new dates the law allows.
        dossier.original_due_at = dossier.original_due_at or dossier.due_at
        dossier.due_at = new_due
        dossier.rescheduled = True
        status = int(dossier.status)
        dossier.events.append(DossierEvent(actor=STAFF, action="reschedule", source=status,
                                           target=status, staff_id=staff.id, note=reason[:500],
                                           detail={"told": told}))
    return dossier


def told_in(event: DossierEvent | None) -> list[str]:
    """How the citizen was told of a new date (keys of APOLOGY_CHANNELS), from its event."""
    told = (event.detail or {}).get("told") if event is not None else None
    return [c for c in APOLOGY_CHANNELS if isinstance(told, list) and c in told]


def told_of(dossier: Dossier) -> list[str]:
    """How the citizen was told of the dossier's new date (its last reschedule event)."""
    return told_in(next((e for e in reversed(dossier.events) if e.action == "reschedule"),
                        None))


# --- rules after reception ------------------------------------------------------------------


def last_reception(dossier: Dossier) -> dt.datetime | None:
    """When the dossier was last received: after a supplement the legal time restarts from
    the new reception (Art 19(4)), and so do the 3 working days to ask for another."""
    times = [e.at for e in dossier.events if e.action == "receive"]
    if dossier.received_at is not None:
        times.append(dossier.received_at)
    return max(times) if times else None


def supplement_problem(dossier: Dossier) -> Message | None:
    """Why the dossier can no longer be asked to supplement after appraisal (a Message), or
    None: in time, or not received (the check at reception has no such limit)."""
    if Status(dossier.status) not in services.PROCESSING:
        return None
    received = last_reception(dossier)
    if received is None:
        return None
    rule = services.rules(dossier.office_id, dossier).rule("supplement_after_appraisal")
    return supplement_notice_problem(services.local(received).date(),
                                     services.local(services.now()).date(),
                                     services.calendar(),
                                     working_days=rule.values["working_days"],
                                     basis=rule.citation)


def check_supplement_in_time(dossier: Dossier) -> None:
    """Refuse (409) a supplement asked for after appraisal later than the law allows."""
    problem = supplement_problem(dossier)
    if problem is not None:
        raise DeskRefusal(problem, 409)


def code_owner(office_id: int, code: str, dossier_id: int | None = None) -> Dossier | None:
    """Another dossier of the office that already has *code* (as its code or its portal
    code), case aside: a code is one dossier's only."""
    wanted = code.upper()
    return db.session.scalar(select(Dossier).where(
        Dossier.office_id == office_id, Dossier.id != (dossier_id or 0),
        or_(func.upper(Dossier.code) == wanted, func.upper(Dossier.portal_code) == wanted))
        .limit(1))


def check_portal_code(dossier: Dossier | None, office_id: int, portal_code: str) -> None:
    """Refuse (422, beside «ma_dvc») a portal code that would give a dossier a second code,
    or that another dossier of the office already has."""
    if dossier is not None:
        problem = portal_code_problem(dossier.code, dossier.portal_code, portal_code)
        if problem is not None:
            raise DeskRefusal(problem, 422, "ma_dvc")
    if portal_code and code_owner(office_id, portal_code,
                                  dossier.id if dossier is not None else None):
        raise DeskRefusal(msg(N_(
            "Cơ quan đã có hồ sơ mang mã %(code)s. Mở hồ sơ đó bằng ô «Mở hồ sơ» ở trang tiếp "
            "nhận; không ghi một mã cho hai hồ sơ."), code=portal_code), 422, "ma_dvc")


def code_at_reception(dossier: Dossier, new_code: Callable[[], str]) -> str:
    """The dossier's one code at reception: the one it has, else the portal's (assisted
    online filing), else one the office issues now (*new_code()*: its pattern and unit)."""
    if dossier.code:
        return dossier.code
    if dossier.portal_code:
        if code_owner(dossier.office_id, dossier.portal_code, dossier.id) is not None:
            raise DeskRefusal(msg(N_(
                "Mã hồ sơ trên Cổng Dịch vụ công %(code)s đã là mã của một hồ sơ khác của cơ "
                "quan. Kiểm tra lại mã ở «Sửa thủ tục đã chọn nhầm, cách nộp»."),
                code=dossier.portal_code), 409)
        return dossier.portal_code
    return new_code()
