"""The period a report covers, read from the query string, and the office's clock for it.

A month (``?thang=03/2026``) or a range of days (``?tu=01/03/2026&den=15/03/2026``), at
most 366 days: the bound of every per-dossier pass in the reports. Read by a Flask-WTF form
without CSRF (a GET that changes nothing; no personal data in these URLs).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext
from wtforms import StringField

from ..domain.validators import validate_date
from .. import config as app_config, offices
from ..domain.workdays import Calendar, CountingRule, OfficeHours
from ..forms import Form
from ..i18n import render_message
from ..timeutil import TZ

MAX_DAYS = 366
_MONTH = re.compile(r"\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*")


@dataclass(frozen=True)
class Period:
    """Local days from *start* to *end*, both included."""

    start: dt.date
    end: dt.date

    @property
    def first(self) -> dt.datetime:
        """The first instant of the period (aware)."""
        return dt.datetime.combine(self.start, dt.time(0), tzinfo=TZ)

    @property
    def after(self) -> dt.datetime:
        """The first instant after the period (aware)."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(0), tzinfo=TZ)

    @property
    def is_month(self) -> bool:
        return self.start.day == 1 and self.end == month_of(self.start).end

    def key(self) -> str:
        """A short name for files: 2026-03, or 20260301-20260315."""
        if self.is_month:
            return f"{self.start:%Y-%m}"
        return f"{self.start:%Y%m%d}-{self.end:%Y%m%d}"

    def args(self) -> dict[str, str]:
        """The query string that selects this period again."""
        if self.is_month:
            return {"thang": f"{self.start:%m/%Y}"}
        return {"tu": f"{self.start:%d/%m/%Y}", "den": f"{self.end:%d/%m/%Y}"}


def month_of(day: dt.date) -> Period:
    start = day.replace(day=1)
    following = (start + dt.timedelta(days=32)).replace(day=1)
    return Period(start, following - dt.timedelta(days=1))


def previous_month(period: Period) -> Period:
    return month_of(period.start - dt.timedelta(days=1))


class PeriodForm(Form):
    """?thang=MM/YYYY, or ?tu=…&den=… (dd/mm/yyyy); this month when nothing is given."""

    class Meta:
        csrf = False

    thang = StringField(filters=[lambda v: (v or "").strip()[:20]])
    tu = StringField(filters=[lambda v: (v or "").strip()[:20]])
    den = StringField(filters=[lambda v: (v or "").strip()[:20]])

    def __init__(self, today: dt.date, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.period = month_of(today)

    def messages(self) -> dict[str, str]:
        return {field.name: field.errors[0] for field in self if field.errors}

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        if self.tu.data or self.den.data:
            self._range()
        elif self.thang.data:
            match = _MONTH.fullmatch(self.thang.data)
            if match is None or not 1 <= int(match[1]) <= 12 or int(match[2]) < 2000:
                self.thang.errors.append(gettext("Nhập tháng theo dạng tháng/năm, ví dụ 03/2026."))
            else:
                self.period = month_of(dt.date(int(match[2]), int(match[1]), 1))
        else:
            self.thang.data = f"{self.period.start:%m/%Y}"  # shown in the field
        return not self.messages()

    def _range(self) -> None:
        days = {}
        for field in (self.tu, self.den):
            if not field.data:
                field.errors.append(gettext("Nhập ngày theo dạng ngày/tháng/năm."))
                continue
            result = validate_date(field.data)
            if result.errors:
                field.errors.append(render_message(result.errors[0]))
            elif result.value is not None:
                days[field.name] = result.value
        if len(days) < 2:
            return
        if days["den"] < days["tu"]:
            self.den.errors.append(gettext("Ngày kết thúc phải từ ngày bắt đầu trở đi."))
        elif (days["den"] - days["tu"]).days >= MAX_DAYS:
            self.den.errors.append(gettext("Xem tối đa một năm mỗi lần."))
        else:
            self.period = Period(days["tu"], days["den"])


def calendar(office_id: int | None = None) -> Calendar:
    """The office's holiday table, read for the request (tthc.offices.calendar: no cache to
    keep in step)."""
    return offices.calendar(office_id)


def counting_rule() -> CountingRule:
    """How legal times are counted (TTHC_DEADLINE_COUNTING, checked at start-up)."""
    return app_config.counting_rule(current_app.config)


def office_hours(office_id: int) -> OfficeHours:
    """The office's hours for deadlines, as the desk reads them (``offices.office_hours``:
    the weekly schedule, the cut-off of the framework in force today)."""
    return offices.office_hours(office_id, offices.framework(office_id))
