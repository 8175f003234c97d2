"""The law the desk cites, for its templates: ``law(dossier).cite("no_slip")`` is the article
of the framework version the dossier follows (``tthc.desk.formsets``), ``law()`` the office's
in force today; ``forms_of(dossier)`` is the set of forms its documents print. No template of
the desk writes a citation itself."""

from __future__ import annotations

from flask_login import current_user

from ..domain.frameworks import Version
from ..models import Dossier
from . import bp, formsets, services


def law(dossier: Dossier | None = None) -> Version:
    """The version the desk cites: the dossier's, or (no dossier) the officer's office's
    today."""
    if dossier is not None:
        return formsets.framework_of(dossier, services.today())
    return formsets.in_force(current_user.office_id, services.today())


@bp.context_processor
def _law():
    return {"law": law, "forms_of": formsets.of}
