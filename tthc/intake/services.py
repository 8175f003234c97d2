"""Intake's services, in one place: what the views and the desk call.

The functions live by concern in ``drafts`` (finding, starting, saving and checking a
draft), ``sending`` (submit and the other status changes), ``lookups``, ``profiles`` (a
phone's remembered details), ``mine`` (the dossiers a phone keeps, and the sealed link that
``create_draft`` keeps for them) and ``papers`` (a dossier's files); the rules themselves are in
``tthc.domain`` (completeness, fees, status). The desk reaches intake only through this
module (``from ..intake import services as intake``).
"""

from __future__ import annotations

from ..domain.status import EDITABLE, WITHDRAWABLE_ONLINE
from .declaration import form_for as declaration_form_for
from .declaration import render as render_declaration
from .drafts import (MAX_ANSWER_LENGTH, Checked, Edit, NotEditable, answer_fields,
                     assess_dossier, check, editable, find_by_token, hash_secret, profile_for,
                     provided_papers, read_answers, read_papers_confirmed, save, spec_of,
                     supplement_notes, supplement_targets)
from .forms import bind, posted_answers
from .lookups import find_by_code, lookup, normalise_last4, supplement_list
from .mine import MyDossier, create_draft, link_for, my_dossiers
from .papers import add_upload, can_read_upload, delete_upload
from .present import declaration_rows, gap_groups, panel_state, sections
from .profiles import forget, new_device_secret, stop_remembering
from .sending import (Incomplete, change_status, citizen_actions, follow_the_law_in_force,
                      next_monday, refresh_version, reopen, submit, withdraw)
from .uploads import PDF, UploadError, path_of

__all__ = [
    # drafts
    "MAX_ANSWER_LENGTH", "Checked", "Edit", "NotEditable", "answer_fields", "assess_dossier",
    "check", "create_draft", "editable", "find_by_token", "hash_secret", "profile_for",
    "provided_papers", "read_answers", "read_papers_confirmed", "save", "spec_of",
    "supplement_notes", "supplement_targets",
    # status
    "EDITABLE", "WITHDRAWABLE_ONLINE", "Incomplete", "change_status", "citizen_actions",
    "next_monday", "refresh_version", "follow_the_law_in_force", "reopen", "submit", "withdraw",
    # look-up, the phone's profile, files
    "find_by_code", "lookup", "normalise_last4", "supplement_list", "forget",
    "new_device_secret", "stop_remembering", "add_upload", "can_read_upload",
    "delete_upload", "PDF", "UploadError", "path_of",
    # the dossiers a phone keeps
    "MyDossier", "link_for", "my_dossiers",
    # for the desk: the form, what the pages show, the declaration form
    "bind", "posted_answers", "declaration_rows", "gap_groups", "panel_state", "sections",
    "declaration_form_for", "render_declaration",
]
