"""Building the dossier page, its check fragment and the answers' live check; the views stay
one call long."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any, Mapping

from flask import current_app, render_template, request
from flask_babel import gettext
from flask_login import current_user
from htmx_flask import make_response as htmx_response
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from ..auth import log_access, scoped_get_or_404
from ..catalogue import services as catalogue_services
from ..domain.completeness import CompletenessReport, form_fields
from ..domain.status import AT_INTAKE, CORRECTABLE, Status
from ..errors import render_error
from ..extensions import db
from ..htmx import is_fragment_request, page_state, read_page_state
from ..i18n import render_message
from ..intake import services as intake
from ..models import AccessLog, Dossier
from ..models.dossier import utcnow
from . import bp, forms, present, services, slips

#: The access log's words for a live check of the answers: a read, never the values.
CHECK_DETAIL = "kiểm tra thông tin đang nhập"
#: A live check runs on every pause in typing: one log row per officer, dossier and sitting.
CHECK_LOG_WINDOW = dt.timedelta(minutes=10)
FIELD_GAPS = ("missing_field", "invalid_field")


@bp.context_processor
def _helpers():
    return present.helpers()


def dossier_or_404(dossier_id: int) -> Dossier:
    """The officer's office's dossier; 404 for any other, saying nothing about it."""
    return scoped_get_or_404(Dossier, dossier_id)


def under_the_law_in_force(dossier: Dossier) -> Dossier:
    """A dossier sent but not yet received is checked and received under the procedure
    version in force today: a dossier keeps the version in force on its reception date."""
    if intake.refresh_version(dossier):
        db.session.commit()
    return dossier


def logged(dossier: Dossier, action: str, detail: str = "") -> None:
    """Record the officer's read or change of the dossier (committed now)."""
    log_access(dossier.id, action, detail, commit=True)


def logged_check(dossier: Dossier) -> None:
    """Record a live check of the answers as a read, once per sitting.

    The officer's checks of one dossier within CHECK_LOG_WINDOW of the recorded one, with
    nothing else logged in between, are the same read: they add no row.
    """
    last = db.session.scalar(select(AccessLog).where(
        AccessLog.dossier_id == dossier.id, AccessLog.staff_id == current_user.id)
        .order_by(AccessLog.id.desc()).limit(1))
    if last is not None and (last.action, last.detail) == ("view", CHECK_DETAIL) \
            and last.at > utcnow() - CHECK_LOG_WINDOW:
        return
    logged(dossier, "view", CHECK_DETAIL)


def check_context(dossier: Dossier, spec=None, *, errors: Mapping[str, str] | None = None,
                  posted: Mapping[str, Any] | None = None) -> dict:
    """What the check panel shows: the papers with their verdicts, the report, the decision."""
    spec = spec or services.spec_of(dossier)
    desk = services.desk_report(dossier, spec)
    decision = services.preview(dossier, spec)
    hours = services.desk_state(dossier.office_id)
    # Keeping the same-day promise after the cut-off is for a desk still open, not the night.
    keep = services.preview(dossier, spec, keep_promise=True) \
        if decision.after_cutoff and hours.open else None
    return {
        "dossier": dossier, "p": spec, "desk": desk, "rows": present.paper_rows(dossier, desk),
        "problems": present.problems(desk), "decision": decision, "hours": hours,
        "can_keep": bool(keep and keep.same_day), "errors": errors or {}, "posted": posted or {},
        "status": Status(dossier.status),
        **services.extension.context(dossier, spec), **services.postal.context(dossier, spec),
    }


def show_page(dossier: Dossier, *, status: int = 200, error: str | None = None,
              errors: Mapping[str, str] | None = None, posted: Mapping[str, Any] | None = None,
              form=None, typed: Mapping[str, str] | None = None, log: bool = True):
    """The dossier at the desk: details, answers, the check and decision, processing, slips.

    With *typed* (answers typed at the desk and not saved) the answers form shows those and
    judges them; everything else shows the dossier as stored.
    """
    if log:
        logged(dossier, "view")
    spec = services.spec_of(dossier)
    context = check_context(dossier, spec, errors=errors, posted=posted)
    report = context["desk"].completeness
    answers_report = report if typed is None else \
        services.desk_report(dossier, spec, typed).completeness
    form = form or intake.bind(spec, dossier.answers)
    names = services.staff_names(dossier.office_id)
    context.update(answers_context(dossier, spec, form, answers_report, typed))
    context.update(
        answers_open=typed is not None or context["answers_gap_count"] > 0
        or bool(set(errors or ()) & {f.name for f in form_fields(spec)}),
        rows_read=intake.declaration_rows(report),
        history=present.history(dossier, names), names=names,
        correctable=Status(dossier.status) in CORRECTABLE,
        at_intake=Status(dossier.status) in AT_INTAKE,
        processing=Status(dossier.status) in services.PROCESSING,
        versions=sorted(catalogue_services.versions_in_force(), key=lambda v: v.name_vi),
        colleagues=[s for s in services.processing.colleagues(dossier.office_id)
                    if s.id != current_user.id],
        slips=slips.available(dossier), error=error, is_overdue=services.overdue(dossier),
        stop_form=slips.stop_form(dossier),
        measured=services.returns.measured(dossier, spec),
    )
    return render_template("desk/dossier.html", **context), status


