"""The desk's work on a dossier: open it, check it, decide, process, return, and the ledger.

Views parse the request and call one function here; the rules are in ``tthc.domain``
(completeness and the officer's verdicts in ``reception``, deadlines in ``deadlines``,
codes in ``codes``, the state machine in ``status``). Every status change goes through
``tthc.intake.services.change_status``, so the citizen's timeline shows it.

These functions take the acting officer as *staff* and commit; the views record each read
and change in the access log (``tthc.auth.log_access``). Nothing here logs answers: they
are personal data (domain.md §7).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator, Mapping
from urllib.parse import parse_qs, urlsplit

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import selectinload

from ..catalogue import services as catalogue_services
from ..domain import reception
from ..domain.codes import DEFAULT_DOSSIER_PATTERN, format_dossier_code, normalise_prefiling_code
from ..domain.deadlines import (IntakeDecision, RescheduleRefused, check_reschedule, decide,
                                measured_timeliness)
from ..domain.i18n import N_, Message, msg
from ..domain.status import CITIZEN, STAFF, Status, is_overdue
from ..domain.text import nfc
from ..domain.workdays import Calendar, OfficeHours, Timeliness, due_at, load_calendar_file
from ..extensions import db
from ..i18n import render_message
from ..intake import services as intake
from ..models import Dossier, DossierEvent, Office, ProcedureVersion, Setting, Staff, Ticket
from ..queue import services as queue
from ..timeutil import TZ, now, today
from . import formsets

CODE_COUNTER = "dossier"  # Counter name of the daily sequence in dossier codes
CHANNELS = {1: N_("Trực tiếp"), 2: N_("Trực tuyến"), 3: N_("Qua bưu chính công ích")}
RETURN_CHANNELS = ("desk", "post", "online")
#: A received dossier being processed (status sets of the check are in tthc.domain.status).
PROCESSING = frozenset({Status.RECEIVED, Status.IN_PROGRESS})
SETTING_KEYS = {"cutoff": "desk.cutoff", "close": "desk.close", "open": "desk.open",
                "pattern": "desk.code_pattern", "form_set": "desk.form_set"}


class DeskRefusal(Exception):
    """The desk cannot do this now; ``message`` says why (a Message or translated text)."""

    def __init__(self, message: Message | str, status: int = 409, field: str = ""):
        super().__init__(str(message))
        self.message = message
        self.status = status
        self.field = field

    @property
    def text(self) -> str:
        return render_message(self.message) if isinstance(self.message, Message) \
            else self.message


class DeskBusy(RuntimeError):
    """The database stayed locked by other writers; pressing again is enough."""


# --- times ----------------------------------------------------------------------------------


def as_utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.timezone.utc)


def aware(value: dt.datetime | None) -> dt.datetime | None:
    """Stored times are UTC; SQLite hands them back without a time zone."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value


def local(value: dt.datetime | None) -> dt.datetime | None:
    value = aware(value)
    return value.astimezone(TZ) if value is not None else None


# --- office configuration -------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def calendar() -> Calendar:
    """The holiday table (tthc/data/holidays.toml), read once per process."""
    return load_calendar_file()


def settings(office_id: int) -> dict[str, str]:
    """The desk's settings of an office: Setting rows over the app's configuration."""
    config = current_app.config
    values = {
        "cutoff": config.get("TTHC_DESK_CUTOFF", "15:00"),
        "close": config.get("TTHC_DESK_CLOSE", "17:00"),
        "open": config.get("TTHC_DESK_OPEN", "07:30"),
        "pattern": config.get("TTHC_DOSSIER_CODE_PATTERN", DEFAULT_DOSSIER_PATTERN),
        "form_set": config.get("TTHC_DESK_FORM_SET") or formsets.all_sets().default,
    }
    keys = {v: k for k, v in SETTING_KEYS.items()}
    for key, value in db.session.execute(
            select(Setting.key, Setting.value).where(Setting.office_id == office_id,
                                                     Setting.key.in_(list(keys)))):
        if isinstance(value, str) and value:
            values[keys[key]] = value
    return values


def parse_hhmm(value: str) -> dt.time | None:
    match = re.fullmatch(r"([01]?\d|2[0-3])[:hg.]([0-5]\d)", (value or "").strip())
    return dt.time(int(match[1]), int(match[2])) if match else None


