"""What the desk's pages show, in the officer's language: labels, history lines, check rows,
and the hour-and-date wording of the official slips."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask import current_app, url_for
from flask_babel import gettext
from flask_login import current_user

from ..catalogue.present import RETURN_CHANNELS, label, paper_form
from ..domain import reception
from ..domain.catalogue import Paper
from ..domain.codes import format_prefiling_code
from ..domain.status import EVENT_NOTES, Status
from ..domain.validators import mask_phone
from ..i18n import localized, render_message
from ..intake import services as intake
from ..models import Dossier, DossierEvent, Upload
from . import services

EXTRA_ACTIONS = {
    "create": lambda: gettext("Tạo hồ sơ"),
    "handover": lambda: gettext("Chuyển xử lý"),
    "reschedule": lambda: gettext("Hẹn lại ngày trả kết quả"),
    "change_procedure": lambda: gettext("Đổi thủ tục"),
}
NOTES = {
    ("submit", "desk"): lambda: gettext("Nộp tại Bộ phận Một cửa"),
    ("submit", "assisted"): lambda: gettext("Cán bộ hỗ trợ nộp trực tuyến"),
    ("receive", "same_day"): lambda: gettext("Trả kết quả trong ngày, không lập giấy hẹn"),
    ("receive", "slip"): lambda: gettext("Có giấy tiếp nhận và hẹn trả kết quả"),
    ("withdraw", "desk"): lambda: gettext("Công dân đề nghị tại Bộ phận Một cửa"),
}


def may(endpoint: str) -> bool:
    """Whether the signed-in officer may use *endpoint*: the roles its ``staff_required``
    lets through, so that the page offers only what the check will allow."""
    view = current_app.view_functions.get(endpoint)
    if view is None or not current_user.is_authenticated:
        return False
    roles = getattr(view, "staff_roles", ())
    return not roles or current_user.has_role(*roles)


def prefiling(code: str | None) -> str:
    """The pre-filing code as it is written everywhere: "YPD9-N7J6"."""
    return format_prefiling_code(code) if code else ""


def dossier_code(dossier: Dossier) -> str:
    """The official code once given, else the pre-filing code (written as above)."""
    return dossier.code or prefiling(dossier.prefiling_code)


def verdict_label(verdict: str) -> str:
    return gettext(reception.VERDICT_LABELS[verdict]) if verdict in reception.VERDICT_LABELS \
        else ""


def channel_label(channel: int) -> str:
    return gettext(services.CHANNELS[channel]) if channel in services.CHANNELS else ""


def return_label(channel: str) -> str:
    return label(RETURN_CHANNELS, channel) if channel else ""


def status_label(dossier: Dossier) -> str:
    return gettext(Status(dossier.status).label)


def masked_phone(dossier: Dossier) -> str:
    return mask_phone((dossier.answers or {}).get("applicant_phone"))


def hour_and_date(value: dt.datetime | None) -> str:
    """As the forms print it: "17 giờ 00 phút, ngày 05/03/2026" (local time)."""
    value = services.local(value)
    if value is None:
        return ""
    return gettext("%(h)s giờ %(m)s phút, ngày %(d)s", h=f"{value.hour:02d}",
                   m=f"{value.minute:02d}", d=value.strftime("%d/%m/%Y"))


def local_date(value: dt.datetime | None) -> str:
    value = services.local(value)
    return value.strftime("%d/%m/%Y") if value is not None else ""


@dataclass
class HistoryLine:
    at: dt.datetime
    status: str
    action: str
    who: str
    note: str


def history(dossier: Dossier, names: dict[int, str]) -> list[HistoryLine]:
    """The dossier's events for staff: who did what, when, with the notes."""
    lines = []
    for event in dossier.events:
        # The action is named only where the status it led to does not already say it.
        action = EXTRA_ACTIONS.get(event.action)
        action_text = action() if action else (
            gettext(EVENT_NOTES[event.action]) if event.action in EVENT_NOTES else "")
        who = names.get(event.staff_id, "") if event.staff_id else (
            gettext("Công dân") if event.actor == "citizen" else "")
        lines.append(HistoryLine(event.at, gettext(Status(event.target).label), action_text,
                                 who, event_note(event, names)))
    return lines


