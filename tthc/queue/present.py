"""Presentation helpers for the queue's templates: QR codes, labels, waits in words."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup
from flask_babel import format_date, gettext

from .. import timeutil
from ..domain import queue as rules
from ..extensions import db
from ..i18n import date as day_text
from ..i18n import localized, render_message
from ..models import Office
from . import services
from .services import prefiled


def qr_svg(url: str, label: str = "") -> Markup:
    """An inline SVG QR code of *url* (segno; about 2 KB, no request, prints sharp)."""
    import segno

    svg = segno.make(url, micro=False).svg_inline(scale=4, border=2, svgclass="qr",
                                                  lineclass=None)
    aria = label or gettext("Mã QR của số thứ tự")
    tagged = svg.replace("<svg ", f'<svg role="img" aria-label="{Markup.escape(aria)}" ', 1)
    # Bandit B704 checked: segno's SVG of our own URL; the label is escaped
    return Markup(tagged)  # nosec B704


def reason_label(code: str) -> str:
    return gettext(rules.PRIORITY_REASONS[code]) if code in rules.PRIORITY_REASONS else ""


def group_name(group) -> str:
    return localized(group, "name") if group is not None else ""


def announcement(ticket) -> str:
    return render_message(rules.announcement(ticket.label, ticket.counter))


def spoken(ticket) -> str:
    """The call as the board's speech reads it (numbers as numbers: "A, 15")."""
    return render_message(rules.announcement(rules.spoken_label(ticket.label), ticket.counter))


def wait_text(minutes: int) -> str:
    if minutes <= 0:
        return gettext("Sắp đến lượt")
    return gettext("Thời gian chờ dự kiến: khoảng %(n)d phút", n=minutes)


def opening_when(moment) -> str:
    """When the desk opens next, in words: "13:30 hôm nay", "07:30, Thứ Hai 07/12/2026"."""
    local = moment.astimezone(timeutil.TZ)
    time_ = local.strftime("%H:%M")
    if local.date() == timeutil.today():
        return gettext("%(time)s hôm nay", time=time_)
    return gettext("%(time)s, %(weekday)s %(date)s", time=time_,
                   weekday=format_date(local.date(), "EEEE"), date=day_text(local.date()))


def closed_text(opening) -> str:
    """The closed desk's message: no numbers now, and when it opens next."""
    if opening.next_opening is None:
        return gettext("Ngoài giờ làm việc: Bộ phận Một cửa không phát số lúc này.")
    return gettext("Ngoài giờ làm việc: Bộ phận Một cửa không phát số lúc này. Mở cửa lại lúc "
                   "%(when)s.", when=opening_when(opening.next_opening))


@dataclass(frozen=True)
class DossierOffer:
    """What a pre-filed dossier's page offers: its number of today, «Lấy số», or when."""

    ticket: object | None
    open: bool
    closed_text: str = ""


def dossier_offer(dossier) -> DossierOffer | None:
    """The «Lấy số» block of a pre-filed dossier's page (intake/dossier.html), or None when
    the dossier cannot take a number."""
    try:
        prefiled.check(dossier)
    except prefiled.NoTicket:
        return None
    found = services.dossier_ticket_today(dossier.id)
    if found is not None:
        return DossierOffer(found, True)
    office = db.session.get(Office, dossier.office_id)
    opening = services.opening(office)
    return DossierOffer(None, opening.open, "" if opening.open else closed_text(opening))
