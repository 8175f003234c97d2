"""The desk's work on a dossier, as plain functions; what every part of it reads is here.

Views parse the request and call one function; the rules are in ``tthc.domain``
(completeness and the officer's verdicts in ``reception``, deadlines in ``deadlines``,
codes in ``codes``, the state machine in ``status``). The functions are split by concern:

- this module: the office's settings and hours, the desk's clock, finding a dossier, the
  work lists, the check as the desk sees it, and the refusal every part raises;
- ``services.reception``: walk-ins and drafts taken at the counter, answers, the check of
  papers and the decisions at reception (receive, ask to supplement, refuse, withdraw);
- ``services.processing``: hand-overs, the result, stopping, the one new date;
- ``services.returns``: handing the result over, the 766 measure and the ledger's lines.

Every status change goes through ``tthc.intake.services.change_status``, so the citizen's
timeline shows it, inside ``tthc.transactions.serialised()`` with the dossier read again by
``locked`` (the one way to run a serialised write). A decision taken on a page (the views'
``decision``) runs ``as_shown`` the status that page showed: ``locked`` compares it with the
status it reads under the lock and raises ``Stale`` if they differ (compare-and-set). These
functions take the acting officer as *staff* and commit; the views record each read and
change in the access log (``tthc.auth.log_access``). Nothing here logs answers: they are
personal data (domain.md §7).

The other modules call ``services.now()`` and ``services.today()`` through this module, so
that the desk has one clock (tests set it here).
"""

from __future__ import annotations

import datetime as dt
import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Iterator, Mapping
from urllib.parse import parse_qs, urlsplit

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ...domain import hours as opening_hours
from ...domain.codes import normalise_prefiling_code
from ...domain.frameworks import Version
from ...domain.deadlines import IntakeDecision, decide
from ...domain.i18n import N_, Message, msg
from ...domain.reception import DeskReport, check, read_checks
from ...domain.status import HANDLED, PROCESSING, Status, is_overdue
from ...domain.text import nfc
from ...domain.workdays import Calendar, CountingRule, OfficeHours
from ... import config as app_config, offices
from ...extensions import db
from ...i18n import render_message
from ...intake import services as intake
from ...models import Dossier, Office, Setting, Staff, Ticket
from ...queue import services as queue
from ...timeutil import TZ, now, today
from .. import formsets

CHANNELS = {1: N_("Trực tiếp"), 2: N_("Trực tuyến"), 3: N_("Qua bưu chính công ích")}
RETURN_CHANNELS = ("desk", "post", "online")
#: The desk's own settings (Setting rows): the cut-off (empty: the framework's) and the
#: dossier code's pattern. Opening hours are the office's weekly schedule (Office.schedule).
SETTING_KEYS = {"cutoff": offices.CUTOFF_SETTING, "pattern": "desk.code_pattern"}


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


class Stale(DeskRefusal):
    """The dossier changed since the officer's page showed it: the decision was not made."""

    def __init__(self):
        super().__init__(msg(N_(
            "Hồ sơ đã thay đổi (do cán bộ khác hoặc công dân) sau khi trang này được mở, nên "
            "thao tác chưa được thực hiện. Dưới đây là hồ sơ như hiện nay; xem lại rồi thao tác "
            "lại nếu vẫn cần.")), 409)


#: The status the page of the decision under way showed (``as_shown``): compared under the
#: lock by the request's first ``locked`` read. One per request (a context variable, reset
#: when the decision ends), never shared between requests, workers or servers.
_SHOWN: ContextVar[int | None] = ContextVar("desk_status_shown", default=None)


def check_shown(dossier: Dossier, shown: int | None) -> None:
    """Refuse (``Stale``) a decision taken on a page that showed another status than the
    dossier's; *shown* None (a form without it, or garbled) counts as changed."""
    if shown is None or shown != int(dossier.status):
        raise Stale()