def event_note(event: DossierEvent, names: dict[int, str]) -> str:
    if event.action in services.processing.HANDOVERS:
        data = services.processing.handover_of(event)
        text = gettext("Từ %(a)s đến %(b)s", a=names.get(data.get("from"), "?"),
                       b=names.get(data.get("to"), "?"))
        return f"{text}. {data['note']}" if data.get("note") else text
    if event.action == "return_result":
        return return_label(event.note or "")
    if event.action == "reschedule" and services.processing.told_in(event):
        told = ", ".join(gettext(services.processing.APOLOGY_CHANNELS[c])
                         for c in services.processing.told_in(event))
        return gettext("%(reason)s (đã báo công dân qua: %(told)s)", reason=event.note or "",
                       told=told)
    known = NOTES.get((event.action, event.note or ""))
    return known() if known else (event.note or "")


@dataclass
class PaperRow:
    paper: Paper
    check: reception.PaperCheck | None
    uploads: list[Upload] = field(default_factory=list)
    confirmed: bool = False

    @property
    def key(self) -> str:
        return self.paper.key

    @property
    def name(self) -> str:
        return localized(self.paper, "name")

    @property
    def form(self) -> str:
        return paper_form(self.paper)


def paper_rows(dossier: Dossier, desk: reception.DeskReport) -> list[PaperRow]:
    """The applicable papers with the officer's verdict and what the citizen sent or promised."""
    confirmed = set(dossier.papers_confirmed or ())
    return [PaperRow(p, desk.checks.get(p.key),
                     [u for u in dossier.uploads if u.paper_key == p.key and u.staff_id is None],
                     p.key in confirmed)
            for p in desk.completeness.papers]


@dataclass
class ProblemLine:
    anchor: str
    text: str


def paper_state(found: reception.PaperCheck | None) -> str:
    """Why a paper stops reception, after its name: "thiếu", "không hợp lệ"…"""
    if found is None:
        return gettext("chưa kiểm tra")
    if found.verdict == reception.INVALID:
        return gettext("không hợp lệ")
    return gettext("thiếu")


def problems(desk: reception.DeskReport) -> list[ProblemLine]:
    """Why the dossier cannot be received yet, in the desk's words."""
    papers = {p.key: p for p in desk.completeness.papers}
    lines = []
    for gap in desk.completeness.gaps:
        if gap.kind == "missing_paper":
            key = gap.target.removeprefix("paper:")
            name = localized(papers[key], "name") if key in papers else key
            found = desk.checks.get(key)
            lines.append(ProblemLine("kt-" + key, f"{name}: {paper_state(found)}"))
        else:
            lines.append(ProblemLine(gap.target, render_message(gap.message)))
    listed = {line.anchor for line in lines}
    for paper in desk.invalid:  # an optional paper found invalid: not a gap, still a problem
        if "kt-" + paper.key not in listed:
            lines.append(ProblemLine("kt-" + paper.key, f"{localized(paper, 'name')}: "
                                     f"{paper_state(desk.checks[paper.key])}"))
    return lines


def is_pdf(upload: Upload) -> bool:
    """A PDF shows as a link; a photo (stored as JPEG) as a thumbnail."""
    return upload.content_type == intake.PDF


def upload_url(dossier: Dossier, upload: Upload) -> str:
    return url_for("desk.upload_file", dossier_id=dossier.id, upload_id=upload.id)


def summary(errors: dict[str, str]) -> list[tuple[str, str]]:
    """The error summary's links: each message pointing at its field."""
    return [("#" + name, text) for name, text in errors.items() if text]


def helpers() -> dict:
    """Functions the desk's templates call."""
    return {"may": may, "prefiling": prefiling, "dossier_code": dossier_code,
            "verdict_label": verdict_label, "channel_label": channel_label,
            "return_label": return_label, "status_label": status_label,
            "masked_phone": masked_phone, "hour_and_date": hour_and_date,
            "local_date": local_date, "upload_url": upload_url, "is_pdf": is_pdf,
            "summary": summary, "overdue": services.overdue, "VERDICTS": reception.VERDICTS,
            "Status": Status}
