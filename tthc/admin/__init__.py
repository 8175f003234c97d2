"""The office's admin in the browser: procedures, the legal framework, the office, holidays,
staff and (for a city admin) new offices. Every page needs the admin role."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from . import views  # noqa: E402,F401
from . import procedures  # noqa: E402,F401
from . import frameworks  # noqa: E402,F401
