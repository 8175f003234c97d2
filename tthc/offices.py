"""Which office a request is for. One deployment serves one default office today."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db
from .models import Office


def current_office() -> Office | None:
    """The configured office (TTHC_OFFICE), else the one marked default, else the first."""
    code = current_app.config.get("TTHC_OFFICE")
    try:
        if code:
            return db.session.scalar(select(Office).filter_by(code=code))
        return db.session.scalar(
            select(Office).order_by(Office.is_default.desc(), Office.id).limit(1)
        )
    except SQLAlchemyError:
        # An unmigrated or unreachable database must still let error pages render.
        db.session.rollback()
        return None
