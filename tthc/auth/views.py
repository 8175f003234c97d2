from __future__ import annotations

import math
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import current_user, login_user, logout_user

from .. import offices
from ..domain.formsets import LEDGER
from ..extensions import db, limiter
from . import bp, services, sessions, throttle
from .access import staff_required
from .forms import EmptyForm, LoginForm


def _login_limit() -> str:
    return current_app.config["TTHC_LOGIN_RATE_LIMIT"]


def safe_next(target: str | None) -> str | None:
    """*target* when it is a path on this site (never another host), else None; a control
    character (CR/LF would split the Location header) or an unparsable URL: None."""
    if not target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return None
    try:
        parts = urlsplit(target)
    except ValueError:
        return None
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
        return None
    return target


def landing_url(staff) -> str:
    """Where an officer starts: the counter screen for reception; their own work (to sign,
    in hand, due soon, overdue) for specialists and leaders; the staff home otherwise."""
    if staff.has_role("reception"):
        return url_for("queue.counter")
    if staff.has_role("specialist", "leader"):
        return url_for("desk.work")
    return url_for("auth.home")


@bp.route("/can-bo/dang-nhap", methods=("GET", "POST"))
@limiter.limit(_login_limit, methods=["POST"])
def login():
    """Sign a staff member in; the same answer for every kind of failure."""
    form = LoginForm()
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(request.args.get("next")) or landing_url(current_user), 303)
    error, status, headers = None, 200, {}
    if form.validate_on_submit():
        username, address = form.username.data or "", request.remote_addr or ""
        try:
            staff = services.authenticate(username, form.password.data or "", address)
        except services.TooSoon as too_soon:
            staff, status = None, 429
            headers["Retry-After"] = str(too_soon.seconds)
            error = _wait_message(too_soon.seconds)
        if staff is not None:
            lang = session.get("lang")
            session.clear()  # a new sign-in starts a new session (and a new CSRF token)
            if lang:
                session["lang"] = lang
            session.permanent = True  # the cookie lasts PERMANENT_SESSION_LIFETIME
            login_user(staff)
            sessions.begin()
            return redirect(safe_next(form.next.data) or landing_url(staff), 303)
        if status != 429:
            status = 422
            error = gettext("Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đã bị "
                            "khóa.")
            wait = throttle.waiting(username, address)
            if wait:
                error += " " + _wait_message(wait)
    elif request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
    return render_template("auth/login.html", form=form, error=error), status, headers


def _wait_message(seconds: int) -> str:
    """When this address may try again, in words."""
    if seconds <= 90:
        wait = gettext("%(n)d giây", n=seconds)
    else:
        wait = gettext("%(n)d phút", n=math.ceil(seconds / 60))
    return gettext("Đã nhập sai nhiều lần: vui lòng chờ %(wait)s rồi thử lại.", wait=wait)


@bp.post("/can-bo/dang-xuat")
def logout():
    """Sign out and go back to the sign-in page."""
    EmptyForm()  # CSRFProtect has already checked the token
    if current_user.is_authenticated:
        sessions.end_all(current_user.id)  # a copy of this cookie must not work either
        db.session.commit()
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    flash(gettext("Đã đăng xuất."), "info")
    return redirect(url_for("auth.login"), 303)


@bp.get("/can-bo")
@staff_required()
def home():
    """Show what this officer can open, by role."""
    # The ledger's form number depends on the set of official forms the office uses.
    ledger = offices.form_set(current_user.office_id).form(LEDGER)
    return render_template("auth/home.html", ledger_number=ledger.number)
