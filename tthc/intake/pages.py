"""What the citizen's pages and the live check's fragment show: rendering only.

The views read the request and call one service; these functions turn what the service
returned (a dossier, its ``drafts.Checked``, the bound form) into HTML. Nothing here writes.
"""

from __future__ import annotations

from typing import Mapping

from flask import current_app, render_template, request
from flask_babel import gettext

from ..domain.applicant import PROFILE_KEYS
from ..domain.codes import format_prefiling_code
from ..domain.status import EVENT_NOTES, Status
from ..htmx import page_state, read_page_state
from ..i18n import money, render_message
from ..models import Dossier
from . import bp, present, uploads
from .drafts import Checked, profile_for, supplement_notes
from .forms import DossierForm

#: Gaps shown in the error summary after a refused submit: all of them.
ALL_GAPS = ("invalid_field", "missing_field", "missing_paper")


@bp.context_processor
def _helpers():
    return {"anchor": present.anchor, "gap_groups": present.gap_groups,
            "upload_label": present.upload_label,
            "upload_url": present.upload_url, "fee_text": fee_text, "accept": uploads.ACCEPT,
            "Status": Status, "action_labels": EVENT_NOTES}


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


# --- the form page and the live check's fragment --------------------------------------------


def _hidden(checked: Checked) -> set[str]:
    """Fields and papers on the page that do not apply now ("paper:<key>" for papers)."""
    report, only = checked.report, checked.only
    applicable = {f.name for f in report.fields}
    applicable_papers = {p.key for p in report.papers}
    return {f.name for f in checked.shown if f.name not in applicable} | {
        "paper:" + p.key for p in checked.spec.papers
        if not p.generated and (only is None or "paper:" + p.key in only)
        and p.key not in applicable_papers}


def _with_messages(checked: Checked) -> set[str]:
    """Fields on the page that show an error or a warning now."""
    report = checked.report
    applicable = {f.name for f in report.fields}
    return (set(report.field_errors) | set(report.field_warnings)) \
        & {f.name for f in checked.shown} & applicable


def form_page(dossier: Dossier, token: str, checked: Checked, form: DossierForm, *,
              upload_errors: Mapping[str, list[str]] | None = None, submit_failed: bool = False,
              status: int = 200, general_errors: list[str] | None = None):
    """The draft's form page; on 4xx with the error summary at the top."""
    report, only = checked.report, checked.only
    upload_errors = upload_errors or {}
    sections = present.sections(form, checked.shown, report, show_missing=submit_failed)
    papers = present.papers(checked.spec, dossier, report, only)
    fields = [f for section in sections for f in section.fields]
    summary = None
    if status >= 400:
        names = {p.key: p.name for p in papers}
        summary = [("#giay-to", text) for text in general_errors or ()]
        summary += [("#file_" + key, f"{names.get(key, key)}: {text}")
                    for key, texts in upload_errors.items() for text in texts]
        summary += present.summary_items(report, kinds=ALL_GAPS if submit_failed
                                         else ("invalid_field",))
    config = current_app.config
    device_profile = profile_for(request.cookies.get(config["TTHC_DEVICE_COOKIE"]))
    context = {
        "dossier": dossier, "token": token, "p": checked.spec, "report": report,
        "sections": sections, "papers": papers, "summary": summary,
        "upload_errors": upload_errors, "show_missing": submit_failed,
        "code": format_prefiling_code(dossier.prefiling_code),
        "msgs_state": page_state(_with_messages(checked)),
        "hidden_state": page_state(_hidden(checked)),
        "panel_state": present.panel_state(report),
        "file_params": ",".join("file_" + p.key for p in papers),
        "remember_after": next((f.name for f in reversed(fields) if f.name in PROFILE_KEYS),
                               None),
        "remember": dossier.profile_id is not None and device_profile is not None
        and device_profile.id == dossier.profile_id,
        "supplement": only, "supplement_notes": supplement_notes(dossier),
        "max_file_mb": uploads.megabytes(config["TTHC_UPLOAD_MAX_FILE"]),
        "max_dossier_mb": uploads.megabytes(config["TTHC_UPLOAD_MAX_DOSSIER"]),
    }
    return render_template("intake/draft.html", **context), status


def check_fragment(dossier: Dossier, token: str, checked: Checked, form: DossierForm,
                   shown_state: Mapping[str, str]):
    """The panel, plus out-of-band updates for just the field messages and conditional
    parts whose state changed since the page last showed them (*shown_state*: what the
    page posted back as ``_msgs``, ``_hidden`` and ``_panel``); 204, nothing at all, when
    nothing the page shows has changed."""
    report, only = checked.report, checked.only
    names = {f.name for f in checked.shown}
    msgs = _with_messages(checked)
    hidden = _hidden(checked)
    toggled = hidden ^ read_page_state(shown_state.get("_hidden"))
    shown_msgs = read_page_state(shown_state.get("_msgs")) & names
    state = present.panel_state(report)
    if not toggled and shown_msgs == msgs and shown_state.get("_panel") == state:
        return "", 204
    wanted = toggled | msgs | shown_msgs
    redo = [f for f in checked.shown if f.name in wanted]
    fields = [f for section in present.sections(form, redo, report)
              for f in section.fields] if redo else []
    papers = []
    if any(t.startswith("paper:") for t in toggled):
        papers = [p for p in present.papers(checked.spec, dossier, report, only)
                  if "paper:" + p.key in toggled]
    return render_template(
        "intake/_check.html", token=token, report=report, msgs_state=page_state(msgs),
        hidden_state=page_state(hidden), panel_state=state,
        oob_messages=[f for f in fields if f.name not in toggled],
        oob_fields=[f for f in fields if f.name in toggled], oob_papers=papers,
        upload_errors={}, show_missing=False)
