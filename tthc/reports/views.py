"""The leader's reports: an office and a period on one page, each table as .xlsx and .csv,
the dossiers due soon or overdue, and the ledger streamed.

Leaders and admins see their own office only (every query takes the signed-in officer's
office); each view and export is written to the access log.
"""

from __future__ import annotations

import datetime as dt

from flask import abort, render_template, request
from flask_babel import format_decimal, gettext
from flask_login import current_user

from ..auth import log_access, staff_required
from ..desk import services as desk_services
from ..domain import metrics
from ..domain.i18n import N_
from ..domain.status import Status
from ..extensions import db
from ..i18n import datetime as format_datetime
from ..i18n import language
from ..models import Office
from ..timeutil import TZ, now, today
from . import exports, ledger, queries, tables
from .blueprint import bp
from .periods import PeriodForm, calendar, office_hours

REPORTS = ("leader", "admin")
LEDGER = ("reception", "leader")  # as the desk's ledger
DUE_DAYS = 2


def cell(value) -> str:
    """A cell as the page shows it: numbers in the Vietnamese way, "–" for nothing."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return gettext("Có") if value else gettext("Không")
    if isinstance(value, int):
        return format_decimal(value, format="#,##0")
    if isinstance(value, float):
        return format_decimal(value, format="#,##0.0")
    return str(value)


def _period() -> PeriodForm:
    form = PeriodForm(today(), formdata=request.args)
    form.validate()
    return form


def _report(form: PeriodForm) -> tables.Report:
    office_id = current_user.office_id
    return tables.build(office_id, form.period, now(), calendar(office_id), office_hours(office_id))


def _page(form: PeriodForm, report: tables.Report | None = None):
    errors = form.messages()
    return render_template(
        "reports/index.html", form=form, errors=errors, report=report, cell=cell,
        summary=[("#" + name, text) for name, text in errors.items()],
        tables=tables.all_tables(report) if report else [],
        office=db.session.get(Office, current_user.office_id)), 422 if errors else 200


@bp.get("/can-bo/bao-cao")
@staff_required(*REPORTS)
def index():
    """Show the office's measures for a month or a period, with charts and tables."""
    form = _period()
    if form.messages():
        return _page(form)
    report = _report(form)
    log_access(None, "report", f"báo cáo {form.period.key()}", commit=True)
    return _page(form, report)


@bp.get("/can-bo/bao-cao/bang/<key>.<any(xlsx, csv):kind>")
@staff_required(*REPORTS)
def table(key: str, kind: str):
    """Download one table of the report as .xlsx or .csv."""
    if key not in tables.KEYS:
        abort(404)
    form = _period()
    if form.messages():
        return _page(form)
    report = _report(form)
    found = next(t for t in tables.all_tables(report) if t.key == key)
    office = db.session.get(Office, current_user.office_id)
    log_access(None, "export", f"báo cáo {key} {form.period.key()}", commit=True)
    preamble = [[found.title], [office.name], [_period_text(form)]]
    if found.note:
        preamble.append([found.note])
    return exports.download(kind, f"bao-cao-{key}-{form.period.key()}", found.title, preamble,
                            found.headers, found.rows, widths=(48, *([16] * 8)))


def _period_text(form: PeriodForm) -> str:
    return gettext("Từ ngày %(start)s đến ngày %(end)s",
                   start=form.period.start.strftime("%d/%m/%Y"),
                   end=form.period.end.strftime("%d/%m/%Y"))


def _due_rows() -> tuple[list[list], list[int], dt.datetime]:
    office_id = current_user.office_id
    hours = office_hours(office_id)
    horizon_day = metrics.next_working_days(today(), DUE_DAYS, calendar(office_id))
    until = dt.datetime.combine(horizon_day, hours.close, tzinfo=TZ)
    at = now()
    names = desk_services.staff_names(office_id)
    rows, ids = [], []
    for r in queries.due_soon(office_id, until + dt.timedelta(seconds=1)):
        overdue = r.due_at < at
        rows.append([r.code or "", r.name_en if language() == "en" and r.name_en else r.name_vi,
                     format_datetime(r.due_at.astimezone(TZ)),
                     gettext("Quá hạn") if overdue else gettext("Sắp đến hạn"),
                     gettext(Status(r.status).label), names.get(r.handler_id, "")])
        ids.append(r.id)
    return rows, ids, until


DUE_HEADERS = (N_("Mã hồ sơ"), N_("Thủ tục"), N_("Hạn giải quyết"), N_("Tình trạng hạn"),
               N_("Trạng thái"), N_("Cán bộ đang giải quyết"))


def _due_headers() -> list[str]:
    return [gettext(h) for h in DUE_HEADERS]


@bp.get("/can-bo/bao-cao/den-han")
@staff_required(*REPORTS)
def due():
    """List the dossiers overdue or due within the next two working days."""
    rows, ids, until = _due_rows()
    for dossier_id in ids:  # a list of dossiers: a read of each (personal data law)
        log_access(dossier_id, "list", "hồ sơ đến hạn")
    db.session.commit()
    return render_template("reports/due.html", rows=rows, ids=ids, headers=_due_headers(),
                           until=until, office=db.session.get(Office, current_user.office_id),
                           link=current_user.has_role("reception", "specialist", "leader"))


@bp.get("/can-bo/bao-cao/den-han.<any(xlsx, csv):kind>")
@staff_required(*REPORTS)
def due_export(kind: str):
    """Download the dossiers overdue or due soon as .xlsx or .csv."""
    rows, ids, until = _due_rows()
    for dossier_id in ids:
        log_access(dossier_id, "export", "hồ sơ đến hạn")
    db.session.commit()
    office = db.session.get(Office, current_user.office_id)
    title = gettext("Hồ sơ quá hạn và sắp đến hạn")
    preamble = [[title], [office.name],
                [gettext("Hạn đến %(until)s", until=format_datetime(until))]]
    return exports.download(kind, f"ho-so-den-han-{today():%Y%m%d}", title, preamble,
                            _due_headers(), rows, widths=(28, 48, 20, 16, 24, 28))


@bp.get("/can-bo/bao-cao/so-theo-doi.<any(xlsx, csv):kind>")
@staff_required(*LEDGER)
def ledger_export(kind: str):
    """Download the ledger (Form 06) of a period, streamed, as .xlsx or .csv."""
    form = _period()
    if form.messages():
        return _page(form)
    office = db.session.get(Office, current_user.office_id)
    title, preamble, headers = ledger.heading(office, form.period)
    rows = ledger.rows(office.id, form.period, "export")
    return exports.download(kind, f"so-theo-doi-{form.period.key()}", title, preamble, headers,
                            rows, widths=ledger.WIDTHS)
