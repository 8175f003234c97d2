"""The office in the browser: its name, address and phone, its weekly hours, its counters,
its queue groups; the priority reasons shown as they are (rules of the queue, not data).

The weekly hours are ``Office.schedule`` (tthc.domain.hours), the one source of the lines
the pages print (Office.opening_hours), of the kiosk's hours and of the desk's days. The
cut-off, unit code and dossier code pattern are the desk's settings (desk.settings): linked,
not repeated. Each change is logged (access log, action "settings", no personal data).
"""

from __future__ import annotations

import datetime as dt

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectMultipleField, widgets
from wtforms.fields.choices import SelectChoice

from ..auth.access import log_access, scoped_get_or_404, staff_required
from ..desk.forms import DeskForm, text
from ..desk.present import summary
from ..domain import hours as rules
from ..domain.catalogue_model import FIELDS
from ..domain.i18n import N_
from ..domain.queue import PRIORITY_REASONS
from ..extensions import db
from ..models import Office, ServiceGroup
from ..transactions import serialised
from . import bp

DAY_LABELS = {"mon": N_("Thứ Hai"), "tue": N_("Thứ Ba"), "wed": N_("Thứ Tư"),
              "thu": N_("Thứ Năm"), "fri": N_("Thứ Sáu"), "sat": N_("Thứ Bảy"),
              "sun": N_("Chủ nhật"), rules.MAKEUP: N_("Ngày làm bù")}
FIELD_LABELS = {"chung-thuc": N_("Chứng thực"), "ho-tich": N_("Hộ tịch")}
MAX_COUNTERS = 50


def hours_field(day: str) -> str:
    return f"gio_{day}"


def parse_day(day: str, typed: str) -> list[str] | None:
    """The intervals typed for *day* ("07:30-11:30, 13:30-17:00"; empty: closed) in the
    schedule's form, or None when they cannot be read."""
    parts = [p.strip() for p in typed.replace(";", ",").split(",") if p.strip()]
    if not parts:
        return []
    try:
        week = rules.parse_schedule({day: parts})
    except ValueError:
        return None
    found = week.makeup if day == rules.MAKEUP else week.week[rules.DAYS.index(day)]
    return [f"{a:%H:%M}-{'24:00' if b == dt.time.max else format(b, '%H:%M')}"
            for a, b in found]


def _int(raw: str, low: int, high: int) -> int | None:
    return int(raw) if raw.isdigit() and low <= int(raw) <= high else None


class OfficeForm(DeskForm):
    """The office's facts and its weekly hours, one text field per day."""

    ten = text(200)
    ten_en = text(200)
    bo_phan = text(200)
    dia_chi = text(500)
    dien_thoai = text(30)
    so_quay = text(3)
    gio_mon, gio_tue, gio_wed, gio_thu, gio_fri = (text(100) for _ in range(5))
    gio_sat, gio_sun, gio_makeup = (text(100) for _ in range(3))

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        self.schedule: dict[str, list[str]] = {}
        if not self.ten.data:
            self.fail("ten", gettext("Nhập tên cơ quan, ví dụ: UBND phường Thụy Khuê."))
        phone = self.dien_thoai.data
        if phone and not all(ch.isdigit() or ch in " .-+()" for ch in phone):
            self.fail("dien_thoai", gettext("Số điện thoại chỉ gồm chữ số, dấu cách, dấu chấm, "
                                            "gạch ngang, ví dụ: 024 3825 0000."))
        self.counters = _int(self.so_quay.data, 1, MAX_COUNTERS)
        if self.counters is None:
            self.fail("so_quay", gettext("Nhập số quầy từ 1 đến %(n)s.", n=MAX_COUNTERS))
        for day in (*rules.DAYS, rules.MAKEUP):
            intervals = parse_day(day, self[hours_field(day)].data)
            if intervals is None:
                self.fail(hours_field(day), gettext(
                    "Nhập các khoảng giờ dạng 07:30-11:30, 13:30-17:00, khoảng sau bắt đầu "
                    "sau khi khoảng trước kết thúc; để trống nếu nghỉ cả ngày."))
            elif intervals and day != rules.MAKEUP:
                self.schedule[day] = intervals
            elif intervals:
                self.schedule[rules.MAKEUP] = intervals
        if not self.messages() and not any(d in self.schedule for d in rules.DAYS):
            self.fail("gio_mon", gettext("Nhập giờ làm việc của ít nhất một ngày trong tuần."))
        return not self.messages()


def _office_data(office: Office) -> dict:
    schedule = office.schedule or {}
    data = {"ten": office.name, "ten_en": office.name_en, "bo_phan": office.desk_name,
            "dia_chi": office.address, "dien_thoai": office.phone,
            "so_quay": str(office.counters)}
    for day in rules.DAYS:
        data[hours_field(day)] = ", ".join(schedule.get(day) or [])
    data[hours_field(rules.MAKEUP)] = ", ".join(schedule.get(rules.MAKEUP) or [])
    return data


def _page(office: Office, form: OfficeForm, errors: dict, status: int = 200):
    groups = db.session.scalars(select(ServiceGroup).filter_by(office_id=office.id)
                                .order_by(ServiceGroup.position, ServiceGroup.prefix))
    return render_template(
        "admin/office.html", office=office, form=form, errors=errors, summary=summary(errors),
        days=DAY_LABELS, hours_field=hours_field, groups=list(groups),
        field_labels=FIELD_LABELS, reasons=PRIORITY_REASONS), status


