"""The leader's side: the office's feedback waiting for an answer, and answering it.

Only the signed-in leader's office is listed; every feedback shown is a read of its
dossier and every answer a change of it, both in the access log.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user

from ..auth import log_access, scoped_get_or_404, staff_required
from ..extensions import db
from ..models import Dossier, Feedback
from . import bp, services
from .forms import AnswerForm

LEADERS = ("leader",)


def _inbox_page(failed: tuple[int, AnswerForm] | None = None, status: int = 200):
    found = services.inbox(current_user.office_id)
    # What is listed is read: the feedback text and its dossier's code (a read of each).
    for item, _dossier in found.waiting + found.answered:
        log_access(item.dossier_id, "list", "phản ánh, kiến nghị")
    db.session.commit()
    forms = {item.id: AnswerForm(formdata=None) for item, _ in found.waiting}
    if failed is not None:
        forms[failed[0]] = failed[1]
    return render_template("feedback/inbox.html", inbox=found, forms_by_id=forms,
                           label=services.dossier_label), status


@bp.get("/can-bo/phan-anh")
@staff_required(*LEADERS)
def inbox():
    """List the office's feedback waiting for an answer, and the latest answered."""
    return _inbox_page()


@bp.post("/can-bo/phan-anh/<int:feedback_id>/tra-loi")
@staff_required(*LEADERS)
def answer(feedback_id: int):
    """Answer one feedback text of the office; the citizen sees it on the dossier's page."""
    item = scoped_get_or_404(Feedback, feedback_id)
    form = AnswerForm()
    if not form.validate():
        return _inbox_page((item.id, form), 422)
    if not services.answer(item, current_user.id, form.tra_loi.data):
        flash(gettext("Phản ánh này đã được trả lời trước đó; câu trả lời không thay đổi."),
              "error")
        return redirect(url_for("feedback.inbox"), 303)
    log_access(item.dossier_id, "update", "trả lời phản ánh, kiến nghị", commit=True)
    flash(gettext("Đã gửi câu trả lời. Người dân xem được trên trang hồ sơ của mình."))
    return redirect(url_for("feedback.inbox"), 303)


@bp.get("/can-bo/phan-anh/<int:feedback_id>/lien-he")
@staff_required(*LEADERS)
def contact(feedback_id: int):
    """Show the phone or email a citizen consented to leave with one feedback text."""
    item = scoped_get_or_404(Feedback, feedback_id)
    if not item.contact:
        abort(404)
    log_access(item.dossier_id, "view", "liên hệ của phản ánh, kiến nghị", commit=True)
    return render_template("feedback/contact.html", item=item,
                           dossier=db.session.get(Dossier, item.dossier_id),
                           label=services.dossier_label)
