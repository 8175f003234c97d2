"""Which office a request is for, and office facts that several blueprints read.

One deployment serves one office at a time: TTHC_OFFICE, else the office marked default.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from flask import current_app, has_app_context, has_request_context
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from .domain.formsets import FORMS_FILE, FormSet, FormSets, load_formsets_file
from .domain.frameworks import FRAMEWORKS_FILE, Frameworks, Version, load_frameworks_file
from .domain.hours import desk_hours, parse_schedule
from .domain.workdays import Calendar, OfficeHours, load_calendar
from .extensions import db
from .models import Office, Setting
from .models.holiday import file_rows, table_rows
from .timeutil import TZ, today

#: The Setting rows where an office's admin records the day an unverified framework version
#: takes effect: this prefix and the version's key, value "YYYY-MM-DD" (docs/desk.md).
FRAMEWORK_DATE_SETTING = "framework.date."
#: The Setting row where an office may set its own cut-off ("HH:MM"); none: the law's.
CUTOFF_SETTING = "desk.cutoff"


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


@functools.lru_cache(maxsize=4)
def _frameworks(path: str, sets: tuple[tuple[str, dt.date], ...]) -> Frameworks:
    # Shipped with the code like the forms: a new file comes with a restart. The days the
    # admin sets are in the database, read on each call (framework_dates).
    return load_frameworks_file(dict(sets), path)


def file_frameworks() -> Frameworks:
    """The framework versions of the file (TTHC_FRAMEWORKS_FILE, default
    tthc/data/frameworks.toml), with the file's dates."""
    path = current_app.config.get("TTHC_FRAMEWORKS_FILE") or FRAMEWORKS_FILE
    sets = tuple((s.key, s.effective_from) for s in form_sets().sets)
    return _frameworks(str(path), sets)


def framework_dates(office_id: int) -> dict[str, dt.date]:
    """The days the office's admin set for unverified versions, by version key."""
    found = {}
    for key, value in db.session.execute(select(Setting.key, Setting.value).where(
            Setting.office_id == office_id,
            Setting.key.startswith(FRAMEWORK_DATE_SETTING, autoescape=True))):
        try:
            found[key.removeprefix(FRAMEWORK_DATE_SETTING)] = dt.date.fromisoformat(value)
        except (TypeError, ValueError):
            current_app.logger.warning("office %s: unreadable %s", office_id, key)
    return found


def frameworks(office_id: int) -> Frameworks:
    """The framework versions as the office applies them: the file, with its admin's days."""
    return file_frameworks().with_dates(framework_dates(office_id))


def framework(office_id: int, on: dt.date | None = None) -> Version:
    """The framework version in force for the office on *on* (today)."""
    return frameworks(office_id).in_force(on or today())


def form_set(office_id: int, on: dt.date | None = None) -> FormSet:
    """The set of official forms in force for the office on *on* (today): the framework's."""
    return form_sets()[framework(office_id, on).form_set]


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


def cutoff(office_id: int, version: Version) -> dt.time:
    """The office's cut-off: its desk setting (``desk.cutoff``), else the hour of *version*'s
    ``cutoff`` rule (the framework in force for the dossier, docs/desk.md)."""
    value = db.session.scalar(select(Setting.value).where(Setting.office_id == office_id,
                                                          Setting.key == CUTOFF_SETTING))
    if value:
        found = parse_hhmm(value)
        if found is not None:
            return found
        current_app.logger.warning("office %s: unreadable %s", office_id, CUTOFF_SETTING)
    return dt.time.fromisoformat(version.value("cutoff", "hour"))


def parse_hhmm(value: str | None) -> dt.time | None:
    """An hour typed as 15:00, 15h00, 9.30; None when it is not one."""
    match = re.fullmatch(r"([01]?\d|2[0-3])[:hg.]([0-5]\d)", (value or "").strip())
    return dt.time(int(match[1]), int(match[2])) if match else None


def office_hours(office_id: int, version: Version) -> OfficeHours:
    """The desk's hours for deadlines: each weekday's window from the office's weekly schedule
    (``Office.schedule``, the one source of hours: docs/deadlines.md) and the cut-off of
    :func:`cutoff`. Read on every call, so an edit of the hours applies at once everywhere."""
    office = db.session.get(Office, office_id)
    hour = cutoff(office_id, version)
    try:
        schedule = parse_schedule(office.schedule if office else None, tz=TZ)
        return desk_hours(schedule, hour)
    except ValueError:
        # Unreadable hours, or a cut-off outside them: the defaults rather than a 500.
        current_app.logger.warning("office %s: hours unusable with cut-off %s", office_id, hour)
        try:
            return desk_hours(None, hour)
        except ValueError:
            return OfficeHours(tz=TZ)
