"""The office's gateways: their settings, and one send function per channel.

- SMS: a generic JSON ``POST`` to the provider's URL, ``Authorization: Bearer <token>``,
  body ``{"to", "text", "sender", "id"}``; any 2xx answer is success. Most Vietnamese
  brandname providers are reached through such an adapter.
- Zalo: the Zalo Notification Service (ZNS) template API: ``POST`` with the header
  ``access_token``, body ``{"phone": "84…", "template_id", "template_data", "tracking_id"}``;
  success is a 2xx answer whose JSON has ``"error": 0``.
- Email: SMTP (``smtplib``), STARTTLS when asked (or implicit TLS on port 465), a login
  when a user is set.

Settings are read from the database at each send (several senders, one admin page); the
secrets among them (token, password) are stored sealed (``sealing``) and opened here. A
send raises :class:`GatewayError`; ``permanent`` says that trying again cannot help.
"""

from __future__ import annotations

import json
import smtplib
import ssl
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models.notify import NotifyGateway
from . import sealing
from .messages import EMAIL, SMS, ZALO

TIMEOUT = 10  # seconds for one HTTP or SMTP exchange
ZNS_URL = "https://business.openapi.zalo.me/message/template"

#: The settings of each channel, in form order; secrets are sealed and never shown back.
FIELDS: dict[str, tuple[str, ...]] = {
    SMS: ("url", "token", "sender", "ascii"),
    ZALO: ("url", "token"),
    EMAIL: ("host", "port", "user", "password", "sender", "starttls"),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    SMS: ("url",), ZALO: ("url", "token"), EMAIL: ("host", "port", "sender"),
}
SECRETS = frozenset({"token", "password"})
FLAGS = frozenset({"ascii", "starttls"})


class GatewayError(Exception):
    """The gateway did not take the message; *permanent*: retrying cannot help."""

    def __init__(self, detail: str, *, permanent: bool = False):
        super().__init__(detail)
        self.detail = detail[:500]
        self.permanent = permanent


@dataclass(frozen=True)
class Gateway:
    """A gateway's settings with its secrets opened (in memory only, never rendered)."""

    channel: str
    enabled: bool
    config: Mapping[str, Any]
    #: Secrets stored sealed under a key this server does not have: to be typed again.
    unreadable: frozenset[str] = field(default_factory=frozenset)

    @property
    def ready(self) -> bool:
        """Enabled, with every required setting and every stored secret readable."""
        return (self.enabled and not self.unreadable
                and all(self.config.get(k) for k in REQUIRED[self.channel]))

    def saved(self, name: str) -> bool:
        """A secret is stored under this name (readable or not)."""
        return bool(self.config.get(name)) or name in self.unreadable


def opened(row: NotifyGateway) -> Gateway:
    """A stored row as a :class:`Gateway`: secrets unsealed, legacy clear values as they are."""
    config: dict[str, Any] = dict(row.config or {})
    unreadable = set()
    for name in SECRETS & config.keys():
        try:
            config[name] = sealing.unseal(config[name])
        except sealing.Unreadable:
            del config[name]
            unreadable.add(name)
    return Gateway(row.channel, bool(row.enabled), config, frozenset(unreadable))


def sealed(config: Mapping[str, Any]) -> dict[str, Any]:
    """Settings as they are stored: every secret sealed with the current key."""
    stored = dict(config)
    for name in SECRETS & stored.keys():
        stored[name] = sealing.seal(str(stored[name] or ""))
    return stored


def gateway(session: Session, office_id: int, channel: str) -> Gateway:
    """The office's gateway for *channel* as stored now (disabled and empty if none)."""
    row = session.scalar(select(NotifyGateway).filter_by(office_id=office_id, channel=channel))
    return Gateway(channel, False, {}) if row is None else opened(row)


def gateways(session: Session, office_id: int) -> dict[str, Gateway]:
    """The office's stored gateways by channel."""
    return {row.channel: opened(row) for row in session.scalars(
        select(NotifyGateway).filter_by(office_id=office_id))}


