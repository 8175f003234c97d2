"""Staff sign-in, roles and the authorisation every staff route goes through.

Other blueprints import from here: ``staff_required(*roles)``, ``office_scoped(select(...))``,
``scoped_get_or_404(Model, id)`` and ``log_access(dossier_id, action, detail="")``.
"""

import datetime as dt

from flask import Blueprint, redirect, request, url_for

from ..extensions import db, login_manager
from .access import log_access, office_scoped, scoped_get_or_404, staff_required

bp = Blueprint("auth", __name__)

__all__ = ["bp", "log_access", "office_scoped", "scoped_get_or_404", "staff_required"]


@login_manager.user_loader
def load_staff(user_id: str):
    """The signed-in officer, read on every request: roles, counter and disabling apply at
    the next click; a disabled account, a bumped session counter (sign-out, new password),
    an idle or too old session sign the officer out (tthc/auth/sessions.py)."""
    from ..models import Staff
    from . import sessions

    staff_id, _, epoch = str(user_id).partition(":")
    try:
        staff = db.session.get(Staff, int(staff_id))
    except (TypeError, ValueError):
        return None
    if staff is None or not staff.active or not sessions.check(staff, epoch):
        return None
    return staff


@login_manager.unauthorized_handler
def unauthorized():
    """Anonymous on a staff page: to the sign-in page, then back to where they were."""
    from htmx_flask import make_response as htmx_response

    from ..htmx import is_fragment_request

    target = request.full_path if request.method == "GET" else None
    if target and target.endswith("?"):
        target = target[:-1]
    url = url_for("auth.login", next=target)
    if is_fragment_request():
        # htmx follows HX-Redirect with a full page load (a 303 would be swapped in place).
        return htmx_response("", 401, redirect=url)
    return redirect(url, 303)


@bp.record_once
def _setup(state) -> None:
    app = state.app
    app.config["PERMANENT_SESSION_LIFETIME"] = dt.timedelta(
        hours=app.config["TTHC_STAFF_SESSION_HOURS"])
    login_manager.login_view = "auth.login"
    check_demo_passwords(app)


def check_demo_passwords(app) -> None:
    """Refuse to serve while a demo account still has the demo password (see TTHC_DEMO)."""
    from sqlalchemy.exc import SQLAlchemyError

    from ..config import ConfigurationError
    from .services import accounts_with_demo_password

    if app.debug or app.testing or app.config["TTHC_DEMO"] or _in_cli_other_than_run():
        return
    with app.app_context():
        try:
            found = accounts_with_demo_password()
        except SQLAlchemyError:
            return  # not migrated yet: `flask db upgrade` runs before anything is served
        finally:
            db.session.remove()
            db.engine.dispose()  # no connection survives into forked workers
    if found:
        raise ConfigurationError(
            f"The staff account(s) {', '.join(sorted(found))} still have the demo password. "
            "Change it (flask users password USERNAME) or disable the account "
            "(flask users disable USERNAME) before serving; to serve the demo on purpose, "
            "set TTHC_DEMO=1 (make run does)."
        )


def _in_cli_other_than_run() -> bool:
    """True inside a `flask …` command, except `flask run`: commands are how one fixes it."""
    import click

    ctx = click.get_current_context(silent=True)
    return ctx is not None and ctx.info_name != "run"


from . import views  # noqa: E402,F401
