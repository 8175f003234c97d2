"""New offices from the browser: a city admin adds a ward or commune to the deployment.

A city admin is an account with the role "city_admin" (tthc.models.staff.ROLES), given with
"admin" (the admin's pages are for admins). Creating an office creates, in one go: the office
(code, names, province, unit code, address, phone) with the usual weekly hours, its default
queue groups, its holiday table (a copy of the seed file) and its first admin account, whose
password is typed here or made up and shown once. That admin then signs in and configures the
office (its hours, counters, groups, holidays, staff) on the other admin pages.
"""

from __future__ import annotations

import re

from flask import render_template, request
from flask_babel import gettext
from sqlalchemy import func, select

from ..auth import services as accounts
from ..auth.access import log_access, staff_required
from ..desk.forms import DeskForm, text
from ..desk.present import summary
from ..extensions import db
from ..i18n import render_message
from ..models import Office, ServiceGroup, Staff
from ..models.holiday import seed_rows
from ..transactions import serialised
from . import bp

CODE = re.compile(r"[a-z0-9][a-z0-9-]{1,39}")
WEEKDAY_HOURS = ["07:30-11:30", "13:30-17:00"]
DEFAULT_SCHEDULE = {day: WEEKDAY_HOURS for day in ("mon", "tue", "wed", "thu", "fri")}
#: Each new office's queue groups, as the demo office has them (its admin changes them).
DEFAULT_GROUPS = (
    {"prefix": "A", "name_vi": "Chứng thực", "name_en": "Certification",
     "fields": ["chung-thuc"], "position": 1, "minutes_per_ticket": 5},
    {"prefix": "B", "name_vi": "Hộ tịch", "name_en": "Civil status",
     "fields": ["ho-tich"], "position": 2, "minutes_per_ticket": 10},
    {"prefix": "C", "name_vi": "Nhận kết quả", "name_en": "Collect a result",
     "fields": [], "position": 3, "minutes_per_ticket": 3},
)


class NewOfficeForm(DeskForm):
    """The new office's facts and its first admin account."""

    ma = text(40)
    ten = text(200)
    ten_en = text(200)
    tinh = text(100)
    ma_don_vi = text(40)
    dia_chi = text(500)
    dien_thoai = text(30)
    ten_dang_nhap = text(60)
    ho_ten = text(200)
    mat_khau = text(200)

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        self.ma.data = self.ma.data.lower()
        if not CODE.fullmatch(self.ma.data):
            self.fail("ma", gettext("Mã từ 2 đến 40 ký tự: chữ thường không dấu, chữ số, gạch "
                                    "ngang, ví dụ: thuy-khue."))
        elif db.session.scalar(select(Office.id).filter_by(code=self.ma.data)) is not None:
            self.fail("ma", gettext("Mã này đã có đơn vị dùng: chọn mã khác."))
        if not self.ten.data:
            self.fail("ten", gettext("Nhập tên đơn vị, ví dụ: UBND phường Thụy Khuê."))
        if not self.tinh.data:
            self.fail("tinh", gettext("Nhập tỉnh, thành phố, ví dụ: Hà Nội."))
        unit = self.ma_don_vi.data
        if not unit or any(ch.isspace() for ch in unit):
            self.fail("ma_don_vi", gettext("Nhập mã định danh của cơ quan (QCVN 102:2016), "
                                           "không có dấu cách. Ví dụ: 000.00.21.H26"))
        elif db.session.scalar(select(Office.id).where(
                func.upper(Office.unit_code) == unit.upper())) is not None:
            self.fail("ma_don_vi", gettext("Mã định danh này đã thuộc một đơn vị khác: mã hồ sơ "
                                           "của hai đơn vị sẽ trùng nhau."))
        if not self.ho_ten.data:
            self.fail("ho_ten", gettext("Nhập họ và tên của quản trị viên đơn vị."))
        error = accounts.new_account_error(self.ten_dang_nhap.data, self.mat_khau.data or None)
        if error is not None:
            self.fail(error.field or "ten_dang_nhap", render_message(error.message))
        return not self.messages()


def create_office(*, code: str, name: str, name_en: str, province: str, unit_code: str,
                  address: str, phone: str) -> Office:
    """Create an office with the usual hours, the default queue groups and a copy of the
    seed holiday table. Commits."""
    with serialised() as session:
        office = Office(code=code, name=name, name_en=name_en, province=province,
                        unit_code=unit_code, address=address, phone=phone,
                        desk_name="Bộ phận Một cửa", schedule=dict(DEFAULT_SCHEDULE),
                        counters=1, is_default=False)
        session.add(office)
        session.flush()
        for group in DEFAULT_GROUPS:
            session.add(ServiceGroup(office_id=office.id, **group))
        seed_rows(office.id)
    return office


def _page(form, errors, status=200):
    rows = db.session.execute(
        select(Office, func.count(Staff.id)).outerjoin(Staff, Staff.office_id == Office.id)
        .group_by(Office.id).order_by(Office.province, Office.name)).all()
    return render_template("admin/offices.html", form=form, errors=errors,
                           summary=summary(errors), rows=rows), status


@bp.route("/can-bo/quan-tri/don-vi", methods=("GET", "POST"))
@staff_required("city_admin")
def offices():
    """List the deployment's offices; add one with its groups, holidays and first admin."""
    if request.method == "GET":
        return _page(NewOfficeForm(formdata=None), {})
    form = NewOfficeForm()
    if not form.validate():
        form.mat_khau.data = ""  # a refused password is not sent back into the page
        return _page(form, form.messages(), 422)
    office = create_office(code=form.ma.data, name=form.ten.data, name_en=form.ten_en.data,
                           province=form.tinh.data, unit_code=form.ma_don_vi.data,
                           address=form.dia_chi.data, phone=form.dien_thoai.data)
    log_access(None, "settings", f"office {office.code} created", commit=True)
    password = form.mat_khau.data or accounts.generate_password()
    try:
        admin = accounts.create_staff(office_code=office.code, username=form.ten_dang_nhap.data,
                                      password=password, roles=["admin"],
                                      full_name=form.ho_ten.data)
    except accounts.AccountError as error:  # the username was taken meanwhile
        form.fail(error.field or "ten_dang_nhap", render_message(error.message))
        form.ma.data = ""
        return _page(form, form.messages(), 422)
    log_access(None, "staff", f"account {admin.username}: created in office {office.code}, "
                              "roles admin", commit=True)
    return render_template("admin/offices_created.html", office=office, admin=admin,
                           password=None if form.mat_khau.data else password)
