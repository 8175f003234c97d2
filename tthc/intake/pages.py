"""What the citizen's pages and the live check's fragment show: rendering only.

The views read the request and call one service; these functions turn what the service
returned (a dossier, its ``drafts.Checked``, the bound form) into HTML. Nothing here writes.
"""

from __future__ import annotations

from typing import Callable, Mapping

from flask import current_app, render_template, request, url_for
from flask_babel import gettext

from ..domain.applicant import PROFILE_KEYS
from ..domain.codes import format_prefiling_code
from ..domain.status import EVENT_NOTES, Status
from ..htmx import page_state, read_page_state
from ..i18n import localized, money, render_message
from ..models import Dossier
from . import bp, present, uploads
from .drafts import Checked, profile_for, rejected_uploads, supplement_list
from .forms import DossierForm

#: Gaps shown in the error summary after a refused submit: all of them.
ALL_GAPS = ("invalid_field", "missing_field", "missing_paper")


@bp.context_processor
def _helpers():
    return {"anchor": present.anchor, "gap_groups": present.gap_groups,
            "next_gap": present.next_gap, "step_title": present.step_title,
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
        if checked.papers_shown and not p.generated
        and (only is None or "paper:" + p.key in only) and p.key not in applicable_papers}


def _with_messages(checked: Checked) -> set[str]:
    """Fields on the page that show an error or a warning now."""
    report = checked.report
    applicable = {f.name for f in report.fields}
    return (set(report.field_errors) | set(report.field_warnings)) \
        & {f.name for f in checked.shown} & applicable


def target_href(token: str, checked: Checked, *, on_form: bool = True) -> Callable[[str], str]:
    """Where a gap's link goes: its field or paper on this page, or on the step (of a long
    form) or the form page that shows it."""
    where: dict[str, int] = {}
    for step in checked.steps:
        where.update(dict.fromkeys(step.fields, step.number))
        if step.papers:
            where["paper:"] = step.number
    here = checked.step.number if checked.step is not None else None

    def href(target: str) -> str:
        number = where.get("paper:" if target.startswith("paper:") else target)
        if on_form and (here is None or number == here):  # the whole form, or this step
            return "#" + present.anchor(target)
        if number is None:
            return url_for("intake.draft", token=token, _anchor=present.anchor(target))
        return url_for("intake.part", token=token, part=number, _anchor=present.anchor(target))
    return href


def _panel(token: str, checked: Checked, dossier: Dossier, *, on_form: bool = True) -> dict:
    """What the completeness panel needs, on the page and in the live check's answer."""
    return {"token": token, "report": checked.report,
            "gap_href": target_href(token, checked, on_form=on_form),
            "supplement": checked.only, "steps": checked.steps, "step": checked.step,
            "supplement_items": _asked(checked, dossier) if checked.only is not None else []}


def _asked(checked: Checked, dossier: Dossier) -> list[tuple[str, str, str]]:
    """The desk's supplement items, (target, label, reason), named as the page names them."""
    names = {f.name: localized(f, "label") for f in checked.spec.fields} | {
        f.name: localized(f, "label") for f in checked.shown} | {
        "paper:" + p.key: localized(p, "name") for p in checked.spec.papers}
    return [(target, label or names.get(target, ""), reason)
            for target, label, reason in supplement_list(dossier)]


def form_page(dossier: Dossier, token: str, checked: Checked, form: DossierForm, *,
              upload_errors: Mapping[str, list[str]] | None = None, submit_failed: bool = False,
              status: int = 200, general_errors: list[str] | None = None,
              return_errors: Mapping[str, str] | None = None):
    """The draft's form page (a long form's step); on 4xx with the error summary on top."""
    report, only = checked.report, checked.only
    upload_errors = upload_errors or {}
    sections = present.sections(form, checked.shown, report, show_missing=submit_failed)
    papers = present.papers(checked.spec, dossier, report, only, rejected_uploads(dossier)) \
        if checked.papers_shown else []
    fields = [f for section in sections for f in section.fields]
    summary = None
    if status >= 400:
        names = {p.key: p.name for p in papers}
        summary = [("#giay-to", text) for text in general_errors or ()]
        summary += [("#" + name, text) for name, text in (return_errors or {}).items()]
        summary += [("#file_" + key, f"{names.get(key, key)}: {text}")
                    for key, texts in upload_errors.items() for text in texts]
        summary += present.summary_items(report, kinds=ALL_GAPS if submit_failed
                                         else ("invalid_field",),
                                         href=target_href(token, checked))
    config = current_app.config
    device_profile = profile_for(request.cookies.get(config["TTHC_DEVICE_COOKIE"]))
    context = {
        **_panel(token, checked, dossier),
        "dossier": dossier, "p": checked.spec,
        "sections": sections, "papers": papers, "summary": summary,
        "upload_errors": upload_errors, "show_missing": submit_failed,
        "return_errors": return_errors or {},
        "code": format_prefiling_code(dossier.prefiling_code),
        "msgs_state": page_state(_with_messages(checked)),
        "hidden_state": page_state(_hidden(checked)),
        "panel_state": present.panel_state(report),
        "file_params": ",".join("file_" + p.key for p in papers),
        "remember_after": next((f.name for f in reversed(fields) if f.name in PROFILE_KEYS),
                               None),
        "remember": dossier.profile_id is not None and device_profile is not None
        and device_profile.id == dossier.profile_id,
        "fill": present.fill_json(checked),
        "max_file_mb": uploads.megabytes(config["TTHC_UPLOAD_MAX_FILE"]),
        "max_dossier_mb": uploads.megabytes(config["TTHC_UPLOAD_MAX_DOSSIER"]),
    }
    template = "intake/part.html" if checked.step is not None else "intake/draft.html"
    return render_template(template, **context), status


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
        papers = [p for p in present.papers(checked.spec, dossier, report, only,
                                            rejected_uploads(dossier))
                  if "paper:" + p.key in toggled]
    return render_template(
        "intake/_check.html", **_panel(token, checked, dossier), msgs_state=page_state(msgs),
        hidden_state=page_state(hidden), panel_state=state,
        oob_messages=[f for f in fields if f.name not in toggled],
        oob_fields=[f for f in fields if f.name in toggled], oob_papers=papers,
        upload_errors={}, show_missing=False)


def tasks_page(dossier: Dossier, token: str, checked: Checked):
    """A long form's task list: each step with its state, then "check and submit"."""
    return render_template(
        "intake/tasks.html", **_panel(token, checked, dossier, on_form=False), dossier=dossier,
        p=checked.spec, code=format_prefiling_code(dossier.prefiling_code),
        tasks=present.step_views(checked, lambda n: url_for("intake.part", token=token,
                                                             part=n)))


def review_page(dossier: Dossier, token: str, checked: Checked, *, status: int = 200,
                return_errors: Mapping[str, str] | None = None):
    """Check your answers before sending: every answer and paper, each with a link to change
    it; the send button once nothing is missing (422 after a refused send)."""
    href = target_href(token, checked, on_form=False)
    summary = present.summary_items(checked.report, kinds=ALL_GAPS, href=href) \
        if status >= 400 else None
    if return_errors:
        summary = [("#" + name, text) for name, text in return_errors.items()] + (summary or [])
    return render_template(
        "intake/review.html", **_panel(token, checked, dossier, on_form=False),
        dossier=dossier, p=checked.spec, summary=summary, return_errors=return_errors or {},
        code=format_prefiling_code(dossier.prefiling_code),
        groups=present.review_rows(checked, href),
        papers=present.papers(checked.spec, dossier, checked.report, checked.only,
                              rejected_uploads(dossier))), status
