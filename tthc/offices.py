"""Which office a request is for, and office facts that several blueprints read.

One deployment serves one office at a time: TTHC_OFFICE, else the office marked default.
"""

from __future__ import annotations

import datetime as dt
import functools

from flask import current_app, has_app_context, has_request_context
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from .domain.formsets import FORMS_FILE, FormSet, FormSets, load_formsets_file
from .domain.workdays import Calendar, load_calendar
from .extensions import db
from .models import Office, Setting
from .models.holiday import file_rows, table_rows
from .timeutil import today

#: The Setting row where an office's admin records its set of official forms.
FORM_SET_SETTING = "desk.form_set"


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


@functools.cache
def _form_sets(path: str) -> FormSets:
    # The file is shipped with the code and read-only: a new file comes with a restart.
    return load_formsets_file(path)


def form_sets() -> FormSets:
    """Every set of official forms (TTHC_FORMS_FILE, default tthc/data/forms.toml)."""
    return _form_sets(str(current_app.config.get("TTHC_FORMS_FILE") or FORMS_FILE))


def form_set(office_id: int, on: dt.date | None = None) -> FormSet:
    """The set of official forms an office uses on *on* (today): its admin's choice, else
    TTHC_DESK_FORM_SET, else the file's default."""
    chosen = db.session.scalar(select(Setting.value).where(
        Setting.office_id == office_id, Setting.key == FORM_SET_SETTING))
    if not isinstance(chosen, str) or not chosen:
        chosen = current_app.config.get("TTHC_DESK_FORM_SET")
    return form_sets().for_office(chosen, on or today())


def calendar(office_id: int | None = None) -> Calendar:
    """The holiday table of an office, read now from its rows (tthc.models.holiday; the seed
    file tthc/data/holidays.toml until its admin edits it). A few dozen rows, read on every
    use: an edit applies at once on every worker. Default office: the signed-in officer's,
    else the office served. Outside an app (a script, a test's set-up): the seed file."""
    if not has_app_context():
        version, rows = file_rows()
        return load_calendar(rows, version=version)
    if office_id is None and has_request_context() and current_user.is_authenticated:
        office_id = current_user.office_id
    if office_id is None:
        office = current_office()
        office_id = office.id if office is not None else None
    version, rows = table_rows(office_id)
    return load_calendar(rows, version=version)
