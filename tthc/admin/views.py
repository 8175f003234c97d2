"""The admin's start page: what an office's admin can change without a developer."""

from __future__ import annotations

from flask import current_app, render_template
from flask_login import current_user

from ..auth.access import staff_required
from ..domain.i18n import N_
from . import bp

#: Every admin page, in the order the start page lists them: (endpoint, title, what for).
#: A page whose endpoint is not registered, or whose roles the officer lacks, is left out.
SECTIONS = (
    ("admin.procedures", N_("Thủ tục hành chính"),
     N_("Thêm, sửa phiên bản thủ tục có hiệu lực từ một ngày; nhập, xuất danh mục.")),
    ("admin.frameworks", N_("Văn bản pháp lý áp dụng"),
     N_("Nghị định, thông tư và bộ biểu mẫu áp dụng theo ngày tiếp nhận hồ sơ.")),
    ("admin.office", N_("Thông tin cơ quan"),
     N_("Tên, địa chỉ, điện thoại, giờ làm việc, quầy và nhóm hàng đợi.")),
    ("admin.holidays", N_("Ngày nghỉ lễ, làm bù"),
     N_("Bảng ngày nghỉ lễ, tết và ngày làm bù dùng để tính hạn.")),
    ("admin.staff", N_("Tài khoản cán bộ"),
     N_("Tạo, khóa, đặt lại mật khẩu, mở khóa, đổi vai trò.")),
    ("admin.offices", N_("Đơn vị trong thành phố"),
     N_("Thêm phường, xã mới vào hệ thống.")),
    ("desk.settings", N_("Cài đặt tiếp nhận"),
     N_("Mã đơn vị, mẫu mã hồ sơ, giờ chốt 15:00.")),
    ("queue.settings", N_("Cài đặt hàng đợi"),
     N_("Thứ tự gọi số, máy lấy số.")),
    ("admin.data_protection", N_("Bảo vệ dữ liệu cá nhân"),
     N_("Nhật ký truy cập theo hồ sơ, người nộp hoặc cán bộ.")),
    ("notify.index", N_("Thông báo cho công dân"),
     N_("Cổng gửi SMS, Zalo, thư điện tử và mẫu tin nhắn.")),
)


def sections() -> list[tuple[str, str, str]]:
    """The admin pages this officer may open, as (endpoint, title msgid, hint msgid)."""
    shown = []
    for endpoint, title, hint in SECTIONS:
        view = current_app.view_functions.get(endpoint)
        roles = getattr(view, "staff_roles", ())
        if view is not None and (not roles or current_user.has_role(*roles)):
            shown.append((endpoint, title, hint))
    return shown


@bp.route("/can-bo/quan-tri")
@staff_required("admin")
def home():
    """List what the admin can change."""
    return render_template("admin/home.html", sections=sections())
