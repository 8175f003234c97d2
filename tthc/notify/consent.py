"""The citizen's consent to be told, per channel: given on the draft's form, changed or
withdrawn on the dossier's status page.

Silence is not consent (Decree 13/2023): every box starts unticked, and only the channels
the office can really send on are offered (the form says so when there is none). A box
ticked records the channel, the phone or email it is for and the time; a box unticked
later withdraws it (the row stays, with the time of withdrawal).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import request
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import HiddenField

from ..extensions import db
from ..forms import Form, YesNoField
from ..models import Dossier
from ..models.dossier import utcnow
from ..models.notify import NotifyConsent
from . import gateways
from .messages import CHANNELS, EMAIL, PHONE_CHANNELS
from .outbox import active_consents

SHOWN_FIELD = "tb_shown"  # the channels the page offered, e.g. "sms,email"


class ConsentForm(Form):
    """The consent boxes, posted with the draft's form or alone from the status page."""

    tb_shown = HiddenField()
    tb_sms = YesNoField()
    tb_zalo = YesNoField()
    tb_email = YesNoField()

    def shown(self) -> list[str]:
        raw = (self.tb_shown.data or "")[:40]
        return [c for c in raw.split(",") if c in CHANNELS]

    def chosen(self) -> set[str]:
        return {c for c in self.shown() if self[f"tb_{c}"].data}


@dataclass(frozen=True)
class ConsentState:
    """What the boxes show for one dossier: the channels offered and those agreed to."""

    offered: tuple[str, ...]
    agreed: frozenset[str]
    phone: bool  # the dossier has a phone number to send to
    email: bool

    @property
    def choices(self) -> tuple[str, ...]:
        """The boxes to show: the channels offered, and any agreed to that no longer is
        (so that it can still be withdrawn)."""
        return tuple(c for c in CHANNELS if c in self.offered or c in self.agreed)

    @property
    def shown(self) -> str:
        return ",".join(self.choices)


def _addresses(dossier: Dossier) -> dict[str, str]:
    answers = dossier.answers or {}
    phone = "".join(ch for ch in str(answers.get("applicant_phone") or "") if ch.isdigit())
    email = str(answers.get("applicant_email") or "").strip()
    found = {channel: phone for channel in PHONE_CHANNELS if phone}
    if email:
        found[EMAIL] = email
    return found


def state(dossier: Dossier) -> ConsentState:
    """The boxes of *dossier*: channels its office sends on, and those the citizen chose."""
    offered = tuple(gateways.ready_channels(db.session, dossier.office_id))
    agreed = frozenset(c.channel for c in active_consents(db.session, dossier.id))
    addresses = _addresses(dossier)
    return ConsentState(offered, agreed, "sms" in addresses, EMAIL in addresses)


def record_posted(dossier: Dossier, source: str = "draft") -> bool:
    """Read the consent boxes of this POST, if the page showed them, and store any change.

    Intake calls this once when it saves the draft's form; the status page's own form
    comes here too. Returns True if something changed (and was committed).
    """
    if not request.form.get(SHOWN_FIELD):
        # Not a page with the boxes (a bare button, a supplement's form), or an office that
        # offers no channel: nothing to read, and the live check costs no query here.
        return False
    form = ConsentForm(request.form, meta={"csrf": False})  # CSRFProtect checked the POST
    changed = apply(db.session, dossier, form.shown(), form.chosen(), source)
    if changed:
        db.session.commit()
    return changed


def apply(session: Session, dossier: Dossier, shown: list[str], chosen: set[str],
          source: str) -> bool:
    """Make the active consents of the *shown* channels match *chosen*; True if changed.

    A channel is agreed to only with an address for it (a phone for SMS and Zalo, an email
    for email); a new phone or email moves the consent to it.
    """
    addresses = _addresses(dossier)
    active = {c.channel: c for c in session.scalars(
        select(NotifyConsent).where(NotifyConsent.dossier_id == dossier.id,
                                    NotifyConsent.withdrawn_at.is_(None)))}
    now = utcnow()
    changed = False
    for channel in shown:
        wanted = channel in chosen and channel in addresses
        current = active.get(channel)
        if current is not None and not wanted:
            current.withdrawn_at = now
            changed = True
        elif current is None and wanted:
            session.add(NotifyConsent(dossier_id=dossier.id, channel=channel,
                                      address=addresses[channel], given_at=now,
                                      source=source))
            changed = True
        elif current is not None and current.address != addresses[channel]:
            current.address = addresses[channel]
            changed = True
    return changed
