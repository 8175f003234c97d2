"""A report as tables: each one shown on the page (with its chart when it has one), and
exported alone as .xlsx or .csv. Cells hold plain values (text, whole numbers, one-decimal
numbers, None for "nothing to count"); the page formats them, the exports keep them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext, lazy_gettext

from ..domain import metrics
from ..i18n import language
from . import charts, queries, queue_stats
from .periods import Period

PERCENT = "percent"
MINUTES = "minutes"
COUNT = "count"


@dataclass
class Table:
    key: str  # in URLs: /can-bo/bao-cao/bang/<key>.xlsx
    title: str
    headers: list[str]
    rows: list[list[Any]]
    kinds: list[str] = field(default_factory=list)  # per column: "", count, percent, minutes
    chart: charts.Chart | None = None
    note: str = ""


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _name(vi: str, en: str) -> str:
    return en if language() == "en" and en else vi


CHANNEL_LABELS = {
    "walk_in": lazy_gettext("Trực tiếp tại quầy"),
    "prefiled": lazy_gettext("Nộp trước trực tuyến"),
    "assisted": lazy_gettext("Trực tuyến, có cán bộ hỗ trợ"),
    "post": lazy_gettext("Qua bưu chính công ích"),
}


@dataclass
class Report:
    """Everything the leader's report shows for an office and a period."""

    period: Period
    received: dict[str, int]
    timeliness: queries.Timeliness
    same_day: queries.SameDay
    first_time: list[queries.ProcedureLine]
    missing: list[tuple[str, int]]
    digitised: tuple[int, int]
    ratings: queries.Ratings
    queue_total: queue_stats.Line | None
    queue_hours: list[queue_stats.Line]
    queue_officers: list[queue_stats.Line]
    queue_groups: list[queue_stats.Line]
    queue_procedures: list[queue_stats.Line]
    names: dict[int, tuple[str, str]]

    @property
    def received_total(self) -> int:
        return sum(self.received.values())

    @property
    def online_rate(self) -> float | None:
        online = self.received["prefiled"] + self.received["assisted"]
        return metrics.rate(online, self.received_total)

    @property
    def digitised_rate(self) -> float | None:
        return metrics.rate(self.digitised[1], self.digitised[0])

    @property
    def satisfaction_766(self) -> float | None:
        counts = self.timeliness.counts
        return metrics.satisfaction_766(counts.measured, counts.late, self.ratings.complained)


def build(office_id: int, period: Period, now: dt.datetime, calendar, hours) -> Report:
    """Ask every measure of the office and period (a dozen aggregate queries, two
    bounded per-dossier passes: see tthc.reports.queries)."""
    timeliness = queries.timeliness(office_id, period, now, calendar, hours)
    first_time = queries.first_time_right(office_id, period)
    same_day = queries.same_day(office_id, period, calendar, hours)
    ids = set(timeliness.by_procedure) | set(same_day.by_procedure)
    return Report(
        period=period,
        received=queries.received_by_channel(office_id, period),
        timeliness=timeliness, same_day=same_day, first_time=first_time,
        missing=queries.missing_papers(office_id, period),
        digitised=queries.digitised(office_id, period),
        ratings=queries.ratings(office_id, period),
        queue_total=queue_stats.total(office_id, period),
        queue_hours=queue_stats.by_hour(office_id, period),
        queue_officers=queue_stats.by_officer(office_id, period),
        queue_groups=queue_stats.by_queue(office_id, period),
        queue_procedures=queue_stats.by_procedure(office_id, period),
        names=queries.procedure_names(ids),
    )


def key_figures(report: Report) -> Table:
    counts = report.timeliness.counts
    rows = [
        [gettext("Hồ sơ tiếp nhận"), report.received_total, COUNT],
        [gettext("Hồ sơ đã giải quyết xong"), report.timeliness.resolved, COUNT],
        [gettext("Tỷ lệ giải quyết trước hạn, đúng hạn"), _r(counts.on_time_rate), PERCENT],
        [gettext("Tỷ lệ trả kết quả trong ngày vào thứ Hai"),
         _r(report.same_day.counts.monday_rate), PERCENT],
        [gettext("Tỷ lệ hồ sơ nộp trực tuyến"), _r(report.online_rate), PERCENT],
        [gettext("Tỷ lệ hồ sơ được số hóa"), _r(report.digitised_rate), PERCENT],
        [gettext("Mức độ hài lòng (công thức Quyết định 766)"), _r(report.satisfaction_766),
         PERCENT],
        [gettext("Tỷ lệ người dân hài lòng (Rất hài lòng, Hài lòng)"),
         _r(report.ratings.counts.satisfied_rate), PERCENT],
    ]
    units = {COUNT: gettext("hồ sơ"), PERCENT: "%"}
    return Table("chi-so", gettext("Các chỉ số chính"),
                 [gettext("Chỉ số"), gettext("Giá trị"), gettext("Đơn vị")],
                 [[label, value, units[kind]] for label, value, kind in rows], ["", "", ""],
                 note=gettext("Mức độ hài lòng theo Quyết định 766 = 100% − (% hồ sơ quá hạn + "
                              "% hồ sơ có phản ánh, kiến nghị hoặc bị đánh giá không hài lòng)."))


