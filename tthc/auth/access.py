"""Authorisation for every staff route and object: roles, the office boundary, the access log.

Use it like this (the desk reuses all three)::

    from tthc.auth import log_access, office_scoped, staff_required

    @bp.get("/can-bo/ho-so/<int:dossier_id>")
    @staff_required("reception", "specialist")
    def show(dossier_id):
        dossier = scoped_get_or_404(Dossier, dossier_id)   # 404 for another office's
        log_access(dossier.id, "view")
        db.session.commit()
        ...

    rows = db.session.scalars(office_scoped(select(Dossier).where(...)))
"""

from __future__ import annotations

import functools
from typing import Any, Callable, TypeVar

from flask import abort, g, make_response
from flask_babel import gettext
from flask_login import current_user

from ..extensions import db, login_manager
from ..models import AccessLog

T = TypeVar("T")


def staff_required(*roles: str) -> Callable:
    """Let signed-in staff through, with one of *roles* when given (any role otherwise).

    Anonymous: redirect to the sign-in page (401 with HX-Redirect for htmx). Wrong role: the
    403 page. Staff answers are never stored by the browser (shared desk computers).
    """

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if roles and not current_user.has_role(*roles):
                return forbidden()
            g.staff_page = True
            response = make_response(view(*args, **kwargs))
            response.headers["Cache-Control"] = "no-store"
            return response

        wrapper.staff_roles = roles  # type: ignore[attr-defined]  # read by the role matrix test
        return wrapper

    return decorator


def forbidden():
    from ..errors import render_error

    return render_error(
        403, gettext("Không có quyền truy cập"),
        gettext("Tài khoản của bạn không được giao việc này. Nếu cần, vui lòng liên hệ "
                "quản trị viên của cơ quan."))


def office_scoped(stmt: T, model: Any = None) -> T:
    """Limit a select() to the signed-in officer's office.

    *model* is the entity that carries ``office_id``; by default the statement's first one.
    """
    if model is None:
        model = stmt.column_descriptions[0]["entity"]  # type: ignore[attr-defined]
    return stmt.where(model.office_id == current_user.office_id)  # type: ignore[attr-defined]


def scoped_get_or_404(model: type[T], ident: int) -> T:
    """The object with this id if it belongs to the officer's office; 404 otherwise.

    Another office's object answers exactly like a missing one: nothing is revealed.
    """
    if not isinstance(ident, int) or not 0 < ident < 2**31:  # ids are 32-bit in the database
        abort(404)
    obj = db.session.get(model, ident)
    if obj is None or obj.office_id != current_user.office_id:  # type: ignore[attr-defined]
        abort(404)
    return obj


def log_access(dossier_id: int | None, action: str, detail: str = "", *,
               commit: bool = False) -> AccessLog:
    """Record that the signed-in officer read or changed a dossier (append-only log).

    *action* is a short verb (view, update, print, download…); *detail* must not repeat
    personal data. The row joins the caller's transaction: commit it (or pass commit=True).
    """
    entry = AccessLog(staff_id=current_user.id, office_id=current_user.office_id,
                      dossier_id=dossier_id, action=action[:30], detail=detail)
    db.session.add(entry)
    if commit:
        db.session.commit()
    return entry
