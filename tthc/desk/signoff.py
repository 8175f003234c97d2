"""The leader's sign-off (trình ký, ký duyệt) and the officer's own start page.

An officer hands a dossier in progress to a leader for signature; only a leader of the
dossier's office approves the result (its document's number and date) or sends it back
with a reason (``services.signoff``). Each form posts, then 303 to the dossier; a wrong
field comes back beside it (422, what was typed kept), a dossier no longer waiting for
this answer as the page as it now is with the reason (409). Every read and change is in
the access log.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask import flash, render_template
from flask_babel import gettext
from flask_login import current_user
from wtforms import ValidationError

from ..auth import staff_required
from ..domain.status import PROCESSING, Status
from ..domain.validators import validate_date
from ..i18n import render_message
from ..models import Dossier
from . import bp, services
from .forms import REASON_MAX, DeskForm, text
from .pages import dossier_or_404, logged
from .services import signoff
from .decisions import DESK, DOSSIER, decision, invalid, to_dossier

#: Số, ký hiệu of a document: letters (Vietnamese too), digits, "/", "-", ".", spaces.
RESULT_NUMBER = re.compile(r"[\w./\- ]+")
SIGNOFF_EVENTS = ("submit_for_signature", "approve", "send_back")


class SubmitForm(DeskForm):
    """The leader asked to sign, and a note for the leader."""

    lanh_dao = text(12)
    ghi_chu_trinh = text(300)

    def __init__(self, leaders, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.by_id = {str(s.id): s for s in leaders}

    def validate_lanh_dao(self, field):
        if field.data not in self.by_id:
            raise ValidationError(gettext("Chọn lãnh đạo ký duyệt kết quả."))

    @property
    def leader(self):
        return self.by_id[self.lanh_dao.data]


class AnswerForm(DeskForm):
    """The round of hand-over for signature the leader's page showed."""

    lan = text(9)

    @property
    def round(self) -> int | None:
        return int(self.lan.data) if self.lan.data.isdigit() else None


class ApproveForm(AnswerForm):
    """The signed result document: its number and symbol, and its date."""

    so_ky_hieu = text(60)
    ngay_ky = text(20)

    def __init__(self, received: dt.date | None, today: dt.date, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.received, self.today = received, today
        self.date: dt.date | None = None

    def validate_so_ky_hieu(self, field):
        value = field.data
        if not value:
            raise ValidationError(gettext("Nhập số, ký hiệu văn bản kết quả như ghi trên văn bản "
                                          "đã ký. Ví dụ: 125/QĐ-UBND"))
        if not RESULT_NUMBER.fullmatch(value) or not any(ch.isdigit() for ch in value):
            raise ValidationError(gettext("Số, ký hiệu văn bản gồm chữ số, chữ cái và các dấu "
                                          "/ - . Ví dụ: 125/QĐ-UBND"))

    def validate_ngay_ky(self, field):
        result = validate_date(field.data)
        if result.errors:
            raise ValidationError(render_message(result.errors[0]))
        if result.value is None:
            raise ValidationError(gettext("Nhập ngày ký văn bản kết quả, ví dụ: %(date)s",
                                          date=self.today.strftime("%d/%m/%Y")))
        if result.value > self.today:
            raise ValidationError(gettext("Ngày ký không thể sau hôm nay (%(date)s).",
                                          date=self.today.strftime("%d/%m/%Y")))
        if self.received is not None and result.value < self.received:
            raise ValidationError(gettext("Ngày ký không thể trước ngày tiếp nhận hồ sơ "
                                          "(%(date)s).", date=self.received.strftime("%d/%m/%Y")))
        self.date = result.value


class SendBackForm(AnswerForm):
    """Why the leader sends the dossier back: 10 characters at least."""

    ly_do_tra_lai = text(REASON_MAX)

    def validate_ly_do_tra_lai(self, field):
        if len(field.data) < 10:
            raise ValidationError(gettext(
                "Ghi rõ lý do trả lại để cán bộ xử lý tiếp (ít nhất 10 ký tự). Ví dụ: Dự thảo "
                "giấy xác nhận ghi sai năm sinh của người yêu cầu."))


# --- the dossier page's sign-off section (templates/desk/_signoff.html) ---------------------


def signoff_state(dossier: Dossier) -> dict[str, Any]:
    """What the sign-off section shows the signed-in officer, and which forms."""
    status = Status(dossier.status)
    awaiting = signoff.awaiting(dossier)
    leaders = signoff.leaders(dossier.office_id) if status in PROCESSING else []
    last = next((e for e in reversed(dossier.events) if e.action in SIGNOFF_EVENTS), None)
    sent_back = services.processing.handover_of(last) \
        if last is not None and last.action == "send_back" and status in PROCESSING else None
    return {
        "awaiting": awaiting, "round": dossier.signoff_round,
        "can_answer": awaiting and current_user.has_role("leader"),
        "can_submit": status in PROCESSING and current_user.has_role("reception", "specialist")
        and bool(leaders),
        "leaders": leaders, "signed": bool(dossier.result_number),
        "sent_back": sent_back, "sent_back_at": last.at if sent_back is not None else None,
    }


@bp.context_processor
def _signoff_helpers():
    return {"signoff_state": signoff_state}


# --- the views --------------------------------------------------------------------------------


@bp.post(DOSSIER + "/trinh-ky")
@staff_required("reception", "specialist")
@decision
def submit(dossier_id: int):
    """Hand the dossier to a leader of the office for signature (trình ký)."""
    dossier = dossier_or_404(dossier_id)
    form = SubmitForm(signoff.leaders(current_user.office_id))
    if not form.validate():
        return invalid(dossier, form)
    signoff.submit(dossier.id, current_user, form.leader, form.ghi_chu_trinh.data)
    logged(dossier, "update", f"trình lãnh đạo #{form.leader.id} ký")
    flash(gettext("Đã trình %(name)s ký.", name=form.leader.full_name), "info")
    return to_dossier(dossier.id, "ky-duyet")


@bp.post(DOSSIER + "/ky-duyet")
@staff_required("leader")
@decision
def approve(dossier_id: int):
    """Approve the result (status 9) with the signed document's number and date."""
    dossier = dossier_or_404(dossier_id)
    received = services.local(dossier.received_at)
    form = ApproveForm(received.date() if received else None, services.today())
    if not form.validate():
        return invalid(dossier, form)
    signoff.approve(dossier.id, current_user, form.round, form.so_ky_hieu.data, form.date)
    logged(dossier, "update", "ký duyệt kết quả")
    flash(gettext("Đã ký duyệt kết quả, văn bản số %(number)s.", number=form.so_ky_hieu.data),
          "info")
    return to_dossier(dossier.id, "ky-duyet")


@bp.post(DOSSIER + "/tra-lai")
@staff_required("leader")
@decision
def send_back(dossier_id: int):
    """Send the dossier back to the officer who handed it over, with the reason."""
    dossier = dossier_or_404(dossier_id)
    form = SendBackForm()
    if not form.validate():
        return invalid(dossier, form)
    signoff.send_back(dossier.id, current_user, form.round, form.ly_do_tra_lai.data)
    logged(dossier, "update", "trả lại để xử lý tiếp")
    flash(gettext("Đã trả lại hồ sơ cho cán bộ xử lý."), "info")
    return to_dossier(dossier.id, "ky-duyet")


@bp.get("/can-bo/viec-cua-toi")
@staff_required(*DESK)
def work():
    """Show the officer's own work: to sign first (leaders), in hand, due soon, overdue."""
    return render_template("desk/work.html", work=signoff.my_work(current_user))
