"""The reception desk: open, check, receive, decide, slips, processing and return."""

from flask import Blueprint

bp = Blueprint("desk", __name__)

from . import (declaration, ledger, legal, pages, processing, scans, signoff,  # noqa: E402,F401
               views)
