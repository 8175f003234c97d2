"""The saved links of "my dossiers" are sealed with Fernet (tthc.notify.sealing, a key of
their own): they round-trip, a tampered or foreign seal opens nothing, an old SECRET_KEY
kept in SECRET_KEY_FALLBACKS still opens, and migration 0009k seals again with Fernet the
links sealed the old way (on SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
import hmac
import logging

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from tests.auth import factories
from tthc.catalogue import services as catalogue
from tthc.extensions import db
from tthc.intake import mine
from tthc.models import Dossier
from tthc.notify import sealing

from .conftest import BIRTH


def _draft(app) -> tuple[Dossier, str]:
    """A new draft through mine.create_draft (which keeps its link sealed): (dossier, token)."""
    return mine.create_draft(catalogue.get_in_force(BIRTH), factories.demo_office(), None)


def _stored(dossier_id: int) -> str | None:
    return db.session.execute(text("SELECT sealed FROM dossier_link WHERE dossier_id = :i"),
                              {"i": dossier_id}).scalar()


def test_a_sealed_link_round_trips(app):
    with app.app_context():
        dossier, token = _draft(app)
        sealed = _stored(dossier.id)
        assert sealed.startswith("fernet:") and token not in sealed
        assert mine.open_link(dossier, sealed) == token
        # Fernet: a fresh IV each time, so two seals of one token differ and both open
        again = mine.seal_link(token)
        assert again != sealed and mine.open_link(dossier, again) == token


def test_a_tampered_or_foreign_seal_opens_nothing(app):
    with app.app_context():
        dossier, token = _draft(app)
        other, _ = _draft(app)
        sealed = _stored(dossier.id)
        body = sealed.removeprefix("fernet:")
        # one character of the ciphertext changed (not the last: base64 padding bits)
        at = len(body) // 2
        flipped = body[:at] + ("A" if body[at] != "A" else "B") + body[at + 1:]
        assert mine.open_link(dossier, "fernet:" + flipped) is None
        assert mine.open_link(dossier, sealed[:-8]) is None  # cut short
        assert mine.open_link(dossier, "fernet:") is None
        assert mine.open_link(dossier, token) is None  # a token in clear is not a seal
        assert mine.open_link(dossier, None) is None
        # a good seal of another dossier's row opens nothing here (the token hash differs)
        assert mine.open_link(other, sealed) is None
        # each purpose has its key: a gateway secret's seal never opens as a link, nor back
        as_gateway = sealing.seal(token, purpose=sealing.GATEWAY_SECRETS)
        assert mine.open_link(dossier, as_gateway) is None
        with pytest.raises(sealing.Unreadable):
            sealing.unseal(sealed, purpose=sealing.GATEWAY_SECRETS)
        # …even when the gateways have their own key and it happens to be the links' key
        app.config["TTHC_SECRETS_KEY"] = sealing.derived_key(
            "test", sealing.DOSSIER_LINKS).decode()
        assert mine.open_link(dossier, sealed) == token  # links ignore TTHC_SECRETS_KEY
        app.config["TTHC_SECRETS_KEY"] = None


def test_a_link_sealed_under_an_old_secret_key_still_opens(app):
    app.config["SECRET_KEY"] = "the key before rotation"
    with app.app_context():
        dossier, token = _draft(app)
        sealed = _stored(dossier.id)
    app.config["SECRET_KEY"] = "the new key"
    with app.app_context():
        dossier = db.session.get(Dossier, dossier.id)
        assert mine.open_link(dossier, sealed) is None  # the new key alone cannot
        app.config["SECRET_KEY_FALLBACKS"] = ["the key before rotation"]
        assert mine.open_link(dossier, sealed) == token
        # what is sealed from now on is sealed with the new key
        app.config["SECRET_KEY_FALLBACKS"] = []
        assert mine.open_link(dossier, mine.seal_link(token)) == token


# --- migration 0009k ------------------------------------------------------------------------
# The format before 0009k, copied from tthc/intake/mine.py as it was (the fixture the test
# writes by hand): XOR with a pad of HMAC-SHA256 blocks over the pre-filing code, in hex.

OLD_PURPOSE = b"tthc.intake.mine: dossier link"


def old_seal(secret_key: str, prefiling_code: str, token: str) -> str:
    key = hmac.new(secret_key.encode(), OLD_PURPOSE, hashlib.sha256).digest()
    data = token.encode("ascii")
    pad = b""
    block = 0
    while len(pad) < len(data):
        pad += hmac.new(key, f"{prefiling_code}:{block}".encode(), hashlib.sha256).digest()
        block += 1
    return bytes(a ^ b for a, b in zip(data, pad[:len(data)])).hex()


def _width() -> int:
    [column] = [c for c in inspect(db.engine).get_columns("dossier_link")
                if c["name"] == "sealed"]
    return column["type"].length


class Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def test_0009k_seals_again_with_fernet_the_links_sealed_the_old_way(app):
    app.config["SECRET_KEY_FALLBACKS"] = ["the key before rotation"]
    with app.app_context():
        drafts = [_draft(app) for _ in range(4)]
        made = {d.id: (d.prefiling_code, token) for d, token in drafts}
        current, rotated, lost, no_row = made
        db.session.remove()
        downgrade(revision="0009k-1")
        # the rows as the old code wrote them: under SECRET_KEY, under the key before
        # rotation (kept in SECRET_KEY_FALLBACKS), under a key this server does not have
        for dossier_id, key in ((current, "test"), (rotated, "the key before rotation"),
                                (lost, "a key nobody has any more")):
            db.session.execute(text("UPDATE dossier_link SET sealed = :s WHERE dossier_id = :i"),
                               {"s": old_seal(key, *made[dossier_id]), "i": dossier_id})
        # a dossier started before links were kept has no row at all
        db.session.execute(text("DELETE FROM dossier_link WHERE dossier_id = :i"),
                           {"i": no_row})
        db.session.commit()
        assert _stored(current) == old_seal("test", *made[current])
        db.session.remove()

        seen = Collect()
        logger = app.logger
        logger.addHandler(seen)
        try:
            upgrade()
        finally:
            logger.removeHandler(seen)
        assert _width() == 255  # a Fernet seal of a 32-character token is 147 characters
        assert "dossier_link upgrade: 1 of 3 saved links are opened by no key of this " \
               "server and were left as they were (those dossiers are listed without their " \
               "link; see migration 0009k to re-seal them with the right SECRET_KEY)" \
               in seen.messages
        for dossier_id in (current, rotated):
            sealed = _stored(dossier_id)
            assert sealed.startswith("fernet:")
            assert mine.open_link(db.session.get(Dossier, dossier_id), sealed) \
                == made[dossier_id][1]
            # sealed with the current key: it opens without the fallback too
            app.config["SECRET_KEY_FALLBACKS"] = []
            assert mine.open_link(db.session.get(Dossier, dossier_id), sealed) \
                == made[dossier_id][1]
            app.config["SECRET_KEY_FALLBACKS"] = ["the key before rotation"]
        # the row no key opens is kept as it was; the app does not open it (the dossier is
        # listed without its link) and no row appears for the dossier that had none
        assert _stored(lost) == old_seal("a key nobody has any more", *made[lost])
        assert mine.open_link(db.session.get(Dossier, lost), _stored(lost)) is None
        assert _stored(no_row) is None
        db.session.remove()

        # down again: exactly what the old code would write under the current SECRET_KEY;
        # the row kept as it was stays so
        downgrade(revision="0009k-1")
        for dossier_id in (current, rotated):
            assert _stored(dossier_id) == old_seal("test", *made[dossier_id])
        assert _stored(lost) == old_seal("a key nobody has any more", *made[lost])
        assert _width() == 128
        db.session.remove()
        # up with the key that was missing: nothing was lost to it
        app.config["SECRET_KEY_FALLBACKS"] = ["a key nobody has any more"]
        upgrade()
        for dossier_id in (current, rotated, lost):
            assert mine.open_link(db.session.get(Dossier, dossier_id), _stored(dossier_id)) \
                == made[dossier_id][1]
        db.session.remove()


def test_0009k_downgrade_deletes_a_fernet_seal_no_key_opens(app):
    with app.app_context():
        kept, kept_token = _draft(app)
        gone, _ = _draft(app)
        kept_id, gone_id, code = kept.id, gone.id, kept.prefiling_code
        db.session.execute(text("UPDATE dossier_link SET sealed = :s WHERE dossier_id = :i"),
                           {"s": sealing.seal("x" * 32, sealing.fernet_key(
                               sealing.derived_key("another server", sealing.DOSSIER_LINKS)),
                               sealing.DOSSIER_LINKS), "i": gone_id})
        db.session.commit()
        db.session.remove()
        downgrade(revision="0009k-1")
        assert _stored(kept_id) == old_seal("test", code, kept_token)
        assert _stored(gone_id) is None
        db.session.remove()
        upgrade()
        db.session.remove()
