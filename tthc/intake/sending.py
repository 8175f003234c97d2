"""Sending a dossier to the office, and the citizen's other status changes.

The transition table (``tthc.domain.status``) decides every move; each change here runs
in the one serialised write (``tthc.transactions``) on the dossier as it is now, so that a
citizen's click and an officer's decision never both apply.
"""

from __future__ import annotations

import datetime as dt

from ..catalogue import services as catalogue_services
from ..domain.completeness import CompletenessReport
from ..domain.catalogue import Procedure
from ..domain.i18n import N_, msg
from ..domain.status import (CITIZEN, WITHDRAWABLE_ONLINE, IllegalTransition, Status,
                             allowed_actions, transition)
from .. import offices
from ..domain.workdays import Calendar
from ..extensions import db
from ..models import Dossier, DossierEvent
from ..models.dossier import utcnow
from ..timeutil import now
from ..transactions import serialised
from .drafts import assess_dossier


def change_status(dossier: Dossier, action: str, actor: str, *, staff=None,
                  note: str = "") -> DossierEvent:
    """Move *dossier* by *action* (the transition table decides) and record the event.

    Raises ``tthc.domain.status.IllegalTransition`` when the table does not allow it. The
    caller commits. *staff* is the Staff member acting, if any (the desk reuses this).
    """
    source = Status(dossier.status)
    target = transition(source, action, actor)
    dossier.status = int(target)
    event = DossierEvent(actor=actor, action=action, source=int(source), target=int(target),
                         staff_id=getattr(staff, "id", None), note=note)
    dossier.events.append(event)
    return event


def _as_now(dossier: Dossier) -> None:
    """Read the dossier again inside the serialised write, locked on PostgreSQL."""
    # OF dossier: the row is locked, not its files (joined in; PostgreSQL refuses to lock
    # the nullable side of an outer join).
    db.session.refresh(dossier, with_for_update={"of": Dossier})


class Incomplete(Exception):
    """Submit refused: the report still has gaps."""

    def __init__(self, report: CompletenessReport):
        super().__init__("dossier incomplete")
        self.report = report


def submit(dossier: Dossier) -> CompletenessReport:
    """Send a complete draft (or a complete supplement) to the office: status 1, channel online.

    The server's own assessment decides; raises Incomplete when anything is missing, and
    IllegalTransition when the dossier is no longer the citizen's to send.
    """
    with serialised():
        _as_now(dossier)
        refresh_version(dossier)
        report = assess_dossier(dossier)
        if not report.complete:
            raise Incomplete(report)
        action = "complete_supplement" if Status(dossier.status) == Status.SUPPLEMENT \
            else "submit"
        change_status(dossier, action, CITIZEN)
        dossier.channel = 2
        dossier.submitted_at = utcnow()
        dossier.fee_estimate = report.fee.total if report.fee and not report.fee.unknown \
            else None
    return report


def _as_seen(dossier: Dossier, action: str, seen: int | None) -> None:
    """Compare-and-set: go on only if the dossier is still in the status the page showed.

    Inside the serialised write, after ``_as_now``. The table's own refusal comes first
    (it says why: received, withdrawn…); a move still allowed from a status the citizen
    never saw (the desk asked for a supplement meanwhile) is refused as well, so that what
    the citizen clicked is what happens. *seen* None (a page without it) counts as changed.
    """
    current = Status(dossier.status)
    transition(current, action, CITIZEN)
    if seen != int(current):
        raise IllegalTransition(
            msg(N_("Hồ sơ vừa thay đổi trạng thái nên thao tác chưa được thực hiện. Trang "
                   "dưới đây là hồ sơ như hiện nay; xem lại rồi chọn lại nếu vẫn cần.")),
            current=current, action=action, actor=CITIZEN)


def reopen(dossier: Dossier, seen: int | None) -> None:
    """Edit a submitted dossier again before the office receives it (status 1 → draft).

    *seen* is the status the citizen's page showed (compare-and-set, see ``_as_seen``).
    """
    with serialised():
        _as_now(dossier)
        _as_seen(dossier, "reopen", seen)
        change_status(dossier, "reopen", CITIZEN)


def withdraw(dossier: Dossier, seen: int | None, note: str = "") -> None:
    """The citizen withdraws the dossier (status 7), online only before reception.

    *seen* is the status the citizen's page showed (compare-and-set, see ``_as_seen``).
    """
    with serialised():
        _as_now(dossier)
        if Status(dossier.status) not in WITHDRAWABLE_ONLINE:
            raise IllegalTransition(
                msg(N_("Hồ sơ đã được tiếp nhận: để rút hồ sơ, vui lòng liên hệ Bộ phận Một "
                       "cửa.")),
                current=Status(dossier.status), action="withdraw", actor=CITIZEN)
        _as_seen(dossier, "withdraw", seen)
        change_status(dossier, "withdraw", CITIZEN, note=note)


def citizen_actions(dossier: Dossier) -> tuple[str, ...]:
    """What the citizen can do online now from the status page: reopen, withdraw."""
    return tuple(a for a in allowed_actions(Status(dossier.status), CITIZEN)
                 if a in ("reopen", "withdraw"))


def refresh_version(dossier: Dossier) -> bool:
    """Until reception, a draft follows the procedure version in force (the law may change);
    True when it changed (the caller commits)."""
    if Status(dossier.status) not in (Status.DRAFT, Status.NEW):
        return False
    code = dossier.procedure_version.procedure.code
    current = catalogue_services.get_in_force(code)
    if current is not None and current.id != dossier.procedure_version_id:
        dossier.procedure_version = current
        return True
    return False


def follow_the_law_in_force(dossier: Dossier) -> None:
    """A draft not yet sent shows, checks and saves under the version in force today, not the
    one it was started under: stored at once, so that every page and the sending agree."""
    if Status(dossier.status) == Status.DRAFT and refresh_version(dossier):
        db.session.commit()


# --- what to tell the citizen ---------------------------------------------------------------




def next_monday(procedure: Procedure, at: dt.datetime | None = None) -> dt.date | None:
    """The next Monday the office works on, for a same-day procedure, else None.

    Today counts when it is such a Monday and the cut-off has not passed.
    """
    if not procedure.monday_same_day:
        return None
    at = at or now()
    day = at.date()
    hour, minute = (int(x) for x in procedure.cutoff.split(":"))
    if day.weekday() == 0 and at.time() >= dt.time(hour, minute):
        day += dt.timedelta(days=1)
    try:
        calendar = offices.calendar()
    except (OSError, ValueError):
        calendar = Calendar()
    for _ in range(60):
        if day.weekday() == 0 and calendar.is_working_day(day):
            return day
        day += dt.timedelta(days=1)
    return None
