"""The official documents of the desk (domain.md §1.2, §11.2, §11.5), filled in.

Their numbers, titles, printed legal basis and paper come from the set of forms the dossier
recorded (``tthc.desk.formsets``, data in ``tthc/data/forms.toml``: TT 01/2018/TT-VPCP or
TT 03/2025/TT-VPCP); the body comes from one template per kind of document
(``templates/desk/slips/<kind>.html``), the same for every set. The slips print on A5, the
ledger on A4 landscape, by the browser's print CSS. Each slip carries a QR code to the public
look-up with the dossier's code: the code alone shows the status, never personal data. Slips
are in Vietnamese, the official language, whatever language the officer's screen uses.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from flask import url_for
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from ..domain import metrics, reception
from ..domain.codes import format_prefiling_code
from ..domain.formsets import (APOLOGY, CONTROL, LEDGER, RECEIPT, REFUSAL, STOP, SUPPLEMENT,
                               FormSet, OfficialForm)
from ..domain.i18n import N_
from ..domain.numbers import format_phone
from ..domain.status import STAFF, Status, allowed_actions
from ..extensions import db
from ..i18n import localized, working_time
from ..models import AccessLog, Dossier, DossierEvent, Office
from ..queue.present import qr_svg
from ..timeutil import TZ
from . import formsets, present, services

#: The documents a dossier has, by kind: the slips (the ledger is the office's book).
SLIPS = (RECEIPT, SUPPLEMENT, REFUSAL, APOLOGY, STOP, CONTROL)


def _has(dossier: Dossier, kind: str) -> bool:
    if kind in (RECEIPT, CONTROL):
        return dossier.received_at is not None
    if kind == SUPPLEMENT:
        return bool(dossier.supplement_items)
    if kind == REFUSAL:
        return bool(dossier.refusal_reason)
    if kind == APOLOGY:
        return bool(dossier.rescheduled)
    if kind == STOP:
        return Status(dossier.status) == Status.STOPPED
    return False


def documents(dossier: Dossier) -> list[OfficialForm]:
    """The official documents this dossier has, in the numbering of its set of forms."""
    return [f for f in formsets.of(dossier).forms
            if f.kind in SLIPS and f.produced and _has(dossier, f.kind)]


def available(dossier: Dossier) -> list[tuple[str, str]]:
    """The official documents this dossier has: (form number, "Mẫu 01: title")."""
    return [(f.number, gettext("Mẫu %(number)s: %(title)s", number=f.number,
                               title=localized(f, "title"))) for f in documents(dossier)]


def printable(dossier: Dossier, number: str) -> OfficialForm | None:
    """The document numbered *number* in the dossier's set, if the dossier has it."""
    return next((f for f in documents(dossier) if f.number == number), None)


def stop_form(dossier: Dossier) -> OfficialForm | None:
    """The notice that processing is stopped, where the dossier's set has one and the
    transition table lets staff stop it now; None otherwise."""
    if "stop" not in allowed_actions(Status(dossier.status), STAFF):
        return None
    return formsets.stop_notice(dossier)


def number(dossier: Dossier, kind: str) -> str:
    """The number of a kind of document in the dossier's set (for its URL)."""
    return formsets.of(dossier).form(kind).number


def template(form: OfficialForm) -> str:
    return f"desk/slips/{form.kind}.html"


def printed_before(dossier: Dossier, form: str) -> bool:
    return db.session.scalar(select(AccessLog.id).where(
        AccessLog.dossier_id == dossier.id, AccessLog.action == "print",
        AccessLog.detail == f"mẫu {form}").limit(1)) is not None


def lookup_code(dossier: Dossier) -> str:
    return dossier.code or format_prefiling_code(dossier.prefiling_code)


def lookup_qr(dossier: Dossier) -> tuple[str, Any]:
    """The public look-up's URL with the dossier's code, and its QR code."""
    url = url_for("intake.lookup", ma=lookup_code(dossier), _external=True)
    return url, qr_svg(url, gettext("Mã QR tra cứu hồ sơ"))


def _last(dossier: Dossier, action: str) -> DossierEvent | None:
    return next((e for e in reversed(dossier.events) if e.action == action), None)


