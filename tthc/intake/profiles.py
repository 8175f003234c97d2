"""The applicant profile: a phone's remembered details, keyed by a secret in a cookie.

Drafts keep it in step as they are saved (``drafts.check``); here the citizen stops it.
"""

from __future__ import annotations

import secrets

from sqlalchemy import update

from ..extensions import db
from ..models import Dossier
from .drafts import profile_for


def new_device_secret() -> str:
    return secrets.token_urlsafe(32)


def stop_remembering(dossier: Dossier) -> None:
    """Unlink the draft from the phone's profile."""
    if dossier.profile_id is not None:
        dossier.profile_id = None
        db.session.commit()


def forget(device_secret: str | None) -> bool:
    """Delete the phone's profile; drafts keep their own answers. True if one existed."""
    profile = profile_for(device_secret)
    if profile is None:
        return False
    db.session.execute(update(Dossier).where(Dossier.profile_id == profile.id)
                       .values(profile_id=None))
    db.session.delete(profile)
    db.session.commit()
    return True
