from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField


class LoginForm(FlaskForm):
    """Staff sign-in; the page renders the labels (translated at render time)."""

    username = StringField()
    password = PasswordField()
    next = HiddenField()


class EmptyForm(FlaskForm):
    """A one-button form (sign out, queue actions): only the CSRF token."""
