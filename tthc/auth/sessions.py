"""How long a staff session lives: the account's session counter, an idle timeout and the
limit from sign-in, checked on every request by the user loader (tthc/auth/__init__.py).

The session cookie carries "id:epoch" (Staff.get_id) and two stamps: when the officer
signed in and when they were last seen. ``SESSION_REFRESH_EACH_REQUEST`` stays off, so the
cookie is re-sent only when the session changes: "last seen" is refreshed at most once a
minute, on requests the officer made (not on htmx GETs, which screens send on their own
every few seconds), so an idle timeout of 30 minutes ends within 31 minutes of the last
click. The limit of TTHC_STAFF_SESSION_HOURS counts from the sign-in stamp, which a re-sent
cookie does not move.
"""

from __future__ import annotations

from flask import current_app, flash, request, session
from flask_babel import gettext
from sqlalchemy import update

from ..extensions import db
from ..models import Staff
from ..models.dossier import utcnow

SINCE = "staff_since"
SEEN = "staff_seen"
REFRESH_SECONDS = 60


def stamp() -> int:
    """The session stamps' clock: whole seconds since the epoch."""
    return int(utcnow().timestamp())


def begin() -> None:
    """Stamp a new sign-in (after login_user)."""
    session[SINCE] = session[SEEN] = stamp()


def check(staff: Staff, epoch: str) -> bool:
    """True when this session of *staff* may go on; otherwise forget its stamps and say why
    on the sign-in page."""
    since, seen = session.get(SINCE), session.get(SEEN)
    if not isinstance(since, int) or not isinstance(seen, int):
        return False
    now = stamp()
    config = current_app.config
    if epoch != str(staff.session_epoch):
        reason = gettext("Phiên làm việc đã kết thúc (đã đăng xuất hoặc đổi mật khẩu). "
                         "Vui lòng đăng nhập lại.")
    elif now - since > config["TTHC_STAFF_SESSION_HOURS"] * 3600:
        reason = gettext("Phiên làm việc đã hết thời hạn. Vui lòng đăng nhập lại.")
    elif now - seen > config["TTHC_STAFF_IDLE_MINUTES"] * 60:
        reason = gettext("Đã quá %(n)d phút không thao tác. Vui lòng đăng nhập lại.",
                         n=config["TTHC_STAFF_IDLE_MINUTES"])
    else:
        if now - seen >= REFRESH_SECONDS and not _background():
            session[SEEN] = now
        return True
    session.pop(SINCE, None)
    session.pop(SEEN, None)
    flash(reason, "info")
    return False


def _background() -> bool:
    """An htmx GET: a poll or a fragment, not a sign the officer is at the desk."""
    return request.method == "GET" and request.headers.get("HX-Request") == "true"


def end_all(staff_id: int) -> None:
    """End every session of the account (bump its counter). Joins the caller's transaction."""
    db.session.execute(update(Staff).where(Staff.id == staff_id)
                       .values(session_epoch=Staff.session_epoch + 1))
