"""The desk's home, opening a dossier, walk-ins, the check and the decision at reception.

Every flow is a plain form: POST, then 303 to a page; a refusal comes back as the page
with the message beside the field (422) or at the top (409). A decision is taken on the
dossier as the officer's page showed it (``decisions.decision``). The check panel also
answers htmx with its fragment, from the same URL, and so does the live check of the
answers form (which saves nothing). Every read and change is in the access log.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext
from flask_login import current_user

from ..auth import log_access, staff_required
from ..catalogue import services as catalogue_services
from ..domain.reception import supplement_targets
from ..domain.status import AT_INTAKE, CORRECTABLE, Status
from ..extensions import db
from ..htmx import is_fragment_request
from ..intake import services as intake
from ..models import Office
from . import bp, forms, services, slips
from .decisions import DESK, DOSSIER, correction, decision, invalid, require_status, to_dossier
from .pages import (answer_errors, answers_fragment, answers_page, check_saved,
                    dossier_or_404, logged, logged_check, logged_refusal, refused, show_page,
                    under_the_law_in_force)

def store_checks(dossier, form) -> bool:
    """Save the verdicts of a valid check form when they changed (logged); whether valid."""
    if not form.validate():
        return False
    if services.reception.save_checks(dossier, form.checks, current_user):
        logged(dossier, "update", "kiểm tra giấy tờ")
    return True


def keep_checks(dossier):
    """Save the check posted with a decision (its buttons submit the check's form): None
    when saved or none came, else the page with the check's messages (422), nothing lost.

    A dossier past reception keeps its verdicts: the decision then says why it cannot be.
    """
    form = forms.checks_form(services.spec_of(dossier))
    if not form.posted or Status(dossier.status) not in AT_INTAKE:
        return None
    return None if store_checks(dossier, form) else invalid(dossier, form)


# --- home and opening a dossier ---------------------------------------------------------------


def home_page(*, code: str = "", error: str | None = None, status: int = 200):
    return render_template("desk/home.html", code=code, error=error,
                           tickets=services.counter_tickets(current_user),
                           lists=services.worklists(current_user),
                           hours=services.desk_state(current_user.office_id)), status


@bp.get("/can-bo/tiep-nhan")
@staff_required(*DESK)
def home():
    """The desk's start: open a dossier by code or scan, the counter's ticket, the work lists."""
    return home_page()


@bp.post("/can-bo/tiep-nhan/mo")
@staff_required(*DESK)
def open_dossier():
    """Open the dossier whose code (or scanned link) was given; the page again if none."""
    form = forms.OpenForm()
    if not form.validate():
        return home_page(error=" ".join(form.messages().values()), status=422)
    dossier = services.find(form.ma.data, current_user.office_id)
    if dossier is None:
        return home_page(code=form.ma.data, status=422, error=gettext(
            "Không tìm thấy hồ sơ có mã này ở cơ quan. Kiểm tra lại mã nộp trước (8 ký tự, ví "
            "dụ: ABCD-2345) hoặc mã hồ sơ ghi trên giấy tiếp nhận."))
    if current_user.has_role("reception"):
        services.link_ticket(dossier, current_user)
    return to_dossier(dossier.id)


# --- walk-in and assisted filing --------------------------------------------------------------


def _versions() -> dict:
    return {v.procedure.code: v for v in catalogue_services.versions_in_force()}


def new_page(*, errors=None, posted=None, status: int = 200):
    versions = sorted(_versions().values(), key=lambda v: (v.field, -v.popularity, v.name_vi))
    return render_template("desk/new.html", versions=versions, errors=errors or {},
                           posted=posted or {}), status


@bp.get("/can-bo/tiep-nhan/moi")
@staff_required("reception")
def new():
    """Start a dossier for a citizen who did not pre-file, or file on their behalf."""
    return new_page(posted={"kenh": "1"})


@bp.post("/can-bo/tiep-nhan/moi")
@staff_required("reception")
def create():
    """Create the walk-in (or assisted) dossier, sent at once, and open it for the check."""
    form = forms.WalkInForm(_versions())
    if not form.validate():
        return new_page(errors=form.messages(), posted=request.form, status=422)
    office = db.session.get(Office, current_user.office_id)
    try:
        dossier = services.reception.start_walk_in(form.version, office, current_user,
                                                   channel=form.channel,
                                                   portal_code=form.portal_code)
    except services.DeskRefusal as refusal:  # the portal's code is another dossier's
        return new_page(errors={refusal.field: refusal.text}, posted=request.form,
                        status=refusal.status)
    services.link_ticket(dossier, current_user)  # the citizen at the counter came for it
    logged(dossier, "create", f"kênh {dossier.channel}")
    return to_dossier(dossier.id, "thong-tin")


# --- the dossier --------------------------------------------------------------------------------


@bp.get(DOSSIER)
@staff_required(*DESK)
def show(dossier_id: int):
    """The dossier at the desk: its data, the check, the decision, processing and slips."""
    return show_page(under_the_law_in_force(dossier_or_404(dossier_id)))


@bp.post(DOSSIER + "/nhan-ho-so")
@staff_required("reception")
@decision
def accept_draft(dossier_id: int):
    """Take a pre-filed draft the citizen did not send: sent now, at the counter (0 → 1)."""
    dossier = dossier_or_404(dossier_id)
    require_status(dossier, {Status.DRAFT}, gettext("Hồ sơ đã được gửi; không cần nhận lại."))
    if (page := keep_checks(dossier)) is not None:
        return page
    services.reception.submit_for_citizen(dossier.id, current_user)
    logged(dossier, "update", "nhận hồ sơ nháp tại quầy")
    return to_dossier(dossier.id, "kiem-tra")


@bp.post(DOSSIER + "/thong-tin")
@staff_required("reception")
@correction
def answers(dossier_id: int):
    """Save the answers typed or corrected at the desk (logged by field name)."""
    dossier = dossier_or_404(dossier_id)
    require_status(dossier, CORRECTABLE, gettext(
        "Hồ sơ đã có kết quả hoặc đã kết thúc: không sửa thông tin được nữa."))
    spec = services.spec_of(dossier)
    form = intake.bind(spec, formdata=request.form)
    changed = services.reception.save_answers(dossier, forms.answers_from(form, spec, dossier))
    if changed:
        logged(dossier, "update", "sửa: " + ", ".join(changed)[:900])
    report = services.desk_report(dossier, spec).completeness
    if report.field_errors:
        return show_page(dossier, status=422, form=form, log=not changed,
                         errors=answer_errors(report),
                         error=gettext("Đã lưu. Còn thông tin chưa đúng: xem thông báo bên "
                                       "cạnh từng ô."))
    if changed and dossier.code:
        flash(gettext("Đã sửa thông tin hồ sơ. In lại giấy tiếp nhận nếu thông tin trên giấy đã "
                      "thay đổi."), "info")
    elif changed:
        flash(gettext("Đã lưu thông tin hồ sơ."), "info")
    return to_dossier(dossier.id, "kiem-tra")


@bp.post(DOSSIER + "/thong-tin/kiem-tra")
@staff_required("reception")
def check_answers(dossier_id: int):
    """Check the answers as typed, without saving them (the answers' panel for htmx)."""
    dossier = dossier_or_404(dossier_id)
    if Status(dossier.status) not in CORRECTABLE:
        return refused(dossier, gettext(
            "Hồ sơ đã có kết quả hoặc đã kết thúc: không sửa thông tin được nữa."))
    spec = services.spec_of(dossier)
    form = intake.bind(spec, formdata=request.form)
    typed = forms.answers_from(form, spec, dossier)
    logged_check(dossier)
    if is_fragment_request():
        return answers_fragment(dossier, spec, form, typed)
    return answers_page(dossier, spec, form, typed)


@bp.post(DOSSIER + "/thu-tuc")
@staff_required("reception")
@correction
def procedure(dossier_id: int):
    """Correct a mis-chosen procedure; the answers stay, the change is logged."""
    dossier = dossier_or_404(dossier_id)
    form = forms.ProcedureForm(_versions())
    if not form.validate():
        return invalid(dossier, form)
    version = form.version
    require_status(dossier, CORRECTABLE, gettext(
        "Hồ sơ đã có kết quả hoặc đã kết thúc: không đổi thủ tục được nữa."))
    if version.id != dossier.procedure_version_id:
        old, new_code = services.reception.change_procedure(dossier, version, current_user)
        logged(dossier, "update", f"thủ tục: {old} → {new_code}")
        flash(gettext("Đã đổi thủ tục. Kiểm tra lại giấy tờ; in lại giấy tiếp nhận nếu đã in."),
              "info")
    return to_dossier(dossier.id, "thong-tin")


@bp.post(DOSSIER + "/kenh")
@staff_required("reception")
@correction
def channel(dossier_id: int):
    """Record how the dossier came: at the counter, online (assisted, portal code), by post."""
    dossier = dossier_or_404(dossier_id)
    form = forms.ChannelForm()
    if not form.validate():
        return invalid(dossier, form)
    services.reception.set_channel(dossier, form.channel, form.portal_code, current_user)
    logged(dossier, "update", f"kênh {form.channel}")
    return to_dossier(dossier.id, "thong-tin")


@bp.post(DOSSIER + "/giay-to")
@staff_required("reception")
@decision
def papers(dossier_id: int):
    """Store the verdict on each paper as it is ticked; the decision again (htmx: its panel),
    or Form 02 when the officer asked for it with the check."""
    dossier = dossier_or_404(dossier_id)
    require_status(dossier, AT_INTAKE, gettext(
        "Hồ sơ đã được xử lý ở bước tiếp nhận; không kiểm tra lại giấy tờ được."))
    form = forms.checks_form(services.spec_of(dossier))
    ok = store_checks(dossier, form)
    if is_fragment_request():
        return check_saved(dossier, errors=form.messages(), status=200 if ok else 422)
    if not ok:
        return invalid(dossier, form)
    if form.tiep.data == "bo-sung":
        return redirect(url_for("desk.supplement", dossier_id=dossier.id), 303)
    return to_dossier(dossier.id, "quyet-dinh")


@bp.post(DOSSIER + "/tiep-nhan")
@staff_required("reception")
@decision
def receive(dossier_id: int):
    """Receive the dossier: official code; same day without a slip, or Form 01."""
    dossier = dossier_or_404(dossier_id)
    form = forms.ReceiveForm()
    if not form.validate():
        return invalid(dossier, form)
    if (page := keep_checks(dossier)) is not None:
        return page
    dossier = services.reception.receive(dossier_id, current_user,
                                         slip_requested=form.in_phieu.data,
                                         keep_promise=form.giu_hen.data,
                                         seen_sent=form.gui_luc.data, **form.choices)
    logged(dossier, "update", f"tiếp nhận, mã {dossier.code}"
           + services.extension.log_detail(dossier))
    if dossier.slip_requested:
        return redirect(url_for("desk.slip", dossier_id=dossier.id,
                                form=slips.number(dossier, slips.RECEIPT)), 303)
    flash(gettext("Đã tiếp nhận hồ sơ %(code)s. Trả kết quả trong ngày, không lập giấy hẹn.",
                  code=dossier.code), "info")
    return to_dossier(dossier.id, "giai-quyet")


def supplement_page(dossier, *, items, errors=None, posted=None, status: int = 200):
    spec = services.spec_of(dossier)
    return render_template("desk/supplement.html", dossier=dossier, p=spec, items=items,
                           targets=supplement_targets(spec), errors=errors or {},
                           posted=posted), status


@bp.route(DOSSIER + "/bo-sung", methods=("GET", "POST"))
@staff_required("reception", "specialist")
@decision
def supplement(dossier_id: int):
    """Form 02: the items generated from the check, editable; sent once and completely."""
    dossier = dossier_or_404(dossier_id)
    services.processing.check_supplement_in_time(dossier)  # after appraisal: 3 working days
    if request.method == "GET":
        logged(dossier, "view", "yêu cầu bổ sung")
        return supplement_page(dossier, items=services.reception.proposed_items(dossier))
    form = forms.supplement_form(services.spec_of(dossier))
    if not form.validate():
        logged_refusal(dossier, 422)
        return supplement_page(dossier, items=services.reception.proposed_items(dossier),
                               errors=form.messages(), posted=request.form, status=422)
    services.reception.request_supplement(dossier.id, current_user, form.chosen,
                                          form.ly_do_chung.data)
    logged(dossier, "update", f"yêu cầu bổ sung {len(form.chosen)} mục")
    return redirect(url_for("desk.slip", dossier_id=dossier.id,
                            form=slips.number(dossier, slips.SUPPLEMENT)), 303)


@bp.post(DOSSIER + "/tu-choi")
@staff_required("reception", "specialist")
@decision
def refuse(dossier_id: int):
    """Form 03: refuse the dossier with its specific reason."""
    dossier = dossier_or_404(dossier_id)
    form = forms.RefusalForm()
    if not form.validate():
        return invalid(dossier, form)
    if (page := keep_checks(dossier)) is not None:
        return page
    services.reception.refuse(dossier.id, current_user, form.ly_do.data)
    logged(dossier, "update", "từ chối")
    return redirect(url_for("desk.slip", dossier_id=dossier.id,
                            form=slips.number(dossier, slips.REFUSAL)), 303)


@bp.post(DOSSIER + "/rut")
@staff_required("reception")
@decision
def withdraw(dossier_id: int):
    """Record the citizen's withdrawal, asked for at the counter."""
    dossier = dossier_or_404(dossier_id)
    if (page := keep_checks(dossier)) is not None:
        return page
    services.reception.withdraw(dossier.id, current_user)
    logged(dossier, "update", "rút hồ sơ")
    flash(gettext("Đã ghi nhận công dân rút hồ sơ."), "info")
    return to_dossier(dossier.id)


@bp.get(DOSSIER + "/tep/<int(max=2147483647):upload_id>")
@staff_required(*DESK)
def upload_file(dossier_id: int, upload_id: int):
    """Send one of the dossier's files to an officer of its office (logged)."""
    dossier = dossier_or_404(dossier_id)
    found = next((u for u in dossier.uploads if u.id == upload_id), None)
    if found is None or not intake.can_read_upload(dossier, token_ok=False, staff=current_user):
        abort(404)
    try:
        path = intake.path_of(found.stored_name)
    except ValueError:
        abort(404)
    if not path.exists():
        abort(404)
    log_access(dossier.id, "download", f"tệp {found.id}", commit=True)
    pdf = found.content_type == intake.PDF
    response = send_file(path, mimetype=found.content_type, as_attachment=pdf,
                         download_name=f"giay-to-{found.id}.{'pdf' if pdf else 'jpg'}",
                         conditional=False, etag=False, max_age=0)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
