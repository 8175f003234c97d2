"""Which set of official forms applies: the office's choice, and the one a dossier recorded.

The sets are data (``tthc/data/forms.toml``, parsed by ``tthc.domain.formsets``). An office's
admin chooses the set in force on the settings page (Setting ``desk.form_set``; default the
file's ``default``, TT 01/2018 until the 2025 texts are verified). A dossier records the set
in force at the desk's first decision on it (reception, a request to supplement, a refusal):
its documents keep that set's numbers and titles after the office switches. A dossier that
recorded none (decided before sets were recorded) prints the file's ``unrecorded`` set,
TT 01/2018.
"""

from __future__ import annotations

import datetime as dt
from flask import current_app

from ..domain.formsets import STOP, FormSet, FormSets, OfficialForm
from ..models import Dossier
from ..offices import form_sets


def all_sets() -> FormSets:
    """Every set of the file (``TTHC_FORMS_FILE``, default ``tthc/data/forms.toml``)."""
    return form_sets()


def for_office(chosen: str | None, today: dt.date) -> FormSet:
    """The set an office uses today, from its setting (unknown or future: the default)."""
    return all_sets().for_office(chosen, today)


def of(dossier: Dossier) -> FormSet:
    """The set a dossier's documents print: the one it recorded, else TT 01/2018."""
    sets = all_sets()
    if dossier.form_set and sets.get(dossier.form_set) is None:
        current_app.logger.warning("dossier %s recorded an unknown form set %r",
                                   dossier.id, dossier.form_set)
    return sets.for_dossier(dossier.form_set)


def stop_notice(dossier: Dossier) -> OfficialForm | None:
    """The dossier's set's notice that processing is stopped (TT 03/2025 Form 05), if any."""
    return next((f for f in of(dossier).forms if f.kind == STOP and f.produced), None)


def pin(dossier: Dossier, chosen: str | None, today: dt.date) -> None:
    """Record on *dossier* the set in force, at the desk's first decision; never change it.

    A dossier that already had a document before sets were recorded (received, asked to
    supplement or refused, with no set) keeps TT 01/2018, the set it was printed under.
    """
    if dossier.form_set:
        return
    earlier = dossier.received_at is not None or bool(dossier.supplement_items) \
        or bool(dossier.refusal_reason)
    dossier.form_set = all_sets().unrecorded if earlier else for_office(chosen, today).key
