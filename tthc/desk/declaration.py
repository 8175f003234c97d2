"""The dossier's filled declaration form (tờ khai), printed at the desk.

For walk-ins and assisted filing: the officer types the answers at the counter, prints the
official form filled in, and the citizen checks and signs it; nobody copies it out by hand.
The form is the one the citizen's link prints (tthc/intake/declaration.py), in Vietnamese.
Printing it is a read of the dossier: it is in the access log.
"""

from __future__ import annotations

from flask import abort, render_template

from ..auth import staff_required
from ..domain.codes import format_prefiling_code
from ..intake import services as intake
from . import bp, services
from .pages import dossier_or_404, logged
from .views import DESK, DOSSIER


@bp.get(DOSSIER + "/to-khai")
@staff_required(*DESK)
def declaration(dossier_id: int):
    """Print the dossier's filled declaration form (tờ khai) for the citizen to sign."""
    dossier = dossier_or_404(dossier_id)
    spec = services.spec_of(dossier)
    form = intake.declaration_form_for(dossier, spec) or abort(404)
    report = services.desk_report(dossier, spec).completeness
    logged(dossier, "print", "tờ khai")
    return render_template("desk/declaration.html", dossier=dossier, form=form,
                           html=intake.render_declaration(dossier, spec, form, report),
                           complete=report.complete,
                           code=dossier.code or format_prefiling_code(dossier.prefiling_code))
