"""The queue for Monday walk-ins: tickets, the live ticket page, counters, the hall's board."""

from flask import Blueprint

bp = Blueprint("queue", __name__)
