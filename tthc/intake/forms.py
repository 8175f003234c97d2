"""The dossier form, built from the catalogue's data: no procedure has hand-written form code.

One WTForms class per procedure version (the applicant's fields first, then the
procedure's), made once per process. It only shapes and binds fields; whether an answer is
right is for ``tthc.domain.completeness``, whose messages are copied onto the fields.
CSRF is checked for every POST by Flask-WTF's CSRFProtect; templates render the token.
"""

from __future__ import annotations

import functools
from typing import Any, Mapping

from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import (BooleanField, Field, RadioField, SelectChoice, SelectField, StringField,
                     TextAreaField)

from ..domain.catalogue import FormField, Procedure
from ..domain.completeness import form_fields

RADIO_MAX = 5  # more choices than this: a drop-down list
FALSE_VALUES = ("", "0", "false")  # what an unticked box may send (it usually sends nothing)

# Browser autofill for the applicant's own details; other people's fields get none, so that
# a phone never offers the parent's name for the child's.
AUTOCOMPLETE = {
    "applicant_full_name": "name",
    "applicant_birth_date": "bday",
    "applicant_sex": "sex",
    "applicant_phone": "tel",
    "applicant_email": "email",
    "applicant_address": "street-address",
}
INPUT_ATTRS: dict[str, dict[str, str]] = {
    "id_number": {"inputmode": "numeric", "spellcheck": "false", "class": "input-id"},
    "phone": {"type": "tel", "inputmode": "tel", "class": "input-phone"},
    "email": {"type": "email", "spellcheck": "false"},
    "int": {"inputmode": "numeric", "class": "input-short"},
    "date": {"class": "input-date"},
}


class DossierForm(FlaskForm):
    """Base of the generated forms."""

    class Meta:
        csrf = False  # CSRFProtect guards every POST; the page renders csrf_token() itself

    specs: dict[str, FormField] = {}


_classes: dict[tuple, type[DossierForm]] = {}


def form_class(procedure: Procedure) -> type[DossierForm]:
    """The form class of one procedure version, made on first use."""
    key = (procedure.code, procedure.version, id(procedure))
    cls = _classes.get(key)
    if cls is None:
        specs = {f.name: f for f in form_fields(procedure)}
        attrs: dict[str, Any] = {name: _field(spec) for name, spec in specs.items()}
        attrs["specs"] = specs
        cls = _classes[key] = type(f"DossierForm_{procedure.code}", (DossierForm,), attrs)
    return cls


def _field(spec: FormField) -> Field:
    render_kw = dict(INPUT_ATTRS.get(spec.type, {}))
    render_kw["autocomplete"] = AUTOCOMPLETE.get(spec.name, "off")
    if spec.type == "bool":
        return BooleanField(spec.label_vi, render_kw={}, false_values=FALSE_VALUES)
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
            data[name] = _yes(value)
        else:
            data[name] = value if isinstance(value, str) else ""
    return cls(formdata=None, data=data)


def read_posted(procedure: Procedure, formdata) -> dict[str, str]:
    """The raw answers a posted form carries, as :func:`posted_answers` of the bound form
    would give them, without building the form: the live check runs on every pause in
    typing and needs the WTForms fields only for what it re-renders."""
    answers = {}
    # One plain dict (first value of each name): MultiDict.get raises and catches a
    # KeyError for every name the post lacks (an unticked box).
    posted = formdata.to_dict() if hasattr(formdata, "to_dict") else formdata
    for name, spec in form_class(procedure).specs.items():
        raw = posted.get(name)
        if spec.type == "bool":
            answers[name] = "1" if raw is not None and raw not in FALSE_VALUES else ""
        else:
            answers[name] = raw if isinstance(raw, str) else ""
    return answers


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


def _yes(value: Any) -> bool:
    return isinstance(value, str) and value.strip().lower() in ("1", "true", "on", "yes", "y", "có")


def field_attrs(field: Field) -> Markup:
    """A field's extra HTML attributes (its render_kw, but its type), ready to write out.

    The form macro writes controls itself rather than through WTForms' widgets: a draft's
    page has some thirty fields, and the widgets' attribute escaping was most of its cost.
    """
    render_kw = getattr(field, "render_kw", None) or {}
    return _attrs(tuple(sorted((k, str(v)) for k, v in render_kw.items() if k != "type")))


@functools.lru_cache(maxsize=512)
def _attrs(items: tuple[tuple[str, str], ...]) -> Markup:
    return Markup("".join(f' {escape(k.rstrip("_").replace("_", "-"))}="{escape(v)}"'
                          for k, v in items))


def input_type(field: Field) -> str:
    return str((getattr(field, "render_kw", None) or {}).get("type", "text"))