def channels(report: Report) -> Table:
    total = report.received_total
    rows = [[str(CHANNEL_LABELS[k]), n, _r(metrics.rate(n, total))]
            for k, n in report.received.items()]
    title = gettext("Hồ sơ tiếp nhận theo kênh")
    return Table("kenh", title, [gettext("Kênh"), gettext("Số hồ sơ"), gettext("Tỷ lệ (%)")],
                 rows, ["", COUNT, PERCENT], charts.bars(title, [(r[0], r[1]) for r in rows]))


def timeliness(report: Report) -> Table:
    counts = report.timeliness.counts
    values = [(metrics.Measure.EARLY, counts.early), (metrics.Measure.ON_TIME, counts.on_time),
              (metrics.Measure.LATE, counts.late), (metrics.Measure.OPEN, counts.open)]
    rows = [[gettext(m.label), n, _r(metrics.rate(n, counts.measured))
             if m != metrics.Measure.OPEN else None] for m, n in values]
    title = gettext("Kết quả giải quyết so với hạn")
    return Table("dung-han", title, [gettext("Kết quả"), gettext("Số hồ sơ"),
                                     gettext("Tỷ lệ trên số hồ sơ được tính (%)")],
                 rows, ["", COUNT, PERCENT], charts.bars(title, [(r[0], r[1]) for r in rows]),
                 note=gettext("Tính theo ngày làm việc: thời gian chờ công dân bổ sung được trừ; "
                              "hồ sơ yêu cầu bổ sung quá một lần tính là quá hạn; hồ sơ chưa xong "
                              "được tính tại cuối kỳ. Đã dừng hoặc từ chối trong kỳ: %(n)d.",
                              n=report.timeliness.stopped_or_refused))


def timeliness_by_procedure(report: Report) -> Table:
    rows = []
    for pid, c in sorted(report.timeliness.by_procedure.items(),
                         key=lambda item: -(item[1].measured + item[1].open)):
        rows.append([_name(*report.names.get(pid, ("", ""))), c.early, c.on_time, c.late, c.open,
                     _r(c.on_time_rate)])
    return Table("dung-han-thu-tuc", gettext("Kết quả giải quyết theo thủ tục"),
                 [gettext("Thủ tục"), gettext("Trước hạn"), gettext("Đúng hạn"),
                  gettext("Quá hạn"), gettext("Đang giải quyết, trong hạn"),
                  gettext("Trước hạn, đúng hạn (%)")],
                 rows, ["", COUNT, COUNT, COUNT, COUNT, PERCENT])


def same_day(report: Report) -> Table:
    c = report.same_day.counts
    rows = [[gettext("Thứ Hai"), c.monday, c.monday_done, _r(c.monday_rate)],
            [gettext("Các ngày khác"), c.other, c.other_done, _r(c.other_rate)],
            [gettext("Tiếp nhận sau giờ chốt (không tính vào tỷ lệ)"), c.after_cutoff,
             c.after_cutoff_done, None]]
    title = gettext("Trả kết quả trong ngày")
    chart = charts.bars(title, [(rows[0][0], c.monday_rate or 0), (rows[1][0], c.other_rate or 0)],
                        unit="%", maximum=100)
    return Table("trong-ngay", title,
                 [gettext("Ngày tiếp nhận"), gettext("Hồ sơ tiếp nhận"),
                  gettext("Có kết quả trong ngày"), gettext("Tỷ lệ (%)")],
                 rows, ["", COUNT, COUNT, PERCENT], chart,
                 note=gettext("Các thủ tục giải quyết trong ngày theo quy định hoặc trong ngày thứ "
                              "Hai."))


def first_time(report: Report) -> Table:
    rows = [[_name(line.name_vi, line.name_en), line.received, line.first_time, _r(line.rate)]
            for line in report.first_time]
    return Table("mot-lan", gettext("Hồ sơ đủ ngay lần đầu, theo thủ tục"),
                 [gettext("Thủ tục"), gettext("Hồ sơ tiếp nhận"),
                  gettext("Không phải bổ sung"), gettext("Tỷ lệ (%)")],
                 rows, ["", COUNT, COUNT, PERCENT])


