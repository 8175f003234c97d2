"""The office's ledger (Sổ theo dõi hồ sơ, Form 06), its .xlsx export, the desk's settings."""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from ..auth import log_access, staff_required
from ..extensions import db
from ..models import Office
from . import bp, forms, services, slips

LEDGER = ("reception", "leader")


def _period():
    return forms.read_period(request.args, services.today())


def _rows(read):
    dossiers = services.ledger(current_user.office_id, read.values["start"], read.values["end"])
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
    read = _period()
    dossiers, rows = _rows(read) if read.ok else ([], [])
    _log_rows(dossiers, "list")
    return render_template("desk/ledger.html", rows=rows, headers=slips.ledger_headers(),
                           errors=read.errors, args=request.args, start=read.values["start"],
                           end=read.values["end"],
                           office=db.session.get(Office, current_user.office_id)), \
        200 if read.ok else 422


@bp.get("/can-bo/so-theo-doi.xlsx")
@staff_required(*LEDGER)
def ledger_xlsx():
    """The same ledger as an .xlsx file."""
    read = _period()
    if not read.ok:
        return ledger()
    dossiers, rows = _rows(read)
    _log_rows(dossiers, "export")
    office = db.session.get(Office, current_user.office_id)
    data = slips.ledger_xlsx(office, read.values["start"], read.values["end"], rows)
    response = make_response(data)
    response.mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    name = f"so-theo-doi-{read.values['start']:%Y%m%d}-{read.values['end']:%Y%m%d}.xlsx"
    response.headers["Content-Disposition"] = f"attachment; filename={name}"
    return response


@bp.route("/can-bo/tiep-nhan/cai-dat", methods=("GET", "POST"))
@staff_required("admin")
def settings():
    """The office's desk settings: unit code, dossier code pattern, cut-off and hours."""
    office = db.session.get(Office, current_user.office_id)
    values = services.settings(office.id)
    if request.method == "GET":
        return render_template("desk/settings.html", values=values, unit=office.unit_code,
                               errors={})
    read = forms.read_settings(request.form)
    if not read.ok:
        return render_template("desk/settings.html", values=read.values["values"],
                               unit=read.values["unit_code"], errors=read.errors), 422
    services.save_settings(office, read.values["values"], read.values["unit_code"])
    flash(gettext("Đã lưu cài đặt tiếp nhận."), "info")
    return redirect(url_for("desk.settings"), 303)
