"""Geometry for the report's inline SVG charts, worked out in Python so templates only draw.

Charts carry no number the table beside them does not: hidden groups are left out of the
chart and explained in the table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

WIDTH = 640
LABEL_WIDTH = 230
BAR_ROOM = WIDTH - LABEL_WIDTH - 70
ROW = 30
LINE_HEIGHT = 240
LINE_LEFT = 50
LINE_RIGHT = 20
LINE_TOP = 20
LINE_BOTTOM = 50


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str
    y: float
    width: float


@dataclass(frozen=True)
class BarChart:
    aria_label: str
    bars: tuple[Bar, ...]
    height: int
    label_width: int = LABEL_WIDTH
    width: int = WIDTH


def bar_chart(
    *, title: str, rows: Sequence[tuple[str, float]], low: float, high: float, unit: str = ""
) -> BarChart | None:
    """Horizontal bars from ``low`` to ``high``; None when nothing can be shown."""
    if not rows:
        return None
    span = (high - low) or 1.0
    bars = tuple(
        Bar(
            label=_short(label),
            value=value,
            text=f"{value:g}{unit}",
            y=index * ROW,
            width=max(1.0, BAR_ROOM * (value - low) / span),
        )
        for index, (label, value) in enumerate(rows)
    )
    described = "; ".join(f"{label}: {value:g}{unit}" for label, value in rows)
    return BarChart(aria_label=f"{title}. {described}.", bars=bars, height=len(rows) * ROW + 4)


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    text: str


@dataclass(frozen=True)
class LineChart:
    aria_label: str
    points: tuple[Point, ...]
    segments: tuple[str, ...]
    ticks: tuple[tuple[float, str], ...]
    axis_labels: tuple[Point, ...]
    width: int = WIDTH
    height: int = LINE_HEIGHT
    left: int = LINE_LEFT
    right: int = WIDTH - LINE_RIGHT
    bottom: int = LINE_HEIGHT - LINE_BOTTOM


def line_chart(
    *, title: str, series: Sequence[tuple[str, float | None]], low: float, high: float
) -> LineChart | None:
    """One point per round; a gap where a round could not be shown. None if no point shows."""
    if not any(value is not None for _label, value in series):
        return None
    inner_w = WIDTH - LINE_LEFT - LINE_RIGHT
    inner_h = LINE_HEIGHT - LINE_TOP - LINE_BOTTOM
    span = (high - low) or 1.0
    step = inner_w / max(1, len(series) - 1)

    def x_at(i: int) -> float:
        return LINE_LEFT + (step * i if len(series) > 1 else inner_w / 2)

    def y_at(value: float) -> float:
        return LINE_TOP + inner_h * (1 - (value - low) / span)

    points = []
    segments: list[str] = []
    run: list[str] = []
    for i, (label, value) in enumerate(series):
        if value is None:
            if len(run) > 1:
                segments.append(" ".join(run))
            run = []
            continue
        point = Point(x=x_at(i), y=y_at(value), label=_short(label, 18), text=f"{value:g}")
        points.append(point)
        run.append(f"{point.x:.1f},{point.y:.1f}")
    if len(run) > 1:
        segments.append(" ".join(run))
    ticks = tuple((y_at(v), f"{v:g}") for v in (low, (low + high) / 2, high))
    axis = tuple(
        Point(x=x_at(i), y=LINE_HEIGHT - LINE_BOTTOM + 20, label=_short(label, 18), text="")
        for i, (label, _value) in enumerate(series)
    )
    described = "; ".join(
        f"{label}: {value:g}" if value is not None else _("%(label)s: hidden") % {"label": label}
        for label, value in series
    )
    return LineChart(
        aria_label=f"{title}. {described}.",
        points=tuple(points),
        segments=tuple(segments),
        ticks=ticks,
        axis_labels=axis,
    )


def _short(label: str, limit: int = 30) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