@dataclass
class PaperLine:
    name: str
    form: str
    quantity: int


def papers_received(dossier: Dossier, desk: reception.DeskReport) -> list[PaperLine]:
    """Form 01's "Thành phần hồ sơ": each accepted paper, in what form, how many."""
    lines = []
    for paper in desk.completeness.papers:
        found = desk.checks.get(paper.key)
        if found is not None and found.accepted:
            form = gettext("Bản chính") if found.verdict == reception.ORIGINAL else \
                gettext("Bản sao")
            note = f" ({found.note})" if found.note else ""
            lines.append(PaperLine(paper.name_vi + note, form, found.quantity))
        elif paper.generated and found is None:
            lines.append(PaperLine(paper.name_vi, gettext("Bản chính"), 1))
    return lines


def applicant(dossier: Dossier) -> dict[str, str]:
    """The applicant as the slips print them; the phone in the one printed format."""
    answers = dossier.answers or {}
    keys = ("full_name", "address", "phone", "email")
    person = {k: str(answers.get(f"applicant_{k}") or "") for k in keys}
    person["phone"] = format_phone(person["phone"])
    return person


def supplement_number(dossier: Dossier, event: DossierEvent | None) -> int | None:
    """Form 02's number: its place among the office's requests to supplement of the year,
    derived from their order (like the ledger's line, one book a year)."""
    if event is None:
        return None
    start = dt.datetime(event.at.astimezone(TZ).year, 1, 1, tzinfo=TZ)
    E = DossierEvent
    return db.session.scalar(
        select(func.count(E.id)).join(Dossier, Dossier.id == E.dossier_id).where(
            Dossier.office_id == dossier.office_id, E.action == "request_supplement",
            E.at >= start, (E.at < event.at) | ((E.at == event.at) & (E.id <= event.id))))


def context(dossier: Dossier, slip: OfficialForm) -> dict:
    """Everything one slip prints; in Vietnamese."""
    with force_locale("vi"):
        spec = services.spec_of(dossier)
        desk = services.desk_report(dossier, spec)
        names = services.staff_names(dossier.office_id)
        url, qr = lookup_qr(dossier)
        form_set = formsets.of(dossier)
        office = db.session.get(Office, dossier.office_id)
        result = {
            "dossier": dossier, "p": spec, "office": office,
            "person": applicant(dossier), "qr": qr, "lookup_url": url,
            "office_phone": format_phone(office.phone),
            "lookup_code": lookup_code(dossier), "names": names,
            "today": services.local(dt.datetime.now(dt.timezone.utc)), "signed_at": None,
            "slip": slip, "form_set": form_set,
        }
        kind = slip.kind
        if kind == RECEIPT:
            result.update(papers=papers_received(dossier, desk), sets=dossier.sets,
                          legal_time=working_time(spec.statutory_days),
                          received=present.hour_and_date(dossier.received_at),
                          due=present.hour_and_date(dossier.due_at),
                          return_to=present.return_label(dossier.return_channel or "desk"),
                          book=services.local(dossier.received_at).year,
                          line=services.returns.ledger_number(dossier),
                          receiver=names.get(dossier.received_by_id, ""),
                          signed_at=services.local(dossier.received_at))
        elif kind == SUPPLEMENT:
            event = _last(dossier, "request_supplement")
            result.update(items=[i for i in dossier.supplement_items or []
                                 if isinstance(i, dict)],
                          reason=event.note if event else "",
                          officer=names.get(event.staff_id, "") if event else "",
                          signed_at=services.local(event.at) if event else None,
                          number=supplement_number(dossier, event))
        elif kind == REFUSAL:
            event = _last(dossier, "reject")
            result.update(officer=names.get(event.staff_id, "") if event else "",
                          signed_at=services.local(event.at) if event else None)
        elif kind == APOLOGY:
            event = _last(dossier, "reschedule")
            result.update(reason=event.note if event else "",
                          signed_at=services.local(event.at) if event else None,
                          received=present.local_date(dossier.received_at),
                          old_due=present.hour_and_date(dossier.original_due_at),
                          new_due=present.hour_and_date(dossier.due_at))
        elif kind == STOP:
            event = _last(dossier, "stop")
            result.update(reason=event.note if event else "",
                          officer=names.get(event.staff_id, "") if event else "",
                          signed_at=services.local(event.at) if event else None,
                          received=present.hour_and_date(dossier.received_at),
                          due=present.hour_and_date(dossier.due_at))
        elif kind == CONTROL:
            first = dossier.original_due_at if dossier.rescheduled else None
            result.update(rows=control_rows(dossier, names),
                          received=present.hour_and_date(dossier.received_at),
                          due=present.hour_and_date(first or dossier.due_at),
                          new_due=present.hour_and_date(dossier.due_at) if first else "")
        return result


