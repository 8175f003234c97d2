"""How the citizen wants the result back, chosen with the draft: at the desk, by public post
(to an address, prefilled from the place of residence) or online; only the channels the
procedure's version allows (the catalogue's ``return_channels``).

The choice is posted with the draft's form, or with the review's send button (a long form);
``record_posted`` stores what is allowed whenever the draft is saved, and ``posted_errors``
says what the send must refuse. The desk sees the choice at reception and may change it.
"""

from __future__ import annotations

from flask import request
from flask_babel import gettext
from wtforms import HiddenField, StringField

from ..catalogue.present import RETURN_CHANNELS, label
from ..domain.text import nfc
from ..extensions import db
from ..forms import Form
from ..models import Dossier
from . import bp
from .drafts import spec_of

SHOWN_FIELD = "nkq_shown"  # "1": the page showed the choice
ADDRESS_MAX = 300
ADDRESS_MIN = 5


def _cleaned(limit: int):
    return lambda value: nfc(value if isinstance(value, str) else "").replace("\x00", "") \
        .strip()[:limit]


class ReturnChoiceForm(Form):
    """The return channel and the postal address, posted with the draft."""

    nkq_shown = HiddenField()
    nhan_kq = StringField(filters=[_cleaned(10)])
    dia_chi_nhan = StringField(filters=[_cleaned(ADDRESS_MAX)])


def offered(spec) -> tuple[str, ...]:
    """The channels the procedure's version allows, in the catalogue's order."""
    return tuple(c for c in spec.return_channels if c in RETURN_CHANNELS)


def chosen(dossier: Dossier, spec) -> str:
    """The channel shown as chosen: the dossier's, else the desk (or the one allowed)."""
    channels = offered(spec)
    if dossier.return_channel in channels:
        return dossier.return_channel
    return "desk" if "desk" in channels or not channels else channels[0]


def residence(dossier: Dossier) -> str:
    return str((dossier.answers or {}).get("applicant_address") or "")


def address(dossier: Dossier) -> str:
    """The postal address: the one given, else the applicant's place of residence."""
    return dossier.return_address or residence(dossier)


def _read() -> ReturnChoiceForm | None:
    if request.form.get(SHOWN_FIELD) != "1":
        return None  # not a page with the choice (a bare button, a supplement's form)
    return ReturnChoiceForm(request.form, meta={"csrf": False})  # CSRFProtect checked it


def _errors(form: ReturnChoiceForm, spec, dossier: Dossier) -> dict[str, str]:
    channels = offered(spec)
    channel = form.nhan_kq.data
    if channel not in channels:
        return {"nhan_kq": gettext(
            "Thủ tục này không trả kết quả theo cách đã chọn. Chọn: %(allowed)s.",
            allowed="; ".join(label(RETURN_CHANNELS, c) for c in channels))}
    if channel == "post" and len(form.dia_chi_nhan.data or residence(dossier)) < ADDRESS_MIN:
        return {"dia_chi_nhan": gettext(
            "Nhập địa chỉ nhận kết quả qua bưu chính: số nhà, đường phố, phường (xã), tỉnh "
            "(thành phố).")}
    return {}


def record_posted(dossier: Dossier) -> bool:
    """Store the choice posted with the draft when the page showed it: an allowed channel,
    and the address as typed (nothing typed is lost). An empty address, or the place of
    residence itself, is stored as "": the address then follows the place of residence
    (typed on the same page, after the page was drawn). True if something changed."""
    form = _read()
    if form is None:
        return False
    before = (dossier.return_channel, dossier.return_address)
    if form.nhan_kq.data in offered(spec_of(dossier)):
        dossier.return_channel = form.nhan_kq.data
    typed = form.dia_chi_nhan.data
    dossier.return_address = "" if typed == residence(dossier) else typed
    if (dossier.return_channel, dossier.return_address) == before:
        return False
    db.session.commit()
    return True


def posted_errors(dossier: Dossier) -> dict[str, str]:
    """What the send must refuse in the posted choice: field name → message."""
    form = _read()
    return _errors(form, spec_of(dossier), dossier) if form is not None else {}


@bp.app_template_global()
def return_choice(dossier: Dossier, spec) -> dict:
    """What the citizen's pages show of the return: channels allowed, the one chosen, the
    address, and the postal hand-over once the result has gone by post."""
    return {"offered": offered(spec), "chosen": chosen(dossier, spec),
            "address": address(dossier), "shown": SHOWN_FIELD}


@bp.app_template_global()
def return_channel_label(channel: str) -> str:
    """A return channel in the reader's language."""
    return label(RETURN_CHANNELS, channel)