def hours_from(values: Mapping[str, str]) -> OfficeHours:
    """Office hours from settings; the defaults where a value is unreadable."""
    try:
        return OfficeHours(cutoff=parse_hhmm(values["cutoff"]) or dt.time(15),
                           close=parse_hhmm(values["close"]) or dt.time(17),
                           open=parse_hhmm(values["open"]) or dt.time(7, 30), tz=TZ)
    except ValueError:
        return OfficeHours(tz=TZ)


def office_hours(office_id: int) -> OfficeHours:
    return hours_from(settings(office_id))


def save_settings(office: Office, values: Mapping[str, str], unit_code: str) -> list[str]:
    """Store the desk's settings (already checked by the form) and the unit code; what
    changed, as "key: old → new" (office configuration, no personal data) for the log."""
    before = settings(office.id)
    changes = [f"{key}: {before[name]} → {values[name]}" for name, key in SETTING_KEYS.items()
               if before[name] != values[name]]
    if (office.unit_code or "") != unit_code:
        changes.append(f"office.unit_code: {office.unit_code or ''} → {unit_code}")
    for name, key in SETTING_KEYS.items():
        row = db.session.scalar(select(Setting).filter_by(office_id=office.id, key=key))
        if row is None:
            db.session.add(Setting(office_id=office.id, key=key, value=values[name]))
        else:
            row.value = values[name]
    office.unit_code = unit_code
    db.session.commit()
    return changes


def office_form_set(office_id: int) -> formsets.FormSet:
    """The set of official forms the office uses today (its setting, else the default)."""
    return formsets.for_office(settings(office_id)["form_set"], today())


def pin_form_set(dossier: Dossier) -> None:
    """Record the office's set of official forms on a dossier at the first decision."""
    formsets.pin(dossier, settings(dossier.office_id)["form_set"], today())


# --- finding a dossier ----------------------------------------------------------------------

_TOKEN_IN_URL = re.compile(r"/ho-so/([A-Za-z0-9_-]{20,64})")
_TICKET_IN_URL = re.compile(r"/so/([A-Za-z0-9_-]{20,64})")


def find(raw: str, office_id: int) -> Dossier | None:
    """The office's dossier for what was typed or scanned, or None.

    A QR scanner is a keyboard typing the code or the URL it holds, so this accepts the
    pre-filing code in any spacing, the official code, the draft's link (/ho-so/<token>),
    a look-up link (/tra-cuu?ma=…) and the link of a queue ticket given for the dossier.
    Another office's dossier is "not found", like a mistyped code.
    """
    raw = nfc(raw or "").strip()[:500]
    if not raw:
        return None
    dossier = None
    if "/" in raw:
        token = _TOKEN_IN_URL.search(raw)
        ticket = _TICKET_IN_URL.search(raw)
        code = parse_qs(urlsplit(raw).query).get("ma", [""])[0]
        if token:
            dossier = intake.find_by_token(token[1])
        elif ticket:
            found = queue.ticket_by_token(ticket[1])
            if found is not None and found.dossier_id:
                dossier = db.session.get(Dossier, found.dossier_id)
        elif code:
            return find(code, office_id)
    else:
        dossier = _by_code(raw, office_id)
    return dossier if dossier is not None and dossier.office_id == office_id else None


def _by_code(raw: str, office_id: int) -> Dossier | None:
    prefiling = normalise_prefiling_code(raw)
    if prefiling:
        found = db.session.scalar(select(Dossier).filter_by(prefiling_code=prefiling,
                                                            office_id=office_id))
        if found is not None:
            return found
    official = " ".join(raw.split()).upper()
    if len(official) > 40:
        return None
    return db.session.scalar(select(Dossier).where(Dossier.office_id == office_id,
                                                   func.upper(Dossier.code) == official))


def counter_tickets(staff: Staff) -> list[Ticket]:
    """The tickets called to this officer's counter and not finished (the queue's own list)."""
    return queue.at_counter(staff)


def link_ticket(dossier: Dossier, staff: Staff) -> Ticket | None:
    """Record that the citizen at this officer's counter came for *dossier*.

    Only when exactly one ticket is at the counter and it has no dossier yet: the link is
    then certain. The ticket keeps it for the day's figures and for the next look-up.
    """
    tickets = counter_tickets(staff)
    if len(tickets) != 1 or tickets[0].dossier_id not in (None, dossier.id):
        return None
    ticket = tickets[0]
    if ticket.dossier_id is None:
        ticket.dossier_id = dossier.id
        db.session.commit()
    return ticket


