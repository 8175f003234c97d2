"""The office's admin in the browser: procedures, the legal framework, the office, holidays,
staff and (for a city admin) new offices. Every page needs the admin role."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from . import (  # noqa: E402,F401
    dataprotection, frameworks, holidays, office, offices, procedures, staff, views,
)
