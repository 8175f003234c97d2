"""The desk's forms: every POST (and the ledger's period) is read by a Flask-WTF form.

The dossier's forms are here; the ledger's period and the settings in ``office_forms``.

Each field cleans what was typed (NFC, no NUL, no surrounding spaces, cut at a bound) and a
wrong one gets a Vietnamese message. The view shows ``form.messages()`` beside the fields
with a 422 and renders what was posted again, so nothing typed is lost. Yes/no values go
through ``YesNoField`` (the domain's one yes/no rule). Forms whose fields follow the
procedure (the papers, Form 02's rows) are made per request by ``checks_form`` and
``supplement_form``; the answers are read by intake's own dynamic form (``answers_from``).
CSRF: CSRFProtect guards every POST, and each form checks its token again.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Callable, Mapping

from flask_babel import gettext
from wtforms import SelectMultipleField, StringField, ValidationError

from ..domain import reception
from ..domain.codes import PORTAL_CODE_MAX, PORTAL_CODE_MIN, normalise_portal_code
from ..domain.completeness import form_fields
from ..domain.i18n import N_
from ..domain.text import nfc
from ..domain.validators import validate_date
from ..forms import Form, YesNoField
from ..i18n import render_message
from ..intake import services as intake
from ..timeutil import TZ
from . import services

REASON_MAX = 2000
ITEMS_MAX = 30


def _clean(value: str) -> str:
    # NUL cannot be stored in a PostgreSQL text column; nothing typed needs it.
    return nfc(value).replace("\x00", "")


def cleaned(limit: int) -> Callable[[Any], str]:
    """A filter: the posted text, NFC, without surrounding spaces, cut at *limit*."""
    return lambda value: _clean(value if isinstance(value, str) else "").strip()[:limit]


def text(limit: int = 500, name: str | None = None) -> StringField:
    """A text field read with ``cleaned(limit)``."""
    return StringField(filters=[cleaned(limit)], name=name)


class DeskForm(Form):
    """The desk's base: the first message of each wrong field, by the field's posted name."""

    def messages(self) -> dict[str, str]:
        return {field.name: field.errors[0] for field in self if field.errors}

    def fail(self, name: str, message: str) -> None:
        """Put *message* beside the field posted as *name* (checks across fields)."""
        next(f for f in self if f.name == name).errors.append(message)


def answers_from(form, spec, dossier) -> dict[str, str]:
    """The dossier's answers with every field of the form as posted (the desk edits all);
    *form* is intake's form of the procedure, bound to the request (``intake.bind``)."""
    posted = intake.posted_answers(form)
    answers = dict(dossier.answers or {})
    for name in (f.name for f in form_fields(spec)):
        answers[name] = _clean(posted.get(name, ""))[:intake.MAX_ANSWER_LENGTH]
    return answers


class OpenForm(DeskForm):
    """The code typed or scanned to open a dossier."""

    ma = text(500)

    def validate_ma(self, field):
        if not field.data:
            raise ValidationError(gettext("Nhập hoặc quét mã nộp trước (ví dụ: ABCD-2345) hoặc "
                                          "mã hồ sơ."))


class LiveCheckForm(DeskForm):
    """What the page shows, posted back with each live check of the answers (page_state)."""

    shown_msgs = text(4000, name="_msgs")
    shown_hidden = text(4000, name="_hidden")
    panel = text(100, name="_panel")


class ChannelForm(DeskForm):
    """How the dossier came: at the counter, online (assisted; the portal's code), by post."""

    kenh = text(2)
    ma_dvc = text(60)

    def validate_kenh(self, field):
        if field.data not in ("1", "2", "3"):
            raise ValidationError(gettext("Chọn cách nộp hồ sơ."))

    def validate_ma_dvc(self, field):
        # The portal's code is kept as it is (opaque): only its length and characters.
        if field.data and normalise_portal_code(field.data) is None:
            raise ValidationError(gettext(
                "Mã hồ sơ trên Cổng Dịch vụ công gồm %(min)d đến %(max)d chữ cái không dấu, chữ "
                "số và các dấu . - _ /, không có dấu cách. Ví dụ: G22.99.21-250707-0003",
                min=PORTAL_CODE_MIN, max=PORTAL_CODE_MAX))

    @property
    def channel(self) -> int:
        return int(self.kenh.data)

    @property
    def portal_code(self) -> str:
        if self.kenh.data != "2" or not self.ma_dvc.data:
            return ""
        return normalise_portal_code(self.ma_dvc.data) or ""


