"""The citizen's consent to be told, per channel: given on the draft's form, changed or
withdrawn on the dossier's status page; for a walk-in, recorded by the desk as the citizen
says (``record_at_desk``); withdrawn by code and address without a link (``stop``).

Silence is not consent (Decree 13/2023): every box starts unticked, and only the channels
the office can really send on are offered (the form says so when there is none). A box
ticked records the channel, the phone or email it is for and the time; a box unticked
later withdraws it (the row stays, with the time of withdrawal).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import request
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from wtforms import HiddenField

from ..domain import codes
from ..extensions import db
from ..forms import Form, YesNoField
from ..models import Dossier
from ..models.dossier import utcnow
from ..models.notify import NotifyConsent
from ..transactions import serialised
from . import gateways
from .messages import CHANNELS, EMAIL, PHONE_CHANNELS

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


def answered_addresses(dossier: Dossier) -> dict[str, str]:
    """The phone and email the dossier's answers give, by channel."""
    answers = dossier.answers or {}
    phone = "".join(ch for ch in str(answers.get("applicant_phone") or "") if ch.isdigit())
    email = str(answers.get("applicant_email") or "").strip()
    found = {channel: phone for channel in PHONE_CHANNELS if phone}
    if email:
        found[EMAIL] = email
    return found


DESK = "desk"  # NotifyConsent.source of a consent the desk recorded for a walk-in


def _addresses(dossier: Dossier, active: dict[str, NotifyConsent]) -> dict[str, str]:
    """Where each channel would send: the answers' phone or email, else the address a
    consent recorded at the desk was given for (a walk-in's, not in the answers)."""
    given = {c: row.address for c, row in active.items() if row.source == DESK}
    return {**given, **answered_addresses(dossier)}


def _active(session: Session, dossier_id: int) -> dict[str, NotifyConsent]:
    return {c.channel: c for c in session.scalars(
        select(NotifyConsent).where(NotifyConsent.dossier_id == dossier_id,
                                    NotifyConsent.withdrawn_at.is_(None)))}


def state(dossier: Dossier) -> ConsentState:
    """The boxes of *dossier*: channels its office sends on, and those the citizen chose."""
    offered = tuple(gateways.ready_channels(db.session, dossier.office_id))
    active = _active(db.session, dossier.id)
    addresses = _addresses(dossier, active)
    return ConsentState(offered, frozenset(active), "sms" in addresses, EMAIL in addresses)


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
          source: str, addresses: dict[str, str] | None = None) -> bool:
    """Make the active consents of the *shown* channels match *chosen*; True if changed.

    A channel is agreed to only with an address for it (a phone for SMS and Zalo, an email
    for email): *addresses* when given (the desk's, typed as the citizen says them), else
    the answers' (a new phone or email there moves the consent to it), else the address a
    consent recorded at the desk was given for.
    """
    active = _active(session, dossier.id)
    if addresses is None:
        addresses = _addresses(dossier, active)
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


# --- the desk, for a walk-in; a citizen without the dossier's link ----------------------------


def agreed_channels(session: Session, dossier_id: int) -> dict[str, str]:
    """The channels agreed to now, with the address each sends to."""
    return {c: row.address for c, row in _active(session, dossier_id).items()}


def _locked(session: Session, dossier_id: int) -> None:
    # PostgreSQL: the dossier's row is the lock every consent change of it takes (SQLite's
    # BEGIN IMMEDIATE in serialised() already holds the only write lock).
    session.execute(select(Dossier.id).where(Dossier.id == dossier_id).with_for_update())


def record_at_desk(dossier: Dossier, shown: list[str], chosen: set[str],
                   addresses: dict[str, str]) -> tuple[list[str], list[str]]:
    """Record what a citizen at the desk agrees to (the officer ticks as they say);
    the channels newly agreed to and those withdrawn, for the access log. Committed."""
    with serialised() as session:
        _locked(session, dossier.id)
        before = set(agreed_channels(session, dossier.id))
        apply(session, dossier, shown, chosen, DESK, addresses)
        session.flush()
        after = set(agreed_channels(session, dossier.id))
    return ([c for c in CHANNELS if c in after - before],
            [c for c in CHANNELS if c in before - after])


def _same_address(stored: str, typed: str) -> bool:
    if "@" in stored:
        return stored.casefold() == typed.casefold()
    digits = "".join(ch for ch in stored if ch.isdigit())
    national = "0" + digits[2:] if digits.startswith("84") else digits
    return bool(national) and national == typed


def stop(code: str, address: str) -> list[str] | None:
    """Withdraw the consents of the dossier with *code* that send to *address* (a phone as
    dialled, or an email); the channels withdrawn, or None when that dossier sends nothing
    there (an unknown code answers the same, so the page tells nothing about dossiers)."""
    dossier = _by_code(code)
    if dossier is None:
        return None
    stopped = []
    with serialised() as session:
        _locked(session, dossier.id)
        now = utcnow()
        for channel, row in _active(session, dossier.id).items():
            if _same_address(row.address, address):
                row.withdrawn_at = now
                stopped.append(channel)
    return [c for c in CHANNELS if c in stopped] or None


def _by_code(raw: str) -> Dossier | None:
    """A dossier by its official code or its pre-filing code (any case and spacing)."""
    prefiling = codes.normalise_prefiling_code(raw)
    if prefiling:
        found = db.session.scalar(select(Dossier).filter_by(prefiling_code=prefiling))
        if found is not None:
            return found
    official = " ".join(raw.split()).upper()
    if not official or len(official) > 40:
        return None
    return db.session.scalar(select(Dossier).where(func.upper(Dossier.code) == official))
