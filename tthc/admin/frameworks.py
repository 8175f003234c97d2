"""The legal framework, for the office's admin: the versions by date, their rules with the
articles they rest on and how each was checked, and the day an unverified version takes
effect (the admin's data, stored per office in Setting rows ``framework.date.<key>``)."""

from __future__ import annotations

import datetime as dt

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select
from wtforms import StringField

from .. import offices
from ..auth import log_access, staff_required
from ..domain.frameworks import VALUE_LABELS, Frameworks
from ..domain.text import nfc
from ..domain.validators import validate_date
from ..forms import Form
from ..i18n import render_message
from ..models import Setting
from ..timeutil import today
from ..transactions import serialised
from . import bp


def _clean(value) -> str:
    return nfc(value if isinstance(value, str) else "").replace("\x00", "").strip()[:40]


class DateForm(Form):
    """The day an unverified version takes effect: which version, and the day (dd/mm/yyyy)."""

    phien_ban = StringField(filters=[_clean])
    ngay = StringField(filters=[_clean])

    def day(self) -> tuple[dt.date | None, str]:
        """The day typed, or the message to show beside the field."""
        result = validate_date(self.ngay.data)
        if not self.ngay.data:
            return None, gettext("Nhập ngày có hiệu lực, ví dụ: 01/10/2025")
        if result.errors or not isinstance(result.value, dt.date):
            return None, render_message(result.errors[0]) if result.errors else \
                gettext("Nhập ngày có hiệu lực, ví dụ: 01/10/2025")
        return result.value, ""


def problem_text(versions: Frameworks, key: str, problem: str) -> str:
    """Why the day cannot be set, in the admin's language."""
    if problem in ("unknown", "confirmed"):
        return gettext("Ngày có hiệu lực của văn bản này đã được kiểm chứng, không sửa được.")
    before, after = versions.bounds(key)
    if problem == "before_forms":
        return gettext("Ngày này trước ngày ban hành thông tư của bộ biểu mẫu (%(date)s).",
                       date=versions[key].earliest.strftime("%d/%m/%Y"))
    if problem == "too_early":
        return gettext("Ngày này phải sau ngày có hiệu lực của văn bản trước (%(date)s).",
                       date=before.strftime("%d/%m/%Y"))
    return gettext("Ngày này phải trước ngày có hiệu lực của văn bản sau (%(date)s).",
                   date=after.strftime("%d/%m/%Y"))


def save_date(office_id: int, key: str, day: dt.date) -> tuple[str, str]:
    """Set the day *key* takes effect for the office: (problem, change for the log).

    Read and written in one serialised transaction, so that two admins cannot put the
    versions out of order."""
    with serialised() as session:
        versions = offices.frameworks(office_id)
        problem = versions.date_problem(key, day)
        if problem:
            return problem, ""
        name = offices.FRAMEWORK_DATE_SETTING + key
        row = session.scalar(select(Setting).filter_by(office_id=office_id, key=name))
        before = versions[key].effective_from
        if row is not None and row.value == day.isoformat():
            return "", ""
        if row is None:
            session.add(Setting(office_id=office_id, key=name, value=day.isoformat()))
        else:
            row.value = day.isoformat()
        return "", f"{name}: {before.isoformat()} → {day.isoformat()}"


def _page(errors: dict[str, str], posted: dict[str, str], status: int = 200):
    versions = offices.frameworks(current_user.office_id)
    now = today()
    return render_template(
        "admin/frameworks.html", versions=versions.versions, in_force=versions.in_force(now),
        sets=offices.form_sets(), errors=errors, posted=posted, today=now,
        summary=[(f"#ngay-{key}", text) for key, text in errors.items()],
        file_versions=offices.file_frameworks(), value_labels=VALUE_LABELS), status


@bp.get("/can-bo/quan-tri/van-ban")
@staff_required("admin")
def frameworks():
    """List the framework versions, their rules, citations and checks."""
    return _page({}, {})


@bp.post("/can-bo/quan-tri/van-ban")
@staff_required("admin")
def framework_date():
    """Set the day an unverified framework version takes effect (logged)."""
    form = DateForm()
    key = form.phien_ban.data or ""
    if offices.file_frameworks().get(key) is None:
        abort(404)
    form.validate()  # CSRFProtect has checked the token before the view
    day, message = form.day()
    change = ""
    if day is not None:
        problem, change = save_date(current_user.office_id, key, day)
        if problem:
            message = problem_text(offices.frameworks(current_user.office_id), key, problem)
    if message:
        return _page({key: message}, {key: form.ngay.data or ""}, 422)
    if change:
        log_access(None, "settings", change, commit=True)
        flash(gettext("Đã lưu ngày có hiệu lực. Hồ sơ tiếp nhận từ nay áp dụng văn bản có "
                      "hiệu lực vào ngày tiếp nhận."), "info")
    return redirect(url_for("admin.frameworks"), 303)
