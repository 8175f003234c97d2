"""The admin's notification pages (/can-bo/thong-bao) and the citizen's choice of channels.

Admin pages are the admin's own office only; every change is written to the access log
(no dossier, no secret, only which settings changed). Secrets are never sent back to the
browser: the page says one is stored, and an empty box keeps it.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from ..auth import log_access, staff_required
from ..extensions import db
from . import bp, consent, gateways, messages, sender, services
from .forms import GatewayForm, PublicUrlForm, RetryForm, WordingForm


def _channel_or_404(channel: str) -> str:
    return channel if channel in messages.CHANNELS else abort(404)


def _index(url_form: PublicUrlForm | None = None, status: int = 200):
    office_id = current_user.office_id
    rows = services.problems(office_id)
    log_access(None, "notify_outbox", f"{len(rows)} rows", commit=True)
    stored = gateways.gateways(db.session, office_id)
    ready = {c for c, g in stored.items() if g.ready}
    unreadable = {c for c, g in stored.items() if g.unreadable}
    url_form = url_form or PublicUrlForm(formdata=None,
                                         data={"dia_chi": sender.public_url(office_id)})
    return render_template("notify/index.html", ready=ready, unreadable=unreadable, rows=rows,
                           counts=services.counts(office_id, services.since_days(7)),
                           url_form=url_form), status


@bp.get("/can-bo/thong-bao")
@staff_required("admin")
def index():
    """Show which channels send, the messages that failed or were skipped, and why."""
    return _index()


@bp.post("/can-bo/thong-bao/dia-chi")
@staff_required("admin")
def public_url():
    """Store the site's address used in the look-up links of messages."""
    form = PublicUrlForm()
    if not form.validate_on_submit():
        return _index(form, 422)
    if services.save_public_url(current_user.office_id, form.dia_chi.data or ""):
        log_access(None, "notify_settings", "public_url", commit=True)
    flash(gettext("Đã lưu địa chỉ trang web."), "info")
    return redirect(url_for("notify.index"), 303)


@bp.post("/can-bo/thong-bao/tin/<int:message_id>/gui-lai")
@staff_required("admin")
def retry(message_id):
    """Send a failed or skipped message again at the sender's next pass."""
    form = RetryForm()
    if not form.validate_on_submit():
        abort(400)
    dossier_id = services.retry(current_user.office_id, message_id)
    if dossier_id is None:
        abort(404)  # another office's row answers like a missing one
    log_access(dossier_id or None, "notify_retry", f"message {message_id}", commit=True)
    flash(gettext("Tin sẽ được gửi lại ở lượt gửi tiếp theo."), "info")
    return redirect(url_for("notify.index"), 303)


def _secrets(stored: gateways.Gateway) -> dict[str, str]:
    """What the page may say of each secret: "saved", "unreadable" or "" (never a value)."""
    return {name: "unreadable" if name in stored.unreadable else
            "saved" if stored.saved(name) else "" for name in gateways.SECRETS}


@bp.route("/can-bo/thong-bao/cong-gui/<channel>", methods=("GET", "POST"))
@staff_required("admin")
def gateway(channel):
    """Set up the office's gateway for one channel (secrets are never shown back)."""
    channel = _channel_or_404(channel)
    office_id = current_user.office_id
    stored = gateways.gateway(db.session, office_id, channel)
    if request.method == "GET":
        form = GatewayForm(channel, stored, formdata=None,
                           data={**{k: v for k, v in stored.config.items()
                                    if k not in gateways.SECRETS},
                                 "bat": stored.enabled,
                                 # Folding is on until the admin says the provider takes
                                 # Unicode: the office's name and the dates have diacritics.
                                 "ascii": stored.config.get("ascii", True),
                                 "port": str(stored.config.get("port", 587))})
        return render_template("notify/gateway.html", form=form, channel=channel,
                               secrets=_secrets(stored), errors={})
    form = GatewayForm(channel, stored)
    if not form.validate_on_submit():
        return render_template("notify/gateway.html", form=form, channel=channel,
                               secrets=_secrets(stored), errors=form.messages()), 422
    changed = services.save_gateway(office_id, channel, bool(form.bat.data), form.config(),
                                    keep=form.keep)
    if changed:
        log_access(None, "notify_gateway", f"{channel}: {', '.join(changed)}", commit=True)
    flash(gettext("Đã lưu cổng gửi %(name)s.", name=gettext(messages.CHANNEL_LABELS[channel])),
          "info")
    return redirect(url_for("notify.index"), 303)


@bp.get("/can-bo/thong-bao/mau")
@staff_required("admin")
def wordings():
    """List the messages of every event and channel, the office's own marked."""
    return render_template("notify/wordings.html",
                           custom=services.custom_wordings(current_user.office_id))


@bp.route("/can-bo/thong-bao/mau/<event>/<channel>", methods=("GET", "POST"))
@staff_required("admin")
def wording(event, channel):
    """Reword one event's message on one channel, with a preview before saving."""
    channel = _channel_or_404(channel)
    if event not in messages.EVENTS:
        abort(404)
    office_id = current_user.office_id
    ascii_sms = bool(gateways.gateway(db.session, office_id, channel).config.get("ascii"))
    if request.method == "GET":
        current = sender.wording(office_id, event, channel)
        form = WordingForm(event, channel, formdata=None,
                           data={"subject": current.subject, "body": current.body,
                                 "zns": current.zns_template_id})
        return render_template("notify/wording.html", form=form, event=event,
                               channel=channel, errors={},
                               placeholders=messages.PLACEHOLDERS[event],
                               preview=services.preview(channel, current, ascii_sms))
    form = WordingForm(event, channel)
    if not form.validate_on_submit():
        return render_template("notify/wording.html", form=form, event=event, channel=channel,
                               errors=form.messages(), preview=None,
                               placeholders=messages.PLACEHOLDERS[event]), 422
    if form.xem_truoc.data:
        return render_template("notify/wording.html", form=form, event=event, channel=channel,
                               errors={}, placeholders=messages.PLACEHOLDERS[event],
                               preview=services.preview(channel, form.wording(), ascii_sms))
    services.save_wording(office_id, event, channel,
                          None if form.mac_dinh.data else form.wording())
    log_access(None, "notify_template", f"{event}/{channel}"
               + (": default" if form.mac_dinh.data else ""), commit=True)
    flash(gettext("Đã lưu nội dung thông báo."), "info")
    return redirect(url_for("notify.wordings"), 303)


@bp.post("/ho-so/<token>/thong-bao")
def choose(token):
    """Store the channels the citizen agrees to be told on (or withdraws), then go back."""
    dossier = services.dossier_by_token(token) or abort(404)
    form = consent.ConsentForm()
    if not form.validate_on_submit():
        abort(400)
    consent.record_posted(dossier, source="status")
    flash(gettext("Đã lưu lựa chọn nhận thông báo."))
    return redirect(url_for("intake.draft", token=token, _anchor="thong-bao"), 303)
