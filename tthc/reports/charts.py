"""Bar charts drawn on the server as SVG: black on white, labels and values written beside
each bar, so that they read the same on screen, on a laser printer and photocopied.

Only the geometry is worked out here; ``templates/reports/_chart.html`` writes the SVG
(hidden from screen readers, which read the table printed right after it). No script and
no chart library: the page works with JavaScript off.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from flask_babel import format_decimal

WIDTH = 640
LABEL_WIDTH = 230
VALUE_WIDTH = 70
ROW_HEIGHT = 26
BAR_HEIGHT = 18
PAD = 6
MAX_LABEL = 34


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as written at the end of the bar
    y: float
    width: float


@dataclass(frozen=True)
class Chart:
    title: str
    bars: tuple[Bar, ...]
    height: int
    label_x: int = LABEL_WIDTH - PAD
    bar_x: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT
    width: int = WIDTH

    @property
    def axis_height(self) -> int:
        return self.height - PAD


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[:MAX_LABEL - 1] + "…"


def _text(value: float, unit: str) -> str:
    if float(value).is_integer():
        number = format_decimal(int(value), format="#,##0")
    else:
        number = format_decimal(value, format="#,##0.0")
    return f"{number}{' ' + unit if unit else ''}"


def bars(title: str, values: Sequence[tuple[str, float | int | None]], *, unit: str = "",
         maximum: float | None = None) -> Chart:
    """A horizontal bar chart of (label, value) pairs; None is drawn as 0."""
    clean = [(str(label), float(value or 0)) for label, value in values]
    top = maximum if maximum is not None else max((v for _, v in clean), default=0)
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    drawn = []
    for index, (label, value) in enumerate(clean):
        width = 0.0 if top <= 0 else round(room * min(value, top) / top, 1)
        drawn.append(Bar(_short(label), value, _text(value, unit), PAD + index * ROW_HEIGHT,
                         width))
    return Chart(title, tuple(drawn), PAD * 2 + ROW_HEIGHT * max(len(drawn), 1))
