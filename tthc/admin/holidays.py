"""The office's holiday table in the browser: days off and make-up working days by year.

The rows are the office's own (tthc.models.holiday); the first visit copies the seed file's
rows into the database, so that every row can be edited or disabled. The deadlines, the
kiosk and the footer read the table on every use (tthc.offices.calendar): a change applies
at once on every worker. Each change is logged (access log, action "settings").
"""

from __future__ import annotations

import datetime as dt

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice

from ..auth.access import log_access, scoped_get_or_404, staff_required
from ..desk.forms import DeskForm, text
from ..desk.present import summary
from ..domain.i18n import N_
from ..domain.validators import validate_date
from ..domain.workdays import HOLIDAY, MAKEUP_WORKDAY, load_calendar
from ..extensions import db
from ..forms import YesNoField
from ..i18n import render_message
from ..models import Holiday, Office
from ..models.holiday import seed_rows
from ..timeutil import today
from ..transactions import serialised
from . import bp

KIND_LABELS = {HOLIDAY: N_("Ngày nghỉ (Thứ Hai – Thứ Sáu)"),
               MAKEUP_WORKDAY: N_("Ngày làm bù (Thứ Bảy, Chủ nhật)")}
SHORT_KIND_LABELS = {HOLIDAY: N_("Ngày nghỉ"), MAKEUP_WORKDAY: N_("Ngày làm bù")}
WEEKDAYS = (N_("Thứ Hai"), N_("Thứ Ba"), N_("Thứ Tư"), N_("Thứ Năm"), N_("Thứ Sáu"),
            N_("Thứ Bảy"), N_("Chủ nhật"))


