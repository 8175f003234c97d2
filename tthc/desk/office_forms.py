"""The forms of the office's own pages: the ledger's period and the desk's settings (their
views are in tthc.desk.ledger; tthc.desk.forms says how the desk reads forms)."""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext

from ..domain import reception
from ..domain.validators import validate_date
from ..i18n import render_message
from . import services
from .forms import DeskForm, text


class PeriodForm(DeskForm):
    """The ledger's dates (?tu=…&den=…, dd/mm/yyyy): a GET, no personal data in that URL."""

    class Meta:
        csrf = False

    tu = text(20)
    den = text(20)

    def __init__(self, default: dt.date, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.start = self.end = default

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        for attr, field in (("start", self.tu), ("end", self.den)):
            if not field.data:
                continue
            result = validate_date(field.data)  # typed: a date, or a message
            if result.errors:
                self.fail(field.name, render_message(result.errors[0]))
            elif result.value is not None:
                setattr(self, attr, result.value)
        if self.messages():
            return False
        if self.end < self.start:
            self.fail("den", gettext("Ngày kết thúc phải từ ngày bắt đầu trở đi."))
        elif (self.end - self.start).days > 366:
            self.fail("den", gettext("Xem tối đa một năm mỗi lần."))
        return not self.messages()


HOURS = {"cutoff": "gio_chot", "close": "gio_dong", "open": "gio_mo"}


class SettingsForm(DeskForm):
    """The office's desk settings: unit code, code pattern, hours."""

    gio_chot = text(5)
    gio_dong = text(5)
    gio_mo = text(5)
    mau_ma = text(60)
    ma_don_vi = text(40)

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        hours = {key: services.parse_hhmm(self[name].data) for key, name in HOURS.items()}
        for key, name in HOURS.items():
            if hours[key] is None:
                self.fail(name, gettext("Nhập giờ theo dạng giờ:phút, ví dụ: 15:00"))
        if not self.messages() and not hours["open"] < hours["cutoff"] <= hours["close"]:
            self.fail("gio_chot", gettext("Giờ chốt phải sau giờ mở cửa và không muộn hơn giờ "
                                          "đóng cửa."))
        problem = reception.dossier_pattern_problem(self.mau_ma.data)
        if problem is not None:
            self.fail("mau_ma", render_message(problem))
        unit = self.ma_don_vi.data
        if not unit or any(ch.isspace() for ch in unit):
            self.fail("ma_don_vi", gettext("Nhập mã định danh của cơ quan (QCVN 102:2016), "
                                           "không có dấu cách. Ví dụ: 000.00.21.H26"))
        return not self.messages()

    @property
    def values(self) -> dict[str, str]:
        """The settings as typed; hours as HH:MM once they are valid."""
        values = {key: self[name].data for key, name in HOURS.items()}
        hours = {key: services.parse_hhmm(value) for key, value in values.items()}
        if None not in hours.values():
            values = {key: hour.strftime("%H:%M") for key, hour in hours.items()}
        return {**values, "pattern": self.mau_ma.data}
