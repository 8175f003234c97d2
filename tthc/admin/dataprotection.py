"""The access log for the office's admin (Decree 13/2023): who read or changed what, when.

The admin reads the office's log, newest first, or searches it by dossier (its official or
pre-filing code), by person (the applicant's ID number or phone) or by officer. Searches are
POSTed, so an ID number or a phone never appears in a URL or a server log; paging a search
posts it again. Lists show no one's data in full (a masked phone, codes). Reading the log is
itself logged (action "audit"), with no personal data in the line.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from flask import render_template, request
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import func, or_, select
from wtforms import SelectField

from ..auth.access import log_access, staff_required
from ..desk.forms import DeskForm, text
from ..desk.present import summary
from ..domain.i18n import N_
from ..domain.validators import mask_phone, validate_phone
from ..extensions import db
from ..models import AccessLog, Dossier, Staff
from . import bp

PER_PAGE = 50
#: The log's actions as the admin reads them (others are shown as recorded).
ACTIONS = {
    "view": N_("Xem hồ sơ"), "refused": N_("Xem hồ sơ (thao tác không thực hiện được)"),
    "update": N_("Sửa, chuyển bước hồ sơ"), "create": N_("Tạo hồ sơ tại quầy"),
    "print": N_("In phiếu, tờ khai"), "download": N_("Tải tệp giấy tờ"),
    "upload": N_("Quét, tải lên tệp"), "settings": N_("Thay đổi cài đặt"),
    "staff": N_("Thay đổi tài khoản cán bộ"), "audit": N_("Đọc nhật ký truy cập"),
    "catalogue": N_("Thay đổi danh mục thủ tục"), "list": N_("Xem danh sách hồ sơ"),
    "export": N_("Xuất dữ liệu"), "report": N_("Xem báo cáo"),
}
SEARCHES = ("ho_so", "nguoi", "can_bo")
_ID = re.compile(r"\d{9}|\d{12}")  # citizen ID (12 digits) or an old ID card (9)


class SearchForm(DeskForm):
    """One search of the log: by dossier, person or officer (``theo``), and the page."""

    theo = text(10)
    ma_ho_so = text(40)
    giay_to = text(30)
    can_bo = SelectField(choices=[], validate_choice=False)
    trang = text(6)

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        if self.theo.data not in SEARCHES:
            self.theo.data = ""
        if self.theo.data == "ho_so" and not self.ma_ho_so.data:
            self.fail("ma_ho_so", gettext("Nhập mã hồ sơ hoặc mã nộp trước."))
        if self.theo.data == "nguoi" and person_key(self.giay_to.data) is None:
            self.fail("giay_to", gettext(
                "Nhập số định danh cá nhân (12 chữ số) hoặc số điện thoại của người nộp. "
                "Ví dụ: 001190012345 hoặc 0912 345 678"))
        if self.theo.data == "can_bo" and self.officer() is None:
            self.fail("can_bo", gettext("Chọn một cán bộ của cơ quan."))
        return not self.messages()

    def page(self) -> int:
        value = self.trang.data or request.args.get("trang", "")
        return int(value) if value.isdigit() and 0 < int(value) < 100_000 else 1

    def officer(self) -> Staff | None:
        value = self.can_bo.data or ""
        staff = db.session.get(Staff, int(value)) if value.isdigit() and len(value) < 10 else None
        return staff if staff is not None and staff.office_id == current_user.office_id else None


def person_key(value: str | None) -> tuple[str, str] | None:
    """("id", digits) for an ID number, ("phone", E.164) for a phone; None for neither."""
    compact = re.sub(r"[\s.\-]+", "", value or "")
    if _ID.fullmatch(compact):
        return "id", compact
    phone = validate_phone(compact).value
    return ("phone", phone) if isinstance(phone, str) and phone.startswith("+84") else None


def dossiers_of_person(office_id: int, key: tuple[str, str]) -> list[int]:
    """The office's dossiers whose applicant has this ID number or phone."""
    kind, value = key
    if kind == "id":
        stored = func.replace(Dossier.answers["applicant_id_number"].as_string(), " ", "")
        return list(db.session.scalars(select(Dossier.id).where(
            Dossier.office_id == office_id, stored == value)))
    rows = db.session.execute(select(Dossier.id, Dossier.answers).where(
        Dossier.office_id == office_id, Dossier.phone_last4 == value[-4:]))
    return [r.id for r in rows
            if validate_phone((r.answers or {}).get("applicant_phone")).value == value]


