"""What the admin pages read and change: gateways, the site's address, wording, the outbox."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from typing import Any, Collection, Mapping

from cryptography.fernet import Fernet
from sqlalchemy import func, select, update

from ..domain.codes import format_prefiling_code
from ..extensions import db
from ..models import Dossier, Setting
from ..models.dossier import utcnow
from ..models.notify import NotifyGateway, NotifyMessage, NotifyTemplate
from ..transactions import serialised
from . import gateways, messages, sealing, sender

_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")  # as intake's: malformed ones never reach the DB


# --- gateways ---------------------------------------------------------------------------------


def save_gateway(office_id: int, channel: str, enabled: bool, config: Mapping[str, Any],
                 keep: Collection[str] = ()) -> list[str]:
    """Store one gateway, its secrets sealed with the current key (a value stored in clear
    before is sealed now too); the names of the settings that changed (never their values).

    *keep*: secrets left as stored, unread (sealed under a key this server does not have).
    """
    row = db.session.scalar(select(NotifyGateway).filter_by(office_id=office_id,
                                                            channel=channel))
    before = gateways.opened(row).config if row is not None else {}

    def value(settings: Mapping[str, Any], key: str) -> Any:
        return settings.get(key, False if key in gateways.FLAGS else "")

    changed = [k for k in gateways.FIELDS[channel]
               if k not in keep and value(before, k) != value(config, k)]
    stored = gateways.sealed({k: v for k, v in config.items() if k not in keep})
    if row is None:
        row = NotifyGateway(office_id=office_id, channel=channel)
        db.session.add(row)
    else:
        stored.update({k: row.config[k] for k in keep if k in (row.config or {})})
    if bool(row.enabled) != enabled:
        changed.insert(0, "enabled" if enabled else "disabled")
    row.enabled = enabled
    row.config = stored
    db.session.commit()
    return changed


def rekey(old: list[Fernet]) -> tuple[int, list[str]]:
    """Seal every stored secret with the current key, opening it with the current keys or
    *old* ones; values stored in clear are sealed too. The number of rows rewritten, and
    "office/channel: name" of each secret no key opens (left as it is)."""
    rewritten, unreadable = 0, []
    rows = db.session.execute(select(NotifyGateway.id, NotifyGateway.office_id,
                                     NotifyGateway.channel, NotifyGateway.config,
                                     NotifyGateway.updated_at)).all()
    db.session.commit()
    for row_id, office_id, channel, config, updated_at in rows:
        config, resealed = dict(config or {}), False
        for name in sorted(gateways.SECRETS & config.keys()):
            try:
                config[name] = sealing.resealed(config[name], old)
                resealed = True
            except sealing.Unreadable:
                unreadable.append(f"{office_id}/{channel}: {name}")
        if not resealed:
            continue
        c = NotifyGateway.__table__.c
        with serialised() as session:
            # Compare-and-set on the time of the last save: an admin's save meanwhile wins
            # (it is sealed with the current key already).
            result = session.execute(update(NotifyGateway.__table__)
                                     .where(c.id == row_id, c.updated_at == updated_at)
                                     .values(config=config, updated_at=utcnow()))
        rewritten += result.rowcount
    return rewritten, unreadable


def save_public_url(office_id: int, url: str) -> bool:
    """Store the site's address for look-up links; True if it changed."""
    row = db.session.scalar(select(Setting).filter_by(office_id=office_id,
                                                      key=sender.PUBLIC_URL_KEY))
    if row is not None and row.value == url:
        return False
    if row is None:
        db.session.add(Setting(office_id=office_id, key=sender.PUBLIC_URL_KEY, value=url))
    else:
        row.value = url
    db.session.commit()
    return True


# --- wording ----------------------------------------------------------------------------------


def custom_wordings(office_id: int) -> set[tuple[str, str]]:
    """The (event, channel) pairs this office has reworded."""
    return {(r.event, r.channel) for r in db.session.execute(
        select(NotifyTemplate.event, NotifyTemplate.channel).filter_by(office_id=office_id))}


def save_wording(office_id: int, event: str, channel: str,
                 wording: messages.Wording | None) -> None:
    """Store the office's wording; None goes back to the default."""
    row = db.session.scalar(select(NotifyTemplate).filter_by(
        office_id=office_id, event=event, channel=channel))
    if wording is None:
        if row is not None:
            db.session.delete(row)
    else:
        if row is None:
            row = NotifyTemplate(office_id=office_id, event=event, channel=channel)
            db.session.add(row)
        row.subject, row.body = wording.subject, wording.body
        row.zns_template_id = wording.zns_template_id
    db.session.commit()


