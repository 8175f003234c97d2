"""After reception: hand-overs, the fee, the result, its return, the one new date, stopping,
and the slips."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, gettext
from flask_login import current_user

from ..auth import staff_required
from ..i18n import render_message
from . import bp, processing_forms, services, slips
from .pages import dossier_or_404, logged, refusal_page
from .decisions import DESK, DOSSIER, decision, invalid, to_dossier


@bp.context_processor
def _processing_helpers():
    return {"supplement_closed": supplement_closed, "told_labels": told_labels,
            "stop_notice": slips.stop_form,
            "apology_channels": services.processing.APOLOGY_CHANNELS}


def supplement_closed(dossier) -> str:
    """Why the page no longer offers a supplement after appraisal (3 working days), or ""."""
    problem = services.processing.supplement_problem(dossier)
    return render_message(problem) if problem is not None else ""


def told_labels(dossier) -> list[str]:
    """How the citizen was told of the new date, in the officer's language."""
    return [gettext(services.processing.APOLOGY_CHANNELS[c])
            for c in services.processing.told_of(dossier)]


@bp.post(DOSSIER + "/chuyen")
@staff_required(*DESK)
@decision
def handover(dossier_id: int):
    """Hand the dossier to another officer; logged with the time (Form 05)."""
    dossier = dossier_or_404(dossier_id)
    form = processing_forms.HandoverForm(services.processing.colleagues(current_user.office_id))
    if not form.validate():
        return invalid(dossier, form)
    services.processing.hand_over(dossier.id, current_user, form.to, form.ghi_chu.data)
    logged(dossier, "update", f"chuyển xử lý cho cán bộ #{form.to.id}")
    flash(gettext("Đã chuyển hồ sơ cho %(name)s.", name=form.to.full_name), "info")
    return to_dossier(dossier.id, "giai-quyet")


@bp.post(DOSSIER + "/xu-ly-xong")
@staff_required("reception", "specialist")
@decision
def resolve(dossier_id: int):
    """The result is ready (status 9)."""
    dossier = dossier_or_404(dossier_id)
    services.processing.resolve(dossier.id, current_user)
    logged(dossier, "update", "đã xử lý xong")
    flash(gettext("Hồ sơ đã có kết quả."), "info")
    return to_dossier(dossier.id, "tra-ket-qua")


@bp.post(DOSSIER + "/tra-ket-qua")
@staff_required("reception")
@decision
def return_result(dossier_id: int):
    """Hand the result over: at the counter, by public post (address), or electronically."""
    dossier = dossier_or_404(dossier_id)
    form, postal = processing_forms.ReturnForm(), processing_forms.PostalForm()
    post = form.kenh_tra.data == "post"
    valid = form.validate()
    if not valid or (post and not postal.validate()):
        return refusal_page(dossier, status=422, posted=request.form,
                         errors={**postal.messages(), **form.messages()})
    services.postal.refuse_channel(services.spec_of(dossier), form.kenh_tra.data)
    services.returns.return_result(dossier.id, current_user, **form.values)
    if post:
        services.postal.record_handover(dossier.id, current_user, postal.handed_on,
                                        postal.tracking)
    logged(dossier, "update", f"trả kết quả ({form.kenh_tra.data})")
    flash(gettext("Đã trả kết quả hồ sơ %(code)s.", code=dossier.code or ""), "info")
    return to_dossier(dossier.id)


@bp.post(DOSSIER + "/hen-lai")
@staff_required("specialist", "leader")
@decision
def reschedule(dossier_id: int):
    """Form 04: apologise and give a new date, once, at least one day before the due date."""
    dossier = dossier_or_404(dossier_id)
    form = processing_forms.RescheduleForm(services.office_hours(dossier.office_id, dossier))
    if not form.validate():
        return invalid(dossier, form)
    services.processing.reschedule(dossier.id, current_user, form.new_due, form.ly_do_tre.data,
                                   form.told)
    logged(dossier, "update", "hẹn lại ngày trả kết quả, báo qua " + ", ".join(form.told))
    return redirect(url_for("desk.slip", dossier_id=dossier.id,
                            form=slips.number(dossier, slips.APOLOGY)), 303)


@bp.post(DOSSIER + "/yeu-cau-nop-phi")
@staff_required("reception", "specialist")
@decision
def request_fee(dossier_id: int):
    """Ask the citizen to pay the fee before processing goes on (status 6)."""
    dossier = dossier_or_404(dossier_id)
    form = processing_forms.FeeForm()
    if not form.validate():
        return invalid(dossier, form)
    services.processing.request_fee(dossier.id, current_user, form.ghi_chu_phi.data)
    logged(dossier, "update", "yêu cầu nộp phí, lệ phí")
    flash(gettext("Đã chuyển hồ sơ sang chờ công dân nộp phí, lệ phí."), "info")
    return to_dossier(dossier.id, "nop-phi")


@bp.post(DOSSIER + "/da-nop-phi")
@staff_required("reception", "specialist")
@decision
def fee_paid(dossier_id: int):
    """Record that the fee is paid: processing goes on (status 4)."""
    dossier = dossier_or_404(dossier_id)
    form = processing_forms.FeeForm()
    if not form.validate():
        return invalid(dossier, form)
    services.processing.fee_paid(dossier.id, current_user)
    logged(dossier, "update", "đã nộp phí, lệ phí")
    flash(gettext("Đã ghi nhận công dân nộp phí, lệ phí; hồ sơ tiếp tục được giải quyết."),
          "info")
    return to_dossier(dossier.id, "giai-quyet")


@bp.post(DOSSIER + "/dung")
@staff_required("specialist", "leader")
@decision
def stop(dossier_id: int):
    """Stop processing (status 8) and print the notice (TT 03/2025 Form 05)."""
    dossier = dossier_or_404(dossier_id)
    form = processing_forms.StopForm()
    if not form.validate():
        return invalid(dossier, form)
    services.processing.stop(dossier.id, current_user, form.ly_do_dung.data)
    logged(dossier, "update", "dừng giải quyết hồ sơ")
    return redirect(url_for("desk.slip", dossier_id=dossier.id,
                            form=slips.number(dossier, slips.STOP)), 303)


@bp.get(DOSSIER + "/phieu/<form>")
@staff_required(*DESK)
def slip(dossier_id: int, form: str):
    """Print one of the dossier's official documents (A5), filled with its data.

    *form* is the document's number in the dossier's set of forms (tthc/data/forms.toml).
    """
    dossier = dossier_or_404(dossier_id)
    found = slips.printable(dossier, form)
    if found is None:
        abort(404)
    reprint = slips.printed_before(dossier, form)
    logged(dossier, "print", f"mẫu {form}")
    with force_locale("vi"):  # official documents are in Vietnamese
        return render_template(slips.template(found), reprint=reprint, form=form,
                               **slips.context(dossier, found))
