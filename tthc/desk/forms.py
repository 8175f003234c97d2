"""The desk's forms: every POST (and the ledger's period) is read by a Flask-WTF form.

The dossier's forms up to reception are here; processing and return in
``processing_forms``; the ledger's period and the settings in ``office_forms``.

Each field cleans what was typed (NFC, no NUL, no surrounding spaces, cut at a bound) and a
wrong one gets a Vietnamese message. The view shows ``form.messages()`` beside the fields
with a 422 and renders what was posted again, so nothing typed is lost. Yes/no values go
through ``YesNoField`` (the domain's one yes/no rule). Forms whose fields follow the
procedure (the papers, Form 02's rows) are made per request by ``checks_form`` and
``supplement_form``; the answers are read by intake's own dynamic form (``answers_from``).
CSRF: CSRFProtect guards every POST, and each form checks its token again.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Mapping

from flask_babel import gettext
from wtforms import StringField, ValidationError

from ..domain import reception
from ..domain.codes import PORTAL_CODE_MAX, PORTAL_CODE_MIN, normalise_portal_code
from ..domain.completeness import form_fields
from ..domain.i18n import N_
from ..domain.text import nfc
from ..forms import Form, YesNoField
from ..intake import services as intake
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


class ShownForm(DeskForm):
    """The status the dossier's page showed, which every decision's form carries (the
    hidden ``trang_thai``): a dossier changed since is refused (``decisions.decision``)."""

    trang_thai = text(3)

    @property
    def shown(self) -> int | None:
        """The status shown; None when absent or garbled (counts as changed)."""
        raw = self.trang_thai.data
        return int(raw) if re.fullmatch(r"[0-9]{1,2}", raw) else None


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


SETS_MAX = 99


class ReceiveForm(DeskForm):
    """The reception's choices: a slip asked for, the same-day promise kept after the cut-off,
    an extension the law allows (its key), how the result goes back and the postal address,
    the number of sets of papers (Form 01 item 2; none posted: 1). Whether the procedure
    allows the extension and the channel is the service's check."""

    in_phieu = YesNoField()
    giu_hen = YesNoField()
    gia_han = text(41)
    kenh_tra = text(10)
    dia_chi_tra = text(300)
    so_bo = text(5)
    gui_luc = text(40)  # when the dossier shown was sent: one sent again meanwhile is refused

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        if self.so_bo.data and not (self.so_bo.data.isdigit()
                                    and 1 <= int(self.so_bo.data) <= SETS_MAX):
            self.fail("so_bo", gettext("Nhập số bộ hồ sơ bằng chữ số, từ 1 đến %(n)d.",
                                       n=SETS_MAX))
        return not self.messages()

    @property
    def choices(self) -> dict:
        """The extension, return and sets choices, as ``services.reception.receive`` takes
        them."""
        return {"extension": self.gia_han.data, "return_channel": self.kenh_tra.data,
                "return_address": self.dia_chi_tra.data,
                "sets": int(self.so_bo.data) if self.so_bo.data else 1}


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
                "Ghi rõ lý do cụ thể không tiếp nhận hồ sơ (ít nhất 10 ký tự). Ví dụ: Bản chính "
                "đề nghị chứng thực bản sao đã bị tẩy xóa, sửa chữa nội dung nên không được "
                "chứng thực."))
