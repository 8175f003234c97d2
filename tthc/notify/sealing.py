"""Gateway secrets at rest: sealed with Fernet (``cryptography``), never stored in clear.

The key is ``TTHC_SECRETS_KEY`` (a Fernet key, ``Fernet.generate_key()``) when it is set;
otherwise it is derived from ``SECRET_KEY`` with HKDF-SHA256 (info "tthc gateway
secrets"), and the keys derived from ``SECRET_KEY_FALLBACKS`` still open what the old key
sealed while ``SECRET_KEY`` is being rotated. Each worker derives the key from its
configuration when it needs it: nothing is kept in memory.

A sealed value is stored as ``fernet:<token>``. A value without the prefix was stored in
clear before sealing existed: it is read as it is and sealed at the next save (or by
``flask notify rekey``). A sealed value that no key opens raises :class:`Unreadable`: the
admin page asks for the secret again, the sender skips the channel.
"""

from __future__ import annotations

import base64
from typing import Any, Iterable, Mapping

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

from ..config import ConfigurationError

PREFIX = "fernet:"
INFO = b"tthc gateway secrets"


class Unreadable(Exception):
    """A sealed secret that no key of this server opens (another key, or altered)."""


def derived_key(secret_key: str | bytes) -> bytes:
    """The Fernet key derived from a ``SECRET_KEY`` (HKDF-SHA256, no salt, fixed info)."""
    material = secret_key if isinstance(secret_key, bytes) else str(secret_key).encode()
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=INFO)
    return base64.urlsafe_b64encode(hkdf.derive(material))


def fernet_key(value: str | bytes) -> Fernet:
    """A Fernet for a key as configured or typed; ValueError if it is not a Fernet key."""
    return Fernet(value.strip())


def keys(config: Mapping[str, Any] | None = None) -> list[Fernet]:
    """The key that seals, then the keys that still open (``SECRET_KEY_FALLBACKS``)."""
    config = current_app.config if config is None else config
    if config.get("TTHC_SECRETS_KEY"):
        return [fernet_key(config["TTHC_SECRETS_KEY"])]
    secrets = [config["SECRET_KEY"], *(config.get("SECRET_KEY_FALLBACKS") or ())]
    return [Fernet(derived_key(s)) for s in secrets if s]


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


def seal(value: str, key: Fernet | None = None) -> str:
    """*value* sealed with the current key (an empty value stays empty: nothing stored)."""
    if not value:
        return ""
    key = key or keys()[0]
    return PREFIX + key.encrypt(value.encode()).decode("ascii")


def unseal(value: Any, openers: Iterable[Fernet] | None = None) -> str:
    """The secret in clear: a sealed value opened, a legacy value as it is.

    :raise Unreadable: sealed under a key this server does not have
    """
    if not is_sealed(value):
        return "" if value is None else str(value)
    try:
        return MultiFernet(list(openers or keys())).decrypt(
            value[len(PREFIX):].encode("ascii")).decode()
    except (InvalidToken, UnicodeError):
        raise Unreadable() from None


def resealed(value: Any, old: Iterable[Fernet]) -> str:
    """*value* sealed with the current key, opened with the current keys or *old* ones.

    :raise Unreadable: no key opens it
    """
    current = keys()
    return seal(unseal(value, [*current, *old]), current[0])
