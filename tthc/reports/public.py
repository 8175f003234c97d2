"""The public board (/cong-khai): what an office achieved this month and last, for anyone
and for the notice board (printable), and the same as JSON. No personal data.

It never imports the desk (.importlinter: "The public blueprints never import the desk").
"""

from __future__ import annotations

from flask import abort, g, jsonify, render_template, request, url_for
from flask_babel import format_decimal

from ..offices import current_office
from ..timeutil import now, today
from . import board
from .blueprint import bp

BY_PROCEDURE = "thu-tuc"


def _office():
    code = request.args.get("co-quan", "")
    office = board.office_by_code(code) if code else current_office()
    if office is None:
        abort(404)
    return office


def _figures(office) -> list[board.MonthFigures]:
    return board.board(office.id, today(), now(),
                       per_procedure=request.args.get("theo") == BY_PROCEDURE)


def _json(office, months: list[board.MonthFigures]):
    response = jsonify({
        "office": {"code": office.code, "name": office.name},
        "generated_at": now().isoformat(timespec="seconds"),
        "months": [m.as_json() for m in months],
        "html": url_for("reports.public", **{"co-quan": office.code}, _external=False),
    })
    return response


def number(value, decimals: int = 1) -> str:
    if value is None:
        return "–"
    return format_decimal(value, format="#,##0" if decimals == 0 else "#,##0.0")


@bp.get("/cong-khai")
def public():
    """Show an office's results this month and last (?theo=thu-tuc: per procedure)."""
    office = _office()
    months = _figures(office)
    if request.args.get("format") == "json":
        return _json(office, months)
    g.public_page = True  # no form, no CSRF token, no personal data
    g.office = office
    return render_template("reports/public.html", months=months, board_office=office,
                           per_procedure=request.args.get("theo") == BY_PROCEDURE,
                           offices=board.offices(), number=number)


@bp.get("/cong-khai.json")
def public_json():
    """The same results as JSON."""
    office = _office()
    return _json(office, _figures(office))