@bp.route("/can-bo/quan-tri/co-quan", methods=("GET", "POST"))
@staff_required("admin")
def office():
    """Show and change the office's name, address, phone, weekly hours and counters."""
    office = db.session.get(Office, current_user.office_id)
    if request.method == "GET":
        return _page(office, OfficeForm(formdata=None, data=_office_data(office)), {})
    form = OfficeForm()
    if not form.validate():
        return _page(office, form, form.messages(), 422)
    values = {"name": form.ten.data, "name_en": form.ten_en.data,
              "desk_name": form.bo_phan.data, "address": form.dia_chi.data,
              "phone": form.dien_thoai.data, "counters": form.counters,
              "schedule": form.schedule}
    with serialised() as session:
        office = session.scalars(select(Office).where(Office.id == office.id)
                                 .with_for_update()).one()
        changes = [f"office.{key}: {getattr(office, key)} → {value}"
                   for key, value in values.items() if getattr(office, key) != value]
        for key, value in values.items():
            setattr(office, key, value)
        if changes:
            log_access(None, "settings", "; ".join(changes))
    flash(gettext("Đã lưu thông tin cơ quan."), "info")
    return redirect(url_for("admin.office"), 303)


# --- queue groups ---------------------------------------------------------------------------


class GroupForm(DeskForm):
    """A queue group: its letter, names, the catalogue fields it serves, order, pace."""

    chu = text(4)
    ten = text(100)
    ten_en = text(100)
    linh_vuc = SelectMultipleField(choices=[SelectChoice(f) for f in FIELDS], validate_choice=False,
                                   widget=widgets.ListWidget(prefix_label=False),
                                   option_widget=widgets.CheckboxInput())
    thu_tu = text(3)
    phut = text(3)

    def __init__(self, office_id: int, group_id: int | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.office_id, self.group_id = office_id, group_id

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        self.chu.data = self.chu.data.upper()
        if not (self.chu.data.isascii() and self.chu.data.isalpha()):
            self.fail("chu", gettext("Nhập 1 đến 4 chữ cái không dấu, ví dụ: A."))
        elif self._others().filter_by(prefix=self.chu.data).first() is not None:
            self.fail("chu", gettext("Chữ %(prefix)s đã dùng cho nhóm khác.", prefix=self.chu.data))
        if not self.ten.data:
            self.fail("ten", gettext("Nhập tên nhóm, ví dụ: Chứng thực."))
        unknown = [f for f in self.linh_vuc.data or [] if f not in FIELDS]
        taken = {f for g in self._others() for f in g.fields or []}
        if unknown:
            self.fail("linh_vuc", gettext("Chọn lĩnh vực trong danh sách."))
        elif taken & set(self.linh_vuc.data or []):
            self.fail("linh_vuc", gettext("Mỗi lĩnh vực chỉ thuộc một nhóm: lĩnh vực này đã "
                                          "thuộc nhóm khác."))
        self.position = _int(self.thu_tu.data, 1, 99)
        if self.position is None:
            self.fail("thu_tu", gettext("Nhập thứ tự từ 1 đến 99."))
        self.minutes = _int(self.phut.data, 1, 120)
        if self.minutes is None:
            self.fail("phut", gettext("Nhập số phút từ 1 đến 120."))
        return not self.messages()

    def _others(self):
        return db.session.query(ServiceGroup).filter(
            ServiceGroup.office_id == self.office_id, ServiceGroup.id != (self.group_id or 0))


def _group_data(group: ServiceGroup | None) -> dict:
    if group is None:
        return {"thu_tu": "1", "phut": "8", "linh_vuc": []}
    return {"chu": group.prefix, "ten": group.name_vi, "ten_en": group.name_en,
            "linh_vuc": list(group.fields or []), "thu_tu": str(group.position),
            "phut": str(group.minutes_per_ticket)}


def _group(group: ServiceGroup | None):
    office_id = current_user.office_id
    template = "admin/office_group.html"
    if request.method == "GET":
        form = GroupForm(office_id, group.id if group else None, formdata=None,
                         data=_group_data(group))
        return render_template(template, form=form, group=group, errors={},
                               field_labels=FIELD_LABELS)
    form = GroupForm(office_id, group.id if group else None)
    if not form.validate():
        errors = form.messages()
        return render_template(template, form=form, group=group, errors=errors,
                               summary=summary(errors), field_labels=FIELD_LABELS), 422
    values = {"prefix": form.chu.data, "name_vi": form.ten.data,
              "name_en": form.ten_en.data or form.ten.data, "fields": list(form.linh_vuc.data),
              "position": form.position, "minutes_per_ticket": form.minutes}
    with serialised() as session:
        session.scalars(select(Office).where(Office.id == office_id).with_for_update()).one()
        target = group if group is not None else ServiceGroup(office_id=office_id)
        changes = [f"{key}: {getattr(target, key, None)} → {value}"
                   for key, value in values.items() if getattr(target, key, None) != value]
        for key, value in values.items():
            setattr(target, key, value)
        session.add(target)
        log_access(None, "settings", f"queue group {form.chu.data}: " + "; ".join(changes))
    flash(gettext("Đã lưu nhóm %(prefix)s.", prefix=form.chu.data), "info")
    return redirect(url_for("admin.office") + "#nhom", 303)


@bp.route("/can-bo/quan-tri/co-quan/nhom/them", methods=("GET", "POST"))
@staff_required("admin")
def group_new():
    """Add a queue group (its letter starts each ticket number)."""
    return _group(None)


@bp.route("/can-bo/quan-tri/co-quan/nhom/<int:group_id>", methods=("GET", "POST"))
@staff_required("admin")
def group_edit(group_id: int):
    """Change a queue group's letter, names, fields served, order or minutes per ticket."""
    return _group(scoped_get_or_404(ServiceGroup, group_id))
