"""Pre-filing on a phone: choose, start, fill with a live check, upload, submit, look up.

Every flow is a plain form first: POST, then a 303 to a page. htmx only makes the live check
faster, through the same URL (a fragment for htmx, the page without). The link token is the
only key to a dossier: pages under /ho-so/<token> are never cached, and never give their
URL to another site as a Referer.
"""

from __future__ import annotations

import dataclasses

from flask import (abort, current_app, flash, redirect, render_template, request, send_file,
                   url_for)
from flask_babel import gettext

from htmx_flask import make_response as htmx_response
from sqlalchemy.exc import OperationalError

from ..catalogue import services as catalogue_services
from ..domain.codes import format_prefiling_code
from ..domain.status import IllegalTransition
from ..extensions import db, limiter, unlimited
from ..htmx import is_fragment_request
from ..i18n import render_message
from ..offices import current_office
from . import bp, forms, returning, services, uploads
from .pages import check_fragment, form_page, review_page, tasks_page
from .posted import device_secret as _device_secret
from .posted import dossier_or_404, forget_device, posted_part, read, save as _save
from .tracking import status_page


# Bandit B105 checked: a Referrer-Policy value, named for the pages reached by a link token
TOKEN_PAGE_REFERRER_POLICY = "same-origin"  # nosec B105


@bp.before_request
def _keep_after_commit():
    # A draft's page shows what it has just saved: expiring every attribute and relation on
    # commit would only reload them, one query each. This session lives for this request.
    db.session().expire_on_commit = False


@bp.after_request
def _private(response):
    # Personal data, CSRF tokens and link tokens: never stored by any cache.
    response.headers["Cache-Control"] = "no-store"
    if request.view_args and "token" in request.view_args:
        # The token is in the URL: no other site may ever see it in a Referer header. Not
        # "no-referrer": over HTTPS, Flask-WTF refuses a POST without a same-origin Referer
        # (WTF_CSRF_SSL_STRICT), so every button of the page would fail.
        response.headers["Referrer-Policy"] = TOKEN_PAGE_REFERRER_POLICY
    return response


def _to_draft(token: str, anchor: str | None = None):
    return redirect(url_for("intake.draft", token=token, _anchor=anchor), 303)


def _back(token: str, anchor: str | None = None):
    """Back to the page the form was posted from: a long form's step, or the draft."""
    part = posted_part()
    if part is None:
        return _to_draft(token, anchor)
    return redirect(url_for("intake.part", token=token, part=part, _anchor=anchor), 303)


# --- choose and start ---------------------------------------------------------------------


@bp.get("/nop-truoc")
def start():
    """Choose a procedure, or show what preparing its dossier involves and start it."""
    code = request.args.get("thu_tuc", "")
    if not code:
        return render_template("intake/choose.html", versions=catalogue_services.search())
    version = catalogue_services.get_in_force(code[:63]) or abort(404)
    profile = services.profile_for(_device_secret())
    return render_template("intake/start.html", version=version,
                           p=catalogue_services.spec_of(version), profile=profile)


@bp.post("/nop-truoc")
@limiter.limit(lambda: current_app.config["TTHC_DRAFT_RATE_LIMIT"])
def create():
    """Create a draft for the chosen procedure and open it."""
    version = catalogue_services.get_in_force(request.form.get("thu_tuc", "")[:63]) or abort(404)
    office = current_office() or abort(503)
    _, token = services.create_draft(version, office, services.profile_for(_device_secret()))
    return _to_draft(token)


@bp.post("/quen-thong-tin")
def forget():
    """Delete the applicant details remembered on this phone."""
    forget_device()
    flash(gettext("Đã xóa thông tin người nộp lưu trên điện thoại này."))
    code = request.form.get("thu_tuc", "")[:63]
    return redirect(url_for("intake.start", thu_tuc=code or None), 303)


# --- the draft ------------------------------------------------------------------------------


def _page(dossier, token, **kwargs):
    """The form page of the dossier as stored."""
    checked = services.check(dossier, None)
    form = forms.bind(checked.spec, dossier.answers)
    return form_page(dossier, token, checked, form, **kwargs)


