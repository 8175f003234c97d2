"""The official declaration forms (tờ khai) as data: their layout, the checks, the filling.

A declarations file (TOML, see ``tthc/data/declarations.toml``) lists ``[[form]]`` tables.
Each form names the procedures it serves (by catalogue code), its title, legal basis,
``effective_from`` date, ``source`` and whether its wording was checked against the official
text (``verified``), its numbered footnotes (``notes``) and its ordered ``lines``. A line is
one of:

``text``        fixed wording (``text``; ``style`` bold, italic or center);
``addressee``   "Kính gửi:" (``label``), filled with the office's name;
``fields``      one or more ``parts`` on one printed line: a ``label`` bound to no field
                (left blank, to fill by hand), to a ``field`` or to several ``fields``
                (joined with ", "), printed by ``format``: text (as answered; a choice prints
                its Vietnamese label), date (dd/mm/yyyy), year, or date_words ("Ngày mười lăm,
                tháng ba, năm …"); an optional ``suffix`` ("bản") follows the value;
``choice``      a ``label`` and checkbox ``options`` (``value``, ``text``) ticked by the answer
                to ``field`` (a yes/no or choice field; none: all boxes left blank), with an
                optional ``count`` part ("Số lượng: … bản");
``table``       ``columns`` headings and ``rows`` (``label``, one field per further column, ""
                for a cell left blank): the two sides of a marriage declaration;
``commitment``  the declarant's commitment sentence (``text``);
``place_date``  "Làm tại: …, ngày … tháng … năm …" (``text``), completed when signing;
``signature``   ``signers`` (``title``, ``caption``, ``field`` whose answer is printed under
                the signature space).

Every line and part may carry ``note = N``: the footnote number printed after its label.
A form has exactly one addressee, commitment, place_date and signature line, and every note
is referred to. Any fault raises ``DeclarationError`` naming the form and the line, so a bad
file is refused whole. ``check_fields`` tells whether a form's field names exist in a
procedure (``completeness.form_fields``) and suit their use; ``fill`` turns a form and the
normalised answers into printable lines.

A dossier keeps the form in force on its date (``in_force``): the version with the latest
``effective_from`` not after that date, like the procedure versions of the catalogue.

The layout's data classes live in ``declarations_model``, the parsing in
``declarations_parser``, the checks against a procedure in ``declarations_checks`` and the
filling in ``declarations_fill``; every public name is importable from here.
"""

from __future__ import annotations

from .declarations_checks import check_fields, check_procedure, in_force
from .declarations_fill import (FilledForm, FilledLine, FilledOption, FilledPart, FilledRow,
                                FilledSigner, fill)
from .declarations_model import (FORMATS, KINDS, ONCE, STYLES, DeclarationError,
                                 DeclarationForm, Line, Option, Part, Row, Signer)
from .declarations_parser import (DECLARATIONS_FILE, load_declarations_file, parse_declarations,
                                  parse_form)

__all__ = [
    "DECLARATIONS_FILE", "FORMATS", "KINDS", "ONCE", "STYLES", "DeclarationError",
    "DeclarationForm", "FilledForm", "FilledLine", "FilledOption", "FilledPart", "FilledRow",
    "FilledSigner", "Line", "Option", "Part", "Row", "Signer", "check_fields",
    "check_procedure", "fill", "in_force", "load_declarations_file", "parse_declarations",
    "parse_form",
]
