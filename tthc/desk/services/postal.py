"""How the result goes back: the channel chosen when filing or at reception (only those the
procedure's version allows), and, for a result sent by public post, its hand-over to the
post office with the tracking number (mã vận đơn, số hiệu bưu gửi).

``returns.return_result`` hands the result over; a postal return then records the hand-over
here (``record_handover``), in its own short serialised write.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext

from ...catalogue.present import RETURN_CHANNELS, label
from ...domain.i18n import N_, msg
from ...models import Dossier, Staff
from ...transactions import serialised
from .. import services
from ..services import DeskRefusal, locked

ADDRESS_MIN = 5
TRACKING_MAX = 40


def allowed(spec) -> tuple[str, ...]:
    """The return channels the procedure's version allows, in the catalogue's order."""
    return tuple(c for c in spec.return_channels if c in services.RETURN_CHANNELS)


def default_channel(dossier: Dossier, spec) -> str:
    """The channel to show as chosen: the dossier's, else the desk (or the first allowed)."""
    offered = allowed(spec)
    if dossier.return_channel in offered:
        return dossier.return_channel
    return "desk" if "desk" in offered or not offered else offered[0]


def default_address(dossier: Dossier) -> str:
    """The postal address to show: the one given, else the applicant's place of residence."""
    return dossier.return_address or str((dossier.answers or {}).get("applicant_address") or "")


def refuse_channel(spec, channel: str, field: str = "kenh_tra") -> None:
    """Refuse (422, beside *field*) a channel the procedure does not allow."""
    offered = allowed(spec)
    if channel not in offered:
        raise DeskRefusal(msg(N_("Thủ tục này không trả kết quả theo cách đã chọn. Chọn: "
                                 "%(allowed)s."),
                              allowed="; ".join(label(RETURN_CHANNELS, c) for c in offered)),
                          422, field)


def choose(dossier: Dossier, spec, channel: str, address: str) -> None:
    """Set the return channel chosen at reception ("" keeps the one chosen when filing),
    with the postal address for a return by post (empty: the applicant's place of
    residence). The caller commits."""
    if not channel:
        if dossier.return_channel == "post":  # chosen when filing: the address is fixed now
            dossier.return_address = default_address(dossier)
        return
    address = address or default_address(dossier)
    refuse_channel(spec, channel)
    if channel == "post" and len(address) < ADDRESS_MIN:
        raise DeskRefusal(gettext("Nhập địa chỉ nhận kết quả qua bưu chính: số nhà, đường "
                                  "phố, phường (xã), tỉnh (thành phố)."), 422, "dia_chi_tra")
    dossier.return_channel = channel
    dossier.return_address = address if channel == "post" else ""


def record_handover(dossier_id: int, staff: Staff, handed_on: dt.date, tracking: str) -> Dossier:
    """Record the day the result was handed to the post office and its tracking number."""
    with serialised() as session:
        dossier = locked(session, dossier_id)
        if dossier.return_channel != "post":
            raise DeskRefusal(gettext("Kết quả của hồ sơ này không trả qua bưu chính."))
        dossier.post_handed_on = handed_on
        dossier.post_tracking = tracking[:TRACKING_MAX]
    return dossier


def context(dossier: Dossier, spec) -> dict:
    """What the decision at reception shows of the return: the channels allowed, the one
    chosen when filing (or the desk), the postal address (else the applicant's)."""
    return {"return_offered": allowed(spec), "return_chosen": default_channel(dossier, spec),
            "return_address": default_address(dossier)}