@dataclass
class ControlRow:
    step: str
    at: str
    giver: str
    taker: str
    result: str
    note: str = ""


def control_rows(dossier: Dossier, names: dict[int, str]) -> list[ControlRow]:
    """Form 05's rows: reception, each hand-over, the result, its return, with times.

    Each step is judged against the legal due date as Decision 766 holds the dossier to it
    (tthc.domain.metrics.measure_step): the first appointment, moved by the citizen's
    supplement waits in working days; a date reset by Form 04 does not excuse the first.
    """
    case = services.returns.times(dossier)
    calendar, hours = services.calendar(), services.office_hours(dossier.office_id, dossier)
    rule = services.counting_rule()
    desk_name = gettext("Bộ phận Một cửa")

    def judged(at) -> str:
        if case is None or at is None:
            return ""
        return gettext(metrics.measure_step(case, at, calendar, hours, rule=rule).label)

    rows = [ControlRow(gettext("Tiếp nhận hồ sơ"), present.hour_and_date(dossier.received_at),
                       gettext("Người nộp hồ sơ"),
                       f"{desk_name}: {names.get(dossier.received_by_id, '')}", "")]
    for event in dossier.events:
        if event.action in services.processing.HANDOVERS:
            data = services.processing.handover_of(event)
            rows.append(ControlRow(gettext("Giao, nhận hồ sơ"), present.hour_and_date(event.at),
                                   names.get(data.get("from"), ""), names.get(data.get("to"), ""),
                                   judged(event.at), data.get("note", "")))
        elif event.action in services.processing.RESULTS:
            rows.append(ControlRow(gettext("Có kết quả giải quyết"),
                                   present.hour_and_date(event.at), names.get(event.staff_id, ""),
                                   desk_name, judged(event.at)))
        elif event.action == "return_result":
            rows.append(ControlRow(gettext("Trả kết quả"), present.hour_and_date(event.at),
                                   desk_name, dossier.returned_to or present.return_label(
                                       dossier.return_channel), "",
                                   present.return_label(dossier.return_channel)))
    return rows


# --- the ledger (Form 06 of TT 01/2018, Form 07 of TT 03/2025) --------------------------------


def ledger_form(office_id: int) -> tuple[FormSet, OfficialForm]:
    """The set of forms in force for the office today (the legal framework's) and its ledger
    form: the book is kept, and printed, under the rules in force now, whatever set its
    dossiers recorded."""
    form_set = services.office_form_set(office_id)
    return form_set, form_set.form(LEDGER)


@dataclass
class LedgerRow:
    number: int
    code: str
    procedure: str
    sets: str
    applicant: str
    address: str
    phone: str  # masked: lists never show the whole number
    agency: str  # Cơ quan chủ trì giải quyết: the office that decides (the ward's committee)
    received: str
    due: str
    transferred: str
    resolved: str
    returned: str
    signature: str  # Ký nhận: left blank, signed on the printed book when the result is taken
    receiver: str
    note: str
    dossier_id: int


