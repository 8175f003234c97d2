from __future__ import annotations

import functools

from flask import (abort, current_app, flash, g, make_response, redirect, render_template,
                   request, session, url_for)
from flask_babel import gettext
from flask_login import current_user
from htmx_flask import make_response as htmx_response
from sqlalchemy import select

from ..auth import staff_required
from ..domain import queue as rules
from ..extensions import csrf, db, limiter, unlimited
from ..htmx import is_fragment_request
from ..i18n import language, render_message
from ..models import Office, Rating
from ..notify import tickets as notify_tickets
from ..notify.consent_forms import TicketPhoneForm
from ..transactions import Busy
from ..web import static_url
from . import bp, present, services
from .forms import (CallNextForm, CounterForm, SettingsForm, StaffTicketForm, TicketActionForm,
                    TransferForm)
from .taking import is_kiosk_device, office_or_404

# --------------------------------------------------------------------------- helpers


def _etag(*parts: object) -> str:
    """A weak validator from the state the answer depends on, its language and shape.

    Weak: Flask-Compress sends compressed bytes under it, which a strong tag would forbid.
    """
    fragment = "f" if is_fragment_request() else "p"
    return ".".join(str(p) for p in (*parts, language(), fragment))


def _not_modified(etag: str):
    """A bodyless 304 when the client already has this state, else None."""
    if request.if_none_match.contains_weak(etag):
        response = make_response("", 304)
        response.set_etag(etag, weak=True)
        return response
    return None


def _assets(*files: str) -> str:
    # Full pages name static files by content hash: a deploy must change the page's tag.
    return "-".join(static_url(f).rsplit("=", 1)[-1][:6] for f in files)


# --------------------------------------------------------------------------- citizens
# Taking a number (the kiosk, a pre-filed dossier's QR) is in taking.py.


@bp.get("/so/<token>")
def ticket(token: str):
    """Show a ticket's place in the queue, then the call; a fragment for htmx polling."""
    found = services.ticket_by_token(token)
    if found is None:
        abort(404)
    g.public_page = True  # no CSRF token, no personal data: the same for anyone with the link
    kiosk_mode = request.args.get("kiosk") == "1"
    fragment = is_fragment_request()
    # The phone part is on the page only (not in the polled fragment), its number masked.
    contact = None if fragment else notify_tickets.state(found)
    etag = _etag("t", found.id, found.revision, services.queue_revision(found.office_id),
                 int(kiosk_mode), _rating_stamp(found),
                 "" if fragment else _assets(*PAGE_ASSETS),
                 "" if contact is None else _contact_stamp(contact))
    unchanged = _not_modified(etag)
    if unchanged is not None:
        return unchanged
    state = services.ticket_state(found)
    if fragment:
        # 286 tells htmx to stop polling: nothing will change any more.
        response = make_response(render_template(
            "queue/_ticket.html", state=state, t=found, kiosk_mode=kiosk_mode,
            poll=current_app.config["TTHC_TICKET_POLL_SECONDS"]), 286 if state.final else 200)
    else:
        response = make_response(_ticket_page(found, kiosk_mode, contact))
    response.set_etag(etag, weak=True)
    return response


def _ticket_page(found, kiosk_mode: bool, contact, form=None, error: str | None = None):
    """The ticket's whole page, with the phone form (*form* as posted, if refused)."""
    g.public_page = True
    g.office = db.session.get(Office, found.office_id)  # the ticket's, printed on it
    return render_template(
        "queue/ticket.html", state=services.ticket_state(found), t=found,
        kiosk_mode=kiosk_mode, poll=current_app.config["TTHC_TICKET_POLL_SECONDS"],
        qr=present.qr_svg(url_for("queue.ticket", token=found.token, _external=True)),
        contact=contact, contact_error=error,
        contact_form=form or TicketPhoneForm(formdata=None))


