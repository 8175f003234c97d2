"""Reading the desk's forms: values, and a Vietnamese message per field that is wrong.

Each ``read_*`` returns what the service needs and ``errors`` (field name → message); the
view shows the messages beside the fields with a 422 and keeps what was typed. CSRF is
checked for every POST by Flask-WTF's CSRFProtect; templates render the token.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Mapping

from flask_babel import gettext

from ..domain import reception
from ..domain.completeness import form_fields
from ..domain.text import nfc
from ..domain.validators import validate_date
from ..i18n import render_message
from ..intake import forms as intake_forms
from ..intake.services import MAX_ANSWER_LENGTH
from ..timeutil import TZ
from . import formsets, services

REASON_MAX = 2000
ITEMS_MAX = 30


def text(form: Mapping[str, Any], name: str, limit: int = 500) -> str:
    """One posted text, NFC, without surrounding spaces, cut at *limit*."""
    value = form.get(name, "")
    return _clean(value if isinstance(value, str) else "").strip()[:limit]


def _clean(value: str) -> str:
    # NUL cannot be stored in a PostgreSQL text column; nothing typed needs it.
    return nfc(value).replace("\x00", "")


@dataclass
class Read:
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_answers(spec, dossier, form) -> dict[str, str]:
    """The dossier's answers with every field of the form as posted (the desk edits all)."""
    bound = intake_forms.bind(spec, formdata=form)
    posted = intake_forms.posted_answers(bound)
    answers = dict(dossier.answers or {})
    for form_field in form_fields(spec):
        answers[form_field.name] = _clean(posted.get(form_field.name, ""))[:MAX_ANSWER_LENGTH]
    return answers


def read_walk_in(form, versions: Mapping[str, Any]) -> Read:
    read = Read()
    version = versions.get(text(form, "thu_tuc", 63))
    if version is None:
        read.errors["thu_tuc"] = gettext("Chọn thủ tục công dân yêu cầu.")
    read.values["version"] = version
    read.values.update(read_channel(form, read.errors))
    return read


def read_channel(form, errors: dict[str, str]) -> dict[str, Any]:
    channel = text(form, "kenh", 2)
    portal = text(form, "ma_dvc", 60)
    if channel not in ("1", "2", "3"):
        errors["kenh"] = gettext("Chọn cách nộp hồ sơ.")
        return {"channel": None, "portal_code": portal}
    if portal and any(ch.isspace() for ch in portal):
        errors["ma_dvc"] = gettext("Mã hồ sơ trên Cổng Dịch vụ công quốc gia không có dấu cách. "
                                   "Ví dụ: G22.99.21-250707-0003")
    return {"channel": int(channel), "portal_code": portal if channel == "2" else ""}


def read_checks(form, spec) -> Read:
    """The verdict, note and number of copies of each paper of the procedure."""
    read = Read()
    checks: dict[str, reception.PaperCheck] = {}
    for paper in spec.papers:
        verdict = text(form, f"kt-{paper.key}", 10)
        note = text(form, f"ghi-chu-{paper.key}", reception.NOTE_MAX)
        raw_quantity = text(form, f"so-luong-{paper.key}", 5)
        quantity = paper.quantity
        if raw_quantity:
            if raw_quantity.isdigit() and 1 <= int(raw_quantity) <= reception.QUANTITY_MAX:
                quantity = int(raw_quantity)
            else:
                read.errors[f"so-luong-{paper.key}"] = gettext(
                    "Nhập số bản từ 1 đến %(n)d.", n=reception.QUANTITY_MAX)
        if verdict in reception.VERDICTS:
            checks[paper.key] = reception.PaperCheck(verdict, note, quantity)
        elif note:
            read.errors[f"kt-{paper.key}"] = gettext(
                "Chọn kết quả kiểm tra giấy tờ này (đã ghi chú nhưng chưa chọn).")
    read.values["checks"] = checks
    return read


def read_supplement(form, spec) -> Read:
    """Form 02's rows: proposed ones (ticked) and ones the officer added."""
    read = Read()
    targets = {t: vi for t, vi, _ in reception.supplement_targets(spec)}
    rows = form.get("so_muc", "0")
    count = min(int(rows), ITEMS_MAX) if isinstance(rows, str) and rows.isdigit() else 0
    items: list[services.reception.PostedItem] = []
    seen: set[str] = set()
    for i in range(count):
        target = text(form, f"muc-{i}", 100)
        reason = text(form, f"ly-do-{i}", 500)
        proposed = form.get(f"de-xuat-{i}") == "1"
        if proposed and form.get(f"chon-{i}") != "1":
            continue  # the officer unticked a proposed item
        if not reason:
            if proposed:
                read.errors[f"ly-do-{i}"] = gettext(
                    "Ghi nội dung cần bổ sung, hoặc bỏ chọn mục này.")
            continue
        if target and target not in targets:
            target = ""
        if target and target in seen:
            read.errors[f"ly-do-{i}"] = gettext("Mục này đã có ở trên: gộp nội dung vào một dòng.")
            continue
        seen.add(target)
        items.append(services.reception.PostedItem(target, targets.get(target, ""), reason))
    read.values["items"] = items
    read.values["reason"] = text(form, "ly_do_chung", 500)
    if not items and not read.errors:
        read.errors["items"] = gettext("Ghi ít nhất một nội dung cần bổ sung.")
    return read


def read_refusal(form) -> Read:
    return _read_reason(form, "ly_do", gettext(
        "Ghi rõ lý do cụ thể không tiếp nhận hồ sơ (ít nhất 10 ký tự). Ví dụ: Việc chứng thực "
        "chữ ký người dịch không thuộc thẩm quyền của UBND cấp xã."))


