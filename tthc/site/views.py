from flask import Flask, render_template, url_for
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.routing import BuildError

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


# Services that other blueprints serve. Links go through link_to(kind): the real endpoint
# when it exists, else an honest stand-in page at the same URL saying what to do instead.
UPCOMING = {
    "prefile": ("/nop-truoc", "intake.start"),
    "ticket": ("/lay-so", "queue.kiosk"),
    "lookup": ("/tra-cuu", "intake.lookup"),
}


def link_to(kind: str, **values) -> str:
    """URL of a public service by kind (prefile, ticket, lookup)."""
    try:
        return url_for(UPCOMING[kind][1], **values)
    except BuildError:
        return url_for(f"site.{kind}", **values)


def _upcoming(kind: str):
    def view(**_):
        return render_template("site/upcoming.html", kind=kind)

    view.__name__ = f"upcoming_{kind}"
    view.__doc__ = "Explain that this service is coming and what to do meanwhile."
    return view


def register_upcoming(app: Flask) -> None:
    """Add a stand-in for each service whose real endpoint is not registered."""
    app.jinja_env.globals["link_to"] = link_to
    for kind, (url, endpoint) in UPCOMING.items():
        if endpoint not in app.view_functions:
            app.add_url_rule(url, endpoint=f"site.{kind}", view_func=_upcoming(kind))