def _contact_stamp(contact) -> str:
    # Never the phone, not even masked (headers travel further than pages): a phone given
    # or withdrawn bumps the ticket's revision, which the tag carries already.
    return f"c{contact.shown}/{','.join(contact.channels)}"


def _phone_limit() -> str:
    return current_app.config["TTHC_TICKET_RATE_LIMIT"]


@bp.post("/so/<token>/nhan-tin")
@csrf.exempt  # the public page has no CSRF token: the ticket's secret link is the authority
@limiter.limit(_phone_limit)
def ticket_phone(token: str):
    """Keep the phone a waiting citizen gives to be told when the turn is near, or forget it."""
    found = services.ticket_by_token(token) or abort(404)
    kiosk_mode = request.args.get("kiosk") == "1"
    back = url_for("queue.ticket", token=found.token, kiosk=1 if kiosk_mode else None,
                   _anchor="nhan-tin")
    contact = notify_tickets.state(found)
    form = TicketPhoneForm()
    form.tb_shown.data = contact.shown  # the boxes the office offers now, whatever was posted
    refusal = None
    if not notify_tickets.open_for_contact(found):
        refusal = gettext("Số này không còn chờ gọi nên không cần nhận tin nhắn nữa.")
    elif not contact.offered and not contact.given:
        refusal = gettext("Cơ quan chưa gửi tin nhắn báo sắp đến lượt.")
    try:
        if form.thoi.data:
            notify_tickets.withdraw(found)  # always allowed, whatever the ticket's state
            return redirect(back, 303)
        if refusal:
            return _ticket_page(found, kiosk_mode, contact, form, refusal), 409
        if not form.validate():
            return _ticket_page(found, kiosk_mode, contact, form), 422
        notify_tickets.save(found, form.phone(), form.chosen())
    except Busy:
        return _ticket_page(found, kiosk_mode, contact, form, gettext(
            "Hệ thống đang bận, vui lòng bấm lại.")), 503
    return redirect(back, 303)


def _rating_stamp(ticket) -> str:
    """What the rating part of a finished ticket's page depends on: the rating as last
    changed (a rating does not bump the ticket's revision) and whether a staff session
    looks (it is offered no buttons). Empty while the visit goes on: nothing to rate."""
    if ticket.status != rules.DONE:
        return ""
    changed = db.session.scalar(select(Rating.updated_at).where(Rating.ticket_id == ticket.id))
    staff = "s" if current_user.is_authenticated else ""
    return f"r{changed.timestamp():.6f}{staff}" if changed else f"r{staff}"


PAGE_ASSETS = ("css/site.css", "js/site.js", "js/ticket.js", "vendor/htmx-2.0.11.min.js")
BOARD_ASSETS = ("css/site.css", "js/site.js", "js/board.js", "vendor/htmx-2.0.11.min.js")


@bp.get("/man-hinh")
def board():
    """The hall's display: who is at each counter, the last 5 called, how many wait."""
    office = office_or_404()
    g.public_page = True  # ticket numbers and counters only: no personal data
    etag = _etag("b", office.id, services.queue_revision(office.id),
                 "" if is_fragment_request() else _assets(*BOARD_ASSETS))
    unchanged = _not_modified(etag)
    if unchanged is not None:
        return unchanged
    context = {"b": services.board(office),
               "poll": current_app.config["TTHC_BOARD_POLL_SECONDS"]}
    if is_fragment_request():
        response = make_response(render_template("queue/_board.html", **context))
    else:
        response = make_response(render_template("queue/board.html", **context))
    response.set_etag(etag, weak=True)
    return response


# --------------------------------------------------------------------------- the counter

COUNTER_KEY = "queue_counter"
GROUPS_KEY = "queue_groups"


def my_counter() -> int | None:
    """The counter this officer calls to: chosen in this session, else the account's."""
    chosen = session.get(COUNTER_KEY)
    return chosen if isinstance(chosen, int) else current_user.counter


