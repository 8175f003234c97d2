"""Which legal framework and which set of official forms apply to a dossier.

The framework is versioned data (``tthc/data/frameworks.toml``, parsed by
``tthc.domain.frameworks``; the days an office's admin set for unverified versions are in
its settings, ``tthc.offices.frameworks``). A dossier follows the version in force on the day
it is received: it records the version's key at reception (``Dossier.framework``) and cites
it ever after; before reception it follows today's. Every legal citation the desk shows comes
from that version (``law`` in the desk's templates, ``tthc.desk.legal``).

The set of forms (``tthc/data/forms.toml``) is the framework's: a dossier records the set in
force at the desk's first decision on it (reception, a request to supplement, a refusal) and
its documents keep that set's numbers and titles afterwards. A dossier that recorded none
(decided before sets were recorded) prints the file's ``unrecorded`` set, TT 01/2018.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app

from .. import offices
from ..domain.formsets import STOP, FormSet, FormSets, OfficialForm
from ..domain.frameworks import Version
from ..models import Dossier
from ..timeutil import TZ


def all_sets() -> FormSets:
    """Every set of the file (``TTHC_FORMS_FILE``, default ``tthc/data/forms.toml``)."""
    return offices.form_sets()


def in_force(office_id: int, day: dt.date) -> Version:
    """The framework version in force for the office on *day*."""
    return offices.framework(office_id, day)


def office_set(office_id: int, day: dt.date) -> FormSet:
    """The set of forms in force for the office on *day* (the framework's)."""
    return all_sets()[in_force(office_id, day).form_set]


def framework_of(dossier: Dossier, today: dt.date) -> Version:
    """The version a dossier cites: the one it recorded at reception, else the one in force
    on its reception date, else (not received yet) *today*'s."""
    versions = offices.frameworks(dossier.office_id)
    recorded = versions.get(dossier.framework)
    if recorded is not None:
        return recorded
    if dossier.framework:
        current_app.logger.warning("dossier %s recorded an unknown framework %r",
                                   dossier.id, dossier.framework)
    if dossier.received_at is not None:
        return versions.in_force(dossier.received_at.astimezone(TZ).date())
    return versions.in_force(today)


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


def pin(dossier: Dossier, today: dt.date, *, receiving: bool = False) -> None:
    """Record on *dossier* what is in force *today*: the framework version at its first
    reception, the set of forms at the desk's first decision; never change either.

    A dossier that already had a document before sets were recorded (received, asked to
    supplement or refused, with no set) keeps TT 01/2018, the set it was printed under.
    """
    version = in_force(dossier.office_id, today)
    if receiving and dossier.received_at is None and not dossier.framework:
        dossier.framework = version.key
    if dossier.form_set:
        return
    earlier = dossier.received_at is not None or bool(dossier.supplement_items) \
        or bool(dossier.refusal_reason)
    dossier.form_set = all_sets().unrecorded if earlier else version.form_set
