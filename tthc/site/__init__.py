"""Site-wide pages: health check, and honest stand-ins for pages still being built."""

from flask import Blueprint

bp = Blueprint("site", __name__)

from . import views  # noqa: E402,F401
from .views import link_to, register_upcoming  # noqa: E402,F401
