"""The admin's procedures: each procedure's versions and the days they govern, a new version
from a date, a version not yet in force edited again, the citizen's form of a version
previewed, and the catalogue file exported and imported.

Every change is written to the access log (action "catalogue"; no personal data).
"""

from __future__ import annotations

import datetime as dt

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from .. import timeutil
from ..auth import log_access
from ..auth.access import forbidden, staff_required
from ..catalogue import services as catalogue
from ..domain.catalogue import CatalogueError, parse_procedure
from ..domain.completeness import assess, form_fields
from ..intake import services as intake
from . import bp
from . import procedures_data as data
from . import procedures_forms as forms
from . import procedures_raw as raw_form
from . import procedures_toml as toml
from .procedures_messages import describe

PREFIX = "/can-bo/quan-tri/thu-tuc"


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        abort(404)


def _version_or_404(code: str, day: str):
    return data.get(code[:63], _day(day)) or abort(404)


def may_change() -> bool:
    """Whether this admin may change the catalogue. The catalogue is the whole deployment's
    (one province's law): where the deployment serves several offices (a city), only a city
    admin changes it, so that one ward's admin cannot change the law of 126."""
    return data.may_change_catalogue(current_user)


@bp.get(PREFIX)
@staff_required("admin")
def procedures():
    """List every procedure with its versions: in force, to come, past (?ngay=: which one
    governs that date)."""
    typed = request.args.get("ngay", "")[:20]
    asked = raw_form.parse_date(typed) if typed else None
    error = gettext("Nhập ngày dạng dd/mm/yyyy, ví dụ %(d)s.",
                    d=timeutil.today().strftime("%d/%m/%Y")) if typed and asked is None else None
    return render_template("admin/procedures/list.html", procedures=data.overview(asked=asked),
                           today=timeutil.today(), asked=asked, typed=typed,
                           error=error, may_change=may_change()), 400 if error else 200


@bp.route(PREFIX + "/<code>/moi", methods=("GET", "POST"))
@staff_required("admin")
def procedure_new(code):
    """Start a new version from a copy of the version in force (or ?tu=date); store it."""
    if not may_change():
        return forbidden()
    start = request.args.get("tu", "")
    base = (data.get(code[:63], _day(start)) if start else data.base_for_new(code[:63])) \
        or abort(404)
    if request.method == "POST":
        return _save(code, base, row=None)
    tomorrow = timeutil.today() + dt.timedelta(days=1)
    form = forms.VersionForm(formdata=None, data=raw_form.form_data(base.spec, tomorrow))
    return _editor(form, base, row=None)


@bp.route(PREFIX + "/<code>/<day>", methods=("GET", "POST"))
@staff_required("admin")
def procedure_version(code, day):
    """Show a version; while it is not yet in force, edit it."""
    row = _version_or_404(code, day)
    state = data.state(row)
    if state != data.FUTURE or data.dossier_count(row) or not may_change():
        if request.method == "POST":
            return _read_only(row, state, refused=True), 409
        return _read_only(row, state)
    if request.method == "POST":
        return _save(code, row, row=row)
    form = forms.VersionForm(formdata=None, data=raw_form.form_data(row.spec, row.effective_from))
    form.read_hash.data = row.content_hash
    return _editor(form, row, row=row)


def _read_only(row, state: str, refused: bool = False):
    return render_template(
        "admin/procedures/version.html", row=row, state=state, p=catalogue.spec_of(row),
        text=toml.table(row.spec, ""), dossiers=data.dossier_count(row), refused=refused,
        may_change=may_change())


def _editor(form, base, row, errors=None, status: int = 200, past_day=None, moved=""):
    """The version's page with its form (and the messages of a refused save)."""
    code = base.procedure.code
    action = url_for("admin.procedure_version", code=code, day=row.effective_from.isoformat()) \
        if row is not None else url_for("admin.procedure_new", code=code,
                                        tu=request.args.get("tu") or None)
    errors = errors or {}
    labels = forms.labels_of(form) if errors else {}

    def row_open(entry) -> bool:
        """Show a row unfolded when it has a message, or is new (nothing typed in it yet)."""
        blank = not any(str(sub.data or "").strip() for sub in entry.form
                        if sub.type in ("StringField", "TextAreaField")
                        and sub.data != sub.default)
        return blank or entry.id == moved or any(key.startswith(entry.id + "-")
                                                 for key in errors)

    return render_template(
        "admin/procedures/edit.html", form=form, base=base, row=row, code=code,
        action=action, errors=errors, past_day=past_day, labelled=forms.labelled,
        row_open=row_open,
        summary=[("#" + (key if key != "general" else "phien-ban"),
                  f"{labels[key]}: {message}" if key in labels else message)
                 for key, message in errors.items()],
    ), status


