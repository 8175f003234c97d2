"""Citizens pre-file on their phones: drafts, the live completeness check, submit, look-up."""

from flask import Blueprint

bp = Blueprint("intake", __name__)

from . import views, lookup_views  # noqa: E402,F401
from .declaration import has_declaration  # noqa: E402
from .forms import field_attrs, input_type  # noqa: E402

# The form macro (templates/_macros/forms.html) writes controls with these.
bp.add_app_template_global(field_attrs, "field_attrs")
bp.add_app_template_global(input_type, "input_type")
# Links to the printable declaration form (tờ khai), on the citizen's and the desk's pages.
bp.add_app_template_global(has_declaration, "has_declaration")
