"""The filled declaration form (tờ khai): which form a dossier prints, and the form's HTML.

The layouts are data (``tthc/data/declarations.toml``, parsed by
``tthc.domain.declarations``), read once per process. A dossier prints the form version in
force on its date: received, else sent, else started. The citizen's page
(``/ho-so/<token>/to-khai``) and the desk (``/can-bo/ho-so/<id>/to-khai``) render the same
form; it is in Vietnamese, the official language, whatever the language of the page around it.
"""

from __future__ import annotations

import datetime as dt
import functools

from flask import render_template
from flask_babel import force_locale
from markupsafe import Markup

from ..domain.catalogue import Procedure
from ..domain.completeness import CompletenessReport, form_fields
from ..domain.declarations import (DeclarationForm, FilledForm, fill, in_force,
                                   load_declarations_file)
from ..extensions import db
from ..models import Dossier, Office
from ..timeutil import TZ
from .drafts import assess_dossier, spec_of


@functools.lru_cache(maxsize=1)
def forms() -> tuple[DeclarationForm, ...]:
    """Every declaration form of tthc/data/declarations.toml, read once per process (the
    file ships with the code: a new one comes with a restart)."""
    return load_declarations_file()


def dossier_date(dossier: Dossier) -> dt.date:
    """The office's date that picks the form version: received, else sent, else started."""
    at = dossier.received_at or dossier.submitted_at or dossier.created_at
    if at is None:
        return dt.datetime.now(TZ).date()
    if at.tzinfo is None:  # stored in UTC; SQLite hands it back without a time zone
        at = at.replace(tzinfo=dt.timezone.utc)
    return at.astimezone(TZ).date()


def form_for(dossier: Dossier, spec: Procedure | None = None) -> DeclarationForm | None:
    """The declaration form this dossier prints, or None when its procedure has none."""
    spec = spec or spec_of(dossier)
    return in_force(forms(), spec.code, dossier_date(dossier))


def has_declaration(dossier: Dossier) -> bool:
    """Whether the dossier has a declaration form to print (for links in templates)."""
    return form_for(dossier) is not None


def filled(dossier: Dossier, spec: Procedure, form: DeclarationForm,
           report: CompletenessReport | None = None) -> FilledForm:
    """The form with the dossier's answers, addressed to the dossier's office."""
    report = assess_dossier(dossier, spec) if report is None else report
    office = db.session.get(Office, dossier.office_id)
    return fill(form, form_fields(spec), report.values, addressee=office.name if office else "")


def render(dossier: Dossier, spec: Procedure, form: DeclarationForm,
           report: CompletenessReport | None = None) -> Markup:
    """The filled form as HTML, in Vietnamese (templates/intake/_declaration.html)."""
    with force_locale("vi"):
        # Bandit B704 checked: render_template's output is already escaped by Jinja's autoescape
        return Markup(render_template("intake/_declaration.html",  # nosec B704
                                      filled=filled(dossier, spec, form, report)))
