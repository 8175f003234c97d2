"""Taking a number: the kiosk's buttons, a pre-filed dossier's QR or code, the «Lấy số» of
its confirmation page; the opening hours and the per-phone limit that every one of them
respects.

The kiosk tablet in the hall is a browser an admin marked once (a signed cookie, see
``kiosk_device``): it gives numbers to everyone and shows the printable ticket. Any other
browser is a citizen's phone: at most ``TTHC_TICKETS_PER_PHONE_PER_DAY`` numbers a day,
counted in its own (signed) session, with the numbers it took listed when it reaches the
limit. Nothing is kept in the server's memory.
"""

from __future__ import annotations

from flask import (abort, current_app, flash, g, make_response, redirect, render_template,
                   request, session, url_for)
from flask_babel import gettext
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer

from ..auth import staff_required
from ..domain import queue as rules
from ..extensions import db, limiter
from ..i18n import render_message
from ..intake import services as intake
from ..models import Office
from ..offices import current_office
from ..timeutil import today
from ..transactions import Busy
from . import bp, present, services
from .forms import CodeTicketForm, KioskDeviceForm, TicketForm
from .services import prefiled

KIOSK_COOKIE = "tthc_may_lay_so"
KIOSK_COOKIE_DAYS = 5 * 365
TAKEN_KEY = "queue_taken"  # {"day": "2026-12-07", "tokens": [...]}: this phone's numbers


def _ticket_limit() -> str:
    return current_app.config["TTHC_TICKET_RATE_LIMIT"]


def office_or_404() -> Office:
    office = g.office = current_office()  # web.office_context reuses it for the layout
    if office is None:
        abort(404)
    return office


# --------------------------------------------------------------------------- the device


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="tthc-kiosk-device")


def is_kiosk_device(office: Office) -> bool:
    """True when this browser is the office's kiosk tablet (marked by an admin)."""
    raw = request.cookies.get(KIOSK_COOKIE)
    if not raw:
        return False
    try:
        return _serializer().loads(raw) == office.id
    except BadSignature:
        return False


def _per_phone() -> int:
    return int(current_app.config.get("TTHC_TICKETS_PER_PHONE_PER_DAY") or 0)


def _taken_today() -> list[str]:
    data = session.get(TAKEN_KEY)
    if isinstance(data, dict) and data.get("day") == today().isoformat():
        return [t for t in data.get("tokens", []) if isinstance(t, str)][:50]
    return []


def _remember(token: str) -> None:
    tokens = _taken_today()
    if token not in tokens:
        session[TAKEN_KEY] = {"day": today().isoformat(), "tokens": [*tokens, token]}


def _ticket_url(token: str, kiosk: bool) -> str:
    return url_for("queue.ticket", token=token, kiosk=1 if kiosk else None)


# --------------------------------------------------------------------------- the kiosk


def _kiosk_page(office: Office, form: TicketForm | None = None,
                code_form: CodeTicketForm | None = None, *, status: int = 200,
                refusal: str | None = None, opening=None):
    kiosk = is_kiosk_device(office)
    opening = opening or services.opening(office)
    taken = [] if kiosk else services.tickets_today(_taken_today())
    response = make_response(render_template(
        "queue/kiosk.html", form=form or TicketForm(), code_form=code_form or CodeTicketForm(),
        groups=services.groups_of(office.id), reasons=rules.PRIORITY_REASONS,
        opening=opening, kiosk_device=kiosk, taken=taken, refusal=refusal,
        per_phone=_per_phone(), request_key=services.new_request_key()), status)
    # Never kept for «Back»: its request key would give the next person the last number.
    response.headers["Cache-Control"] = "no-store"
    return response


def _refusal(office: Office, kiosk: bool, opening) -> tuple[str, int] | None:
    """Why no number can be given now (closed; this phone's limit reached), or None."""
    if not opening.open:
        return present.closed_text(opening), 409
    limit = _per_phone()
    if not kiosk and limit and len(services.tickets_today(_taken_today())) >= limit:
        return gettext("Mỗi điện thoại chỉ lấy được tối đa %(n)d số trong một ngày. Nếu cần "
                       "thêm, vui lòng hỏi cán bộ tại Bộ phận Một cửa.", n=limit), 429
    return None


@bp.get("/lay-so")
def kiosk():
    """Show one big button per service group, the priority choices and the pre-filing code
    field (tablet at the door, or a phone); when the desk is closed, when it opens next."""
    return _kiosk_page(office_or_404())


