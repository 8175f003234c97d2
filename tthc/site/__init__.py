"""Site-wide endpoints that belong to no service: the health check."""

from flask import Blueprint

bp = Blueprint("site", __name__)

from . import views  # noqa: E402,F401
