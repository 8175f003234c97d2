"""Building the intake pages and fragments from a dossier; the views stay one call long."""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import segno
from flask import abort, after_this_request, current_app, render_template, request, url_for
from flask_babel import gettext
from werkzeug.datastructures import MultiDict

from ..domain.applicant import PROFILE_KEYS
from ..domain.codes import format_prefiling_code
from ..domain.completeness import CompletenessReport
from ..domain.status import ACTION_LABELS, Status
from ..htmx import page_state, read_page_state
from ..i18n import money, render_message
from ..models import Dossier
from . import bp, forms, present, services, uploads
from .present import panel_state  # noqa: F401  (the desk's old import; goes once it uses services)

#: Gaps shown in the error summary after a refused submit: all of them.
ALL_GAPS = ("invalid_field", "missing_field", "missing_paper")


@bp.context_processor
def _helpers():
    return {"anchor": present.anchor, "gap_groups": present.gap_groups,
            "upload_label": present.upload_label,
            "upload_url": present.upload_url, "fee_text": fee_text, "accept": uploads.ACCEPT,
            "Status": Status, "action_labels": ACTION_LABELS}


def dossier_or_404(token: str, *, for_check: bool = False) -> Dossier | services.LiveDraft:
    """The dossier of a link token; 404 for any other token, saying nothing about it."""
    dossier = services.find_by_token(token, for_check=for_check)
    if dossier is None:
        abort(404)
    return dossier


def fee_text(fee) -> str:
    """A fee estimate in words: free, an amount, or what is not known yet and why."""
    if fee.free:
        return gettext("Miễn phí")
    if fee.total is not None and not fee.unknown:
        return money(fee.total)
    notes = [render_message(line.note) for line in fee.lines if line.note]
    if fee.total:
        return gettext("%(amount)s, cộng phần chưa tính được", amount=money(fee.total))
    return notes[0] if notes else gettext("Chưa tính được; cán bộ tiếp nhận sẽ thông báo.")


# --- saving what was posted -----------------------------------------------------------------


@dataclass
class Posted:
    """What a post of the dossier form left: the report, and any upload problems."""

    spec: object
    report: CompletenessReport
    upload_errors: dict[str, list[str]] = field(default_factory=dict)
    upload_status: int = 422
    stored: dict | None = None  # the form was not posted: the answers as stored

    @functools.cached_property
    def form(self) -> forms.DossierForm:
        """The bound WTForms form, built only when fields are to be shown again."""
        if self.stored is not None:
            return forms.bind(self.spec, self.stored)
        return forms.bind(self.spec, formdata=request.form)


def save_posted(dossier: Dossier, *, with_files: bool = True, require_file: str | None = None,
                sync_profile: bool = True) -> Posted:
    """Save the posted answers (always first), then any chosen files; assess the result."""
    spec = services.spec_of(dossier)
    before = dict(dossier.answers or {})
    if request.form.get("_form") != "dossier":
        # Not the dossier form (a bare button, a script): an absent field then means
        # nothing, not "cleared"; work on what is stored.
        return Posted(spec, services.assess_dossier(dossier, spec), stored=before)
    answers = services.read_answers(spec, dossier, forms.read_posted(spec, request.form))
    confirmed = services.read_papers_confirmed(spec, dossier,
                                               request.form.getlist("papers_confirmed"))
    services.save(dossier, answers, confirmed)
    errors: dict[str, list[str]] = {}
    status = 422
    if with_files:
        errors, status = _store_files(dossier, spec, require_file)
    report = services.assess_dossier(dossier, spec)
    if sync_profile:
        _sync_profile(dossier, report, before)
    return Posted(spec, report, errors, status)


def _store_files(dossier: Dossier, spec, require_file: str | None) -> tuple[dict, int]:
    if not request.files and require_file is None:
        return {}, 422  # the live check posts no files (hx-params)
    only = services.supplement_targets(dossier)
    errors: dict[str, list[str]] = {}
    status = None
    for paper in spec.papers:
        if paper.generated or (only is not None and f"paper:{paper.key}" not in only):
            continue
        chosen = [f for f in request.files.getlist("file_" + paper.key) if f and f.filename]
        if not chosen and paper.key == require_file:
            errors[paper.key] = [gettext("Chọn ảnh hoặc tệp PDF trước khi bấm «Tải lên».")]
            status = status or 422
        for file_storage in chosen:
            try:
                services.add_upload(dossier, paper.key, file_storage)
            except uploads.UploadError as error:
                errors.setdefault(paper.key, []).append(error.message)
                status = status or error.status
    return errors, status or 422


def _sync_profile(dossier: Dossier, report: CompletenessReport, before: dict) -> None:
    """Keep the phone's profile in step with the applicant's answers, if the citizen asked."""
    if request.form.get("_remember_shown") != "1":
        return  # no applicant details on this form (a supplement): leave the profile alone
    if request.form.get("remember") != "1":
        services.stop_remembering(dossier)
        return
    if dossier.profile_id is not None and not services.answers_changed(
            before, dossier.answers, PROFILE_KEYS):
        return
    config = current_app.config
    secret = request.cookies.get(config["TTHC_DEVICE_COOKIE"])
    if not secret or len(secret) > 100:
        secret = services.new_device_secret()

        @after_this_request
        def set_cookie(response):
            response.set_cookie(config["TTHC_DEVICE_COOKIE"], secret,
                                max_age=config["TTHC_DEVICE_COOKIE_DAYS"] * 86400, path="/",
                                httponly=True, samesite="Lax",
                                secure=config["SESSION_COOKIE_SECURE"])
            return response
    services.remember(dossier, secret, report)


