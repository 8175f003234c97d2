"""The office's ledger (Sổ theo dõi hồ sơ: Form 06 of TT 01/2018, 07 of TT 03/2025), its .xlsx
export, and the desk's settings (hours, dossier code)."""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from ..auth import log_access, staff_required
from ..extensions import db
from ..models import Office
from . import bp, office_forms, services, slips

LEDGER = ("reception", "leader")


def _period() -> office_forms.PeriodForm:
    form = office_forms.PeriodForm(services.today(), formdata=request.args)
    form.validate()
    return form


def _rows(period: office_forms.PeriodForm):
    dossiers = services.returns.ledger(current_user.office_id, period.start, period.end)
    return dossiers, slips.ledger_rows(dossiers, services.staff_names(current_user.office_id))


def _log_rows(dossiers, action: str) -> None:
    # The ledger shows names and addresses: a read of each dossier on it.
    for dossier in dossiers:
        log_access(dossier.id, action, "sổ theo dõi hồ sơ")
    db.session.commit()


@bp.get("/can-bo/so-theo-doi")
@staff_required(*LEDGER)
def ledger():
    """The ledger for a period (received dates, ?tu=dd/mm/yyyy&den=…), printable on A4."""
    period = _period()
    ok = not period.messages()
    dossiers, rows = _rows(period) if ok else ([], [])
    _log_rows(dossiers, "list")
    form_set, form = slips.ledger_form(current_user.office_id)
    return render_template("desk/ledger.html", rows=rows, headers=slips.ledger_headers(),
                           errors=period.messages(), args=request.args, start=period.start,
                           end=period.end, form_set=form_set, ledger_form=form,
                           office=db.session.get(Office, current_user.office_id)), \
        200 if ok else 422


@bp.get("/can-bo/so-theo-doi.xlsx")
@staff_required(*LEDGER)
def ledger_xlsx():
    """The same ledger as an .xlsx file."""
    period = _period()
    if period.messages():
        return ledger()
    dossiers, rows = _rows(period)
    _log_rows(dossiers, "export")
    office = db.session.get(Office, current_user.office_id)
    data = slips.ledger_xlsx(office, period.start, period.end, rows)
    response = make_response(data)
    response.mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    name = f"so-theo-doi-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"
    response.headers["Content-Disposition"] = f"attachment; filename={name}"
    return response


@bp.route("/can-bo/tiep-nhan/cai-dat", methods=("GET", "POST"))
@staff_required("admin")
def settings():
    """The office's desk settings: unit code, dossier code pattern, cut-off. Each change is
    logged (access log, action "settings", no dossier)."""
    office = db.session.get(Office, current_user.office_id)
    values = services.settings(office.id)
    if request.method == "GET":
        return render_template("desk/settings.html", values=values, unit=office.unit_code,
                               errors={})
    form = office_forms.SettingsForm(office.id)
    if not form.validate():
        return render_template("desk/settings.html", values=form.values,
                               unit=form.ma_don_vi.data, errors=form.messages()), 422
    changes = services.save_settings(office, form.values, form.ma_don_vi.data)
    if changes:
        log_access(None, "settings", "; ".join(changes), commit=True)
    flash(gettext("Đã lưu cài đặt tiếp nhận."), "info")
    return redirect(url_for("desk.settings"), 303)