class ProcedureChoice:
    """A procedure chosen among the versions in force (`thu_tuc`), for the forms below."""

    thu_tuc = text(63)
    unknown = N_("Chọn thủ tục công dân yêu cầu.")

    def __init__(self, versions: Mapping[str, Any], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.versions = versions

    def validate_thu_tuc(self, field):
        if field.data not in self.versions:
            raise ValidationError(gettext(self.unknown))

    @property
    def version(self):
        return self.versions[self.thu_tuc.data]


class WalkInForm(ProcedureChoice, ChannelForm):
    """A walk-in or assisted dossier: the procedure, and how it came."""


class ProcedureForm(ProcedureChoice, DeskForm):
    """The right procedure for a dossier filed under the wrong one."""

    unknown = N_("Chọn thủ tục đúng với yêu cầu của công dân.")


class ChecksForm(DeskForm):
    """The verdict, note and number of copies of each paper (fields made by checks_form).

    The decision buttons submit it too: ``posted`` says the check came with the request,
    ``tiep`` where to go once it is saved ("bo-sung": Form 02).
    """

    papers: tuple = ()
    marker = text(20, name="_form")
    tiep = text(20)

    @property
    def posted(self) -> bool:
        return self.marker.data == "kiem-tra"

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        self.checks: dict[str, reception.PaperCheck] = {}
        for paper in self.papers:
            verdict = self[f"kt-{paper.key}"].data
            note = self[f"ghi-chu-{paper.key}"].data
            raw = self[f"so-luong-{paper.key}"].data
            quantity = paper.quantity
            if raw:
                if re.fullmatch(r"[0-9]{1,3}", raw) and 1 <= int(raw) <= reception.QUANTITY_MAX:
                    quantity = int(raw)
                else:
                    self.fail(f"so-luong-{paper.key}", gettext(
                        "Nhập số bản từ 1 đến %(n)d.", n=reception.QUANTITY_MAX))
            if verdict in reception.VERDICTS:
                self.checks[paper.key] = reception.PaperCheck(verdict, note, quantity)
            elif note:
                self.fail(f"kt-{paper.key}", gettext(
                    "Chọn kết quả kiểm tra giấy tờ này (đã ghi chú nhưng chưa chọn)."))
        return not self.messages()


def checks_form(spec) -> ChecksForm:
    """The papers' form of *spec*'s procedure, bound to the request."""
    fields: dict[str, Any] = {"papers": tuple(spec.papers)}
    for paper in spec.papers:
        fields[f"kt-{paper.key}"] = text(10)
        fields[f"ghi-chu-{paper.key}"] = text(reception.NOTE_MAX)
        fields[f"so-luong-{paper.key}"] = text(5)
    return type("ChecksForm", (ChecksForm,), fields)()


class ReceiveForm(DeskForm):
    """The reception's choices: a slip asked for, the same-day promise kept after the cut-off,
    an extension the law allows (its key), how the result goes back and the postal address.
    Whether the procedure allows the extension and the channel is the service's check."""

    in_phieu = YesNoField()
    giu_hen = YesNoField()
    gia_han = text(41)
    kenh_tra = text(10)
    dia_chi_tra = text(300)
    gui_luc = text(40)  # when the dossier shown was sent: one sent again meanwhile is refused

    @property
    def choices(self) -> dict[str, str]:
        """The extension and return choices, as ``services.reception.receive`` takes them."""
        return {"extension": self.gia_han.data, "return_channel": self.kenh_tra.data,
                "return_address": self.dia_chi_tra.data}


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


def _row_count(value: Any) -> int:
    return min(int(value), ITEMS_MAX) if isinstance(value, str) \
        and re.fullmatch(r"[0-9]{1,3}", value) else 0


class SupplementForm(DeskForm):
    """Form 02's rows: proposed ones (ticked) and ones the officer added (supplement_form)."""

    so_muc = StringField(filters=[_row_count])
    ly_do_chung = text(500)
    # Where "write at least one item" goes: no control of its own, shown above the rows.
    items = StringField()
    targets: Mapping[str, str] = {}

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        self.chosen: list = []
        seen: set[str] = set()
        for i in range(self.so_muc.data):
            target, reason = self[f"muc-{i}"].data, self[f"ly-do-{i}"].data
            proposed = self[f"de-xuat-{i}"].data
            if proposed and not self[f"chon-{i}"].data:
                continue  # the officer unticked a proposed item
            if not reason:
                if proposed:
                    self.fail(f"ly-do-{i}", gettext(
                        "Ghi nội dung cần bổ sung, hoặc bỏ chọn mục này."))
                continue
            if target and target not in self.targets:
                target = ""
            if target and target in seen:
                self.fail(f"ly-do-{i}", gettext(
                    "Mục này đã có ở trên: gộp nội dung vào một dòng."))
                continue
            seen.add(target)
            self.chosen.append(services.reception.PostedItem(
                target, self.targets.get(target, ""), reason))
        if not self.chosen and not self.messages():
            self.fail("items", gettext("Ghi ít nhất một nội dung cần bổ sung."))
        return not self.messages()


def supplement_form(spec) -> SupplementForm:
    """Form 02's form for *spec*'s procedure, bound to the request."""
    fields: dict[str, Any] = {
        "targets": {t: vi for t, vi, _ in reception.supplement_targets(spec)}}
    for i in range(ITEMS_MAX):
        fields[f"muc-{i}"] = text(100)
        fields[f"ly-do-{i}"] = text(500)
        fields[f"de-xuat-{i}"] = YesNoField()
        fields[f"chon-{i}"] = YesNoField()
    return type("SupplementForm", (SupplementForm,), fields)()


class RefusalForm(DeskForm):
    """Form 03's specific reason, as the refusal prints it: 10 characters at least."""

    ly_do = text(REASON_MAX)

    def validate_ly_do(self, field):
        if len(field.data) < 10:
            raise ValidationError(gettext(
                "Ghi rõ lý do cụ thể không tiếp nhận hồ sơ (ít nhất 10 ký tự). Ví dụ: Việc chứng "
                "thực chữ ký người dịch không thuộc thẩm quyền của UBND cấp xã."))


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
        self.new_due = dt.datetime.combine(result.value, hour, tzinfo=TZ)
        return True


class FeeForm(DeskForm):
    """Asking for the fee: what to pay, as a note (optional)."""

    ghi_chu_phi = text(300)
