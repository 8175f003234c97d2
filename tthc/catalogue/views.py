from flask import abort, current_app, render_template, request
from flask_babel import gettext

from ..domain.text import clean
from ..htmx import is_fragment_request
from .caching import public_page
from . import bp, present, search_terms, services


@bp.app_context_processor
def _present():
    return {"present": present}


@bp.get("/")
@public_page
def home():
    """Show what the Monday model offers, a search box and the most used procedures."""
    return render_template("catalogue/home.html", popular=services.most_used())


@bp.get("/thu-tuc")
@public_page
def procedures():
    """List the procedures in force, filtered by words (diacritics optional) and field."""
    # Cleaned as every typed value is (NFC, no control characters: a NUL echoed back into
    # the search box would make the page invalid HTML).
    query = clean(request.args.get("q", ""))
    field = clean(request.args.get("linh-vuc", ""))
    max_chars = current_app.config["TTHC_SEARCH_MAX"]
    error, status = None, 200
    if len(query) > max_chars:
        error = gettext("Từ khóa tìm kiếm quá dài. Vui lòng nhập tối đa %(n)d ký tự.", n=max_chars)
        status = 400
    in_force = services.versions_in_force()
    terms = search_terms()
    results = services.search(query, field, max_chars=max_chars, versions=in_force, terms=terms)
    context = {
        "query": query, "field": field, "results": results, "error": error,
        "fields": services.fields_in_use(in_force),
        "elsewhere": services.elsewhere(query, terms, max_chars=max_chars),
    }
    template = "catalogue/_results.html" if is_fragment_request() else "catalogue/list.html"
    return render_template(template, **context), status


def _procedure_or_404(code: str):
    version = services.get_in_force(code)
    if version is None:
        abort(404)
    return version, services.spec_of(version)


@bp.get("/thu-tuc/<code>")
@public_page
def detail(code: str):
    """Show one procedure in plain language: papers, fee, time, legal basis."""
    version, spec = _procedure_or_404(code)
    return render_template("catalogue/detail.html", version=version, p=spec)


@bp.get("/thu-tuc/<code>/giay-to")
@public_page
def checklist(code: str):
    """Show the printable checklist of papers to bring."""
    version, spec = _procedure_or_404(code)
    return render_template("catalogue/checklist.html", version=version, p=spec)