def missing(report: Report) -> Table:
    rows = [[label, n] for label, n in report.missing]
    title = gettext("Giấy tờ, nội dung thường phải bổ sung")
    return Table("thieu-giay-to", title, [gettext("Nội dung yêu cầu bổ sung"), gettext("Số lần")],
                 rows, ["", COUNT], charts.bars(title, rows) if rows else None)


def ratings(report: Report) -> Table:
    c = report.ratings.counts
    rows = [[gettext("Rất hài lòng"), c.very, _r(metrics.rate(c.very, c.total))],
            [gettext("Hài lòng"), c.satisfied, _r(metrics.rate(c.satisfied, c.total))],
            [gettext("Không hài lòng"), c.dissatisfied, _r(metrics.rate(c.dissatisfied, c.total))]]
    labels = {"time_score": gettext("Thời gian giải quyết so với quy định"),
              "contacts_score": gettext("Số lần phải liên hệ để hoàn thiện hồ sơ"),
              "agencies_score": gettext("Số cơ quan phải liên hệ"),
              "attitude_score": gettext("Thái độ của cán bộ")}
    for name, (mean, answered) in report.ratings.indicators.items():
        rows.append([gettext("Chỉ số: %(name)s (điểm trung bình 0–2)", name=labels[name]),
                     answered, None if mean is None else round(mean, 2)])
    title = gettext("Đánh giá của người dân")
    return Table("danh-gia", title, [gettext("Câu trả lời"), gettext("Số lượt"),
                                     gettext("Tỷ lệ (%) hoặc điểm")],
                 rows, ["", COUNT, ""], charts.bars(title, [(r[0], r[1]) for r in rows[:3]]),
                 note=gettext("Phản ánh, kiến nghị trong kỳ: %(n)d.", n=report.ratings.feedback))


QUEUE_HEADERS = (lazy_gettext("Số thứ tự đã cấp"), lazy_gettext("Đã phục vụ"),
                 lazy_gettext("Lượt vắng mặt"), lazy_gettext("Bỏ lượt"),
                 lazy_gettext("Chờ, trung vị (phút)"), lazy_gettext("Chờ, 90% (phút)"),
                 lazy_gettext("Phục vụ, trung vị (phút)"), lazy_gettext("Phục vụ, 90% (phút)"))
QUEUE_KINDS = [COUNT, COUNT, COUNT, COUNT, MINUTES, MINUTES, MINUTES, MINUTES]


def _queue_rows(lines: list[queue_stats.Line]) -> list[list[Any]]:
    return [[line.label, line.tickets, line.served, line.no_shows, line.missed,
             line.wait_median, line.wait_p90, line.service_median, line.service_p90]
            for line in lines]


def queue(report: Report, key: str) -> Table:
    title, first, lines = {
        "hang-cho": (gettext("Hàng chờ: toàn kỳ"), gettext("Kỳ báo cáo"),
                     [report.queue_total] if report.queue_total else []),
        "hang-cho-gio": (gettext("Hàng chờ theo giờ lấy số"), gettext("Giờ"), report.queue_hours),
        "hang-cho-can-bo": (gettext("Hàng chờ theo cán bộ"), gettext("Cán bộ"),
                            report.queue_officers),
        "hang-cho-quay": (gettext("Hàng chờ theo nhóm thủ tục"), gettext("Nhóm"),
                          report.queue_groups),
        "hang-cho-thu-tuc": (gettext("Hàng chờ theo thủ tục (số đã gắn với hồ sơ)"),
                             gettext("Thủ tục"), report.queue_procedures),
    }[key]
    rows = _queue_rows(lines)
    if key == "hang-cho" and rows:
        rows[0][0] = report.period.key()
    chart = None
    if key == "hang-cho-gio" and rows:
        chart = charts.bars(title, [(r[0], r[1]) for r in rows])
    return Table(key, title, [first, *[str(h) for h in QUEUE_HEADERS]], rows,
                 ["", *QUEUE_KINDS], chart)


QUEUE_KEYS = ("hang-cho", "hang-cho-gio", "hang-cho-can-bo", "hang-cho-quay", "hang-cho-thu-tuc")


def all_tables(report: Report) -> list[Table]:
    return [key_figures(report), channels(report), timeliness(report),
            timeliness_by_procedure(report), same_day(report), first_time(report),
            missing(report), ratings(report), *(queue(report, k) for k in QUEUE_KEYS)]


KEYS = ("chi-so", "kenh", "dung-han", "dung-han-thu-tuc", "trong-ngay", "mot-lan",
        "thieu-giay-to", "danh-gia", *QUEUE_KEYS)