def my_groups(ids: list[int]) -> list[int]:
    """The queues this officer calls from (chosen in this session; all by default)."""
    chosen = [i for i in session.get(GROUPS_KEY, []) if i in ids]
    return chosen or list(ids)


def _current_context(error: str | None = None) -> dict:
    """What the ticket block (#current) shows: the ticket at this counter, its actions."""
    current = services.at_counter(current_user)
    return {"groups": services.groups_of(current_user.office_id), "error": error,
            "current": current, "actions": {t.id: action_urls(t.id) for t in current},
            "codes": services.prefiling_codes([t.dossier_id for t in current if t.dossier_id])}


def action_urls(ticket_id: int) -> dict[str, str]:
    """The URLs of a ticket's actions, by endpoint name."""
    return {action: url_for(f"queue.{action}", ticket_id=ticket_id)
            for action, _, _ in TICKET_ACTIONS}


def _desk_context(error: str | None = None, counter_error: str | None = None) -> dict:
    """What the officer's panel (#desk) shows: the counter, the ticket block, "Gọi tiếp"."""
    context = _current_context(error)
    context.update(served=my_groups([g_.id for g_ in context["groups"]]), counter=my_counter(),
                   counters=db.session.get(Office, current_user.office_id).counters or 1,
                   counter_error=counter_error, reasons=rules.PRIORITY_REASONS)
    return context


def _queues_context() -> dict:
    return {"queues": services.queues(current_user.office_id),
            "done_today": services.served_today(current_user),
            "poll": current_app.config["TTHC_COUNTER_POLL_SECONDS"]}


def _after_action(error: str | None = None, status: int = 200, panel: str = "current",
                  counter_error: str | None = None):
    """htmx: the ticket block (or the whole panel), and a nudge to the queues panel.

    Without JavaScript: back to the counter screen (PRG, a notice flashed), or, for a
    refusal (4xx/5xx), the counter screen with the message beside what was refused.
    """
    if is_fragment_request():
        if panel == "desk":
            body = render_template("queue/_desk.html", **_desk_context(error, counter_error))
        else:
            body = render_template("queue/_current.html", **_current_context(error))
        # The queues panel listens for this and refreshes itself.
        return htmx_response(body, status, trigger="tthc-queue-changed")
    if status >= 400:
        return _counter_page(error, counter_error, status)
    if error:
        flash(error, "info")
    return redirect(url_for("queue.counter"), 303)


@bp.get("/can-bo/quay")
@staff_required("reception")
def counter():
    """The counter screen: the ticket at this counter, its actions, the queues."""
    if is_fragment_request():  # the queues panel polls this URL
        return render_template("queue/_queues.html", **_queues_context())
    return _counter_page()


def _counter_page(error: str | None = None, counter_error: str | None = None,
                  status: int = 200):
    """The counter screen; its «Phát số» form gets a new request key (a double click or a
    retry of this page's form gives one number, as at the kiosk)."""
    return render_template("queue/counter.html", **_queues_context(),
                           **_desk_context(error, counter_error),
                           request_key=services.new_request_key()), status


