"""Presentation helpers for the queue's templates: QR codes, labels, waits in words."""

from __future__ import annotations

from markupsafe import Markup
from flask_babel import gettext

from ..domain import queue as rules
from ..i18n import localized, render_message


def qr_svg(url: str, label: str = "") -> Markup:
    """An inline SVG QR code of *url* (segno; about 2 KB, no request, prints sharp)."""
    import segno

    svg = segno.make(url, micro=False).svg_inline(scale=4, border=2, svgclass="qr",
                                                  lineclass=None)
    aria = label or gettext("Mã QR của số thứ tự")
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{Markup.escape(aria)}" ', 1))


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
