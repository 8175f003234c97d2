"""Reading a post of the dossier form: once, through its WTForms form, into a drafts.Edit.

Every button of the draft's page posts the whole form (nothing typed is lost); the views
call :func:`save` (answers, then any files) or, for the live check, :func:`read` and
``services.check`` themselves.
"""

from __future__ import annotations

from flask import abort, after_this_request, current_app, request
from flask_babel import gettext

from ..models import Dossier
from ..notify import consent
from . import forms, returning, services, uploads


def device_secret() -> str | None:
    return request.cookies.get(current_app.config["TTHC_DEVICE_COOKIE"])


def remember_device(secret: str) -> None:
    """Keep the phone's new device secret in its cookie."""
    @after_this_request
    def set_cookie(response):
        config = current_app.config
        response.set_cookie(config["TTHC_DEVICE_COOKIE"], secret,
                            max_age=config["TTHC_DEVICE_COOKIE_DAYS"] * 86400, path="/",
                            httponly=True, samesite="Lax", secure=config["SESSION_COOKIE_SECURE"])
        return response


def forget_device() -> None:
    """Forget the phone's remembered details and list, and clear its device cookie."""
    services.forget(device_secret())

    @after_this_request
    def clear(response):
        config = current_app.config
        response.delete_cookie(config["TTHC_DEVICE_COOKIE"], path="/", httponly=True,
                               samesite="Lax", secure=config["SESSION_COOKIE_SECURE"])
        return response


def dossier_or_404(token: str, *, follow_the_law: bool = True) -> Dossier:
    """The dossier of a link token; 404 for any other token, saying nothing about it. A
    draft follows the procedure version in force (a version may have taken effect since).

    ``follow_the_law=False`` is for the live check's panel only: it redraws a page rendered
    under the stored version, and asking the catalogue on every keystroke would cost a query
    for a change that comes only at midnight or with an admin's new version. The next page
    load follows the law, and so does the submit (inside its serialised write).
    """
    dossier = services.find_by_token(token) or abort(404)
    if follow_the_law:
        services.follow_the_law_in_force(dossier)
    return dossier


def read(dossier) -> tuple[forms.DossierForm, services.Edit | None, str | None]:
    """The dossier form as posted, read once (WTForms), the edit it asks for, and a new
    device secret to set in a cookie if remembering needs one."""
    spec = services.spec_of(dossier)
    if request.form.get("_form") != "dossier":
        # Not the dossier form (a bare button, a script): an absent field then means
        # nothing, not "cleared"; work on what is stored.
        return forms.bind(spec, dossier.answers), None, None
    form = forms.bind(spec, formdata=request.form)
    remember = secret = new_secret = None
    if request.form.get("_remember_shown") == "1":  # no such box on a supplement's form
        remember = request.form.get("remember") == "1"
        secret = device_secret()
        if remember and (not secret or len(secret) > 100):
            secret = new_secret = services.new_device_secret()
    edit = services.Edit(forms.posted_answers(form),
                         tuple(request.form.getlist("papers_confirmed")), remember, secret,
                         part=posted_part())
    return form, edit, new_secret


def posted_part() -> int | None:
    """The step of a long form the post came from (its URL, or the form's hidden
    ``_part`` for the buttons that post elsewhere), or None."""
    part = (request.view_args or {}).get("part")
    if isinstance(part, int):
        return part
    part = request.form.get("_part", "")
    return int(part) if part.isdigit() and len(part) <= 2 else None


def save(dossier, *, files: bool = True, require_file: str | None = None):
    """Save what the form posted, then any files chosen: (checked, form, upload errors,
    status for them)."""
    form, edit, new_secret = read(dossier)
    checked = services.check(dossier, edit)
    consent.record_posted(dossier)  # the notification boxes beside the phone and email
    returning.record_posted(dossier)  # how the result goes back (the send checks it)
    if new_secret and dossier.profile_id is not None:
        remember_device(new_secret)
    errors: dict[str, list[str]] = {}
    status = 422
    if files and (request.files or require_file):
        errors, status, stored = store_files(dossier, checked, require_file)
        if stored:
            # the files change what is missing
            checked = services.check(dossier, None, part=edit.part if edit else None)
    return checked, form, errors, status


def store_files(dossier, checked, require_file: str | None) -> tuple[dict, int, bool]:
    errors: dict[str, list[str]] = {}
    status = None
    stored = False
    for paper in checked.spec.papers:
        if paper.generated or (checked.only is not None
                               and f"paper:{paper.key}" not in checked.only):
            continue
        chosen = [f for f in request.files.getlist("file_" + paper.key) if f and f.filename]
        if not chosen and paper.key == require_file:
            errors[paper.key] = [gettext("Chọn ảnh hoặc tệp PDF trước khi bấm «Tải lên».")]
            status = status or 422
        for file_storage in chosen:
            try:
                services.add_upload(dossier, paper.key, file_storage)
                stored = True
            except uploads.UploadError as error:
                errors.setdefault(paper.key, []).append(error.message)
                status = status or error.status
    return errors, status or 422, stored
