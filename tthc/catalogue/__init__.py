"""The public catalogue of the ward's procedures."""

from flask import Blueprint, current_app

from ..domain.search_terms import SearchTerms, load_terms

bp = Blueprint("catalogue", __name__)


@bp.record_once
def _load_search_terms(state) -> None:
    # Read once at start from the deployed file (the same in every worker, never changed
    # while running); a faulty file stops the app from starting rather than half-working.
    state.app.extensions["tthc.search_terms"] = load_terms()


def search_terms() -> SearchTerms:
    """The synonyms and "where to go" answers of search (tthc/data/search_terms.toml)."""
    return current_app.extensions["tthc.search_terms"]


from . import views  # noqa: E402,F401
