"""The citizen's side: rate a dossier or a visit, on the phone or at the kiosk; send feedback.

On the phone the secret link of the dossier (``/ho-so/<token>``) or of the ticket
(``/so/<token>``) is the only key: ``/danh-gia/ho-so/<token>`` and ``/danh-gia/so/<token>``
accept it, as ``/phan-anh/ho-so/<token>`` does for feedback. Those POSTs are exempt from
CSRF: the secret in their path is their whole authority and no cookie grants anything on
them, so a forged cross-site request cannot act without it; the ticket's public page can
then carry the three buttons (it holds no CSRF token), and a page left open for hours never
loses what was typed. The kiosk (``/danh-gia``) asks for the dossier's code with the
phone's last 4 digits, or a ticket number of today; its forms keep CSRF.

A signed-in officer is never offered a rating form, and a rating POST from a staff session
is refused.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext

from ..domain import ratings as rules
from ..errors import render_error
from ..extensions import csrf, limiter
from ..intake import services as intake
from ..offices import current_office
from . import bp, services
from .forms import (DetailsForm, FeedbackForm, KioskDetailsForm, KioskForm, KioskRateForm,
                    OverallForm)
from .present import State, panel, staff_signed_in

KINDS = {"ho-so": rules.DOSSIER, "so": rules.TICKET}


def _rating_limit() -> str:
    return current_app.config["TTHC_RATING_RATE_LIMIT"]


def _lookup_limit() -> str:
    return current_app.config["TTHC_RATING_LOOKUP_RATE_LIMIT"]


def _feedback_limit() -> str:
    return current_app.config["TTHC_FEEDBACK_RATE_LIMIT"]


@bp.after_request
def _private(response):
    # Link tokens in the path, CSRF tokens, what the citizen wrote: never stored by a cache,
    # never sent to another site in a Referer.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "same-origin"
    return response


def _subject_or_404(kind: str, token: str) -> services.Subject:
    return services.by_token(KINDS[kind], token) or abort(404)


def _no_staff():
    return render_error(403, gettext("Đánh giá do người dân thực hiện"), gettext(
        "Đánh giá được thực hiện trên điện thoại của người dân hoặc trên máy đánh giá ở cửa "
        "ra, không thực hiện trên máy của cán bộ. Vui lòng đăng xuất nếu đây là máy dành "
        "cho người dân."))


def _refusal(state: State, subject: services.Subject) -> str:
    if state is State.FINAL:
        return gettext("Đánh giá đã ghi nhận quá %(n)d ngày nên không thay đổi được nữa.",
                       n=services.change_days())
    if state is State.LINKED:
        return gettext("Lượt phục vụ này gắn với một hồ sơ; Ông/Bà đánh giá hồ sơ khi nhận "
                       "kết quả.")
    if subject.kind == rules.DOSSIER:
        return gettext("Ông/Bà đánh giá được sau khi nhận kết quả hồ sơ.")
    return gettext("Ông/Bà đánh giá được sau khi được phục vụ xong.")


def _rating_page(kind: str, token: str, subject: services.Subject, *, form=None,
                 error: str | None = None, status: int = 200):
    found = panel(subject)
    if form is None and found.rating is not None:
        form = DetailsForm(formdata=None, muc=found.rating.overall, y_kien=found.rating.comment,
                           **{i.name: getattr(found.rating, i.name) for i in rules.INDICATORS})
    return render_template("feedback/rating.html", kind=kind, token=token, panel=found,
                           form=form, error=error, message=_refusal(found.state, subject),
                           summary=_summary(form), back=_back_url(kind, token)), status


def _summary(form) -> list[tuple[str, str]]:
    """The error summary's links: one per message, to its field."""
    if form is None:
        return []
    return [("#" + name, message) for name, messages in form.errors.items()
            for message in messages]


def _back_url(kind: str, token: str) -> str:
    if kind == "ho-so":
        return url_for("intake.draft", token=token)
    return url_for("queue.ticket", token=token)


