"""The blueprint object alone, so that the public board can attach its views to it without
importing the staff views (which use the desk)."""

from flask import Blueprint

bp = Blueprint("reports", __name__)