@bp.post("/lay-so")
@limiter.limit(_ticket_limit)
def take():
    """Give a queue number in the chosen group and show its live page."""
    office = office_or_404()
    groups = services.groups_of(office.id)
    form = TicketForm(group_ids=[group.id for group in groups])
    if not form.validate_on_submit():
        return _kiosk_page(office, form, status=422)
    kiosk, opening = is_kiosk_device(office), services.opening(office)
    refused = _refusal(office, kiosk, opening)
    if refused:
        return _kiosk_page(office, form, status=refused[1], refusal=refused[0],
                           opening=opening)
    ticket = services.issue_ticket(office, form.nhom.data, source="kiosk" if kiosk else "phone",
                                   priority_reason=form.uu_tien.data,
                                   request_key=form.lan.data)
    if not kiosk:
        _remember(ticket.token)
    return redirect(_ticket_url(ticket.token, kiosk), 303)


@bp.post("/ma-nop-truoc")
@limiter.limit(_ticket_limit)
def take_by_code():
    """Give (or show again) the number of a pre-filed dossier from its QR or code."""
    office = office_or_404()
    code_form = CodeTicketForm()
    if not code_form.validate_on_submit():
        return _kiosk_page(office, code_form=code_form, status=422)
    dossier = prefiled.find(code_form.ma.data, office.id)
    if dossier is None:
        code_form.ma.errors.append(gettext(
            "Không tìm thấy hồ sơ có mã này. Kiểm tra lại mã (ví dụ YPD9-N7J6), hoặc chọn việc "
            "cần làm bên dưới để lấy số."))
        return _kiosk_page(office, code_form=code_form, status=404)
    return _dossier_ticket(office, dossier, on_error=lambda text, status: _kiosk_page(
        office, code_form=code_form, status=status, refusal=text))


@bp.post("/ho-so/<token>/lay-so")
@limiter.limit(_ticket_limit)
def take_for_dossier(token: str):
    """Give (or show again) the number of the pre-filed dossier this link opens (the «Lấy số»
    button of its confirmation page)."""
    if not KioskDeviceForm().validate_on_submit():  # the CSRF token only
        abort(400)
    dossier = intake.find_by_token(token)
    if dossier is None:
        abort(404)
    office = g.office = db.session.get(Office, dossier.office_id)
    back = url_for("intake.draft", token=token)
    return _dossier_ticket(office, dossier, on_error=lambda text, status: (render_template(
        "queue/refused.html", message=text, back=back), status))


def _dossier_ticket(office: Office, dossier, on_error):
    kiosk, opening = is_kiosk_device(office), services.opening(office)
    existing = services.dossier_ticket_today(dossier.id)
    if existing is not None:  # a second scan: the same number, whatever the hour
        return redirect(_ticket_url(existing.token, kiosk), 303)
    refused = _refusal(office, kiosk, opening)
    if refused:
        return on_error(*refused)
    try:
        given = prefiled.ticket(office, dossier, "kiosk" if kiosk else "phone")
    except prefiled.NoTicket as refusal:
        return on_error(render_message(refusal.message), 409)
    except Busy:
        return on_error(gettext("Hệ thống đang bận, vui lòng bấm lại."), 503)
    if not kiosk:
        _remember(given.token)
    return redirect(_ticket_url(given.token, kiosk), 303)


# --------------------------------------------------------------------------- set-up


@bp.post("/can-bo/hang-doi/may-lay-so")
@staff_required("admin")
def kiosk_device():
    """Make this browser the office's kiosk tablet (no per-phone limit, printable tickets)."""
    form = KioskDeviceForm()
    if not form.validate_on_submit():
        abort(400)
    response = make_response(redirect(url_for("queue.settings"), 303))
    if form.may_lay_so.data:
        response.set_cookie(KIOSK_COOKIE, _serializer().dumps(current_user.office_id),
                            max_age=KIOSK_COOKIE_DAYS * 86400, httponly=True, samesite="Lax",
                            secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
        flash(gettext("Trình duyệt này đã thành máy lấy số của cơ quan. Có thể đăng xuất."),
              "info")
    else:
        response.delete_cookie(KIOSK_COOKIE)
        flash(gettext("Trình duyệt này không còn là máy lấy số."), "info")
    return response