@bp.get("/ho-so/<token>")
def draft(token):
    """Show the draft's form (a long form's task list); once sent, its status and history."""
    dossier = dossier_or_404(token)
    if not services.editable(dossier):
        return status_page(dossier, token)
    checked = services.check(dossier, None)
    if checked.steps:
        return tasks_page(dossier, token, checked)
    return form_page(dossier, token, checked, forms.bind(checked.spec, dossier.answers))


@bp.post("/ho-so/<token>/kiem-tra")
@unlimited  # answers every pause in typing; only a valid link token gets past the lookup
def check(token):
    """Save what was typed and say what is still missing (a fragment for htmx)."""
    # A keystroke's panel keeps the version its page was rendered under (see dossier_or_404).
    dossier = dossier_or_404(token, follow_the_law=not is_fragment_request())
    if not services.editable(dossier):
        return _not_editable(token)
    if is_fragment_request():  # htmx posts the answers without the files (hx-params)
        checked, form, _, _ = _save(dossier, files=False)
        return check_fragment(dossier, token, checked, form, request.form)
    checked, form, errors, status = _save(dossier)
    if errors or checked.report.field_errors:
        return form_page(dossier, token, checked, form, upload_errors=errors, status=422)
    return _back(token, "completeness")


@bp.post("/ho-so/<token>/luu")
def save(token):
    """Save the draft as it is (the "Lưu" button), then show it again."""
    dossier = dossier_or_404(token)
    if not services.editable(dossier):
        return _not_editable(token)
    checked, form, errors, status = _save(dossier)
    if errors:
        return form_page(dossier, token, checked, form, upload_errors=errors, status=422)
    flash(gettext("Đã lưu hồ sơ."))
    return _back(token)


@bp.post("/ho-so/<token>/giay-to/<paper_key>")
def upload(token, paper_key):
    """Store the photos or PDFs chosen for a paper (and save every answer with them)."""
    dossier = dossier_or_404(token)
    if not services.editable(dossier):
        return _not_editable(token)
    spec = services.spec_of(dossier)
    if not any(p.key == paper_key and not p.generated for p in spec.papers):
        abort(404)
    if request.form.get("_form") != "dossier":
        # Not the draft's form (a script, a truncated post): store nothing, say so.
        checked = services.check(dossier, None, part=posted_part())
        return form_page(dossier, token, checked, forms.bind(checked.spec, dossier.answers),
                         upload_errors={paper_key: [gettext(
                             "Tệp không được gửi kèm biểu mẫu hồ sơ nên chưa được tải lên. "
                             "Chọn lại tệp trên trang hồ sơ rồi bấm «Tải lên».")]}, status=400)
    checked, form, errors, status = _save(dossier, require_file=paper_key)
    if errors:
        return form_page(dossier, token, checked, form, upload_errors=errors, status=status)
    flash(gettext("Đã tải lên."))
    return _back(token, "giay-to-" + paper_key)


@bp.get("/ho-so/<token>/tep/<int:upload_id>")
def upload_file(token, upload_id):
    """Send one of the dossier's files to the holder of its link."""
    dossier = dossier_or_404(token)
    upload_row = next((u for u in dossier.uploads if u.id == upload_id), None)
    if upload_row is None or not services.can_read_upload(dossier, token_ok=True):
        abort(404)
    try:
        path = uploads.path_of(upload_row.stored_name)
    except ValueError:
        abort(404)
    if not path.exists():
        abort(404)
    pdf = upload_row.content_type == uploads.PDF
    response = send_file(path, mimetype=upload_row.content_type, as_attachment=pdf,
                         download_name=f"giay-to-{upload_row.id}.{'pdf' if pdf else 'jpg'}",
                         conditional=False, etag=False, max_age=0)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.post("/ho-so/<token>/tep/<int:upload_id>/xoa")
def delete_upload(token, upload_id):
    """Delete one uploaded file (the answers posted with the button are saved first)."""
    dossier = dossier_or_404(token)
    if not services.editable(dossier):
        return _not_editable(token)
    upload_row = next((u for u in dossier.uploads if u.id == upload_id), None)
    if upload_row is None or upload_row.staff_id is not None:  # a desk scan is the office's
        abort(404)
    paper_key = upload_row.paper_key
    _save(dossier, files=False)
    services.delete_upload(dossier, upload_id)
    flash(gettext("Đã xóa tệp."))
    return _back(token, "giay-to-" + paper_key)


