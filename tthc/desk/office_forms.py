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


class SettingsForm(DeskForm):
    """The office's desk settings: unit code, code pattern, its own cut-off (empty: the
    framework's). Opening hours are the office's weekly schedule (the admin's office page)."""

    gio_chot = text(5)
    mau_ma = text(60)
    ma_don_vi = text(40)

    def __init__(self, office_id: int, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.office_id = office_id

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        if self.gio_chot.data:
            cutoff = services.parse_hhmm(self.gio_chot.data)
            if cutoff is None:
                self.fail("gio_chot", gettext("Nhập giờ theo dạng giờ:phút, ví dụ: 15:00, hoặc "
                                              "để trống để theo văn bản pháp lý."))
            else:
                hours = services.office_hours(self.office_id)
                if not hours.open < cutoff <= hours.close:
                    self.fail("gio_chot", gettext(
                        "Giờ chốt phải sau giờ mở cửa (%(open)s) và không muộn hơn giờ đóng "
                        "cửa (%(close)s) của cơ quan.", open=hours.open.strftime("%H:%M"),
                        close=hours.close.strftime("%H:%M")))
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
        """The settings as typed; the cut-off as HH:MM once it is valid ("" for none)."""
        cutoff = services.parse_hhmm(self.gio_chot.data) if self.gio_chot.data else None
        return {"cutoff": cutoff.strftime("%H:%M") if cutoff else self.gio_chot.data,
                "pattern": self.mau_ma.data}
