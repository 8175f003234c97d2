"""Shared form pieces: every POST is read through a Flask-WTF form (CSRF included)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField

from .domain.text import is_yes


class YesNoField(BooleanField):
    """A checkbox or a "1"/"có" from a button, read by the domain's one yes/no rule."""

    false_values = ()

    def process_formdata(self, valuelist):
        self.data = bool(valuelist) and is_yes(valuelist[0])


class Form(FlaskForm):
    """The base of every form: Flask-WTF (CSRF), with fields left to the server's messages."""

    class Meta:
        # The server's Vietnamese message beside the field is authoritative, not the
        # browser's own bubble (GOV.UK Notify's StripWhitespaceForm does the same).
        def render_field(self, field, render_kw):
            render_kw.setdefault("required", False)
            return super().render_field(field, render_kw)
