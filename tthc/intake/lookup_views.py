"""The citizen's pages reached without a dossier's link: the look-up, and "my dossiers".

Views of the intake blueprint (``intake.lookup``, ``intake.my_dossiers``…), beside
``views``: its before/after-request hooks apply here too.
"""

from __future__ import annotations

from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext
from wtforms import StringField

from ..domain.text import clean
from ..extensions import limiter
from ..forms import Form
from . import bp
from .posted import device_secret, forget_device
from .tracking import lookup_page, my_dossiers_page


# --- look-up --------------------------------------------------------------------------------


class LookupForm(Form):
    """The look-up's post: a code and the phone's last 4 digits (tracking.lookup_page checks
    them and says what is wrong beside each field)."""

    code = StringField()
    last4 = StringField()


@bp.get("/tra-cuu")
def lookup():
    """Ask for the pre-filing or dossier code, and the phone's last 4 digits.

    ?ma=<code> (the QR code on the desk's slips) fills the code in; the look-up itself stays
    a POST, rate-limited.
    """
    return lookup_page(code=clean(request.args.get("ma", "")))


@bp.post("/tra-cuu")
@limiter.limit(lambda: current_app.config["TTHC_LOOKUP_RATE_LIMIT"])
def lookup_result():
    """Show a dossier's status and history to its code with the phone's last 4 digits."""
    form = LookupForm()
    form.validate_on_submit()  # the CSRF token; the fields are checked by lookup_page
    return lookup_page(form, device_secret=device_secret())


# --- my dossiers on this phone --------------------------------------------------------------


@bp.get("/ho-so-cua-toi")
def my_dossiers():
    """List the drafts and dossiers this phone keeps, each with its link."""
    return my_dossiers_page(device_secret())


@bp.post("/ho-so-cua-toi/quen")
def forget_phone():
    """Forget this phone: its remembered details and its list of dossiers."""
    forget_device()
    flash(gettext("Đã xóa thông tin người nộp và danh sách hồ sơ lưu trên điện thoại này. "
                  "Các hồ sơ vẫn giữ nguyên; mở lại bằng đường dẫn hoặc mã QR đã lưu."))
    return redirect(url_for("intake.my_dossiers"), 303)