def check_saved(dossier: Dossier, *, errors=None, status: int = 200):
    """The check saved as it was ticked (htmx): the decision panel, and out of band the
    decision bar's verdict and each paper's messages."""
    return render_template("desk/_check_saved.html",
                           **check_context(dossier, errors=errors)), status


def refused(dossier: Dossier, text: str, status: int = 409):
    """The desk cannot do this now: the page with *text* at the top, or for htmx the message
    alone (in the page's message area)."""
    if is_fragment_request():
        return render_error(status, text, gettext("Tải lại trang để xem hồ sơ như hiện tại."))
    return refusal_page(dossier, status=status, error=text, posted=request.form)


def stale(dossier: Dossier, text: str):
    """The dossier changed since the officer's page was opened: 409 with the dossier page as
    it now is and *text* at the top; for htmx the same page, put in place of the old one
    (htmx takes the body of a whole page; the message is focused, so scrolled to)."""
    page, status = refusal_page(dossier, status=409, error=text, posted=request.form)
    if is_fragment_request():
        return htmx_response(page, status, retarget="body", reswap="innerHTML")
    return page, status


def refusal_page(dossier: Dossier, *, status: int, **kwargs):
    """The dossier page again after a refused action (logged as a read, see logged_refusal)."""
    logged_refusal(dossier, status)
    return show_page(dossier, status=status, log=False, **kwargs)


def logged_refusal(dossier: Dossier, status: int) -> None:
    """Record a refused action whose answer shows the dossier: a read like any other
    ("refused", with the action's last path segment and the status, e.g. "bo-sung (422)").

    A database too busy to take the line (the 503 of a lock held too long) must not turn
    the page that keeps what was typed into a 500: the app's log says a line is missing.
    """
    try:
        logged(dossier, "refused", f"{request.path.rsplit('/', 1)[-1]} ({status})")
    except OperationalError:
        db.session.rollback()
        current_app.logger.warning("access log: refused action on dossier %s not recorded "
                                   "(database busy)", dossier.id)


# --- the answers form and its live check ----------------------------------------------------


def answer_errors(report: CompletenessReport) -> dict[str, str]:
    """Field name → message of each wrong answer (for the error summary of a full page)."""
    return {target: text for target, text in
            ((g.target, render_message(g.message)) for g in report.gaps
             if g.kind == "invalid_field")}


def answers_context(dossier: Dossier, spec, form, report: CompletenessReport,
                    typed: Mapping[str, str] | None = None) -> dict:
    """The answers form: its fields with their messages, its panel and the page's state.

    *report* judges the answers shown: the stored ones, or *typed* ones not saved yet.
    """
    sections = intake.sections(form, form_fields(spec), report)
    fields = [f for section in sections for f in section.fields]
    unsaved = typed is not None and bool(services.reception.changed_fields(dossier, typed))
    return {"sections": sections, **answers_panel(report, unsaved),
            "answers_msgs": page_state(f.name for f in fields if f.has_messages),
            "answers_hidden": page_state(f.name for f in fields if f.hidden)}


def answers_panel(report: CompletenessReport, unsaved: bool) -> dict:
    """What the answers' panel shows: the fields still missing or wrong, with links to them
    (grouped as on the citizen's panel), and whether the answers shown are saved."""
    gaps = tuple(g for g in report.gaps if g.kind in FIELD_GAPS)
    return {"answers_gaps": intake.gap_groups(replace(report, gaps=gaps)),
            "answers_gap_count": len(gaps), "unsaved": unsaved,
            "answers_state": f"{intake.panel_state(report)}-{int(unsaved)}"}


def answers_page(dossier: Dossier, spec, form, typed: Mapping[str, str]):
    """The dossier page with the answers as typed (not saved) and their messages; 422 with
    the error summary when some are wrong."""
    errors = answer_errors(services.desk_report(dossier, spec, typed).completeness)
    return show_page(dossier, status=422 if errors else 200, errors=errors or None,
                     form=form, typed=typed, log=False)


def answers_fragment(dossier: Dossier, spec, form, typed: Mapping[str, str]):
    """The answers' panel for the live check, plus out-of-band updates of just the field
    messages and conditional fields whose state changed since the page last showed them
    (the page posts that state back); 204, nothing at all, when nothing shown has changed.
    """
    report = services.desk_report(dossier, spec, typed).completeness
    panel = answers_panel(report, bool(services.reception.changed_fields(dossier, typed)))
    shown = form_fields(spec)
    names = {f.name for f in shown}
    applicable = {f.name for f in report.fields}
    msgs = (set(report.field_errors) | set(report.field_warnings)) & applicable
    hidden = names - applicable
    state = forms.LiveCheckForm()
    toggled = hidden ^ (read_page_state(state.shown_hidden.data) & names)
    shown_msgs = read_page_state(state.shown_msgs.data) & names
    if not toggled and shown_msgs == msgs and state.panel.data == panel["answers_state"]:
        return "", 204
    wanted = toggled | msgs | shown_msgs
    redo = [f for f in shown if f.name in wanted]
    fields = [f for section in intake.sections(form, redo, report)
              for f in section.fields] if redo else []
    return render_template("desk/_answers_check.html", **panel,
                           answers_msgs=page_state(msgs), answers_hidden=page_state(hidden),
                           oob_messages=[f for f in fields if f.name not in toggled],
                           oob_fields=[f for f in fields if f.name in toggled]), 200


