"""The procedure catalogue as data: its shape, and the checks a data file must pass.

A catalogue file (TOML, see ``tthc/data/catalogue.toml``) is parsed into frozen
``Procedure`` values. Any fault raises ``CatalogueError`` naming the procedure and the
field, so that a bad file is refused whole and nothing is half-loaded.

Conditions (``when``) name form fields of the same procedure: a choice field is compared with
values it offers, a yes/no field with true/false, a date field with a window
``{ within_days = N }`` / ``{ after_days = N }`` counted back from today. A field's condition
reads only fields declared above it. How the rules are applied to answers lives in
``completeness`` (fields, papers) and ``fees`` (fee rules).

The data classes live in ``catalogue_model``, the parsing and checks of a file in
``catalogue_parser``; every public name is importable from here.
"""

from __future__ import annotations

from .catalogue_model import (
    DATE_WINDOWS,
    FEE_KINDS,
    FIELD_OPTIONS,
    FIELD_TYPES,
    FIELDS,
    ONLINE_LEVELS,
    PAPER_FORMS,
    RETURN_CHANNELS,
    CatalogueError,
    Condition,
    DateWindow,
    FeeRule,
    FormField,
    Paper,
    Procedure,
    in_force,
)
from .catalogue_parser import parse_catalogue, parse_procedure

__all__ = [
    "DATE_WINDOWS", "FEE_KINDS", "FIELD_OPTIONS", "FIELD_TYPES", "FIELDS", "ONLINE_LEVELS",
    "PAPER_FORMS", "RETURN_CHANNELS", "CatalogueError", "Condition", "DateWindow", "FeeRule",
    "FormField", "Paper", "Procedure", "in_force", "parse_catalogue", "parse_procedure",
]