@bp.get("/danh-gia/<any('ho-so', so):kind>/<token>")
def rating(kind, token):
    """Show the rating of a dossier or a visit: the three buttons, then the details."""
    subject = _subject_or_404(kind, token)
    return _rating_page(kind, token, subject)


@bp.post("/danh-gia/<any('ho-so', so):kind>/<token>")
@csrf.exempt
@limiter.limit(_rating_limit)
def rate(kind, token):
    """Record the one-tap answer, then offer the optional questions."""
    subject = _subject_or_404(kind, token)
    if staff_signed_in():
        return _no_staff()
    form = OverallForm()
    if not form.validate():
        return _rating_page(kind, token, subject, error=form.muc.errors[0], status=422)
    try:
        services.rate(subject, form.muc.data)
    except services.Refused as refused:
        return _rating_page(kind, token, subject, error=_refusal(refused.state, subject),
                            status=409)
    flash(gettext("Cảm ơn Ông/Bà đã đánh giá. Có thể trả lời thêm các câu hỏi dưới đây."))
    return redirect(url_for("feedback.rating", kind=kind, token=token, _anchor="chi-tiet"), 303)


@bp.post("/danh-gia/<any('ho-so', so):kind>/<token>/chi-tiet")
@csrf.exempt
@limiter.limit(_rating_limit)
def details(kind, token):
    """Record the answers to the optional questions and the comment (or change them)."""
    subject = _subject_or_404(kind, token)
    if staff_signed_in():
        return _no_staff()
    form = DetailsForm()
    if not form.validate():
        return _rating_page(kind, token, subject, form=form, status=422)
    try:
        services.rate(subject, form.muc.data, form.scores(), form.y_kien.data or "")
    except services.Refused as refused:
        return _rating_page(kind, token, subject, form=form,
                            error=_refusal(refused.state, subject), status=409)
    flash(gettext("Đã lưu đánh giá. Cảm ơn Ông/Bà."))
    return redirect(url_for("feedback.rating", kind=kind, token=token), 303)


# --- the kiosk at the exit ------------------------------------------------------------------


def _office_or_404():
    return current_office() or abort(404)


def _kiosk_page(form: KioskForm, status: int = 200):
    return render_template("feedback/kiosk.html", form=form, summary=_summary(form),
                           staff=staff_signed_in()), status


@bp.get("/danh-gia")
def kiosk():
    """Ask for the dossier's code and the phone's last digits, or the ticket's number."""
    _office_or_404()
    return _kiosk_page(KioskForm(formdata=None))


@bp.post("/danh-gia")
@limiter.limit(_lookup_limit)
def kiosk_find():
    """Find what the citizen at the kiosk rates, and show the three buttons."""
    office = _office_or_404()
    if staff_signed_in():
        return _no_staff()
    form = KioskForm()
    if not form.validate():
        return _kiosk_page(form, 422)
    try:
        subject = services.kiosk_find(office.id, form.ma.data, form.so_cuoi.data)
    except services.NotFound as missing:
        form[missing.field].errors = [missing.message]
        return _kiosk_page(form, 422)
    return _kiosk_subject(subject)


def _kiosk_subject(subject: services.Subject, *, form=None, rated: bool = False,
                   error: str | None = None, status: int = 200):
    found = panel(subject)
    if form is None and found.rating is not None:
        form = KioskDetailsForm(formdata=None, muc=found.rating.overall,
                                y_kien=found.rating.comment,
                                **{i.name: getattr(found.rating, i.name)
                                   for i in rules.INDICATORS})
    return render_template("feedback/kiosk_rate.html", panel=found, form=form, rated=rated,
                           error=error, message=_refusal(found.state, subject),
                           summary=_summary(form), pass_=services.kiosk_pass(subject)), status


