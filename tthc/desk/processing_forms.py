"""The forms of processing and return: hand-over, fee, stop, Form 04's new date, the return
and its postal hand-over. Same rules as ``tthc.desk.forms``: each field cleaned, a Vietnamese
message beside a wrong one, 422 with what was posted."""

from __future__ import annotations

import datetime as dt
import re

from flask_babel import gettext
from wtforms import SelectMultipleField, ValidationError

from ..domain.validators import validate_date
from ..i18n import render_message
from ..timeutil import TZ
from . import services
from .forms import REASON_MAX, DeskForm, text


class PostalForm(DeskForm):
    """A result sent by public post: the day handed to the post office, the tracking number."""

    ngay_gui = text(20)
    ma_buu_gui = text(40)

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        result = validate_date(self.ngay_gui.data, not_future=True, today=services.today())
        self.handed_on: dt.date | None = result.value
        if result.errors:
            self.fail("ngay_gui", render_message(result.errors[0]))
        elif result.value is None:
            self.fail("ngay_gui", gettext("Nhập ngày giao cho bưu điện, ví dụ: 25/03/2026"))
        code = self.ma_buu_gui.data.upper().replace(" ", "")
        if not re.fullmatch(r"[A-Z0-9-]{6,40}", code):
            self.fail("ma_buu_gui", gettext(
                "Nhập mã vận đơn (số hiệu bưu gửi) in trên biên nhận của bưu điện, ví dụ: "
                "EL123456789VN"))
        self.tracking = code
        return not self.messages()


class StopForm(DeskForm):
    """Why processing stops, as the notice prints it: 10 characters at least."""

    ly_do_dung = text(REASON_MAX)

    def validate_ly_do_dung(self, field):
        if len(field.data) < 10:
            raise ValidationError(gettext(
                "Ghi rõ lý do dừng giải quyết hồ sơ (ít nhất 10 ký tự). Ví dụ: Công dân có văn "
                "bản đề nghị dừng giải quyết."))


class HandoverForm(DeskForm):
    """The colleague who takes the dossier over, and a note."""

    can_bo = text(12)
    ghi_chu = text(300)

    def __init__(self, colleagues, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.by_id = {str(s.id): s for s in colleagues}

    def validate_can_bo(self, field):
        if field.data not in self.by_id:
            raise ValidationError(gettext("Chọn cán bộ nhận hồ sơ."))

    @property
    def to(self):
        return self.by_id[self.can_bo.data]


class ReturnForm(DeskForm):
    """How the result is handed over: at the desk (to whom), by post (where), online."""

    kenh_tra = text(10)
    dia_chi = text(300)
    nguoi_nhan = text(200)

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        channel = self.kenh_tra.data
        if channel not in services.RETURN_CHANNELS:
            self.fail("kenh_tra", gettext("Chọn cách trả kết quả."))
        elif channel == "post" and len(self.dia_chi.data) < 5:
            self.fail("dia_chi", gettext("Nhập địa chỉ nhận kết quả qua bưu chính: số nhà, "
                                         "đường phố, phường (xã), tỉnh (thành phố)."))
        elif channel == "desk" and not self.nguoi_nhan.data:
            self.fail("nguoi_nhan", gettext("Nhập họ tên người nhận kết quả tại quầy."))
        return not self.messages()

    @property
    def values(self) -> dict[str, str]:
        return {"channel": self.kenh_tra.data, "address": self.dia_chi.data,
                "receiver": self.nguoi_nhan.data}


class RescheduleForm(DeskForm):
    """Form 04: the new date and hour (the office's closing hour by default), why, and how
    the citizen was told of it (one or more of the channels; Art 19(9))."""

    ngay = text(20)
    gio = text(5)
    ly_do_tre = text(REASON_MAX)
    bao_tin = SelectMultipleField(choices=list(services.processing.APOLOGY_CHANNELS),
                                  validate_choice=False)

    def __init__(self, hours, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.hours = hours
        self.new_due: dt.datetime | None = None

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        result = validate_date(self.ngay.data)
        hour = services.parse_hhmm(self.gio.data) if self.gio.data else self.hours.close
        if result.errors:
            self.fail("ngay", render_message(result.errors[0]))
        elif result.value is None:
            self.fail("ngay", gettext("Nhập ngày hẹn mới, ví dụ: 25/03/2026"))
        if hour is None:
            self.fail("gio", gettext("Nhập giờ theo dạng giờ:phút, ví dụ: 16:30"))
        if len(self.ly_do_tre.data) < 5:
            self.fail("ly_do_tre", gettext("Ghi rõ lý do chậm trả kết quả."))
        self.told = [c for c in services.processing.APOLOGY_CHANNELS
                     if c in (self.bao_tin.data or [])]
        if not self.told:
            self.fail("bao_tin", gettext("Chọn cách đã báo ngày hẹn mới cho công dân (ít nhất "
                                         "một)."))
        if self.messages():
            return False
        if not self.gio.data:  # the desk's last closing that day (the weekly schedule)
            hour = self.hours.closing(result.value, services.calendar())
        self.new_due = dt.datetime.combine(result.value, hour, tzinfo=TZ)
        return True


class FeeForm(DeskForm):
    """Asking for the fee: what to pay, as a note (optional)."""

    ghi_chu_phi = text(300)