@bp.post("/ho-so/<token>/quen-thong-tin")
def forget_in_draft(token):
    """Save the draft, then delete the applicant details remembered on this phone."""
    dossier = dossier_or_404(token)
    if services.editable(dossier):
        form, edit, _ = read(dossier)
        if edit is not None:  # the details typed are kept in the draft, not on the phone
            edit = dataclasses.replace(edit, remember=None, device_secret=None)
        services.check(dossier, edit)
    services.stop_remembering(dossier)
    forget_device()
    flash(gettext("Đã xóa thông tin người nộp lưu trên điện thoại này. Hồ sơ này vẫn giữ "
                  "nguyên."))
    return _back(token)


@bp.post("/ho-so/<token>/nop")
def submit(token):
    """Send the dossier to the office when the server finds nothing missing."""
    dossier = dossier_or_404(token)
    if not services.editable(dossier):
        return _not_editable(token)
    checked, form, errors, status = _save(dossier)
    if errors:
        return form_page(dossier, token, checked, form, upload_errors=errors, status=422)
    if choice := returning.posted_errors(dossier):  # a channel the procedure does not allow
        if checked.steps and request.form.get("_form") != "dossier":
            return review_page(dossier, token, checked, status=422, return_errors=choice)
        return form_page(dossier, token, checked, form, status=422, return_errors=choice)
    try:
        services.submit(dossier)
    except services.Incomplete as incomplete:
        checked = dataclasses.replace(checked, report=incomplete.report)
        if checked.steps and request.form.get("_form") != "dossier":  # from the review
            return review_page(dossier, token, checked, status=422)
        return form_page(dossier, token, checked, form, submit_failed=True, status=422)
    except IllegalTransition:  # sent meanwhile (another tab, the desk)
        return _not_editable(token)
    return redirect(url_for("intake.submitted", token=token), 303)


@bp.get("/ho-so/<token>/da-nop")
def submitted(token):
    """Confirm the pre-filing (code, QR, what to bring); once received, show its status."""
    dossier = dossier_or_404(token)
    if services.editable(dossier):
        return _to_draft(token)
    return status_page(dossier, token, confirmation=True)


def _citizen_action(token, action, done_message: str):
    """Run one citizen transition on the dossier as the page showed it; 409 with the page as
    it now is and the reason when it is not allowed, or the status changed meanwhile."""
    dossier = dossier_or_404(token)
    form = forms.StatusChangeForm()
    seen = form.status.data if form.validate() else None
    try:
        action(dossier, seen)
    except IllegalTransition as error:
        return status_page(dossier, token, error=render_message(error.message), status=409)
    flash(done_message)
    return _to_draft(token)


@bp.post("/ho-so/<token>/sua")
def reopen(token):
    """Edit a sent dossier again, before the office receives it."""
    return _citizen_action(token, services.reopen, gettext(
        "Hồ sơ đã chuyển về bản nháp. Sửa xong, bấm «Nộp trước» để gửi lại."))


@bp.post("/ho-so/<token>/rut")
def withdraw(token):
    """Withdraw the dossier (status 7): the office will not handle it."""
    return _citizen_action(token, services.withdraw, gettext("Đã rút hồ sơ."))


@bp.get("/ho-so/<token>/to-khai")
def declaration(token):
    """Print the filled declaration form (tờ khai), so that nobody copies it out by hand."""
    dossier = dossier_or_404(token)
    spec = services.spec_of(dossier)
    form = services.declaration_form_for(dossier, spec) or abort(404)
    report = services.assess_dossier(dossier, spec)
    return render_template("intake/declaration.html", dossier=dossier, token=token, form=form,
                           html=services.render_declaration(dossier, spec, form, report),
                           complete=report.complete,
                           code=format_prefiling_code(dossier.prefiling_code))


