"""Reception and the decisions at it: walk-ins, answers typed or corrected at the desk, the
procedure and channel, the verdict on each paper, then receive, ask to supplement, refuse
or record a withdrawal (tthc.desk.services says how the modules share the work).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Mapping

from flask_babel import force_locale

from ...catalogue import services as catalogue_services
from ...domain import reception
from ...domain.codes import format_dossier_code
from ...domain.i18n import N_, Message, msg
from ...domain.status import CITIZEN, STAFF, Status
from ...extensions import db
from ...i18n import render_message
from ...intake import services as intake
from ...models import Dossier, DossierEvent, Office, ProcedureVersion, Staff
from ...queue import services as queue
from ...timeutil import TZ
from ...transactions import serialised
from .. import services
from ..services import DeskRefusal, locked

CODE_COUNTER = "dossier"  # Counter name of the daily sequence in dossier codes


# --- walk-ins and assisted filing -------------------------------------------------------------


def start_walk_in(version: ProcedureVersion, office: Office, staff: Staff, *, channel: int,
                  portal_code: str = "") -> Dossier:
    """A dossier the officer files for a citizen who did not pre-file, or on their behalf.

    The same draft as on a phone (the catalogue's form and rules), then sent at once by the
    citizen through the officer: channel 1 at the counter, 3 by post, or 2 when the officer
    also files it on the national portal for the citizen (assisted; its code is kept).
    """
    if channel not in services.CHANNELS:
        raise ValueError(channel)
    services.processing.check_portal_code(None, office.id, portal_code if channel == 2 else "")
    dossier, _token = intake.create_draft(version, office, None)  # nobody keeps the link
    dossier.channel = channel
    dossier.assisted = channel == 2
    dossier.assisted_by_id = staff.id if channel == 2 else None
    dossier.portal_code = portal_code if channel == 2 else ""
    return submit_for_citizen(dossier.id, staff)


def submit_for_citizen(dossier_id: int, staff: Staff) -> Dossier:
    """Send a draft on the citizen's behalf, at the counter (status 0 → 1).

    :raise IllegalTransition: it was sent already (by the citizen, or another officer)
    """
    with serialised() as session:
        dossier = locked(session, dossier_id)
        intake.change_status(dossier, "submit", CITIZEN, staff=staff,
                             note="assisted" if dossier.assisted else "desk")
        if dossier.channel == 2 and not dossier.assisted:
            dossier.channel = 1  # a pre-filed draft handed over at the counter
        dossier.submitted_at = services.now()
    return dossier


# --- the answers and the papers -------------------------------------------------------------


def changed_fields(dossier: Dossier, answers: Mapping[str, str]) -> list[str]:
    """Names of the fields whose answer differs from the stored one (never the values).

    An empty answer and no answer at all are the same: a form posts every field, even those
    nobody has touched yet.
    """
    before = dossier.answers or {}
    return sorted(k for k in set(before) | set(answers)
                  if (before.get(k) or "") != (answers.get(k) or ""))


def save_answers(dossier: Dossier, answers: Mapping[str, str]) -> list[str]:
    """Store corrected answers; the names of the fields that changed (for the access log)."""
    changed = changed_fields(dossier, answers)
    intake.save(dossier, answers, list(dossier.papers_confirmed or []))
    return changed


def change_procedure(dossier: Dossier, version: ProcedureVersion, staff: Staff | None = None
                     ) -> tuple[str, str]:
    """Put a dossier under the right procedure (a mis-chosen one); its answers stay.

    After reception the due date follows the new procedure's legal time, counted from the
    same reception, unless a new date was already promised (Form 04); and the change is an
    event of the dossier's history (both names in the note, both codes in the detail), not
    only a log line.
    """
    old = dossier.procedure_version.procedure.code
    if dossier.received_at is not None:
        status = int(dossier.status)
        dossier.events.append(DossierEvent(
            actor=STAFF, action="change_procedure", source=status, target=status,
            staff_id=getattr(staff, "id", None),
            note=f"{dossier.procedure_version.name_vi} → {version.name_vi}",
            detail={"from": old, "to": version.procedure.code}))
    dossier.procedure_version = version
    if Status(dossier.status) in services.PROCESSING and dossier.received_at \
            and not dossier.rescheduled:
        spec = catalogue_services.spec_of(version)
        kept = spec.extension(dossier.extension_key)  # the same reason, as the new one words it
        dossier.extension_key = kept.key if kept else ""
        dossier.extension_days = kept.working_days if kept else 0
        decision = services.extension.decision(dossier, spec, dossier.extension_days,
                                               keep_promise=dossier.same_day,
                                               at=dossier.received_at)
        dossier.due_at = decision.due
        dossier.same_day = decision.same_day
    db.session.commit()
    return old, version.procedure.code


def set_channel(dossier: Dossier, channel: int, portal_code: str, staff: Staff) -> None:
    if channel not in services.CHANNELS:
        raise ValueError(channel)
    services.processing.check_portal_code(dossier, dossier.office_id,
                                          portal_code if channel == 2 else "")
    dossier.channel = channel
    dossier.portal_code = portal_code if channel == 2 else ""
    if channel == 2 and portal_code and not dossier.assisted:
        dossier.assisted, dossier.assisted_by_id = True, staff.id
    db.session.commit()


def save_checks(dossier: Dossier, checks: Mapping[str, reception.PaperCheck], staff: Staff
                ) -> bool:
    """Store the officer's verdict on each paper (a paper without one is left unchecked);
    whether anything changed (the check is saved as it is ticked: most saves change nothing).
    """
    if reception.read_checks(dossier.paper_checks) == dict(checks):
        return False
    at = services.now().isoformat(timespec="seconds")
    dossier.paper_checks = {key: {"verdict": c.verdict, "note": c.note, "quantity": c.quantity,
                                  "by": staff.id, "at": at} for key, c in checks.items()}
    db.session.commit()
    return True


# --- decisions ------------------------------------------------------------------------------


def receive(dossier_id: int, staff: Staff, *, slip_requested: bool = False,
            keep_promise: bool = False, extension: str = "", return_channel: str = "",
            return_address: str = "", sets: int = 1, seen_sent: str = "") -> Dossier:
    """Receive a complete dossier (status 2): its official code, and same day or a due date.

    The code (office pattern, default ``{unit}-{yymmdd}-{seq:04d}``) is given once, at the
    first reception, from the office's daily sequence. After a supplement the legal time
    restarts from now (Art 19(4)); the 766 measure keeps the first reception and adds the
    citizen's wait instead (domain.md §11.7). *extension* (a key of the version's
    extensions, "" for none) adds its working days and asks for the slip; *return_channel*
    ("" keeps the one chosen when filing) must be one the procedure allows. *seen_sent*: when
    the dossier the officer's page showed was sent (ISO; "" for no check): a dossier reopened,
    changed and sent again since is refused, as its status alone would not tell.

    :raise DeskRefusal: incomplete, or no unit code; IllegalTransition: not receivable now
    """
    with serialised() as session:
        dossier = locked(session, dossier_id)
        sent = dossier.submitted_at.isoformat() if dossier.submitted_at else ""
        if seen_sent and seen_sent != sent:
            raise DeskRefusal(msg(N_(
                "Công dân đã sửa và gửi lại hồ sơ sau khi trang này được mở. Xem lại hồ sơ như "
                "hiện nay rồi mới tiếp nhận.")))
        spec = services.spec_of(dossier)
        report = services.desk_report(dossier, spec)
        if not report.receivable:
            raise DeskRefusal(msg(N_(
                "Hồ sơ chưa đủ hoặc có giấy tờ không hợp lệ (%(n)d mục). Sửa hoặc dùng «Yêu cầu "
                "bổ sung» để hướng dẫn công dân bổ sung một lần, đầy đủ."), n=report.problems))
        granted = spec.extension(extension)
        if extension and granted is None:
            raise DeskRefusal(msg(N_("Thủ tục này không có lý do gia hạn đã chọn.")), 422,
                              "gia_han")
        services.postal.choose(dossier, spec, return_channel, return_address)
        at = services.now()
        decision = services.extension.decision(
            dossier, spec, granted.working_days if granted else 0, keep_promise=keep_promise,
            at=at)
        first = dossier.received_at is None
        services.pin_form_set(dossier, receiving=True)
        intake.change_status(dossier, "receive", STAFF, staff=staff,
                             note="same_day" if decision.same_day else "slip")
        dossier.code = services.processing.code_at_reception(
            dossier, lambda: _new_code(dossier.office_id, at))
        if first:
            dossier.received_at = at
            dossier.received_by_id = staff.id
        elif dossier.supplement_requested_at is not None:
            waited = at - dossier.supplement_requested_at
            dossier.supplement_wait_seconds += max(int(waited.total_seconds()), 0)
            dossier.supplement_requested_at = None
        dossier.due_at = decision.due
        dossier.same_day = decision.same_day
        dossier.extension_key = granted.key if granted else ""
        dossier.extension_days = granted.working_days if granted else 0
        dossier.slip_requested = bool(slip_requested) or not decision.same_day \
            or bool(granted and granted.appointment)
        dossier.sets = sets
    return dossier


def _new_code(office_id: int, at: dt.datetime) -> str:
    office = db.session.get(Office, office_id)
    pattern = services.settings(office_id)["pattern"]
    day = at.astimezone(TZ).date()
    seq = queue.next_value(db.session, office_id, CODE_COUNTER, day)
    try:
        return format_dossier_code(pattern, unit_code=office.unit_code or "", received=day,
                                   seq=seq)
    except ValueError:
        raise DeskRefusal(msg(N_(
            "Chưa cấp được mã hồ sơ: cơ quan chưa khai báo mã đơn vị, hoặc mẫu mã hồ sơ không "
            "hợp lệ. Quản trị viên sửa trong «Cài đặt tiếp nhận».")), 409) from None


@dataclass(frozen=True)
class PostedItem:
    target: str
    label: str
    reason: str


def proposed_items(dossier: Dossier, spec=None) -> list[PostedItem]:
    """Form 02's items as the check found them, in Vietnamese (the slip's language)."""
    spec = spec or services.spec_of(dossier)
    items = reception.supplement_items(spec, services.desk_report(dossier, spec))
    with force_locale("vi"):
        return [PostedItem(i.target, i.label_vi, _sentence(i.label_vi, i.reason))
                for i in items]


def _sentence(label: str, reason: Message) -> str:
    text_ = render_message(reason)
    return text_ if label in text_ else f"«{label}»: {text_}"


def request_supplement(dossier_id: int, staff: Staff, items: list[PostedItem],
                       reason: str) -> Dossier:
    """Ask for a supplement, once and completely (Form 02; status 5).

    The citizen's draft reopens with exactly these targets; papers asked for again must
    be confirmed or sent again, and their verdicts are checked afresh when they arrive.
    A request after reception counts for the 766 measure (its wait is added on return).
    """
    if not items:
        raise DeskRefusal(msg(N_("Ghi ít nhất một nội dung cần bổ sung.")), 422, "items")
    with serialised() as session:
        dossier = locked(session, dossier_id)
        source = Status(dossier.status)
        services.processing.check_supplement_in_time(dossier)  # Art 19(4): 3 working days
        services.pin_form_set(dossier)
        intake.change_status(dossier, "request_supplement", STAFF, staff=staff,
                             note=reason[:500])
        dossier.supplement_items = [{"target": i.target, "label": i.label, "reason": i.reason}
                                    for i in items]
        papers = {i.target.removeprefix("paper:") for i in items if i.target.startswith("paper:")}
        dossier.papers_confirmed = [k for k in dossier.papers_confirmed or [] if k not in papers]
        dossier.paper_checks = {k: v for k, v in (dossier.paper_checks or {}).items()
                                if k not in papers}
        dossier.supplement_requested_at = services.now()
        if source in services.PROCESSING:
            dossier.supplement_count += 1
    return dossier


def refuse(dossier_id: int, staff: Staff, reason: str) -> Dossier:
    """Refuse the dossier with its specific reason (Form 03; status 3)."""
    with serialised() as session:
        dossier = locked(session, dossier_id)
        services.pin_form_set(dossier)
        intake.change_status(dossier, "reject", STAFF, staff=staff)
        dossier.refusal_reason = reason
    return dossier


def withdraw(dossier_id: int, staff: Staff) -> Dossier:
    """Record the citizen's withdrawal asked for at the counter (status 7)."""
    with serialised() as session:
        dossier = locked(session, dossier_id)
        intake.change_status(dossier, "withdraw", STAFF, staff=staff, note="desk")
    return dossier

