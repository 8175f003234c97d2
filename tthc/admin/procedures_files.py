"""The catalogue file out and in: export every version (or those in force) as TOML in the
format of tthc/data/catalogue.toml; import a file with the catalogue's own loader, all of it
or nothing, after showing what it would add."""

from __future__ import annotations

import base64
import binascii

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from flask_wtf.file import FileField
from wtforms import HiddenField, StringField

from .. import timeutil
from ..auth import log_access
from ..auth.access import forbidden, staff_required
from ..domain.catalogue import CatalogueError
from ..forms import Form
from . import bp
from . import procedures_data as data
from .procedures_messages import problem_text

PREFIX = "/can-bo/quan-tri/thu-tuc"
MAX_FILE = 2 * 1024 * 1024  # the seed catalogue is about 110 kB


class ImportForm(Form):
    """The file (first step), or the checked file's content and the go-ahead (second)."""

    tep = FileField()
    noi_dung = HiddenField()  # base64 of the checked file: exact bytes, no newline changes
    buoc = StringField()  # "kiem-tra" or "nhap"


@bp.get(PREFIX + "/xuat")
@staff_required("admin")
def procedures_export():
    """Download the catalogue as a TOML file: every version, or ?pham_vi=hieu-luc."""
    in_force = request.args.get("pham_vi") == "hieu-luc"
    text = data.export(in_force_only=in_force)
    log_access(None, "catalogue", "export " + ("in force" if in_force else "all versions"),
               commit=True)
    name = f"catalogue-{timeutil.today().isoformat()}{'-hieu-luc' if in_force else ''}.toml"
    return Response(text, mimetype="application/toml",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _page(status: int = 200, **context):
    context.setdefault("error", None)
    context.setdefault("plan", None)
    context["today"] = timeutil.today()
    return render_template("admin/procedures/import.html", **context), status


def _file_error(error: CatalogueError) -> str:
    if error.field == "(syntax)":
        return gettext("Tệp không đúng cú pháp TOML: %(detail)s", detail=error.problem)
    return gettext("Thủ tục %(code)s, mục %(field)s: %(problem)s", code=error.procedure,
                   field=error.field, problem=problem_text(error))


@bp.route(PREFIX + "/nhap", methods=("GET", "POST"))
@staff_required("admin")
def procedures_import():
    """Check an uploaded catalogue file, show what it would add, and load it once confirmed."""
    if not data.may_change_catalogue(current_user):
        return forbidden()
    if request.method == "GET":
        return _page()
    form = ImportForm()
    form.validate()  # CSRFProtect has checked the token
    confirm = form.buoc.data == "nhap"
    if confirm:
        try:
            raw = base64.b64decode(form.noi_dung.data or "", validate=True)
        except (binascii.Error, ValueError):
            return _page(400, error=gettext("Nội dung tệp bị hỏng; vui lòng chọn lại tệp."))
    else:
        upload = form.tep.data
        raw = upload.read(MAX_FILE + 1) if upload else b""
        if not raw:
            return _page(422, error=gettext("Chọn tệp danh mục (.toml) cần nhập."))
        if len(raw) > MAX_FILE:
            return _page(422, error=gettext("Tệp lớn quá 2 MB."))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return _page(422, error=gettext("Tệp phải được lưu theo bảng mã UTF-8."))
    try:
        plan = data.plan_import(text)
    except CatalogueError as error:
        return _page(422, error=_file_error(error))
    if not confirm:
        return _page(plan=plan, content=base64.b64encode(raw).decode("ascii"))
    if not plan.added:
        flash(gettext("Tệp không có phiên bản nào mới; không có gì thay đổi."), "info")
        return redirect(url_for("admin.procedures"), 303)
    try:
        report = data.apply_import(text)
    except CatalogueError as error:  # stored by someone else since the check
        return _page(409, error=_file_error(error))
    log_access(None, "catalogue", f"import: {len(report.added)} versions added, "
               f"{len(report.unchanged)} unchanged", commit=True)
    flash(gettext("Đã nhập %(n)d phiên bản thủ tục.", n=len(report.added)), "info")
    return redirect(url_for("admin.procedures"), 303)