@bp.errorhandler(413)
def too_large(error):
    """More than the server takes in one request: show the draft as saved, with a message."""
    from ..errors import render_error

    token = (request.view_args or {}).get("token")
    dossier = services.find_by_token(token) if token else None
    if dossier is None or not services.editable(dossier):
        return render_error(413)
    limit = current_app.config["MAX_CONTENT_LENGTH"] or 0
    return _page(dossier, token, status=413, general_errors=[gettext(
        "Các tệp gửi cùng một lúc lớn hơn %(mb)s MB nên không nhận được. Tải lên từng tệp "
        "một, hoặc chụp ảnh với độ phân giải thấp hơn.", mb=uploads.megabytes(limit))])


@bp.errorhandler(OperationalError)
def unsaved(error):
    """The database cannot be used: 503; a whole-page post comes back as a form holding what
    was typed, to send again (htmx keeps its page, the message in its message area)."""
    from ..errors import (BUSY_RETRY_SECONDS, OUTAGE_RETRY_SECONDS, busy_response, is_locked,
                          render_error)

    db.session.rollback()
    busy = is_locked(error)  # busy for a moment, not down
    if busy and is_fragment_request():
        return busy_response()  # htmx retries the save once (static/js)
    if request.method == "POST" and not is_fragment_request():
        fields = [(k, v) for k, v in request.form.items(multi=True) if k != "csrf_token"]
        response = current_app.make_response((render_template(
            "intake/unsaved.html", fields=fields, files=bool(request.files), busy=busy), 503))
    else:
        response = render_error(503, gettext("Hệ thống tạm ngừng"), gettext(
            "Hệ thống tạm thời không lưu được dữ liệu nên thao tác này chưa được lưu. Vui lòng "
            "thử lại sau ít phút; nếu vẫn lỗi, xin liên hệ Bộ phận Một cửa."))
    response.retry_after = BUSY_RETRY_SECONDS if busy else OUTAGE_RETRY_SECONDS
    return response


@bp.errorhandler(services.NotEditable)
def sent_meanwhile(error):
    """A save that reached a dossier sent or received meanwhile: nothing written, say so."""
    return _not_editable(request.view_args["token"])


def _not_editable(token: str):
    """A sent dossier cannot be changed: say so (htmx) or show its status page."""
    if is_fragment_request():  # in the page's message area, whatever the request targeted
        html = render_template(
            "errors/_error.html", status=409, title=gettext("Hồ sơ đã được gửi"),
            detail=gettext("Hồ sơ này đã được gửi nên không sửa được nữa. Tải lại trang để "
                           "xem trạng thái; muốn sửa, bấm «Sửa lại hồ sơ»."))
        return htmx_response(html, 409, retarget="#flash", reswap="innerHTML")
    return _to_draft(token)


# --- a long form, one step a page (GOV.UK's task list), and "check your answers" ----------------


@bp.get("/ho-so/<token>/phan/<int:part>")
def part(token, part):
    """Show one step of a long form: one section of fields, or the papers."""
    dossier = dossier_or_404(token)
    if not services.editable(dossier):
        return _to_draft(token)
    checked = services.check(dossier, None, part=part)
    if checked.step is None:  # a one-page form has no steps; past the last one, nothing
        return _to_draft(token) if not checked.steps else abort(404)
    return form_page(dossier, token, checked, forms.bind(checked.spec, dossier.answers))


@bp.post("/ho-so/<token>/phan/<int:part>")
def save_part(token, part):
    """Save one step («Tiếp tục») and go on to the next; after the last, to the review."""
    dossier = dossier_or_404(token)
    if not services.editable(dossier):
        return _not_editable(token)
    checked, form, errors, status = _save(dossier)
    if checked.step is None:
        return _to_draft(token)
    if errors or set(checked.report.field_errors) & {f.name for f in checked.shown}:
        return form_page(dossier, token, checked, form, upload_errors=errors,
                         status=status if errors else 422)
    if part < len(checked.steps):
        return redirect(url_for("intake.part", token=token, part=part + 1), 303)
    return redirect(url_for("intake.review", token=token), 303)


@bp.get("/ho-so/<token>/kiem-tra-lai")
def review(token):
    """Show every answer and paper once more, each with a link to change it, before sending."""
    dossier = dossier_or_404(token)
    if not services.editable(dossier):
        return _to_draft(token)
    return review_page(dossier, token, services.check(dossier, None))