@contextmanager
def as_shown(shown: int) -> Iterator[None]:
    """Run a decision taken on a page that showed *shown*: the first dossier ``locked``
    reads is checked against it under the lock (its later reads follow the decision's own
    change, e.g. the postal hand-over after the return)."""
    token = _SHOWN.set(shown)
    try:
        yield
    finally:
        _SHOWN.reset(token)


# --- times ----------------------------------------------------------------------------------


def local(value: dt.datetime | None) -> dt.datetime | None:
    return value.astimezone(TZ) if value is not None else None


# --- office configuration -------------------------------------------------------------------


calendar = offices.calendar  # the holiday table, one loader for every blueprint


def settings(office_id: int) -> dict[str, str]:
    """The desk's settings of an office: its Setting rows over the defaults (no cut-off of
    its own: "", the framework's applies; the pattern: TTHC_DOSSIER_CODE_PATTERN, else the
    framework version's in force today, the version of a dossier received now)."""
    pattern = current_app.config.get("TTHC_DOSSIER_CODE_PATTERN") \
        or rules(office_id).value("dossier_code", "pattern")
    values = {"cutoff": "", "pattern": pattern}
    keys = {v: k for k, v in SETTING_KEYS.items()}
    for key, value in db.session.execute(
            select(Setting.key, Setting.value).where(Setting.office_id == office_id,
                                                     Setting.key.in_(list(keys)))):
        if isinstance(value, str) and value:
            values[keys[key]] = value
    return values


parse_hhmm = offices.parse_hhmm


def rules(office_id: int, dossier: Dossier | None = None) -> Version:
    """The framework version whose rules apply: the dossier's (its reception date; before
    reception, today's), else the office's today. Its values and citations are passed to
    the domain's rules (docs/desk.md, "The legal framework")."""
    if dossier is not None:
        return formsets.framework_of(dossier, today())
    return formsets.in_force(office_id, today())


def office_hours(office_id: int, dossier: Dossier | None = None) -> OfficeHours:
    """The desk's hours for deadlines: the office's weekly schedule, and the cut-off of its
    setting or else of the framework version the dossier follows (``offices.office_hours``)."""
    return offices.office_hours(office_id, rules(office_id, dossier))


def counting_rule() -> CountingRule:
    """How legal times are counted (TTHC_DEADLINE_COUNTING, checked at start-up)."""
    return app_config.counting_rule(current_app.config)


@dataclass(frozen=True)
class DeskState:
    """Whether the desk is open (the office's weekly hours and the holiday table), whether
    today is a day off, and when it opens next."""

    open: bool
    day_off: bool = False
    next_opening: dt.datetime | None = None


def desk_state(office_id: int, at: dt.datetime | None = None) -> DeskState:
    """The desk's hours at *at* (default: the desk's clock), as the queue reads them."""
    at = at or now()
    office = db.session.get(Office, office_id)
    found = queue.opening(office, at)
    if found.open:
        return DeskState(True)
    schedule = queue.schedule_of(office)
    day = at.astimezone(TZ).date()
    day_off = schedule is not None and \
        opening_hours.day_closing(schedule, calendar(), day) is None
    return DeskState(False, day_off, found.next_opening)


def save_settings(office: Office, values: Mapping[str, str], unit_code: str) -> list[str]:
    """Store the desk's settings (already checked by the form) and the unit code; what
    changed, as "key: old → new" (office configuration, no personal data) for the log. An
    empty cut-off removes the office's own: the framework's applies again."""
    before = settings(office.id)
    changes = [f"{key}: {before[name]} → {values[name]}" for name, key in SETTING_KEYS.items()
               if before[name] != values[name]]
    if (office.unit_code or "") != unit_code:
        changes.append(f"office.unit_code: {office.unit_code or ''} → {unit_code}")
    for name, key in SETTING_KEYS.items():
        row = db.session.scalar(select(Setting).filter_by(office_id=office.id, key=key))
        if not values[name]:
            if row is not None:
                db.session.delete(row)
        elif row is None:
            db.session.add(Setting(office_id=office.id, key=key, value=values[name]))
        else:
            row.value = values[name]
    office.unit_code = unit_code
    db.session.commit()
    return changes


