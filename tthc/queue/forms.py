"""The queue's posted forms: the kiosk's and the counter's buttons, the settings page.

Field names are the ones the pages post (``nhom``, ``uu_tien``…). Choices that depend on
the office (its groups, its counters) are given to the form by the view; every refusal is a
Vietnamese message on its field.
"""

from __future__ import annotations

from flask_babel import lazy_gettext
from wtforms import Field, IntegerField, StringField, ValidationError
from wtforms.validators import AnyOf

from ..domain import queue as rules
from ..forms import Form, YesNoField


class IdField(IntegerField):
    """A number chosen by a button or a select: None when absent or not a number (the
    form's own check then says what to choose, in Vietnamese)."""

    def process_formdata(self, valuelist):
        raw = valuelist[0].strip() if valuelist else ""
        self.data = int(raw) if raw.isdigit() else None


class IdListField(Field):
    """The numbers of ticked checkboxes; anything that is not a number is left out."""

    def process_formdata(self, valuelist):
        self.data = [int(v) for v in valuelist if v.strip().isdigit()]


class TicketForm(Form):
    """Take a number at the kiosk: a group (its big button) and a priority reason or none."""

    group_message = lazy_gettext("Vui lòng chọn một trong các nút bên dưới để lấy số.")

    nhom = IdField()
    uu_tien = StringField(default="")
    lan = StringField(default="")  # the page's request key: a double tap gives one number

    def __init__(self, *args, group_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.group_ids = set(group_ids)

    def validate_nhom(self, field):
        if field.data not in self.group_ids:
            raise ValidationError(self.group_message)

    def validate_uu_tien(self, field):
        try:
            field.data = rules.parse_priority_reason(field.data)
        except ValueError:
            message = lazy_gettext("Vui lòng chọn một trong các diện ưu tiên.")
            raise ValidationError(message) from None


class CodeTicketForm(Form):
    """Take the number of a pre-filed dossier: its code typed, or its QR read by a scanner
    (which types the link the QR holds)."""

    ma = StringField(default="")

    def validate_ma(self, field):
        field.data = (field.data or "").strip()[:500]
        if not field.data:
            raise ValidationError(lazy_gettext(
                "Vui lòng quét mã QR hoặc nhập mã nộp trước, ví dụ YPD9-N7J6."))


class KioskDeviceForm(Form):
    """Make this browser the hall's kiosk (or a browser like any other again)."""

    may_lay_so = YesNoField()


class StaffTicketForm(TicketForm):
    """Give a number at the counter (a citizen without a phone, or a closed kiosk)."""

    group_message = lazy_gettext("Vui lòng chọn nhóm để phát số.")


class CallNextForm(Form):
    """ "Gọi tiếp", with the queues to call from when the form carries the checkboxes."""

    chon_nhom = YesNoField()  # the checkboxes are on this form: read them, even unticked
    nhom = IdListField()


class TicketActionForm(Form):
    """A ticket's one-button action (recall, start, finish, no-show): the CSRF token only."""


class TransferForm(Form):
    """Send the ticket at the counter to another group's queue."""

    nhom = IdField()

    def validate_nhom(self, field):
        if field.data is None:
            raise ValidationError(lazy_gettext("Vui lòng chọn nhóm cần chuyển đến."))


class CounterForm(Form):
    """Choose the counter this officer sits at (1 … the office's counters)."""

    quay = IdField()

    def __init__(self, *args, counters: int = 1, **kwargs):
        super().__init__(*args, **kwargs)
        self.counters = max(counters, 1)

    def validate_quay(self, field):
        if field.data is None or not 1 <= field.data <= self.counters:
            raise ValidationError(lazy_gettext("Số quầy không hợp lệ."))


class SettingsForm(Form):
    """The office's call order."""

    thu_tu = StringField(validators=[
        AnyOf(rules.POLICIES, message=lazy_gettext("Vui lòng chọn một cách gọi số."))])
