from flask import render_template
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from . import bp


@bp.get("/healthz")
def healthz():
    """Answer 200 when the database answers, 503 when it does not."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return {"status": "error", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}


# Pages that other parts of tthc will serve. Until they do, links to them explain what
# to do instead rather than failing. Each entry: URL, endpoint, heading key.
UPCOMING = {
    "prefile": "/nop-truoc",
    "ticket": "/lay-so",
    "lookup": "/tra-cuu",
}


def _upcoming(kind: str):
    def view():
        return render_template("site/upcoming.html", kind=kind)

    view.__name__ = f"upcoming_{kind}"
    view.__doc__ = "Explain that this service is coming and what to do meanwhile."
    return view


for _kind, _url in UPCOMING.items():
    bp.add_url_rule(_url, endpoint=_kind, view_func=_upcoming(_kind), methods=["GET"])
