"""The office's staff accounts in the browser: list, create, change name, roles and counter,
disable or enable, reset a password, unlock after failed sign-ins.

Only the admin's own office is listed or reachable (another office's account is a 404). The
work is done by tthc.auth.services, the functions the command line uses too; each change is
written to the access log (action "staff"), never with a password. A new password is shown
once, on the answer to the POST (no-store), never in a URL, the session or a log.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectMultipleField, widgets
from wtforms.fields.choices import SelectChoice

from ..auth import services
from ..auth.access import log_access, scoped_get_or_404, staff_required
from ..desk.forms import DeskForm, text
from ..desk.present import summary
from ..extensions import db
from ..forms import YesNoField
from ..i18n import render_message
from ..models import ROLES, Office, Staff
from . import bp


def _role_field() -> SelectMultipleField:
    return SelectMultipleField(choices=[SelectChoice(r) for r in ROLES], validate_choice=False,
                               widget=widgets.ListWidget(prefix_label=False),
                               option_widget=widgets.CheckboxInput())


class AccountForm(DeskForm):
    """An account's name, roles and counter (and, when created, its username and password)."""

    ten_dang_nhap = text(60)
    ho_ten = text(200)
    vai_tro = _role_field()
    quay = text(3)
    mat_khau = text(200)

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        self.counter = None
        if self.quay.data:
            if not self.quay.data.isdigit():
                self.fail("quay", gettext("Số quầy từ 1 đến 99; để trống nếu không ngồi quầy."))
            else:
                self.counter = int(self.quay.data)
        if not self.ho_ten.data:
            self.fail("ho_ten", gettext("Nhập họ và tên của cán bộ."))
        return not self.messages()

    def refuse(self, error: services.AccountError) -> None:
        """Put a refusal of the services beside its field (the summary when it has none)."""
        self.fail(error.field or "ho_ten", render_message(error.message))


class PasswordForm(DeskForm):
    """A new password typed by the admin, or empty for one made up and shown once."""

    mat_khau = text(200)


class ActiveForm(DeskForm):
    hoat_dong = YesNoField()


def _account(staff_id: int) -> Staff:
    return scoped_get_or_404(Staff, staff_id)


def _log(staff: Staff, what: str) -> None:
    log_access(None, "staff", f"account {staff.username}: {what}", commit=True)


@bp.route("/can-bo/quan-tri/can-bo")
@staff_required("admin")
def staff():
    """List the office's staff accounts with their roles, counter and state."""
    rows = db.session.scalars(select(Staff).filter_by(office_id=current_user.office_id)
                              .order_by(Staff.active.desc(), Staff.username))
    return render_template("admin/staff.html", rows=list(rows), labels=services.ROLE_LABELS,
                           is_locked=services.is_locked)


def _form_page(form, errors, account=None, status=200):
    return render_template("admin/staff_edit.html", form=form, errors=errors,
                           summary=summary(errors), account=account,
                           labels=services.ROLE_LABELS, is_locked=services.is_locked), status


@bp.route("/can-bo/quan-tri/can-bo/them", methods=("GET", "POST"))
@staff_required("admin")
def staff_new():
    """Create an account in the office; its password is typed here or made up and shown once."""
    if request.method == "GET":
        return _form_page(AccountForm(formdata=None, data={"vai_tro": ["reception"]}), {})
    form = AccountForm()
    if form.validate():
        password = form.mat_khau.data or services.generate_password()
        office = db.session.get(Office, current_user.office_id)
        try:
            account = services.create_staff(
                office_code=office.code, username=form.ten_dang_nhap.data,
                password=password, roles=list(form.vai_tro.data or []),
                full_name=form.ho_ten.data, counter=form.counter, grantor=current_user)
        except services.AccountError as error:
            form.refuse(error)
        else:
            _log(account, f"created, roles {','.join(account.roles)}, "
                          f"counter {account.counter or '-'}")
            return render_template("admin/staff_password.html", account=account,
                                   password=None if form.mat_khau.data else password,
                                   created=True)
    form.mat_khau.data = ""  # a refused password is not sent back into the page
    return _form_page(form, form.messages(), status=422)


@bp.route("/can-bo/quan-tri/can-bo/<int:staff_id>", methods=("GET", "POST"))
@staff_required("admin")
def staff_edit(staff_id: int):
    """Change an account's full name, roles and counter."""
    account = _account(staff_id)
    if request.method == "GET":
        data = {"ho_ten": account.full_name, "vai_tro": list(account.roles),
                "quay": str(account.counter or "")}
        return _form_page(AccountForm(formdata=None, data=data), {}, account)
    form = AccountForm()
    if form.validate():
        try:
            changes = services.update_staff(account, full_name=form.ho_ten.data,
                                            roles=list(form.vai_tro.data or []),
                                            counter=form.counter, actor=current_user)
        except services.AccountError as error:
            form.refuse(error)
        else:
            if changes:
                _log(account, "; ".join(changes))
            flash(gettext("Đã lưu tài khoản %(username)s.", username=account.username), "info")
            return redirect(url_for("admin.staff_edit", staff_id=account.id), 303)
    return _form_page(form, form.messages(), account, 422)


@bp.route("/can-bo/quan-tri/can-bo/<int:staff_id>/hoat-dong", methods=("POST",))
@staff_required("admin")
def staff_active(staff_id: int):
    """Disable an account (it can no longer sign in; its history stays) or enable it again."""
    account = _account(staff_id)
    form = ActiveForm()
    form.validate()
    active = bool(form.hoat_dong.data)
    try:
        if services.set_active(account, active, actor=current_user):
            _log(account, "enabled" if active else "disabled")
    except services.AccountError as error:
        flash(render_message(error.message), "error")
        return redirect(url_for("admin.staff_edit", staff_id=account.id), 303)
    flash(gettext("Đã mở lại tài khoản %(username)s.", username=account.username) if active
          else gettext("Đã khóa tài khoản %(username)s.", username=account.username), "info")
    return redirect(url_for("admin.staff_edit", staff_id=account.id), 303)


@bp.route("/can-bo/quan-tri/can-bo/<int:staff_id>/mo-khoa", methods=("POST",))
@staff_required("admin")
def staff_unlock(staff_id: int):
    """Unlock an account after failed sign-ins (its password stays)."""
    account = _account(staff_id)
    DeskForm().validate()
    if services.unlock(account):
        _log(account, "unlocked")
    flash(gettext("Đã mở khóa đăng nhập cho %(username)s.", username=account.username), "info")
    return redirect(url_for("admin.staff_edit", staff_id=account.id), 303)


@bp.route("/can-bo/quan-tri/can-bo/<int:staff_id>/mat-khau", methods=("POST",))
@staff_required("admin")
def staff_password(staff_id: int):
    """Give an account a new password (typed, or made up and shown once); unlocks it too."""
    account = _account(staff_id)
    form = PasswordForm()
    form.validate()
    password = form.mat_khau.data or services.generate_password()
    try:
        services.set_password(account, password)
    except services.AccountError as error:
        edit = AccountForm(formdata=None, data={"ho_ten": account.full_name,
                                                "vai_tro": list(account.roles),
                                                "quay": str(account.counter or "")})
        errors = {"mat_khau": render_message(error.message)}
        return _form_page(edit, errors, account, 422)
    _log(account, "password reset")
    return render_template("admin/staff_password.html", account=account,
                           password=None if form.mat_khau.data else password, created=False)
