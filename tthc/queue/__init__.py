"""The queue for Monday walk-ins: tickets, the live ticket page, counters, the hall's board."""

from flask import Blueprint

bp = Blueprint("queue", __name__)


@bp.app_context_processor
def _present():
    from . import present

    return {"queue_present": present}


from . import taking, views  # noqa: E402,F401
