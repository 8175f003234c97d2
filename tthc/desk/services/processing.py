"""Processing after reception: hand-overs between officers, the result, stopping, and the
one new date (tthc.desk.services says how the modules share the work; the leader's sign-off
is ``services.signoff``)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select

from ...domain import reception
from ...domain.deadlines import RescheduleRefused, check_reschedule
from ...domain.i18n import N_, msg
from ...domain.status import STAFF, Status, awaiting_signature, signoff_transition
from ...extensions import db
from ...intake import services as intake
from ...models import Dossier, DossierEvent, Staff
from ...transactions import serialised
from .. import formsets, services
from ..services import DeskRefusal, locked

#: Events that move a dossier between officers, each a row of Form 05 (the note says from
#: whom, to whom: ``handover_of``): hand-overs, and the sign-off's hand-over and send-back.
HANDOVERS = ("handover", "submit_for_signature", "send_back")
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

    Only where the dossier's set of forms has that notice; the transition table allows it
    from "in progress" only.
    """
    with serialised() as session:
        dossier = locked(session, dossier_id)
        if formsets.stop_notice(dossier) is None:
            raise DeskRefusal(msg(N_("Bộ biểu mẫu của hồ sơ này không có thông báo dừng giải "
                                     "quyết hồ sơ.")))
        intake.change_status(dossier, "stop", STAFF, staff=staff, note=reason[:500])
    return dossier


def reschedule(dossier_id: int, staff: Staff, new_due: dt.datetime, reason: str) -> Dossier:
    """Apologise and set a new date (Form 04), once, at least one day before the due date.

    The new date becomes the due date; the first one is kept in ``original_due_at``.
    """
    problem = reception.new_due_problem(new_due, services.calendar())
    if problem is not None:
        raise DeskRefusal(problem, 422, "ngay")
    with serialised() as session:
        dossier = locked(session, dossier_id)
        if Status(dossier.status) not in services.PROCESSING or dossier.due_at is None:
            raise DeskRefusal(msg(N_("Chỉ hẹn lại được hồ sơ đang giải quyết.")))
        due = dossier.due_at
        try:
            check_reschedule(due, new_due, services.now(),
                             already_rescheduled=dossier.rescheduled)
        except RescheduleRefused as refused:
            raise DeskRefusal(refused.message, 409) from None
        dossier.original_due_at = dossier.due_at
        dossier.due_at = new_due
        dossier.rescheduled = True
        status = int(dossier.status)
        dossier.events.append(DossierEvent(actor=STAFF, action="reschedule", source=status,
                                           target=status, staff_id=staff.id, note=reason[:500]))
    return dossier