def ready_channels(session: Session, office_id: int) -> list[str]:
    """The channels this office can send on now, in the order of ``CHANNELS``."""
    rows = {row.channel: row for row in session.scalars(
        select(NotifyGateway).filter_by(office_id=office_id, enabled=True))}
    return [c for c in (SMS, ZALO, EMAIL) if c in rows and opened(rows[c]).ready]


# --- sending ----------------------------------------------------------------------------------


def international(phone: str) -> str:
    """0912345678 → 84912345678 (ZNS wants the country code, no plus sign)."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if digits.startswith("0"):
        return "84" + digits[1:]
    return digits


def _post_json(url: str, payload: Mapping[str, Any], headers: Mapping[str, str]) -> bytes:
    request = urllib.request.Request(
        url, data=json.dumps(payload, ensure_ascii=False).encode(), method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", **headers})
    try:
        # The admin types the gateway's URL: file:// or ftp:// would read this server's files.
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise urllib.error.URLError("the gateway URL must start with https://")
        # Bandit B310 checked (ruff S310): the scheme is checked just above
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # nosec B310
            return response.read(65536)
    except urllib.error.HTTPError as error:
        body = error.read(500).decode("utf-8", "replace")
        # 4xx means the request itself is wrong (token, number…), except a timeout or a
        # rate limit; 5xx is the provider's trouble: try again later.
        permanent = 400 <= error.code < 500 and error.code not in (408, 425, 429)
        raise GatewayError(f"HTTP {error.code}: {body}", permanent=permanent) from None
    except (urllib.error.URLError, OSError) as error:
        raise GatewayError(f"{type(error).__name__}: {error}") from None


def send_sms(config: Mapping[str, Any], to: str, text: str, message_id: int) -> None:
    headers = {"Authorization": f"Bearer {config['token']}"} if config.get("token") else {}
    payload = {"to": "".join(ch for ch in to if ch.isdigit()), "text": text,
               "sender": config.get("sender", ""), "id": str(message_id)}
    _post_json(str(config["url"]), payload, headers)


def send_zalo(config: Mapping[str, Any], to: str, template_id: str,
              data: Mapping[str, str], message_id: int) -> None:
    payload = {"phone": international(to), "template_id": template_id,
               "template_data": dict(data), "tracking_id": str(message_id)}
    raw = _post_json(str(config["url"]), payload, {"access_token": str(config["token"])})
    try:
        answer = json.loads(raw or b"{}")
    except ValueError:
        raise GatewayError(f"ZNS: not JSON: {raw[:200]!r}") from None
    if not isinstance(answer, dict) or answer.get("error") != 0:
        detail = answer.get("message", "") if isinstance(answer, dict) else ""
        code = answer.get("error") if isinstance(answer, dict) else None
        raise GatewayError(f"ZNS error {code}: {detail}")


def send_email(config: Mapping[str, Any], to: str, subject: str, body: str) -> None:
    message = EmailMessage()
    message["From"] = str(config["sender"])
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    host, port = str(config["host"]), int(config["port"])
    try:
        if port == 465:
            client: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=TIMEOUT,
                                                    context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(host, port, timeout=TIMEOUT)
        with client:
            if config.get("starttls") and port != 465:
                client.starttls(context=ssl.create_default_context())
            if config.get("user"):
                client.login(str(config["user"]), str(config.get("password", "")))
            client.send_message(message)
    except smtplib.SMTPRecipientsRefused:
        # The refused address is personal data: it stays out of the row's error.
        raise GatewayError("SMTP: recipient refused", permanent=True) from None
    except smtplib.SMTPAuthenticationError as error:
        raise GatewayError(f"SMTP: authentication failed ({error.smtp_code})") from None
    except (smtplib.SMTPException, OSError) as error:
        raise GatewayError(f"SMTP: {type(error).__name__}: {error}") from None