@dataclass(frozen=True)
class Worklists:
    waiting: list[Dossier]  # pre-filed and sent, not yet received
    mine: list[Dossier]  # being processed by this officer
    ready: list[Dossier]  # resolved, result to hand over
    received_today: int


def worklists(staff: Staff, limit: int = 30) -> Worklists:
    office = staff.office_id

    def rows(*conditions, order):
        return list(db.session.scalars(select(Dossier).where(Dossier.office_id == office,
                                                            *conditions)
                                       .order_by(order).limit(limit)))

    start = dt.datetime.combine(today(), dt.time(0), tzinfo=TZ)
    received = db.session.scalar(select(func.count(Dossier.id)).where(
        Dossier.office_id == office, Dossier.received_at >= as_utc(start))) or 0
    return Worklists(
        waiting=rows(Dossier.status.in_([int(Status.NEW), int(Status.SUPPLEMENT)]),
                     order=Dossier.updated_at.desc()),
        mine=rows(Dossier.handler_id == staff.id,
                  Dossier.status.in_([int(s) for s in PROCESSING]), order=Dossier.due_at),
        ready=rows(Dossier.status == int(Status.RESOLVED), order=Dossier.resolved_at),
        received_today=received,
    )


def overdue(dossier: Dossier, at: dt.datetime | None = None) -> bool:
    """Quá hạn, derived from the due date and the status; never stored."""
    return is_overdue(Status(dossier.status), aware(dossier.due_at), at or now())


# --- walk-ins and assisted filing -------------------------------------------------------------


def start_walk_in(version: ProcedureVersion, office: Office, staff: Staff, *, channel: int,
                  portal_code: str = "") -> Dossier:
    """A dossier the officer files for a citizen who did not pre-file, or on their behalf.

    The same draft as on a phone (the catalogue's form and rules), then sent at once by the
    citizen through the officer: channel 1 at the counter, 3 by post, or 2 when the officer
    also files it on the national portal for the citizen (assisted; its code is kept).
    """
    if channel not in CHANNELS:
        raise ValueError(channel)
    dossier, _token = intake.create_draft(version, office, None)  # nobody keeps the link
    dossier.channel = channel
    dossier.assisted = channel == 2
    dossier.assisted_by_id = staff.id if channel == 2 else None
    dossier.portal_code = portal_code if channel == 2 else ""
    submit_for_citizen(dossier, staff)
    return dossier


def submit_for_citizen(dossier: Dossier, staff: Staff) -> None:
    """Send a draft on the citizen's behalf, at the counter (status 0 → 1)."""
    intake.change_status(dossier, "submit", CITIZEN, staff=staff,
                         note="assisted" if dossier.assisted else "desk")
    if dossier.channel == 2 and not dossier.assisted:
        dossier.channel = 1  # a pre-filed draft handed over at the counter
    dossier.submitted_at = now()
    db.session.commit()


# --- the check ------------------------------------------------------------------------------


def spec_of(dossier: Dossier):
    return intake.spec_of(dossier)


def desk_report(dossier: Dossier, spec=None,
                answers: Mapping[str, str] | None = None) -> reception.DeskReport:
    """The dossier as the desk sees it: the domain's rules with the officer's verdicts.

    With *answers* (typed at the desk, not saved yet) they are judged instead of the stored
    ones, by the same rules: the live check and the reception see the same gaps.
    """
    return reception.check(spec or spec_of(dossier),
                           dossier.answers or {} if answers is None else answers,
                           reception.read_checks(dossier.paper_checks), today=today())


def preview(dossier: Dossier, spec=None, *, keep_promise: bool = False,
            at: dt.datetime | None = None) -> IntakeDecision:
    """What receiving the dossier now would promise: same day, or a due date and hour."""
    spec = spec or spec_of(dossier)
    return decide(at or now(), spec.statutory_days, calendar(), office_hours(dossier.office_id),
                  monday_same_day=spec.monday_same_day, keep_same_day_promise=keep_promise)


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