# --- the form page and the live check's fragment --------------------------------------------


def _views(dossier: Dossier, spec, form, report, *, show_missing=False):
    only = services.supplement_targets(dossier)
    sections = present.sections(form, services.answer_fields(spec, dossier), report,
                                show_missing=show_missing)
    papers = present.papers(spec, dossier, report, only)
    fields = [f for section in sections for f in section.fields]
    msgs = {f.name for f in fields if f.has_messages}
    hidden = {f.name for f in fields if f.hidden} | {"paper:" + p.key for p in papers if p.hidden}
    return sections, papers, fields, msgs, hidden


def form_page(dossier: Dossier, token: str, *, posted: Posted | None = None,
              report: CompletenessReport | None = None, submit_failed: bool = False,
              status: int = 200, general_errors: list[str] | None = None):
    """The draft's form page; on 4xx with the error summary at the top."""
    spec = services.spec_of(dossier)
    upload_errors = posted.upload_errors if posted else {}
    if posted is not None:
        form, report = posted.form, posted.report
    else:
        form = forms.bind(spec, dossier.answers)
        report = report or services.assess_dossier(dossier, spec)
    sections, papers, fields, msgs, hidden = _views(dossier, spec, form, report,
                                                    show_missing=submit_failed)
    summary = None
    if status >= 400:
        names = {p.key: p.name for p in papers}
        summary = [("#giay-to", text) for text in general_errors or ()]
        summary += [("#file_" + key, f"{names.get(key, key)}: {text}")
                    for key, texts in upload_errors.items() for text in texts]
        summary += present.summary_items(report, kinds=ALL_GAPS if submit_failed
                                         else ("invalid_field",))
    device_profile = services.profile_for(request.cookies.get(
        current_app.config["TTHC_DEVICE_COOKIE"]))
    only = services.supplement_targets(dossier)
    config = current_app.config
    context = {
        "dossier": dossier, "token": token, "p": spec, "report": report, "sections": sections,
        "papers": papers, "summary": summary, "upload_errors": upload_errors,
        "show_missing": submit_failed, "code": format_prefiling_code(dossier.prefiling_code),
        "msgs_state": page_state(msgs), "hidden_state": page_state(hidden),
        "panel_state": present.panel_state(report),
        "file_params": ",".join("file_" + p.key for p in papers),
        "remember_after": next((f.name for f in reversed(fields) if f.name in PROFILE_KEYS),
                               None),
        "remember": dossier.profile_id is not None and device_profile is not None
        and device_profile.id == dossier.profile_id,
        "supplement": only, "supplement_notes": services.supplement_notes(dossier),
        "max_file_mb": uploads._mb(config["TTHC_UPLOAD_MAX_FILE"]),
        "max_dossier_mb": uploads._mb(config["TTHC_UPLOAD_MAX_DOSSIER"]),
    }
    return render_template("intake/draft.html", **context), status


def check_fragment(dossier: Dossier, token: str, posted: Posted):
    """The panel, plus out-of-band updates for just the field messages and conditional
    parts whose state changed since the page last showed them (the page posts that state);
    204, nothing at all, when nothing the page shows has changed.

    This answers every pause in typing, so it builds views only for what it sends.
    """
    spec, report = services.spec_of(dossier), posted.report
    shown = services.answer_fields(spec, dossier)
    only = services.supplement_targets(dossier)
    applicable = {f.name for f in report.fields}
    applicable_papers = {p.key for p in report.papers}
    names = {f.name for f in shown}
    msgs = (set(report.field_errors) | set(report.field_warnings)) & names & applicable
    hidden = {f.name for f in shown if f.name not in applicable} | {
        "paper:" + p.key for p in spec.papers
        if not p.generated and (only is None or "paper:" + p.key in only)
        and p.key not in applicable_papers}
    toggled = hidden ^ read_page_state(request.form.get("_hidden"))
    shown_msgs = read_page_state(request.form.get("_msgs")) & names
    state = present.panel_state(report)
    if not toggled and shown_msgs == msgs and request.form.get("_panel") == state:
        return "", 204
    wanted = toggled | msgs | shown_msgs
    redo = [f for f in shown if f.name in wanted]
    fields = [f for section in present.sections(posted.form, redo, report)
              for f in section.fields] if redo else []
    papers = []
    if any(t.startswith("paper:") for t in toggled):
        papers = [p for p in present.papers(spec, dossier, report, only)
                  if "paper:" + p.key in toggled]
    context = {
        "token": token, "report": report, "msgs_state": page_state(msgs),
        "hidden_state": page_state(hidden), "panel_state": state,
        "oob_messages": [f for f in fields if f.name not in toggled],
        "oob_fields": [f for f in fields if f.name in toggled],
        "oob_papers": papers, "upload_errors": posted.upload_errors, "show_missing": False,
    }
    if fields or papers or posted.upload_errors:
        return render_fragment("intake/_check.html", **context)
    # Only the panel and the page state: the same for every draft of this procedure version
    # whose panel shows the same (the digest says everything it shows, in which language).
    key = (dossier.procedure_version_id, state, context["msgs_state"], context["hidden_state"])
    return _cached_fragment(key, lambda: render_fragment("intake/_check.html", **context))


