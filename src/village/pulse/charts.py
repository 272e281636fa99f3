"""Geometry for the report's inline SVG bar charts, worked out in Python so templates only draw.

The drawing is never scaled: it is as wide as the page allows (bar lengths and value
positions are percentages of that width) and its text is always ``TEXT_PX`` pixels, so a
phone shows the same size of text as a desktop. Each label sits on lines of its own above
its bar, wrapped to fit a 320 px screen, and each value just after the end of its bar, in
room kept free for it; so no text is placed on top of other text, a bar or the edge.

Charts carry no number the table beside them does not: hidden groups are drawn as a short
note instead of a bar, and explained in the table.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

TEXT_PX = 14
LINE_PX = 18  # one line of label text
BAR_PX = 20
ROW_GAP_PX = 14
# Characters on one label line: 14 px text in the ~288 px a 320 px phone leaves.
LABEL_CHARS = 30
# The longest bar leaves the rest of the width for its value.
MAX_BAR_PERCENT = 78.0
VALUE_GAP_PX = 6


@dataclass(frozen=True)
class Line:
    text: str
    y: float


@dataclass(frozen=True)
class Bar:
    lines: tuple[Line, ...]
    shown: bool
    width: str
    text: str
    bar_y: float
    text_y: float
    bar_height: int = BAR_PX


@dataclass(frozen=True)
class BarChart:
    aria_label: str
    bars: tuple[Bar, ...]
    scale: str
    scale_y: float
    height: float
    value_gap: int = VALUE_GAP_PX


def _wrapped(label: str) -> list[str]:
    return textwrap.wrap(label, LABEL_CHARS, break_long_words=True) or [label]


def bar_chart(
    *, title: str, rows: Sequence[tuple[str, float | None]], low: float, high: float
) -> BarChart | None:
    """Horizontal bars from ``low`` to ``high``, one row per label; a value of None is a row
    that cannot be shown. None when nothing can be shown at all."""
    if not any(value is not None for _label, value in rows):
        return None
    span = (high - low) or 1.0
    bars = []
    top = 0.0
    for label, value in rows:
        lines = tuple(
            Line(text=text, y=top + LINE_PX * (index + 1) - 4)
            for index, text in enumerate(_wrapped(label))
        )
        bar_y = top + LINE_PX * len(lines) + 2
        share = min(1.0, max(0.0, (value - low) / span)) if value is not None else 0.0
        bars.append(
            Bar(
                lines=lines,
                shown=value is not None,
                width=f"{max(0.5, MAX_BAR_PERCENT * share):.1f}%",
                text=f"{value:g}" if value is not None else "",
                bar_y=bar_y,
                text_y=bar_y + BAR_PX - 5,
            )
        )
        top = bar_y + BAR_PX + ROW_GAP_PX
    described = "; ".join(
        f"{label}: {value:g}" if value is not None else _("%(label)s: not shown") % {"label": label}
        for label, value in rows
    )
    return BarChart(
        aria_label=f"{title}. {described}.",
        bars=tuple(bars),
        scale=_("Scale from %(low)s to %(high)s") % {"low": f"{low:g}", "high": f"{high:g}"},
        scale_y=top + TEXT_PX - 4,
        height=top + TEXT_PX,
    )
