"""Building the dossier page and its check fragment; the views stay one call long."""

from __future__ import annotations

from typing import Any, Mapping

from flask import render_template
from flask_login import current_user

from ..auth import log_access, scoped_get_or_404
from ..catalogue import services as catalogue_services
from ..domain.completeness import form_fields
from ..domain.status import Status
from ..intake import forms as intake_forms
from ..intake import present as intake_present
from ..models import Dossier
from . import bp, present, services, slips


@bp.context_processor
def _helpers():
    return present.helpers()


def dossier_or_404(dossier_id: int) -> Dossier:
    """The officer's office's dossier; 404 for any other, saying nothing about it."""
    return scoped_get_or_404(Dossier, dossier_id)


def logged(dossier: Dossier, action: str, detail: str = "") -> None:
    """Record the officer's read or change of the dossier (committed now)."""
    log_access(dossier.id, action, detail, commit=True)


def check_context(dossier: Dossier, spec=None, *, errors: Mapping[str, str] | None = None,
                  posted: Mapping[str, Any] | None = None) -> dict:
    """What the check panel shows: the papers with their verdicts, the report, the decision."""
    spec = spec or services.spec_of(dossier)
    desk = services.desk_report(dossier, spec)
    decision = services.preview(dossier, spec)
    keep = services.preview(dossier, spec, keep_promise=True) if decision.after_cutoff else None
    return {
        "dossier": dossier, "p": spec, "desk": desk, "rows": present.paper_rows(dossier, desk),
        "problems": present.problems(desk), "decision": decision,
        "can_keep": bool(keep and keep.same_day), "errors": errors or {}, "posted": posted or {},
        "status": Status(dossier.status),
    }


def show_page(dossier: Dossier, *, status: int = 200, error: str | None = None,
              errors: Mapping[str, str] | None = None, posted: Mapping[str, Any] | None = None,
              form=None, log: bool = True):
    """The dossier at the desk: details, answers, the check and decision, processing, slips."""
    if log:
        logged(dossier, "view")
    spec = services.spec_of(dossier)
    context = check_context(dossier, spec, errors=errors, posted=posted)
    report = context["desk"].completeness
    form = form or intake_forms.bind(spec, dossier.answers)
    sections = intake_present.sections(form, form_fields(spec), report)
    names = services.staff_names(dossier.office_id)
    context.update(
        sections=sections, rows_read=intake_present.declaration_rows(report),
        history=present.history(dossier, names), names=names,
        correctable=Status(dossier.status) in services.CORRECTABLE,
        at_intake=Status(dossier.status) in services.AT_INTAKE,
        processing=Status(dossier.status) in services.PROCESSING,
        versions=sorted(catalogue_services.versions_in_force(), key=lambda v: v.name_vi),
        colleagues=[s for s in services.colleagues(dossier.office_id) if s.id != current_user.id],
        slips=slips.available(dossier), error=error, is_overdue=services.overdue(dossier),
        measured=services.measured(dossier, spec),
    )
    return render_template("desk/dossier.html", **context), status


def check_fragment(dossier: Dossier, *, errors=None, posted=None, status: int = 200):
    return render_template("desk/_check.html", **check_context(dossier, errors=errors,
                                                              posted=posted)), status
