"""Secrets at rest, sealed with Fernet (``cryptography``): one module, one way, a key per
purpose.

Two things are sealed: the notification gateways' secrets (``GATEWAY_SECRETS``, tthc.notify)
and the link tokens of the dossiers a phone keeps (``DOSSIER_LINKS``, tthc.intake.mine).
Each purpose has its own key, derived from ``SECRET_KEY`` with HKDF-SHA256 and the purpose's
own info string, so that a value sealed for one purpose never opens as the other. The keys
derived from ``SECRET_KEY_FALLBACKS`` still open what the old key sealed while
``SECRET_KEY`` is being rotated. The gateways' secrets may have a key of their own,
``TTHC_SECRETS_KEY`` (a Fernet key, ``Fernet.generate_key()``), which then replaces the
derived one. Each worker derives the keys from its configuration when it needs them:
nothing is kept in memory.

A sealed value is stored as ``fernet:<token>``. A gateway's value without the prefix was
stored in clear before sealing existed: it is read as it is and sealed at the next save (or
by ``flask notify rekey``). A sealed value that no key opens raises :class:`Unreadable`: the
admin page asks for the secret again, the sender skips the channel, "my dossiers" lists the
dossier without its link.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

from ..config import ConfigurationError

PREFIX = "fernet:"


@dataclass(frozen=True)
class Purpose:
    """What a key seals: the HKDF info its key is derived with, and the setting that may
    hold a Fernet key of its own instead."""

    info: bytes
    key_setting: str | None = None


#: The gateways' tokens and passwords (tthc.notify.gateways).
GATEWAY_SECRETS = Purpose(b"tthc gateway secrets", "TTHC_SECRETS_KEY")
#: The link token of a dossier kept by a phone (tthc.intake.mine, the dossier_link table).
DOSSIER_LINKS = Purpose(b"tthc dossier links")


class Unreadable(Exception):
    """A sealed secret that no key of this server opens (another key, or altered)."""


def derived_key(secret_key: str | bytes, purpose: Purpose = GATEWAY_SECRETS) -> bytes:
    """The Fernet key of *purpose* derived from a ``SECRET_KEY`` (HKDF-SHA256, no salt)."""
    material = secret_key if isinstance(secret_key, bytes) else str(secret_key).encode()
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.info)
    return base64.urlsafe_b64encode(hkdf.derive(material))


def fernet_key(value: str | bytes) -> Fernet:
    """A Fernet for a key as configured or typed; ValueError if it is not a Fernet key."""
    return Fernet(value.strip())


def keys(config: Mapping[str, Any] | None = None,
         purpose: Purpose = GATEWAY_SECRETS) -> list[Fernet]:
    """The key that seals for *purpose*, then the keys that still open
    (``SECRET_KEY_FALLBACKS``)."""
    config = current_app.config if config is None else config
    if purpose.key_setting and config.get(purpose.key_setting):
        return [fernet_key(config[purpose.key_setting])]
    secrets = [config["SECRET_KEY"], *(config.get("SECRET_KEY_FALLBACKS") or ())]
    return [Fernet(derived_key(s, purpose)) for s in secrets if s]


def check(config: Mapping[str, Any]) -> None:
    """Refuse to start with a ``TTHC_SECRETS_KEY`` that is not a Fernet key."""
    try:
        keys(config)
    except ValueError:
        raise ConfigurationError(
            "TTHC_SECRETS_KEY is not a Fernet key (32 bytes in URL-safe base64). Make one "
            "with: python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'") from None


def is_sealed(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def seal(value: str, key: Fernet | None = None, purpose: Purpose = GATEWAY_SECRETS) -> str:
    """*value* sealed with the current key of *purpose* (an empty value stays empty)."""
    if not value:
        return ""
    key = key or keys(purpose=purpose)[0]
    return PREFIX + key.encrypt(value.encode()).decode("ascii")


def unseal(value: Any, openers: Iterable[Fernet] | None = None,
           purpose: Purpose = GATEWAY_SECRETS) -> str:
    """The secret in clear: a sealed value opened, a legacy value as it is.

    :raise Unreadable: sealed under a key this server does not have, or altered
    """
    if not is_sealed(value):
        return "" if value is None else str(value)
    try:
        return MultiFernet(list(openers or keys(purpose=purpose))).decrypt(
            value[len(PREFIX):].encode("ascii")).decode()
    except (InvalidToken, UnicodeError):
        raise Unreadable() from None


def resealed(value: Any, old: Iterable[Fernet], purpose: Purpose = GATEWAY_SECRETS) -> str:
    """*value* sealed with the current key, opened with the current keys or *old* ones.

    :raise Unreadable: no key opens it
    """
    current = keys(purpose=purpose)
    return seal(unseal(value, [*current, *old]), current[0])