class HolidayForm(DeskForm):
    """One row of the table: its day, kind, name, legal basis, confirmed, counted."""

    ngay = text(20)
    loai = RadioField(choices=[SelectChoice(k, v) for k, v in KIND_LABELS.items()],
                      validate_choice=False)
    ten = text(200)
    can_cu = text(1000)
    da_xac_nhan = YesNoField()
    ap_dung = YesNoField()

    def __init__(self, office_id: int, row_id: int | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.office_id, self.row_id, self.day = office_id, row_id, None

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        if not self.ngay.data:
            self.fail("ngay", gettext("Nhập ngày theo dạng ngày/tháng/năm, ví dụ: 31/08/2026."))
        else:
            result = validate_date(self.ngay.data)
            if result.errors:
                self.fail("ngay", render_message(result.errors[0]))
            else:
                self.day = result.value
        if self.loai.data not in KIND_LABELS:
            self.fail("loai", gettext("Chọn ngày nghỉ hoặc ngày làm bù."))
        if not self.ten.data:
            self.fail("ten", gettext("Nhập tên ngày, ví dụ: Quốc khánh (ngày liền kề)."))
        if self.day is not None and self.loai.data in KIND_LABELS:
            problem = self.day_problem()
            if problem:
                self.fail("ngay", problem)
        return not self.messages()

    def day_problem(self) -> str | None:
        """Why this day cannot be in the table as this kind, or None (the Calendar's rules:
        one row per day, a make-up day on a weekend, a day off on a weekday)."""
        weekend = self.day.weekday() >= 5
        if self.loai.data == MAKEUP_WORKDAY and not weekend:
            return gettext("Ngày làm bù phải là Thứ Bảy hoặc Chủ nhật; ngày %(day)s là "
                           "%(weekday)s.", day=self.day.strftime("%d/%m/%Y"),
                           weekday=gettext(WEEKDAYS[self.day.weekday()]))
        if self.loai.data == HOLIDAY and weekend:
            return gettext("Thứ Bảy, Chủ nhật vốn là ngày nghỉ: chỉ ghi ngày nghỉ từ Thứ Hai đến "
                           "Thứ Sáu (nghỉ bù một ngày lễ trùng cuối tuần ghi vào ngày làm việc "
                           "kế tiếp).")
        other = db.session.scalar(select(Holiday).where(
            Holiday.office_id == self.office_id, Holiday.day == self.day,
            Holiday.id != (self.row_id or 0)))
        if other is not None:
            return gettext("Ngày %(day)s đã có trong bảng («%(name)s»): một ngày không thể vừa "
                           "nghỉ vừa làm bù; sửa dòng đó.",
                           day=self.day.strftime("%d/%m/%Y"), name=other.name)
        return None

    def apply(self, row: Holiday) -> list[str]:
        """Write the form into *row*; what changed, for the log (no personal data here)."""
        values = {"day": self.day, "kind": self.loai.data, "name": self.ten.data,
                  "basis": self.can_cu.data, "confirmed": bool(self.da_xac_nhan.data),
                  "enabled": bool(self.ap_dung.data)}
        changes = [f"{key}: {getattr(row, key)} → {value}" for key, value in values.items()
                   if getattr(row, key) != value]
        for key, value in values.items():
            setattr(row, key, value)
        return changes


def _year() -> int:
    raw = request.args.get("nam", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else today().year


def _lock_table(session, office_id: int) -> None:
    """Lock the office's row (serialises every change of its table) and copy the seed file
    into the table if this is its first change."""
    session.scalars(select(Office).where(Office.id == office_id).with_for_update()).one()
    added = seed_rows(office_id)
    if added:
        log_access(None, "settings", f"holidays: {added} rows copied from the seed file")


def _ensure_table(office_id: int) -> None:
    """Copy the seed file into the office's table on the first visit, so that every row
    has an id to edit and every check sees the whole table."""
    if db.session.scalar(select(Holiday.id).filter_by(office_id=office_id).limit(1)) is None:
        with serialised() as session:
            _lock_table(session, office_id)


def _rows(office_id: int, year: int) -> list[Holiday]:
    return list(db.session.scalars(select(Holiday).where(
        Holiday.office_id == office_id, Holiday.day >= dt.date(year, 1, 1),
        Holiday.day <= dt.date(year, 12, 31)).order_by(Holiday.day)))


def _years(office_id: int) -> list[int]:
    days = db.session.scalars(select(Holiday.day).filter_by(office_id=office_id))
    return sorted({d.year for d in days} | {today().year, today().year + 1})


@bp.route("/can-bo/quan-tri/ngay-nghi")
@staff_required("admin")
def holidays():
    """List the office's days off and make-up days of one year (?nam=2026)."""
    office_id = current_user.office_id
    _ensure_table(office_id)
    year = _year()
    return render_template("admin/holidays.html", year=year, rows=_rows(office_id, year),
                           years=_years(office_id), kinds=SHORT_KIND_LABELS,
                           weekdays=WEEKDAYS)


def _edit(row: Holiday | None):
    office_id = current_user.office_id
    _ensure_table(office_id)
    template = "admin/holidays_edit.html"
    if request.method == "GET":
        form = HolidayForm(office_id, row.id if row else None, formdata=None, data=_data(row))
        return render_template(template, form=form, row=row, errors={}, kinds=_kinds())
    form = HolidayForm(office_id, row.id if row else None)
    if not form.validate():
        errors = form.messages()
        return render_template(template, form=form, row=row, errors=errors,
                               summary=summary(errors), kinds=_kinds()), 422
    with serialised() as session:
        _lock_table(session, office_id)
        target = row if row is not None else Holiday(office_id=office_id)
        changes = form.apply(target)
        session.add(target)
        session.flush()
        # The Calendar's own rules, on the whole table as it would be: the last word.
        rows = session.scalars(select(Holiday).filter_by(office_id=office_id))
        try:
            load_calendar([h.as_row() for h in rows])
        except ValueError:
            session.rollback()
            form.fail("ngay", gettext("Bảng ngày nghỉ không nhất quán với ngày này; kiểm tra lại."))
            errors = form.messages()
            return render_template(template, form=form, row=row, errors=errors,
                                   summary=summary(errors), kinds=_kinds()), 422
        what = "added" if row is None else "changed"
        log_access(None, "settings", f"holiday {form.day:%Y-%m-%d} {what}: " + "; ".join(changes))
    flash(gettext("Đã lưu ngày %(day)s.", day=form.day.strftime("%d/%m/%Y")), "info")
    return redirect(url_for("admin.holidays", nam=form.day.year), 303)


def _kinds() -> list[tuple[str, str]]:
    return [(kind, gettext(label)) for kind, label in KIND_LABELS.items()]


def _data(row: Holiday | None) -> dict:
    if row is None:
        return {"loai": HOLIDAY, "ap_dung": True, "da_xac_nhan": False}
    return {"ngay": row.day.strftime("%d/%m/%Y"), "loai": row.kind, "ten": row.name,
            "can_cu": row.basis, "da_xac_nhan": row.confirmed, "ap_dung": row.enabled}


@bp.route("/can-bo/quan-tri/ngay-nghi/them", methods=("GET", "POST"))
@staff_required("admin")
def holiday_new():
    """Add a day off or a make-up day to the office's table."""
    return _edit(None)


@bp.route("/can-bo/quan-tri/ngay-nghi/<int:row_id>", methods=("GET", "POST"))
@staff_required("admin")
def holiday_edit(row_id: int):
    """Edit one row of the office's table (its day, kind, name, basis, confirmed, counted)."""
    return _edit(scoped_get_or_404(Holiday, row_id))


class ToggleForm(DeskForm):
    """Count a row or not (the list's button)."""

    ap_dung = YesNoField()


@bp.route("/can-bo/quan-tri/ngay-nghi/<int:row_id>/ap-dung", methods=("POST",))
@staff_required("admin")
def holiday_toggle(row_id: int):
    """Count a row of the table in the deadlines, or stop counting it (kept for reference)."""
    row = scoped_get_or_404(Holiday, row_id)
    form = ToggleForm()
    if form.validate():
        with serialised() as session:
            row = session.scalars(select(Holiday).where(Holiday.id == row.id)
                                  .with_for_update()).one()
            if row.enabled != bool(form.ap_dung.data):
                row.enabled = bool(form.ap_dung.data)
                log_access(None, "settings",
                           f"holiday {row.day:%Y-%m-%d} enabled: {not row.enabled} → {row.enabled}")
        flash(gettext("Đã lưu ngày %(day)s.", day=row.day.strftime("%d/%m/%Y")), "info")
    return redirect(url_for("admin.holidays", nam=row.day.year), 303)