def _queue_action(view):
    """Turn the service's refusals into the officer's message (409, 503), never a 500."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except services.NotFound:
            abort(404)
        except rules.QueueError as refusal:
            return _after_action(render_message(refusal.message), 409)
        except Busy:
            return _after_action(gettext("Hệ thống đang bận, vui lòng bấm lại."), 503)

    return wrapper


@bp.post("/can-bo/quay/goi-tiep")
@unlimited  # pressed all Monday long, by signed-in officers only
@staff_required("reception")
@_queue_action
def call_next():
    """Finish the ticket at this counter and call the next one (priority policy)."""
    form = CallNextForm()
    if not form.validate_on_submit():
        abort(400)
    ids = [g_.id for g_ in services.groups_of(current_user.office_id)]
    if form.chon_nhom.data:  # the form carries the group checkboxes
        session[GROUPS_KEY] = [i for i in form.nhom.data if i in ids]
    counter = my_counter()
    if counter is None:
        return _after_action(gettext("Vui lòng chọn số quầy trước khi gọi."), 409)
    called = services.call_next(current_user, my_groups(ids), counter)
    if called is None:
        return _after_action(gettext("Không còn ai đang chờ."))
    response = make_response(_after_action())
    # The label called, for tools (and the benchmark's duplicate check); no personal data.
    response.headers["X-Queue-Called"] = called.label
    return response


def _ticket_action(action: str):
    def view(ticket_id: int):
        form = TransferForm() if action == "transfer" else TicketActionForm()
        if not form.validate_on_submit():
            if action == "transfer" and form.nhom.errors:
                return _after_action(form.nhom.errors[0], 422)
            abort(400)
        group_id = form.nhom.data if action == "transfer" else None
        services.act(current_user, ticket_id, action, group_id=group_id, counter=my_counter())
        return _after_action()

    return view


#: The ticket actions: endpoint, last segment of /can-bo/quay/so/<id>/…, what it does.
TICKET_ACTIONS = (
    ("recall", "goi-lai", "Call the ticket at this counter again (on the board and phone)."),
    ("start", "bat-dau", "Mark the called citizen as arrived: service starts."),
    ("finish", "hoan-thanh", "Mark the ticket done."),
    ("no_show", "vang-mat", "The called citizen did not come: back in the queue once."),
    ("transfer", "chuyen", "Send the ticket to another group's queue, keeping its rank."),
)

for _action, _url, _doc in TICKET_ACTIONS:
    _view = _ticket_action(_action)
    _view.__name__, _view.__doc__ = _action, _doc
    bp.add_url_rule(f"/can-bo/quay/so/<int:ticket_id>/{_url}", endpoint=_action,
                    view_func=staff_required("reception")(_queue_action(_view)),
                    methods=["POST"])


@bp.post("/can-bo/quay/so-quay")
@staff_required("reception")
def choose_counter():
    """Remember which counter this officer sits at (for this sign-in)."""
    office = db.session.get(Office, current_user.office_id)
    form = CounterForm(counters=office.counters or 1)
    if not form.validate_on_submit():
        return _after_action(status=422, panel="desk", counter_error=form.quay.errors[0])
    session[COUNTER_KEY] = form.quay.data
    return _after_action(panel="desk")


@bp.post("/can-bo/quay/phat-so")
@staff_required("reception")
@_queue_action
def staff_issue():
    """Give a queue number at the counter (a citizen without a phone or at a closed kiosk);
    the same form posted again (a double click, a retry) shows the number already given."""
    groups = services.groups_of(current_user.office_id)
    form = StaffTicketForm(group_ids=[group.id for group in groups])
    if not form.validate_on_submit():
        error = next(iter(form.errors.values()))[0]
        return _after_action(error, 422)
    ticket_ = services.issue_ticket(current_user.office_id, form.nhom.data, source="staff",
                                    priority_reason=form.uu_tien.data,
                                    request_key=form.lan.data)
    if is_fragment_request():
        return _after_action()
    flash(gettext("Đã phát số %(label)s.", label=ticket_.label), "info")
    return redirect(url_for("queue.counter"), 303)


@bp.route("/can-bo/hang-doi/cai-dat", methods=("GET", "POST"))
@staff_required("admin")
def settings():
    """Set the office's call order: priority tickets first, or strictly by arrival."""
    office_id = current_user.office_id
    form = SettingsForm()
    if form.validate_on_submit():
        services.set_call_policy(office_id, form.thu_tu.data)
        flash(gettext("Đã lưu cách gọi số."), "info")
        return redirect(url_for("queue.settings"), 303)
    office = db.session.get(Office, office_id)
    return render_template("queue/settings.html", form=form,
                           policy=services.call_policy(office_id),
                           kiosk_device=is_kiosk_device(office)), 422 if form.errors else 200