def change_procedure(dossier: Dossier, version: ProcedureVersion) -> tuple[str, str]:
    """Put a dossier under the right procedure (a mis-chosen one); its answers stay.

    After reception the due date follows the new procedure's legal time, counted from the
    same reception, unless a new date was already promised (Form 04).
    """
    old = dossier.procedure_version.procedure.code
    dossier.procedure_version = version
    if Status(dossier.status) in PROCESSING and dossier.received_at and not dossier.rescheduled:
        spec = catalogue_services.spec_of(version)
        decision = decide(aware(dossier.received_at), spec.statutory_days, calendar(),
                          office_hours(dossier.office_id), monday_same_day=spec.monday_same_day,
                          keep_same_day_promise=dossier.same_day)
        dossier.due_at = as_utc(decision.due)
        dossier.same_day = decision.same_day
    db.session.commit()
    return old, version.procedure.code


def set_channel(dossier: Dossier, channel: int, portal_code: str, staff: Staff) -> None:
    if channel not in CHANNELS:
        raise ValueError(channel)
    dossier.channel = channel
    dossier.portal_code = portal_code if channel == 2 else ""
    if channel == 2 and portal_code and not dossier.assisted:
        dossier.assisted, dossier.assisted_by_id = True, staff.id
    db.session.commit()


def save_checks(dossier: Dossier, checks: Mapping[str, reception.PaperCheck], staff: Staff
                ) -> None:
    """Store the officer's verdict on each paper (a paper without one is left unchecked)."""
    at = as_utc(now()).isoformat(timespec="seconds")
    dossier.paper_checks = {key: {"verdict": c.verdict, "note": c.note, "quantity": c.quantity,
                                  "by": staff.id, "at": at} for key, c in checks.items()}
    db.session.commit()


# --- decisions ------------------------------------------------------------------------------


@contextmanager
def exclusive(dossier_id: int, attempts: int = 5) -> Iterator[Dossier]:
    """One write transaction on the dossier, serialised with every other desk decision.

    The code's daily sequence and the status change must not interleave with another
    officer's: SQLite takes the write lock first (BEGIN IMMEDIATE, as the queue's
    ``locked()``), PostgreSQL locks the dossier's row (FOR UPDATE) and the counter's row
    (``queue.next_value``). The dossier is read again inside the transaction.
    """
    db.session.commit()  # whatever the request has read so far; the lock comes next
    if db.engine.dialect.name == "sqlite":
        for attempt in range(attempts):
            try:
                # pysqlite sends our BEGIN as is and starts no transaction of its own after it.
                db.session.execute(text("BEGIN IMMEDIATE"))
                break
            except OperationalError as error:
                db.session.rollback()
                if "locked" not in str(error) or attempt == attempts - 1:
                    raise DeskBusy(str(error)) from error
                time.sleep(0.05 * (attempt + 1))
    try:
        dossier = db.session.scalars(
            select(Dossier).where(Dossier.id == dossier_id).with_for_update()
            .execution_options(populate_existing=True)).one()
        yield dossier
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def receive(dossier_id: int, staff: Staff, *, slip_requested: bool = False,
            keep_promise: bool = False) -> Dossier:
    """Receive a complete dossier (status 2): its official code, and same day or a due date.

    The code (office pattern, default ``{unit}-{yymmdd}-{seq:04d}``) is given once, at the
    first reception, from the office's daily sequence. After a supplement the legal time
    restarts from now (Art 19(4)); the 766 measure keeps the first reception and adds the
    citizen's wait instead (domain.md §11.7).

    :raise DeskRefusal: incomplete, or no unit code; IllegalTransition: not receivable now
    """
    with exclusive(dossier_id) as dossier:
        spec = spec_of(dossier)
        report = desk_report(dossier, spec)
        if not report.receivable:
            raise DeskRefusal(msg(N_(
                "Hồ sơ chưa đủ hoặc có giấy tờ không hợp lệ (%(n)d mục). Sửa hoặc dùng «Yêu cầu "
                "bổ sung» để hướng dẫn công dân bổ sung một lần, đầy đủ."), n=report.problems))
        at = now()
        decision = preview(dossier, spec, keep_promise=keep_promise, at=at)
        first = dossier.received_at is None
        pin_form_set(dossier)
        intake.change_status(dossier, "receive", STAFF, staff=staff,
                             note="same_day" if decision.same_day else "slip")
        if dossier.code is None:
            dossier.code = _new_code(dossier.office_id, at)
        if first:
            dossier.received_at = as_utc(at)
            dossier.received_by_id = staff.id
        elif dossier.supplement_requested_at is not None:
            waited = at - aware(dossier.supplement_requested_at)
            dossier.supplement_wait_seconds += max(int(waited.total_seconds()), 0)
            dossier.supplement_requested_at = None
        dossier.due_at = as_utc(decision.due)
        dossier.same_day = decision.same_day
        dossier.slip_requested = bool(slip_requested) or not decision.same_day
    return dossier


