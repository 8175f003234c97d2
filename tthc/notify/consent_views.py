"""Consent outside the citizen's draft: the desk records a walk-in's; anyone with the
dossier's code and the phone or email the messages go to can stop them (a walk-in keeps
no link to a status page).

The desk's page is the reception's, for the officer's own office only; each read and each
change is in the access log (the channels, never the phone or email).
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from ..auth import log_access, scoped_get_or_404, staff_required
from ..domain.codes import format_prefiling_code
from ..extensions import db, limiter
from ..models import Dossier
from . import bp, consent, services
from .consent_forms import DeskConsentForm, StopForm
from .messages import EMAIL, PHONE_CHANNELS
from .tickets import mobile

DOSSIER = "/can-bo/ho-so/<int(max=2147483647):dossier_id>/thong-bao"


def _prefill(dossier: Dossier) -> dict[str, str]:
    """The phone and email the form starts with: those consented to, else the answers'."""
    agreed = consent.agreed_channels(db.session, dossier.id)
    answered = consent.answered_addresses(dossier)
    phone = next((agreed[c] for c in sorted(PHONE_CHANNELS) if c in agreed), None) \
        or answered.get("sms", "")
    return {"so_dien_thoai": mobile(phone) or phone,
            "email": agreed.get(EMAIL) or answered.get(EMAIL, "")}


def _desk_page(dossier: Dossier, form: DeskConsentForm, status: int = 200):
    rows = [(channel, services.mask_recipient(channel, address)) for channel, address
            in consent.agreed_channels(db.session, dossier.id).items()]
    code = dossier.code or (format_prefiling_code(dossier.prefiling_code)
                            if dossier.prefiling_code else "")
    return render_template("notify/desk.html", dossier=dossier, code=code, form=form, rows=rows,
                           tb=consent.state(dossier), errors=form.messages()), status


@bp.route(DOSSIER, methods=("GET", "POST"))
@staff_required("reception")
def desk_consent(dossier_id):
    """Record the channels a citizen at the desk agrees to be told on, or withdraws."""
    dossier = scoped_get_or_404(Dossier, dossier_id)
    form = DeskConsentForm() if request.method == "POST" else \
        DeskConsentForm(formdata=None, data=_prefill(dossier))
    if not request.method == "POST":
        log_access(dossier.id, "view", "đồng ý nhận thông báo", commit=True)
        return _desk_page(dossier, form)
    if not form.validate_on_submit():
        return _desk_page(dossier, form, 422)
    added, withdrawn = consent.record_at_desk(dossier, form.shown(), form.chosen(),
                                              form.addresses())
    if added or withdrawn:
        log_access(dossier.id, "update", "đồng ý nhận thông báo: "
                   + "; ".join(part for part in (
                       "thêm " + ", ".join(added) if added else "",
                       "thôi " + ", ".join(withdrawn) if withdrawn else "") if part),
                   commit=True)
    flash(gettext("Đã lưu lựa chọn nhận thông báo của người dân."), "info")
    return redirect(url_for("notify.desk_consent", dossier_id=dossier.id), 303)


def _stop_limit() -> str:
    return current_app.config["TTHC_LOOKUP_RATE_LIMIT"]  # a look-up by code, as /tra-cuu


@bp.get("/thoi-nhan-tin")
def stop():
    """Ask for the dossier's code and the phone or email its messages go to."""
    return render_template("notify/stop.html", form=StopForm(formdata=None), errors={})


@bp.post("/thoi-nhan-tin")
@limiter.limit(_stop_limit)
def stop_post():
    """Stop the messages of a dossier sent to that phone or email."""
    form = StopForm()
    if form.validate_on_submit():
        stopped = consent.stop(form.ma.data, form.address())
        if stopped:
            flash(gettext("Đã thôi gửi thông báo về hồ sơ này tới số điện thoại hoặc thư "
                          "điện tử đã nhập."))
            return redirect(url_for("notify.stop"), 303)
        # An unknown code and a known one that sends nothing there answer alike.
        form.nhan_tin.errors.append(gettext(
            "Không có hồ sơ mang mã này đang gửi thông báo tới số điện thoại hoặc thư điện tử "
            "đã nhập. Kiểm tra lại mã hồ sơ và số (hoặc thư) đang nhận tin."))
    return render_template("notify/stop.html", form=form,
                           errors={f.name: f.errors[0] for f in form if f.errors}), 422
