"""dossier_link: the saved links of "my dossiers" sealed with Fernet

Until this revision tthc.intake.mine sealed each link token by hand: XORed with a pad of
HMAC-SHA256 blocks, keyed by HMAC(SECRET_KEY, "tthc.intake.mine: dossier link") over the
dossier's pre-filing code and a block number, stored in hex. It is now sealed with Fernet
through tthc.notify.sealing (purpose DOSSIER_LINKS, ``fernet:<token>``), 147 characters
for a 32-character token: the column grows to 255.

Upgrade opens every row sealed the old way with SECRET_KEY or one of SECRET_KEY_FALLBACKS
(the keys of the app running `flask db upgrade`), checks it against the dossier's token
hash as the old code did, and seals it again with Fernet. A row that no key opens is left
as it was, and a warning with the count goes to the app's log: the app opens only Fernet
seals, so that dossier is listed without its link, exactly as the old code listed it when no
key opened it, and the citizen opens it from the saved link or QR code as before. Nothing is
lost to a wrong key: run the upgrade from a shell without the server's SECRET_KEY, and
downgrading to the revision before this one, then upgrading with the right key (or the old
one in SECRET_KEY_FALLBACKS), re-seals those rows too.

Downgrade does the reverse; a Fernet row that no key opens cannot go back (nor fit the
narrower column) and is deleted, its dossier listed without a link.

Revision ID: 0009k
Revises: 0008s
Create Date: 2026-12-05 02:30:00

"""
import hashlib
import hmac

from alembic import op
from flask import current_app
import sqlalchemy as sa

from tthc.notify import sealing


# revision identifiers, used by Alembic.
revision = '0009k'
down_revision = '0008s'
branch_labels = None
depends_on = None

dossier_link = sa.table('dossier_link', sa.column('dossier_id', sa.Integer),
                        sa.column('sealed', sa.String))
dossier = sa.table('dossier', sa.column('id', sa.Integer),
                   sa.column('prefiling_code', sa.String),
                   sa.column('token_hash', sa.String))


# --- the format before this revision (frozen here; the app no longer has it) ---------------

_OLD_PURPOSE = b"tthc.intake.mine: dossier link"


def _old_keys():
    config = current_app.config
    secrets = [config["SECRET_KEY"], *(config.get("SECRET_KEY_FALLBACKS") or ())]
    return [hmac.new(s if isinstance(s, bytes) else str(s).encode(), _OLD_PURPOSE,
                     hashlib.sha256).digest() for s in secrets if s]


def _old_pad(key, prefiling_code, length):
    pad = b""
    block = 0
    while len(pad) < length:
        pad += hmac.new(key, f"{prefiling_code}:{block}".encode(), hashlib.sha256).digest()
        block += 1
    return pad[:length]


def _old_open(sealed, prefiling_code, token_hash):
    try:
        data = bytes.fromhex(sealed)
    except ValueError:
        return None
    for key in _old_keys():
        raw = bytes(a ^ b for a, b in zip(data, _old_pad(key, prefiling_code, len(data))))
        try:
            token = raw.decode("ascii")
        except UnicodeDecodeError:
            continue
        if hmac.compare_digest(hashlib.sha256(token.encode()).hexdigest(), token_hash):
            return token
    return None


def _old_seal(token, prefiling_code):
    data = token.encode("ascii")
    pad = _old_pad(_old_keys()[0], prefiling_code, len(data))
    return bytes(a ^ b for a, b in zip(data, pad)).hex()


# --- Fernet ---------------------------------------------------------------------------------


def _fernet_open(sealed, prefiling_code, token_hash):
    if not sealing.is_sealed(sealed):
        return None
    try:
        token = sealing.unseal(sealed, purpose=sealing.DOSSIER_LINKS)
    except sealing.Unreadable:
        return None
    if hmac.compare_digest(hashlib.sha256(token.encode()).hexdigest(), token_hash):
        return token
    return None


def _fernet_seal(token, prefiling_code):
    return sealing.seal(token, purpose=sealing.DOSSIER_LINKS)


def _rewrite(opened, sealed_again, upgrading):
    """Seal every row again the other way (a row already sealed that way stays); return
    the dossier ids of the rows no key opens."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(dossier_link.c.dossier_id, dossier_link.c.sealed,
                  dossier.c.prefiling_code, dossier.c.token_hash)
        .join(dossier, dossier.c.id == dossier_link.c.dossier_id)).all()
    lost = []
    for dossier_id, sealed, prefiling_code, token_hash in rows:
        if sealing.is_sealed(sealed) == upgrading:
            continue
        token = opened(sealed, prefiling_code, token_hash)
        if token is None:
            lost.append(dossier_id)
            continue
        bind.execute(dossier_link.update().where(dossier_link.c.dossier_id == dossier_id)
                     .values(sealed=sealed_again(token, prefiling_code)))
    return lost, len(rows)


def upgrade():
    with op.batch_alter_table('dossier_link', schema=None) as batch_op:
        batch_op.alter_column('sealed', existing_type=sa.String(length=128),
                              type_=sa.String(length=255), existing_nullable=False)
    lost, count = _rewrite(_old_open, _fernet_seal, upgrading=True)
    if lost:
        # The app's log (env.py's fileConfig resets alembic's loggers); counts only.
        current_app.logger.warning(
            "dossier_link upgrade: %d of %d saved links are opened by no key of this server "
            "and were left as they were (those dossiers are listed without their link; see "
            "migration 0009k to re-seal them with the right SECRET_KEY)", len(lost), count)


def downgrade():
    lost, count = _rewrite(_fernet_open, _old_seal, upgrading=False)
    if lost:
        op.get_bind().execute(dossier_link.delete().where(dossier_link.c.dossier_id.in_(lost)))
        current_app.logger.warning(
            "dossier_link downgrade: %d of %d saved links are opened by no key of this server "
            "and were deleted (those dossiers are listed without their link)", len(lost), count)
    with op.batch_alter_table('dossier_link', schema=None) as batch_op:
        batch_op.alter_column('sealed', existing_type=sa.String(length=255),
                              type_=sa.String(length=128), existing_nullable=False)
