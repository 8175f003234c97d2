"""Notifications: the citizen is told on the channels they agreed to (SMS, Zalo, email).

- ``messages``: events, channels, default wording, rendering (no Flask, no database);
- ``outbox``: the outbox rows, written in the same transaction as the change (a
  ``before_flush`` hook for dossiers, :func:`outbox.near_turn` for the queue);
- ``consent``: the boxes on the draft's form and the status page; ``consent_views`` and
  ``consent_forms``: the desk's record of a walk-in's consent, and /thoi-nhan-tin;
- ``tickets``: a phone given on a ticket's page for the "near turn" message (for the day);
- ``gateways`` and ``sender``: the office's gateways (secrets sealed by ``sealing``), and
  ``flask notify run`` and ``flask notify rekey`` (``cli``);
- ``views``: the admin's pages under /can-bo/thong-bao and the citizen's choice.

docs/notify.md describes it for operators.
"""

from flask import Blueprint

from . import outbox, sealing

bp = Blueprint("notify", __name__)
# A TTHC_SECRETS_KEY that is not a Fernet key stops the start, not the first send.
bp.record_once(lambda state: sealing.check(state.app.config))

outbox.install()  # the hook listens on every Session; installing twice changes nothing

from . import cli, consent_views, views  # noqa: E402,F401
from .consent import state as _consent_state  # noqa: E402

# The consent boxes (templates/notify/_consent*.html) are included in intake's pages.
bp.add_app_template_global(_consent_state, "notify_consent")


def _labels() -> dict:
    """The Vietnamese labels (msgids) of channels, events, placeholders, statuses, reasons."""
    from . import messages, sender

    return {"channels": messages.CHANNEL_LABELS, "events": messages.EVENT_LABELS,
            "placeholders": messages.PLACEHOLDER_LABELS, "statuses": sender.STATUS_LABELS,
            "reasons": sender.REASON_LABELS}


bp.add_app_template_global(_labels, "notify_labels")