def _new_code(office_id: int, at: dt.datetime) -> str:
    office = db.session.get(Office, office_id)
    pattern = settings(office_id)["pattern"]
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
    spec = spec or spec_of(dossier)
    items = reception.supplement_items(spec, desk_report(dossier, spec))
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
    with exclusive(dossier_id) as dossier:
        source = Status(dossier.status)
        pin_form_set(dossier)
        intake.change_status(dossier, "request_supplement", STAFF, staff=staff,
                             note=reason[:500])
        dossier.supplement_items = [{"target": i.target, "label": i.label, "reason": i.reason}
                                    for i in items]
        papers = {i.target.removeprefix("paper:") for i in items if i.target.startswith("paper:")}
        dossier.papers_confirmed = [k for k in dossier.papers_confirmed or [] if k not in papers]
        dossier.paper_checks = {k: v for k, v in (dossier.paper_checks or {}).items()
                                if k not in papers}
        dossier.supplement_requested_at = as_utc(now())
        if source in PROCESSING:
            dossier.supplement_count += 1
    return dossier


def refuse(dossier_id: int, staff: Staff, reason: str) -> Dossier:
    """Refuse the dossier with its specific reason (Form 03; status 3)."""
    with exclusive(dossier_id) as dossier:
        pin_form_set(dossier)
        intake.change_status(dossier, "reject", STAFF, staff=staff)
        dossier.refusal_reason = reason
    return dossier


def withdraw(dossier_id: int, staff: Staff) -> Dossier:
    """Record the citizen's withdrawal asked for at the counter (status 7)."""
    with exclusive(dossier_id) as dossier:
        intake.change_status(dossier, "withdraw", STAFF, staff=staff, note="desk")
    return dossier


# --- processing -----------------------------------------------------------------------------


def colleagues(office_id: int) -> list[Staff]:
    """Active staff of the office who handle dossiers (hand-over targets)."""
    rows = db.session.scalars(select(Staff).where(Staff.office_id == office_id,
                                                  Staff.active.is_(True))
                              .order_by(Staff.full_name))
    return [s for s in rows if s.has_role("reception", "specialist", "leader")]


def hand_over(dossier_id: int, staff: Staff, to: Staff, note: str = "") -> Dossier:
    """Give the dossier to another officer (Form 05's rows: who, to whom, when).

    The first hand-over of a received dossier starts its processing (status 2 → 4).
    """
    if to.office_id != staff.office_id or not to.active:
        raise DeskRefusal(msg(N_("Chọn một cán bộ của cơ quan.")), 422, "can_bo")
    with exclusive(dossier_id) as dossier:
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
    return dossier


def handover_of(event: DossierEvent) -> dict[str, Any]:
    """The from/to staff ids and note of a hand-over event."""
    try:
        data = json.loads(event.note or "{}")
    except ValueError:
        data = {}
    return data if isinstance(data, dict) else {}


def resolve(dossier_id: int, staff: Staff) -> Dossier:
    """The result is ready (status 9); on the same day at the counter, or after processing."""
    with exclusive(dossier_id) as dossier:
        intake.change_status(dossier, "resolve", STAFF, staff=staff)
        dossier.resolved_at = as_utc(now())
        if dossier.handler_id is None:
            dossier.handler_id = staff.id
    return dossier


def stop(dossier_id: int, staff: Staff, reason: str) -> Dossier:
    """Stop processing (status 8) and record why: the notice of TT 03/2025 (Form 05).

    Only where the dossier's set of forms has that notice; the transition table allows it
    from "in progress" only.
    """
    with exclusive(dossier_id) as dossier:
        if formsets.stop_notice(dossier) is None:
            raise DeskRefusal(msg(N_("Bộ biểu mẫu của hồ sơ này không có thông báo dừng giải "
                                     "quyết hồ sơ.")))
        intake.change_status(dossier, "stop", STAFF, staff=staff, note=reason[:500])
    return dossier


