"""What the citizen sees after filing: the dossier's status page, the look-up, "my dossiers".

Rendering only, like ``pages``: the views read the request and call one service; these
functions turn what the services returned into HTML. Nothing here writes.
"""

from __future__ import annotations

import segno
from flask import render_template, url_for
from flask_babel import gettext

from ..domain.codes import format_prefiling_code, normalise_prefiling_code
from ..domain.status import Status
from ..models import Dossier
from . import lookups, mine
from .drafts import assess_dossier, spec_of
from .sending import citizen_actions

#: Statuses in which the due date the desk set still holds (a supplement restarts it).
DUE_SHOWN = frozenset({Status.RECEIVED, Status.IN_PROGRESS, Status.AWAITING_FEE})


def shown_code(raw: str) -> str:
    """A code as typed, written the one way codes are printed when it is a pre-filing code."""
    prefiling = normalise_prefiling_code(raw)
    return format_prefiling_code(prefiling) if prefiling else raw


def qr_svg(token: str) -> str:
    """An inline SVG QR code of the dossier's link (it carries the token)."""
    url = url_for("intake.draft", token=token, _external=True)
    return segno.make(url, error="m").svg_inline(scale=4, svgclass="qr",
                                                 title=gettext("Mã QR mở hồ sơ"))


def status_page(dossier: Dossier, token: str, *, confirmation: bool = False,
                error: str | None = None, status: int = 200):
    """A sent dossier: its codes, the due date once received, QR, what to bring and when, its
    history, what can still be done. The confirmation's "read this code at the desk" only
    while the desk has not received it."""
    spec = spec_of(dossier)
    report = assess_dossier(dossier, spec)
    current = Status(dossier.status)
    context = {
        "dossier": dossier, "token": token, "p": spec, "report": report,
        "code": format_prefiling_code(dossier.prefiling_code), "qr": qr_svg(token),
        "status": current, "events": list(dossier.events),
        "actions": citizen_actions(dossier), "due_shown": current in DUE_SHOWN,
        "confirmation": confirmation and current == Status.NEW, "error": error,
        "uploads_count": len(dossier.uploads),
    }
    return render_template("intake/dossier.html", **context), status


def lookup_page(form=None, code: str = "", device_secret: str | None = None):
    """The look-up form; with *form* (a posted ``LookupForm``), its result, or 422 with the
    errors beside the fields.

    Only the code with the phone's last 4 digits shows anything of a dossier: its status,
    official code and due date, procedure, history and what to supplement, with the draft's
    link when this phone keeps it. Every failure gets the same page, word for word.
    """
    context = {"code_value": shown_code(code[:60]), "last4_value": "", "errors": {},
               "dossier": None, "summary": None, "events": None, "supplement": [],
               # Bandit B105 checked: the draft's link, none until a look-up finds one
               "token": None}  # nosec B105
    if form is None:
        return render_template("intake/lookup.html", **context)
    code = (form.code.data or "")[:60]
    raw_last4 = (form.last4.data or "")[:20]
    errors: dict[str, str] = {}
    last4 = lookups.normalise_last4(raw_last4)
    if not code.strip():
        errors["code"] = gettext("Nhập mã nộp trước (ví dụ: ABCD-2345) hoặc mã hồ sơ.")
    if not raw_last4.strip():
        errors["last4"] = gettext("Nhập 4 số cuối của số điện thoại đã khai trong hồ sơ.")
    elif last4 is None:
        errors["last4"] = gettext("Nhập đúng 4 chữ số cuối của số điện thoại đã khai, "
                                  "ví dụ: 5678.")
    dossier = None
    if not errors:
        dossier = lookups.lookup(code, last4)
        if dossier is None:
            # One message for every failure: a code that exists must not answer otherwise.
            errors["code"] = gettext(
                "Không tìm thấy hồ sơ với mã và 4 số cuối điện thoại này. Kiểm tra lại mã "
                "(mã nộp trước, ví dụ: ABCD-2345, hoặc mã hồ sơ ghi trên giấy tiếp nhận) và 4 "
                "số cuối của số điện thoại đã khai trong hồ sơ.")
    context.update(code_value=shown_code(code), last4_value=raw_last4, errors=errors)
    if errors:
        context["summary"] = [("#" + name, text) for name, text in errors.items()]
        return render_template("intake/lookup.html", **context), 422
    current = Status(dossier.status)
    context.update(
        dossier=dossier, status=current, due_shown=current in DUE_SHOWN,
        shown_code=dossier.code or format_prefiling_code(dossier.prefiling_code),
        p=spec_of(dossier), events=list(dossier.events),
        supplement=lookups.supplement_list(dossier),
        token=mine.link_for(dossier, device_secret) if current == Status.SUPPLEMENT else None,
    )
    return render_template("intake/lookup.html", **context), 200


def my_dossiers_page(device_secret: str | None):
    """The phone's drafts and dossiers, or how to have them listed."""
    return render_template("intake/my_dossiers.html",
                           dossiers=mine.my_dossiers(device_secret))