_FRAGMENTS_LOCK = threading.Lock()


def _cached_fragment(key: tuple, render) -> str:
    """The check's answer for *key*, rendered once per process (TTHC_CHECK_FRAGMENT_CACHE
    answers kept, least recently used dropped first; 0: none).

    Citizens filling one procedure go through the same few panels ("Còn thiếu 12 mục" on
    a new draft, an ID number too short, "Hồ sơ đã đủ"); a version's texts never change
    once loaded, so a panel rendered once is the panel.
    """
    size = current_app.config["TTHC_CHECK_FRAGMENT_CACHE"]
    if size <= 0:
        return render()
    cache = current_app.extensions.setdefault("tthc_check_fragments", OrderedDict())
    html = cache.get(key)
    if html is not None:
        try:
            cache.move_to_end(key)
        except KeyError:  # dropped by another thread meanwhile: still the right answer
            pass
        return html
    html = render()
    with _FRAGMENTS_LOCK:
        cache[key] = html
        while len(cache) > size:
            cache.popitem(last=False)
    return html


def render_fragment(name: str, **context) -> str:
    """Render a fragment without the page's context processors (the office, the catalogue
    helpers): it needs none of them, and the office would cost a query on every check."""
    return current_app.jinja_env.get_template(name).render(**_helpers(), **context)


# --- after submitting -----------------------------------------------------------------------


def qr_svg(token: str) -> str:
    """An inline SVG QR code of the dossier's link (it carries the token)."""
    url = url_for("intake.draft", token=token, _external=True)
    return segno.make(url, error="m").svg_inline(scale=4, svgclass="qr",
                                                 title=gettext("Mã QR mở hồ sơ"))


def status_page(dossier: Dossier, token: str, *, confirmation: bool = False,
                error: str | None = None, status: int = 200):
    """A sent dossier: code, QR, what to bring and when, its history, what can still be done."""
    spec = services.spec_of(dossier)
    report = services.assess_dossier(dossier, spec)
    context = {
        "dossier": dossier, "token": token, "p": spec, "report": report,
        "code": format_prefiling_code(dossier.prefiling_code), "qr": qr_svg(token),
        "status": Status(dossier.status), "events": list(dossier.events),
        "actions": services.citizen_actions(dossier), "monday": services.next_monday(spec),
        "confirmation": confirmation, "error": error,
        "uploads_count": len(dossier.uploads),
    }
    return render_template("intake/dossier.html", **context), status


# --- look-up --------------------------------------------------------------------------------


def lookup_page(form: MultiDict | None = None, code: str = ""):
    """The look-up form; with *form*, its result (422 with the errors beside the fields)."""
    context = {"code_value": code[:60], "last4_value": "", "errors": {}, "result": None,
               "summary": None}
    if form is None:
        return render_template("intake/lookup.html", **context)
    code = (form.get("code") or "")[:60]
    raw_last4 = (form.get("last4") or "")[:20]
    errors: dict[str, str] = {}
    last4 = None
    if not code.strip():
        errors["code"] = gettext("Nhập mã nộp trước (ví dụ: ABCD-2345) hoặc mã hồ sơ.")
    if raw_last4.strip():
        last4 = services.normalise_last4(raw_last4)
        if last4 is None:
            errors["last4"] = gettext("Nhập đúng 4 chữ số cuối của số điện thoại đã khai, "
                                      "ví dụ: 5678.")
    result = None
    if not errors:
        result = services.lookup(code, last4)
        if result.dossier is None:
            errors["code"] = gettext(
                "Không tìm thấy hồ sơ có mã này. Kiểm tra lại mã nộp trước (8 ký tự, ví dụ: "
                "ABCD-2345) hoặc mã hồ sơ ghi trên giấy tiếp nhận.")
        elif result.phone_matches is False:
            errors["last4"] = gettext(
                "Bốn số cuối không khớp với số điện thoại của hồ sơ. Kiểm tra lại; hoặc để "
                "trống để chỉ xem trạng thái.")
    context.update(code_value=code, last4_value=raw_last4, errors=errors, result=result)
    if errors:
        context["summary"] = [("#" + name, text) for name, text in errors.items()]
    if result is not None and result.dossier is not None:
        dossier = result.dossier
        context.update(
            status=Status(dossier.status),
            p=services.spec_of(dossier),
            shown_code=format_prefiling_code(dossier.prefiling_code),
            events=list(dossier.events) if result.phone_matches else None,
        )
    return render_template("intake/lookup.html", **context), 422 if errors else 200