def office_form_set(office_id: int) -> formsets.FormSet:
    """The set of official forms in force for the office today (the legal framework's)."""
    return formsets.office_set(office_id, today())


def pin_form_set(dossier: Dossier, *, receiving: bool = False) -> None:
    """Record the framework in force today on a dossier: its set of official forms at the
    first decision, the framework version at its first reception (tthc.desk.formsets)."""
    formsets.pin(dossier, today(), receiving=receiving)


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
    # NUL cannot be compared with a PostgreSQL text column (DataError); no code holds one.
    if not official or len(official) > 40 or "\x00" in official:
        return None
    return db.session.scalar(select(Dossier).where(  # the portal's code too, before reception
        Dossier.office_id == office_id,
        or_(func.upper(Dossier.code) == official, func.upper(Dossier.portal_code) == official))
        .order_by(Dossier.code.is_(None)).limit(1))


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
        Dossier.office_id == office, Dossier.received_at >= start)) or 0
    return Worklists(
        waiting=rows(Dossier.status.in_([int(Status.NEW), int(Status.SUPPLEMENT)]),
                     order=Dossier.updated_at.desc()),
        mine=rows(Dossier.handler_id == staff.id,
                  Dossier.status.in_([int(s) for s in HANDLED]), order=Dossier.due_at),
        ready=rows(Dossier.status == int(Status.RESOLVED), order=Dossier.resolved_at),
        received_today=received,
    )


def overdue(dossier: Dossier, at: dt.datetime | None = None) -> bool:
    """Quá hạn, derived from the due date and the status; never stored."""
    return is_overdue(Status(dossier.status), dossier.due_at, at or now())


# --- the check ------------------------------------------------------------------------------


def spec_of(dossier: Dossier):
    return intake.spec_of(dossier)


def desk_report(dossier: Dossier, spec=None,
                answers: Mapping[str, str] | None = None) -> DeskReport:
    """The dossier as the desk sees it: the domain's rules with the officer's verdicts.

    With *answers* (typed at the desk, not saved yet) they are judged instead of the stored
    ones, by the same rules: the live check and the reception see the same gaps.
    """
    return check(spec or spec_of(dossier), dossier.answers or {} if answers is None else answers,
                 read_checks(dossier.paper_checks), today=today())


def preview(dossier: Dossier, spec=None, *, keep_promise: bool = False,
            at: dt.datetime | None = None, extension_days: int = 0) -> IntakeDecision:
    """What receiving the dossier now would promise: same day, or a due date and hour."""
    spec = spec or spec_of(dossier)
    law = rules(dossier.office_id, dossier)
    return decide(at or now(), spec.statutory_days, calendar(),
                  offices.office_hours(dossier.office_id, law),
                  cutoff_basis=law.cite("cutoff"),
                  rule=counting_rule(), extension_days=extension_days,
                  monday_same_day=spec.monday_same_day, keep_same_day_promise=keep_promise)


def locked(session: Session, dossier_id: int) -> Dossier:
    """The dossier read again inside ``transactions.serialised()``, its row locked.

    PostgreSQL locks the row (FOR UPDATE) until the transaction ends; SQLite already holds
    the write lock. What the session had loaded before is replaced by what is stored now.
    Inside ``as_shown``, the first read is the compare-and-set: ``Stale`` when the status
    is no longer the one the officer's page showed.
    """
    dossier = session.scalars(select(Dossier).where(Dossier.id == dossier_id).with_for_update()
                              .execution_options(populate_existing=True)).one()
    shown = _SHOWN.get()
    if shown is not None:
        _SHOWN.set(None)
        check_shown(dossier, shown)
    return dossier


def staff_names(office_id: int) -> dict[int, str]:
    return dict(db.session.execute(select(Staff.id, Staff.full_name)
                                   .where(Staff.office_id == office_id)).all())


# The concerns, reachable as services.reception… from the views; they read the above.
from . import extension, postal, processing, reception, returns  # noqa: E402,F401
