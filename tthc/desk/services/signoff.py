"""The leader's sign-off (trình ký) and each officer's own work (tthc.desk.services says how
the modules share the work).

An officer hands a dossier in progress to a leader of the office for signature; the leader
approves the result, whose document's number and date ("số, ký hiệu văn bản kết quả") are
recorded (status 9), or sends it back to the officer with a reason (still 4). Each of the
three is a status change of the transition table (``tthc.domain.status.signoff_transition``
adds the sign-off's condition) with its event, whose note has the shape of a hand-over
(``processing.handover_of``: Form 05 prints the hand-over for signature and the send-back as
its rows). ``Dossier.signoff_round`` counts the hand-overs for signature: the leader's page
posts the round it showed, and an answer to an older round is refused (409), so that a
leader never signs what was handed over again after the page was opened.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import or_, select

from ...domain.i18n import N_, msg
from ...domain.status import HANDLED, STAFF, Status, awaiting_signature, signoff_transition
from ...extensions import db
from ...intake import services as intake
from ...models import Dossier, Staff
from ...timeutil import TZ
from ...transactions import serialised
from .. import services
from ..services import DeskRefusal, locked

#: How many working days ahead "due soon" looks, today included (domain.md §1.4's lists).
DUE_SOON_DAYS = 2


def leaders(office_id: int) -> list[Staff]:
    """Active leaders of the office: who may be asked to sign."""
    rows = db.session.scalars(select(Staff).where(Staff.office_id == office_id,
                                                  Staff.active.is_(True))
                              .order_by(Staff.full_name))
    return [s for s in rows if s.has_role("leader")]


def awaiting(dossier: Dossier) -> bool:
    """True while a leader was asked to sign the dossier and has not answered."""
    return awaiting_signature(Status(dossier.status), dossier.signoff_by_id)


def _move(dossier: Dossier, action: str, staff: Staff, note: str,
          shown_round: int | None = None) -> None:
    """Change the status by *action* if the table and the sign-off allow it now; for the
    leader's answers, only to the round the leader's page showed."""
    signoff_transition(Status(dossier.status), action, awaiting=awaiting(dossier))
    if action != "submit_for_signature" and shown_round != dossier.signoff_round:
        raise DeskRefusal(msg(N_("Hồ sơ đã được trình ký lại sau khi trang này được mở. Xem lại "
                                 "hồ sơ như hiện tại rồi ký duyệt hoặc trả lại.")))
    intake.change_status(dossier, action, STAFF, staff=staff, note=note)


def _handover_note(giver: int | None, taker: int | None, note: str) -> str:
    return json.dumps({"from": giver, "to": taker, "note": note[:500]}, ensure_ascii=False)


def submit(dossier_id: int, staff: Staff, leader: Staff, note: str = "") -> Dossier:
    """Hand the dossier to *leader* for signature (trình ký); a received one starts (2 → 4).

    Handing it over again (to another leader, say) replaces the request: a new round.
    """
    if leader.office_id != staff.office_id or not leader.active or not leader.has_role("leader"):
        raise DeskRefusal(msg(N_("Chọn lãnh đạo ký duyệt kết quả.")), 422, "lanh_dao")
    with serialised() as session:
        dossier = locked(session, dossier_id)
        if Status(dossier.status) == Status.RECEIVED:
            intake.change_status(dossier, "start", STAFF, staff=staff)
        _move(dossier, "submit_for_signature", staff, _handover_note(staff.id, leader.id, note))
        dossier.handler_id = staff.id  # the officer the leader answers to
        dossier.signoff_by_id = leader.id
        dossier.signoff_round = (dossier.signoff_round or 0) + 1
    return dossier


def approve(dossier_id: int, staff: Staff, shown_round: int | None, number: str,
            date: dt.date) -> Dossier:
    """The leader approves the result (4 → 9): the signed document's number and date."""
    with serialised() as session:
        dossier = locked(session, dossier_id)
        _move(dossier, "approve", staff, f"{number}, {date:%d/%m/%Y}", shown_round)
        at = services.now()
        dossier.result_number, dossier.result_date = number, date
        dossier.signed_by_id, dossier.signed_at = staff.id, at
        dossier.resolved_at = at
        dossier.signoff_by_id = None
    return dossier


def send_back(dossier_id: int, staff: Staff, shown_round: int | None, reason: str) -> Dossier:
    """The leader sends the dossier back to the officer who handed it over, with a reason."""
    with serialised() as session:
        dossier = locked(session, dossier_id)
        _move(dossier, "send_back", staff, _handover_note(staff.id, dossier.handler_id, reason),
              shown_round)
        dossier.signoff_by_id = None
    return dossier


# --- the officer's own work (the start page of specialists and leaders) ----------------------


@dataclass(frozen=True)
class MyWork:
    to_sign: list[Dossier]  # awaiting this leader's signature
    mine: list[Dossier]  # in progress with this officer as the handler
    due_soon: list[Dossier]  # of both, due by the end of the next DUE_SOON_DAYS working days
    overdue: list[Dossier]  # of both, past their due date


def due_soon_end(today: dt.date) -> dt.datetime:
    """The end of the window "due soon": the close of the last of the working days counted
    (today, if it is one, and the next ones), as midnight local time after it."""
    calendar = services.calendar()
    first = today if calendar.is_working_day(today) else calendar.next_working_day(today)
    last = calendar.add_working_days(first, DUE_SOON_DAYS - 1)
    return dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=TZ)


def my_work(staff: Staff, limit: int = 50) -> MyWork:
    """What this officer has to do: to sign (leaders), to handle, due soon, overdue."""
    now = services.now()
    processing = Dossier.status.in_([int(s) for s in HANDLED])  # the fee awaited too
    to_sign = (Dossier.signoff_by_id == staff.id) & (Dossier.status == int(Status.IN_PROGRESS))
    handled = (Dossier.handler_id == staff.id) & processing

    def rows(*conditions):
        return list(db.session.scalars(
            select(Dossier).where(Dossier.office_id == staff.office_id, *conditions)
            .order_by(Dossier.due_at.is_(None), Dossier.due_at, Dossier.id).limit(limit)))

    mine_or_to_sign = or_(to_sign, handled)
    return MyWork(
        to_sign=rows(to_sign) if staff.has_role("leader") else [],
        mine=rows(handled),
        due_soon=rows(mine_or_to_sign, Dossier.due_at >= now,
                      Dossier.due_at < due_soon_end(services.today())),
        overdue=rows(mine_or_to_sign, Dossier.due_at < now),
    )