def ledger_rows(dossiers: list[Dossier], names: dict[int, str]) -> list[LedgerRow]:
    rows: list[LedgerRow] = []
    number, year = 0, None
    agencies: dict[int, str] = {}
    for dossier in dossiers:
        if dossier.office_id not in agencies:
            agencies[dossier.office_id] = db.session.get(Office, dossier.office_id).name
        received = services.local(dossier.received_at)
        if received.year != year:  # one book a year, lines numbered from 1
            number, year = (services.returns.ledger_number(dossier) or 1) - 1, received.year
        number += 1
        person = applicant(dossier)
        started = next((e.at for e in dossier.events if e.action in ("start", "handover")), None)
        rows.append(LedgerRow(
            number, dossier.code or "", dossier.procedure_version.name_vi, f"{dossier.sets:02d}",
            person["full_name"], person["address"], present.masked_phone(dossier),
            agencies[dossier.office_id],
            present.hour_and_date(dossier.received_at), present.hour_and_date(dossier.due_at),
            present.hour_and_date(started), present.hour_and_date(dossier.resolved_at),
            present.hour_and_date(dossier.returned_at), "",
            names.get(dossier.received_by_id, ""), ledger_note(dossier), dossier.id))
    return rows


def ledger_note(dossier: Dossier) -> str:
    notes = [gettext(Status(dossier.status).label)]
    if dossier.same_day and not dossier.slip_requested:
        notes.append(gettext("trả trong ngày, không giấy hẹn"))
    if services.overdue(dossier):
        notes.append(gettext("quá hạn"))
    judged = services.returns.measured(dossier)
    if judged is not None:
        notes.append(gettext(judged.label).lower())
    if dossier.rescheduled:
        notes.append(gettext("đã hẹn lại"))
    if dossier.result_number and dossier.result_date:
        notes.append(gettext("văn bản kết quả số %(number)s ngày %(date)s",
                             number=dossier.result_number,
                             date=dossier.result_date.strftime("%d/%m/%Y")))
    return "; ".join(notes)


LEDGER_HEADERS = (
    N_("STT"), N_("Mã hồ sơ"), N_("Tên thủ tục hành chính"), N_("Số lượng hồ sơ (bộ)"),
    N_("Tên cá nhân, tổ chức"), N_("Địa chỉ"), N_("Số điện thoại"),
    N_("Cơ quan chủ trì giải quyết"), N_("Ngày, giờ nhận hồ sơ"),
    N_("Ngày, giờ hẹn trả kết quả"), N_("Chuyển xử lý"), N_("Có kết quả"),
    N_("Ngày, giờ trả kết quả"), N_("Ký nhận"), N_("Người tiếp nhận"), N_("Ghi chú"),
)
#: The columns' widths in the .xlsx files (characters), in the order of LEDGER_HEADERS.
LEDGER_WIDTHS = (6, 28, 40, 10, 26, 36, 18, 30, 24, 24, 24, 24, 24, 16, 24, 30)


def ledger_headers() -> list[str]:
    return [gettext(h) for h in LEDGER_HEADERS]


def ledger_cells(row: LedgerRow) -> list:
    """One line of the ledger as the cells of a sheet, in the order of LEDGER_HEADERS."""
    return [row.number, row.code, row.procedure, row.sets, row.applicant, row.address,
            row.phone, row.agency, row.received, row.due, row.transferred, row.resolved,
            row.returned, row.signature, row.receiver, row.note]


def ledger_xlsx(office: Office, start: dt.date, end: dt.date, rows: list[LedgerRow]) -> bytes:
    """The ledger as an .xlsx workbook (openpyxl), one line per dossier, the ledger form's
    columns (those of TT 01/2018 Form 06 and TT 03/2025 Form 07, the same for every set)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    form_set, form = ledger_form(office.id)
    with force_locale("vi"):
        book = Workbook()
        sheet = book.active
        sheet.title = "So theo doi ho so"
        sheet.append([form.title_vi.upper()])
        sheet.append([office.name])
        sheet.append([gettext("Từ ngày %(start)s đến ngày %(end)s",
                              start=start.strftime("%d/%m/%Y"), end=end.strftime("%d/%m/%Y"))])
        sheet.append([gettext("Mẫu số %(number)s", number=form.number)
                      + f" ({form_set.printed_basis})"])
        sheet.append(ledger_headers())
        for row in rows:
            sheet.append(ledger_cells(row))
    sheet["A1"].font = Font(bold=True, size=14)
    for cell in sheet[5]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, width in enumerate(LEDGER_WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A6"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
