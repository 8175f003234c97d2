"""The dossier form, built from the catalogue's data: no procedure has hand-written form code.

A WTForms class is made for the procedure version of each request (the applicant's fields
first, then the procedure's: WTForms' dynamic form composition). It only shapes and binds
fields; whether an answer is
right is for ``tthc.domain.completeness``, whose messages are copied onto the fields.
CSRF is checked for every POST by Flask-WTF's CSRFProtect; templates render the token.
"""

from __future__ import annotations

from typing import Any, Mapping

from markupsafe import Markup, escape
from wtforms import (Field, IntegerField, RadioField, SelectChoice, SelectField, StringField,
                     TextAreaField)
from wtforms.validators import Optional

from ..domain.catalogue import FormField, Procedure
from ..domain.completeness import form_fields
from ..domain.text import is_yes
from ..forms import Form, YesNoField

RADIO_MAX = 5  # more choices than this: a drop-down list

# Browser autofill for the applicant's own details; other people's fields get none, so that
# a phone never offers the parent's name for the child's.
AUTOCOMPLETE = {
    "applicant_full_name": "name",
    "applicant_birth_date": "bday",
    "applicant_sex": "sex",
    "applicant_phone": "tel",
    "applicant_email": "email",
    "applicant_address": "address-line1",  # street-address is for a textarea only
}
# Formats the domain knows, checked by the browser as the citizen types (HTML pattern and
# maxlength, no round trip): each pattern lets through every character the domain's
# validator accepts (digits and the separators it strips) and flags the rest at once; the
# server's message stays the authority (tthc.domain.validators). Browsers compile patterns
# with the "v" flag: ( ) / - are escaped inside classes.
_DASHES = "\\-\u2010-\u2015"  # ASCII and typographic dashes, as validators strips them
FORMATS: dict[str, dict[str, str]] = {
    "id_number": {"pattern": f"[0-9\\s.{_DASHES}]*", "maxlength": "24"},
    "phone": {"pattern": f"[0-9\\s.\\(\\)+{_DASHES}]*", "maxlength": "24"},
    "date": {"pattern": "[0-9\\s\\/.\\-]*", "maxlength": "16"},
    "int": {"pattern": "\\s*[0-9]*\\s*"},
}
INPUT_ATTRS: dict[str, dict[str, str]] = {
    "id_number": {"inputmode": "numeric", "spellcheck": "false", "class": "input-id",
                  **FORMATS["id_number"]},
    "phone": {"type": "tel", "inputmode": "tel", "class": "input-phone", **FORMATS["phone"]},
    "email": {"type": "email", "spellcheck": "false"},
    "int": {"inputmode": "numeric", "class": "input-short", **FORMATS["int"]},
    "date": {"inputmode": "numeric", "class": "input-date", **FORMATS["date"]},
}


class DossierForm(Form):
    """Base of the generated forms."""

    class Meta:
        csrf = False  # CSRFProtect guards every POST; the page renders csrf_token() itself

    specs: dict[str, FormField] = {}


def form_class(procedure: Procedure) -> type[DossierForm]:
    """The form class of one procedure version."""
    specs = {f.name: f for f in form_fields(procedure)}
    attrs: dict[str, Any] = {name: _field(spec) for name, spec in specs.items()}
    attrs["specs"] = specs
    return type(f"DossierForm_{procedure.code}", (DossierForm,), attrs)


def _field(spec: FormField) -> Field:
    render_kw = dict(INPUT_ATTRS.get(spec.type, {}))
    render_kw["autocomplete"] = AUTOCOMPLETE.get(spec.name, "off")
    if spec.type == "bool":
        return YesNoField(spec.label_vi, render_kw={})
    if spec.type == "choice":
        # Labels here are the Vietnamese ones; the page shows them in the visitor's language.
        choices = [SelectChoice(value, label) for value, label, _ in spec.choices]
        if len(choices) <= RADIO_MAX:
            return RadioField(spec.label_vi, choices=choices, validate_choice=False)
        return SelectField(spec.label_vi, choices=choices, validate_choice=False,
                           render_kw={"autocomplete": render_kw["autocomplete"]})
    if spec.type == "textarea":
        return TextAreaField(spec.label_vi, render_kw={"rows": "4", **render_kw})
    return StringField(spec.label_vi, render_kw=render_kw)


def bind(procedure: Procedure, answers: Mapping[str, Any] | None = None,
         formdata=None) -> DossierForm:
    """A form filled from posted *formdata*, or else from stored *answers*."""
    cls = form_class(procedure)
    if formdata is not None:
        return cls(formdata=formdata)
    data = {}
    for name, spec in cls.specs.items():
        value = (answers or {}).get(name)
        if spec.type == "bool":
            data[name] = is_yes(value)
        else:
            data[name] = value if isinstance(value, str) else ""
    return cls(formdata=None, data=data)


def posted_answers(form: DossierForm) -> dict[str, str]:
    """The raw answers of a posted form, as strings (a ticked box is "1", unticked "")."""
    answers = {}
    for name, spec in form.specs.items():
        data = form[name].data
        if spec.type == "bool":
            answers[name] = "1" if data else ""
        else:
            answers[name] = data if isinstance(data, str) else ""
    return answers


def field_attrs(field: Field) -> Markup:
    """A field's extra HTML attributes (its render_kw, but its type), ready to write out.

    The form macro writes controls itself rather than through WTForms' widgets: a draft's
    page has some thirty fields, and the widgets' attribute escaping was most of its cost.
    """
    render_kw = getattr(field, "render_kw", None) or {}
    attributes = "".join(f' {escape(k.rstrip("_").replace("_", "-"))}="{escape(v)}"'
                         for k, v in sorted(render_kw.items()) if k != "type")
    # Bandit B704 checked: every key and value is escaped before it is joined
    return Markup(attributes)  # nosec B704


def input_type(field: Field) -> str:
    return str((getattr(field, "render_kw", None) or {}).get("type", "text"))


class StatusChangeForm(Form):
    """«Sửa» or «Rút» on the status page: the status the page was rendered with, so that a
    click on a page the desk has overtaken changes nothing (compare-and-set)."""

    status = IntegerField(validators=[Optional()])