def dossiers_by_code(office_id: int, code: str) -> list[int]:
    code = code.strip().upper()
    return list(db.session.scalars(select(Dossier.id).where(
        Dossier.office_id == office_id,
        or_(func.upper(Dossier.code) == code, Dossier.prefiling_code == code))))


@dataclass
class Line:
    at: dt.datetime
    officer: str
    action: str
    dossier: str  # its code, or "" for a line about no dossier
    phone: str  # masked
    detail: str


def lines(criteria, page: int) -> tuple[list[Line], bool]:
    """One page of the office's log matching *criteria*, newest first; whether more follow."""
    stmt = (select(AccessLog, Staff, Dossier)
            .join(Staff, Staff.id == AccessLog.staff_id)
            .outerjoin(Dossier, Dossier.id == AccessLog.dossier_id)
            .where(AccessLog.office_id == current_user.office_id, *criteria)
            .order_by(AccessLog.id.desc()).offset((page - 1) * PER_PAGE).limit(PER_PAGE + 1))
    rows = db.session.execute(stmt).all()
    return [Line(at=entry.at, officer=f"{staff.full_name} ({staff.username})",
                 action=gettext(ACTIONS[entry.action]) if entry.action in ACTIONS
                 else entry.action,
                 dossier=(dossier.code or dossier.prefiling_code) if dossier else "",
                 phone=mask_phone((dossier.answers or {}).get("applicant_phone"))
                 if dossier else "", detail=entry.detail)
            for entry, staff, dossier in rows[:PER_PAGE]], len(rows) > PER_PAGE


def search(form: SearchForm) -> tuple[list, str]:
    """The log's criteria for a valid search, and the access log's words for it (no
    personal data: the dossiers' ids, the officer's id)."""
    office = current_user.office_id
    if form.theo.data == "ho_so":
        ids = dossiers_by_code(office, form.ma_ho_so.data)
        return [AccessLog.dossier_id.in_(ids)], f"theo hồ sơ {_ids(ids)}"
    if form.theo.data == "nguoi":
        ids = dossiers_of_person(office, person_key(form.giay_to.data))  # type: ignore[arg-type]
        return [AccessLog.dossier_id.in_(ids)], f"theo người nộp: hồ sơ {_ids(ids)}"
    if form.theo.data == "can_bo":
        officer = form.officer()
        return [AccessLog.staff_id == officer.id], f"theo cán bộ #{officer.id}"  # type: ignore
    return [], "mới nhất"


def _ids(ids: list[int]) -> str:
    shown = ", ".join(f"#{i}" for i in ids[:20])
    return (shown + (" …" if len(ids) > 20 else "")) or "(không có)"


@bp.route("/can-bo/quan-tri/bao-ve-du-lieu", methods=("GET", "POST"))
@staff_required("admin")
def data_protection():
    """Show the office's access log, newest first or as searched (logged)."""
    form = SearchForm()
    form.can_bo.choices = [
        (str(s.id), f"{s.full_name} ({s.username})") for s in db.session.scalars(
            select(Staff).where(Staff.office_id == current_user.office_id)
            .order_by(Staff.full_name))]
    posted = request.method == "POST"
    if posted and not form.validate():
        errors = form.messages()
        return render_template("admin/data_protection.html", form=form, rows=[], more=False,
                               page=1, errors=errors, summary=summary(errors)), 422
    page = form.page()
    criteria, words = search(form) if posted else ([], "mới nhất")
    rows, more = lines(criteria, page)
    log_access(None, "audit", f"nhật ký truy cập {words}, trang {page}", commit=True)
    return render_template("admin/data_protection.html", form=form, rows=rows, more=more,
                           page=page, errors={}, summary=[],
                           searched=form.theo.data if posted else "")