def return_result(dossier_id: int, staff: Staff, *, channel: str, address: str = "",
                  receiver: str = "") -> Dossier:
    """Hand the result over (status 10): at the desk, by public post, or electronically."""
    if channel not in RETURN_CHANNELS:
        raise ValueError(channel)
    with exclusive(dossier_id) as dossier:
        intake.change_status(dossier, "return_result", STAFF, staff=staff, note=channel)
        dossier.return_channel = channel
        dossier.return_address = address if channel == "post" else ""
        dossier.returned_to = receiver
        dossier.returned_at = as_utc(now())
    return dossier


def reschedule(dossier_id: int, staff: Staff, new_due: dt.datetime, reason: str) -> Dossier:
    """Apologise and set a new date (Form 04), once, at least one day before the due date.

    The new date becomes the due date; the first one is kept in ``original_due_at``.
    """
    problem = reception.new_due_problem(new_due, calendar())
    if problem is not None:
        raise DeskRefusal(problem, 422, "ngay")
    with exclusive(dossier_id) as dossier:
        if Status(dossier.status) not in PROCESSING or dossier.due_at is None:
            raise DeskRefusal(msg(N_("Chỉ hẹn lại được hồ sơ đang giải quyết.")))
        due = aware(dossier.due_at)
        try:
            check_reschedule(due, new_due, now(), already_rescheduled=dossier.rescheduled)
        except RescheduleRefused as refused:
            raise DeskRefusal(refused.message, 409) from None
        dossier.original_due_at = dossier.due_at
        dossier.due_at = as_utc(new_due)
        dossier.rescheduled = True
        status = int(dossier.status)
        dossier.events.append(DossierEvent(actor=STAFF, action="reschedule", source=status,
                                           target=status, staff_id=staff.id, note=reason[:500]))
    return dossier


# --- what the slips and the ledger read -----------------------------------------------------


def staff_names(office_id: int) -> dict[int, str]:
    return dict(db.session.execute(select(Staff.id, Staff.full_name)
                                   .where(Staff.office_id == office_id)).all())


def ledger_number(dossier: Dossier) -> int | None:
    """The dossier's line in the year's ledger (one book a year, lines from 1: TT 01/2018
    Art 10), derived from the order of reception."""
    received = aware(dossier.received_at)
    if received is None:
        return None
    start = dt.datetime(received.astimezone(TZ).year, 1, 1, tzinfo=TZ)
    return db.session.scalar(select(func.count(Dossier.id)).where(
        Dossier.office_id == dossier.office_id, Dossier.received_at >= as_utc(start),
        (Dossier.received_at < dossier.received_at)
        | ((Dossier.received_at == dossier.received_at) & (Dossier.id <= dossier.id))))


def ledger(office_id: int, start: dt.date, end: dt.date) -> list[Dossier]:
    """Dossiers received between *start* and *end* (local days, inclusive), in order."""
    first = dt.datetime.combine(start, dt.time(0), tzinfo=TZ)
    after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=TZ)
    return list(db.session.scalars(
        select(Dossier).where(Dossier.office_id == office_id,
                              Dossier.received_at >= as_utc(first),
                              Dossier.received_at < as_utc(after))
        .options(selectinload(Dossier.procedure_version), selectinload(Dossier.events))
        .order_by(Dossier.received_at, Dossier.id)))


def first_due(dossier: Dossier, spec=None) -> dt.datetime | None:
    """The due date of the first reception, which the 766 measure keeps."""
    received = aware(dossier.received_at)
    if received is None:
        return None
    spec = spec or spec_of(dossier)
    if dossier.same_day and not dossier.supplement_count:
        return aware(dossier.due_at)
    return due_at(received, spec.statutory_days, calendar(), office_hours(dossier.office_id))


def measured(dossier: Dossier, spec=None) -> Timeliness | None:
    """Early, on time or late as Decision 766 counts it, once the result is ready."""
    finished = aware(dossier.resolved_at) or aware(dossier.returned_at)
    due = first_due(dossier, spec)
    if finished is None or due is None:
        return None
    return measured_timeliness(finished, due,
                               supplement_wait=dt.timedelta(
                                   seconds=dossier.supplement_wait_seconds or 0),
                               supplement_count=dossier.supplement_count or 0)