def read_stop(form) -> Read:
    return _read_reason(form, "ly_do_dung", gettext(
        "Ghi rõ lý do dừng giải quyết hồ sơ (ít nhất 10 ký tự). Ví dụ: Công dân có văn bản đề "
        "nghị dừng giải quyết."))


def _read_reason(form, name: str, message: str) -> Read:
    """A specific reason, as the refusal and the stop notice print it: 10 characters at least."""
    read = Read()
    reason = text(form, name, REASON_MAX)
    if len(reason) < 10:
        read.errors[name] = message
    read.values["reason"] = reason
    return read


def read_handover(form, colleagues) -> Read:
    read = Read()
    by_id = {str(s.id): s for s in colleagues}
    to = by_id.get(text(form, "can_bo", 12))
    if to is None:
        read.errors["can_bo"] = gettext("Chọn cán bộ nhận hồ sơ.")
    read.values.update(to=to, note=text(form, "ghi_chu", 300))
    return read


def read_return(form) -> Read:
    read = Read()
    channel = text(form, "kenh_tra", 10)
    address = text(form, "dia_chi", 300)
    receiver = text(form, "nguoi_nhan", 200)
    if channel not in services.RETURN_CHANNELS:
        read.errors["kenh_tra"] = gettext("Chọn cách trả kết quả.")
    elif channel == "post" and len(address) < 5:
        read.errors["dia_chi"] = gettext("Nhập địa chỉ nhận kết quả qua bưu chính: số nhà, "
                                         "đường phố, phường (xã), tỉnh (thành phố).")
    elif channel == "desk" and not receiver:
        read.errors["nguoi_nhan"] = gettext("Nhập họ tên người nhận kết quả tại quầy.")
    read.values.update(channel=channel, address=address, receiver=receiver)
    return read


def read_reschedule(form, hours) -> Read:
    read = Read()
    result = validate_date(text(form, "ngay", 20))
    hour = services.parse_hhmm(text(form, "gio", 5)) if text(form, "gio", 5) else hours.close
    reason = text(form, "ly_do_tre", REASON_MAX)
    if result.errors:
        read.errors["ngay"] = render_message(result.errors[0])
    elif result.value is None:
        read.errors["ngay"] = gettext("Nhập ngày hẹn mới, ví dụ: 25/03/2026")
    if hour is None:
        read.errors["gio"] = gettext("Nhập giờ theo dạng giờ:phút, ví dụ: 16:30")
    if len(reason) < 5:
        read.errors["ly_do_tre"] = gettext("Ghi rõ lý do chậm trả kết quả.")
    if read.ok:
        read.values["new_due"] = dt.datetime.combine(result.value, hour, tzinfo=TZ)
    read.values["reason"] = reason
    return read


def read_period(args, default: dt.date) -> Read:
    """The ledger's dates (?tu=…&den=…, dd/mm/yyyy): no personal data in that URL."""
    read = Read()
    for name, key in (("start", "tu"), ("end", "den")):
        raw = text(args, key, 20)
        result = validate_date(raw) if raw else None
        if result is None:
            read.values[name] = default
        elif result.errors or result.value is None:
            read.errors[key] = render_message(result.errors[0]) if result.errors else ""
            read.values[name] = default
        else:
            read.values[name] = result.value
    if read.ok:
        if read.values["end"] < read.values["start"]:
            read.errors["den"] = gettext("Ngày kết thúc phải từ ngày bắt đầu trở đi.")
        elif (read.values["end"] - read.values["start"]).days > 366:
            read.errors["den"] = gettext("Xem tối đa một năm mỗi lần.")
    return read


def read_settings(form, current_form_set: str = "") -> Read:
    read = Read()
    values = {"cutoff": text(form, "gio_chot", 5), "close": text(form, "gio_dong", 5),
              "open": text(form, "gio_mo", 5), "pattern": text(form, "mau_ma", 60)}
    names = {"cutoff": "gio_chot", "close": "gio_dong", "open": "gio_mo"}
    for key, name in names.items():
        if services.parse_hhmm(values[key]) is None:
            read.errors[name] = gettext("Nhập giờ theo dạng giờ:phút, ví dụ: 15:00")
    if read.ok:
        hours = [services.parse_hhmm(values[k]) for k in ("open", "cutoff", "close")]
        if not hours[0] < hours[1] <= hours[2]:
            read.errors["gio_chot"] = gettext("Giờ chốt phải sau giờ mở cửa và không muộn hơn "
                                              "giờ đóng cửa.")
        values.update({k: services.parse_hhmm(values[k]).strftime("%H:%M")
                       for k in ("open", "cutoff", "close")})
    problem = reception.dossier_pattern_problem(values["pattern"])
    if problem is not None:
        read.errors["mau_ma"] = render_message(problem)
    # The set of official forms; a page from before the choice existed keeps the current one.
    values["form_set"] = text(form, "bo_mau", 40) if "bo_mau" in form else current_form_set
    problem = formsets.all_sets().choice_problem(values["form_set"], services.today())
    if problem == "unknown":
        read.errors["bo_mau"] = gettext("Chọn một bộ biểu mẫu trong danh sách.")
    elif problem:
        read.errors["bo_mau"] = gettext("Bộ biểu mẫu này chưa có hiệu lực: chưa chọn được.")
    unit = text(form, "ma_don_vi", 40)
    if not unit or any(ch.isspace() for ch in unit):
        read.errors["ma_don_vi"] = gettext("Nhập mã định danh của cơ quan (QCVN 102:2016), không "
                                           "có dấu cách. Ví dụ: 000.00.21.H26")
    read.values.update(values=values, unit_code=unit)
    return read
