"""Citizens pre-file on their phones: drafts, the live completeness check, submit, look-up."""

from flask import Blueprint

bp = Blueprint("intake", __name__)
