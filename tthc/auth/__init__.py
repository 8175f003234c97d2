"""Staff sign-in, roles and the authorisation every staff route goes through."""

from flask import Blueprint

from ..extensions import db, login_manager

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_staff(staff_id: str):
    from ..models import Staff

    try:
        staff = db.session.get(Staff, int(staff_id))
    except (TypeError, ValueError):
        return None
    return staff if staff is not None and staff.active else None
