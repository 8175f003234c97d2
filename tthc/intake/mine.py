"""My dossiers on this phone: the drafts and dossiers a phone keeps, listed with their links.

The consent is the one the citizen gives for the remembered details: the secret cookie of
the phone and its ``ApplicantProfile`` (``profiles``). A dossier is the phone's while it is
linked to that profile (``Dossier.profile_id``): the draft was started on the phone, or its
link was opened there and «Ghi nhớ» ticked. Nothing is listed without the profile, and
forgetting the phone unlinks every dossier.

A dossier keeps only the hash of its link token. To give the link back to its phone, the
token is kept sealed (``DossierLink``) with Fernet under the key of ``DOSSIER_LINKS``
(tthc.notify.sealing: derived from ``SECRET_KEY``, its fallbacks still open), and checked on
opening against the dossier's token hash, so a seal copied to another dossier's row opens
nothing. The database alone reveals no link; the server opens a seal only for the phone
whose profile the dossier is linked to.
"""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..domain.codes import format_prefiling_code
from ..domain.status import Status
from ..extensions import db
from ..models import ApplicantProfile, Dossier, DossierLink, Office, ProcedureVersion
from ..notify import sealing
from . import drafts

#: The most dossiers one page lists, newest change first.
MAX_LISTED = 50


# --- sealing a link token --------------------------------------------------------------------


def seal_link(token: str) -> str:
    """The link token sealed for its ``DossierLink`` row."""
    return sealing.seal(token, purpose=sealing.DOSSIER_LINKS)


def open_link(dossier: Dossier, sealed: str | None) -> str | None:
    """The dossier's link token, or None when the seal is not one of *dossier*'s that a key
    of this server opens."""
    if not sealing.is_sealed(sealed):
        return None
    try:
        token = sealing.unseal(sealed, purpose=sealing.DOSSIER_LINKS)
    except sealing.Unreadable:
        return None
    if hmac.compare_digest(drafts.hash_secret(token), dossier.token_hash):
        return token
    return None


def create_draft(version: ProcedureVersion, office: Office,
                 profile: ApplicantProfile | None) -> tuple[Dossier, str]:
    """Start a draft (``drafts.create_draft``) and keep its link sealed for its phone."""
    dossier, token = drafts.create_draft(version, office, profile)
    db.session.add(DossierLink(dossier_id=dossier.id, sealed=seal_link(token)))
    db.session.commit()
    return dossier, token


# --- what the phone sees ---------------------------------------------------------------------


@dataclass(frozen=True)
class MyDossier:
    """One line of "my dossiers": what it is, where it stands, and its link if known."""

    dossier: Dossier
    token: str | None  # None: started before links were kept; opened by the saved link only

    @property
    def status(self) -> Status:
        return Status(self.dossier.status)

    @property
    def code(self) -> str:
        """The official code once received, else the pre-filing code as printed."""
        return self.dossier.code or format_prefiling_code(self.dossier.prefiling_code)

    @property
    def changed_at(self) -> dt.datetime:
        return self.dossier.updated_at


def my_dossiers(device_secret: str | None) -> list[MyDossier] | None:
    """The phone's dossiers, newest change first; None when the phone keeps nothing."""
    profile = drafts.profile_for(device_secret)
    if profile is None:
        return None
    rows = db.session.execute(
        select(Dossier, DossierLink.sealed)
        .outerjoin(DossierLink, DossierLink.dossier_id == Dossier.id)
        .options(joinedload(Dossier.procedure_version))
        .where(Dossier.profile_id == profile.id)
        .order_by(Dossier.updated_at.desc(), Dossier.id.desc())
        .limit(MAX_LISTED)).all()
    return [MyDossier(dossier, open_link(dossier, sealed))
            for dossier, sealed in rows]


def link_for(dossier: Dossier, device_secret: str | None) -> str | None:
    """The dossier's link token when this phone keeps the dossier, else None."""
    profile = drafts.profile_for(device_secret)
    if profile is None or dossier.profile_id != profile.id:
        return None
    sealed = db.session.scalar(select(DossierLink.sealed).filter_by(dossier_id=dossier.id))
    return open_link(dossier, sealed)