def _save(code: str, base, row):
    """Check the posted version with the catalogue's parser, and store it (or say why not)."""
    form = forms.VersionForm()
    form.validate()  # CSRFProtect has checked the token; the rules are the parser's
    changed = raw_form.row_action(form)
    if changed is not None:  # add, remove or move a row: show the form again, nothing stored
        moved_data, moved = changed
        return _editor(forms.VersionForm(formdata=None, data=moved_data), base, row,
                       moved=moved)
    typing = raw_form.Typing()
    day = raw_form.parse_date(form.effective_from.data or "")
    today = timeutil.today()
    past_day = None
    if day is None:
        typing.add("effective_from", gettext("Nhập ngày dạng dd/mm/yyyy, ví dụ %(d)s.",
                                             d=(today + dt.timedelta(days=1)).strftime("%d/%m/%Y")))
    else:
        other = data.get(code, day)
        if other is not None and (row is None or other.id != row.id):
            typing.add("effective_from", gettext(
                "Thủ tục đã có phiên bản từ ngày %(date)s. Chọn ngày khác.",
                date=day.strftime("%d/%m/%Y")))
        elif day <= today and not form.confirm_past.data:
            past_day = day
            typing.add("effective_from", gettext(
                "Ngày %(date)s không sau hôm nay: phiên bản sẽ áp dụng ngay cho hồ sơ tiếp "
                "nhận từ bây giờ. Đánh dấu ô xác nhận dưới đây nếu đúng ý.",
                date=day.strftime("%d/%m/%Y")))
    raw = raw_form.to_raw(form, code, day, typing)
    errors = dict(typing.errors)
    spec = None
    if not errors:
        try:
            spec = parse_procedure(raw)
        except CatalogueError as error:
            key, message = describe(error, raw)
            errors[key] = message
    if errors:
        return _editor(form, base, row, errors, 422, past_day=past_day)
    try:
        if row is None:
            data.create(code, spec, raw)
        else:
            data.replace(row.id, form.read_hash.data or "", spec, raw)
    except data.DateTaken:
        errors["effective_from"] = gettext("Thủ tục đã có phiên bản từ ngày %(date)s. Chọn "
                                           "ngày khác.", date=day.strftime("%d/%m/%Y"))
        return _editor(form, base, row, errors, 422)
    except data.Changed:
        errors["general"] = gettext(
            "Phiên bản này vừa có hiệu lực, có hồ sơ áp dụng, hoặc vừa được người khác lưu: "
            "không lưu được. Mở lại trang để xem nội dung hiện tại.")
        return _editor(form, base, row, errors, 409)
    verb = "new version" if row is None else "edit version"
    log_access(None, "catalogue", f"{verb} {code} {day.isoformat()}"
               + ("" if row is None or row.effective_from == day
                  else f" (was {row.effective_from.isoformat()})"), commit=True)
    flash(gettext("Đã lưu phiên bản %(name)s có hiệu lực từ %(date)s.", name=spec.name_vi,
                  date=day.strftime("%d/%m/%Y")), "info")
    return redirect(url_for("admin.procedure_version", code=code, day=day.isoformat()), 303)


@bp.route(PREFIX + "/<code>/<day>/xem-truoc", methods=("GET", "POST"))
@staff_required("admin")
def procedure_preview(code, day):
    """Show the citizen's form of a version as it will look; check answers, store nothing."""
    row = _version_or_404(code, day)
    spec = catalogue.spec_of(row)
    on = max(timeutil.today(), row.effective_from)
    posted = request.method == "POST"
    if posted:
        form = intake.bind(spec, formdata=request.form)
        answers = intake.posted_answers(form)
    else:
        answers = {f.name: f.default for f in form_fields(spec) if f.default}
        form = intake.bind(spec, answers)
    report = assess(spec, answers, frozenset(), today=on)
    sections = intake.sections(form, form_fields(spec), report, show_missing=posted)
    return render_template("admin/procedures/preview.html", row=row, p=spec, on=on,
                           sections=sections, report=report, posted=posted,
                           state=data.state(row), remember_after=None)


from . import procedures_files  # noqa: E402,F401  (export and import: their own module)