@dataclass(frozen=True)
class Preview:
    subject: str
    body: str
    parts: int  # SMS parts


def preview(channel: str, wording: messages.Wording, ascii_sms: bool = False) -> Preview:
    """The message with made-up values (never a real citizen's)."""
    values = messages.SAMPLE_VALUES
    body = messages.render(wording.body, values)
    if channel == messages.SMS and ascii_sms:
        body = messages.fold(body)
    return Preview(messages.render(wording.subject, values), body,
                   messages.sms_parts(body) if channel == messages.SMS else 0)


# --- the outbox -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One outbox row as the admin sees it: the recipient masked, no message text."""

    id: int
    created_at: dt.datetime
    event: str
    channel: str
    recipient: str
    status: str
    attempts: int
    next_attempt_at: dt.datetime
    reason: str
    last_error: str
    dossier_code: str


def mask_recipient(channel: str, address: str) -> str:
    """0912345678 → ••••••678; hoa@example.vn → h•••@example.vn."""
    if channel == messages.EMAIL:
        name, _, domain = address.partition("@")
        return (name[:1] + "•••@" + domain) if domain else "•••"
    return "•" * max(len(address) - 3, 0) + address[-3:]


def counts(office_id: int, since: dt.datetime) -> dict[str, int]:
    """Rows written since *since*, by status."""
    return dict(db.session.execute(
        select(NotifyMessage.status, func.count()).where(
            NotifyMessage.office_id == office_id, NotifyMessage.created_at >= since)
        .group_by(NotifyMessage.status)).all())


def problems(office_id: int, limit: int = 50) -> list[Row]:
    """The latest rows that were not sent as they should: failed, skipped, or retrying."""
    stmt = (select(NotifyMessage, Dossier.code, Dossier.prefiling_code)
            .outerjoin(Dossier, Dossier.id == NotifyMessage.dossier_id)
            .where(NotifyMessage.office_id == office_id,
                   (NotifyMessage.status.in_((sender.FAILED, sender.SKIPPED)))
                   | ((NotifyMessage.status == sender.PENDING) & (NotifyMessage.attempts > 0)))
            .order_by(NotifyMessage.created_at.desc(), NotifyMessage.id.desc()).limit(limit))
    # A recipient blanked by retention shows blank, and the row offers no «Gửi lại».
    return [Row(m.id, m.created_at, m.event, m.channel,
                mask_recipient(m.channel, m.recipient) if m.recipient else "",
                m.status, m.attempts, m.next_attempt_at, m.reason, m.last_error,
                code or (format_prefiling_code(prefiling) if prefiling else ""))
            for m, code, prefiling in db.session.execute(stmt)]


def retry(office_id: int, message_id: int) -> int | None:
    """Send a failed or skipped row again at the sender's next pass (compare-and-set on the
    status: a row sent or pending meanwhile is left alone). None if the row is not this
    office's; else its dossier id, or 0 without one (a ticket's)."""
    row = db.session.scalar(select(NotifyMessage).where(
        NotifyMessage.id == message_id, NotifyMessage.office_id == office_id))
    if row is None:
        return None
    dossier_id = row.dossier_id or 0
    c = NotifyMessage.__table__.c
    db.session.execute(update(NotifyMessage.__table__)
                       .where(c.id == message_id,
                              c.status.in_((sender.FAILED, sender.SKIPPED)),
                              # Blanked by retention (or a ticket's day over): nowhere to send.
                              c.recipient != "")
                       .values(status=sender.PENDING, next_attempt_at=utcnow(), reason=""))
    db.session.commit()
    return dossier_id


def since_days(days: int) -> dt.datetime:
    return utcnow() - dt.timedelta(days=days)


def dossier_by_token(token: str) -> Dossier | None:
    """The dossier a link token opens, or None.

    The same rule as intake's ``find_by_token`` (the SHA-256 of the token is stored):
    intake calls into this package to record consent, so this package cannot import intake.
    """
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        return None
    digest = hashlib.sha256(token.encode()).hexdigest()
    return db.session.scalar(select(Dossier).where(Dossier.token_hash == digest))