def _kiosk_subject_or_restart(form):
    subject = services.from_kiosk_pass(form.phieu.data, _office_or_404().id)
    if subject is None:
        flash(gettext("Đã quá thời gian. Vui lòng nhập lại mã hồ sơ hoặc số thứ tự."))
    return subject


@bp.post("/danh-gia/cham")
@limiter.limit(_rating_limit)
def kiosk_rate():
    """Record the tap at the kiosk; offer the questions, then the kiosk starts again."""
    if staff_signed_in():
        return _no_staff()
    form = KioskRateForm()
    subject = _kiosk_subject_or_restart(form)
    if subject is None:
        return redirect(url_for("feedback.kiosk"), 303)
    if not form.validate():
        return _kiosk_subject(subject, error=form.muc.errors[0], status=422)
    try:
        services.rate(subject, form.muc.data)
    except services.Refused as refused:
        return _kiosk_subject(subject, error=_refusal(refused.state, subject), status=409)
    return _kiosk_subject(subject, rated=True)


@bp.post("/danh-gia/chi-tiet")
@limiter.limit(_rating_limit)
def kiosk_details():
    """Record the questions answered at the kiosk, thank, and clear it for the next citizen."""
    if staff_signed_in():
        return _no_staff()
    form = KioskDetailsForm()
    subject = _kiosk_subject_or_restart(form)
    if subject is None:
        return redirect(url_for("feedback.kiosk"), 303)
    if not form.validate():
        return _kiosk_subject(subject, form=form, rated=True, status=422)
    try:
        services.rate(subject, form.muc.data, form.scores(), form.y_kien.data or "")
    except services.Refused as refused:
        return _kiosk_subject(subject, form=form, error=_refusal(refused.state, subject),
                              status=409)
    flash(gettext("Cảm ơn Ông/Bà đã đánh giá."))
    return redirect(url_for("feedback.kiosk"), 303)


# --- feedback (phản ánh, kiến nghị) ---------------------------------------------------------


def _feedback_page(token: str, subject: services.Subject, form: FeedbackForm,
                   status: int = 200):
    dossier = intake.find_by_token(token)
    return render_template("feedback/feedback.html", token=token, form=form, subject=subject,
                           items=services.feedback_of(subject.id),
                           may_write=services.may_write_feedback(dossier),
                           staff=staff_signed_in()), status


@bp.get("/phan-anh/ho-so/<token>")
def feedback(token):
    """Show a dossier's feedback and its answers, and the form to send more."""
    subject = _subject_or_404("ho-so", token)
    return _feedback_page(token, subject, FeedbackForm(formdata=None))


@bp.post("/phan-anh/ho-so/<token>")
@csrf.exempt
@limiter.limit(_feedback_limit)
def write(token):
    """Send feedback on the dossier to the office's leaders."""
    dossier = intake.find_by_token(token) or abort(404)
    subject = services.of_dossier(dossier)
    if staff_signed_in():
        return _no_staff()
    form = FeedbackForm()
    if not services.may_write_feedback(dossier):
        form.noi_dung.errors = [gettext("Hồ sơ chưa gửi nên chưa phản ánh được.")]
        return _feedback_page(token, subject, form, 409)
    if not form.validate():
        return _feedback_page(token, subject, form, 422)
    try:
        services.add_feedback(dossier, form.noi_dung.data, form.contact() or "")
    except services.TooMany:
        form.noi_dung.errors = [gettext(
            "Hồ sơ này đã có %(n)d phản ánh đang chờ trả lời. Vui lòng chờ lãnh đạo trả lời "
            "trước khi gửi thêm.", n=rules.MAX_OPEN_FEEDBACK)]
        return _feedback_page(token, subject, form, 409)
    flash(gettext("Đã gửi phản ánh, kiến nghị. Câu trả lời của lãnh đạo sẽ hiện trên trang "
                  "này."))
    return redirect(url_for("intake.draft", token=token, _anchor="phan-anh"), 303)
