"""Server-rendered SVG charts (no JavaScript, no CDN; CSP-safe presentation attributes).

Drawn for phones first: the viewBox is 360 units wide and the SVG fills its container
(``width="100%"``, capped by ``coverage/charts.css``), so at 360 px a 13-unit label is read
at about 12 px. Bar labels stand on their own line above each bar, so long village names
are not cut; month labels of the line chart are thinned to at most ``MAX_MONTH_LABELS``.
Titles and legends are passed in already translated; fixed words are in the templates;
numbers shown as text follow the active language (51,72% in Bahasa Indonesia), while the
drawing coordinates are never localised (``{% localize off %}``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format

WIDTH = 360.0
FONT = 14
MAX_MONTH_LABELS = 6


@dataclass
class Bar:
    label: str
    value: Decimal
    label_y: float
    y: float
    width: float
    text: str
    text_x: float


@dataclass
class BarChart:
    title: str
    bars: list[Bar]
    height: float
    target_x: float | None
    target_label: str
    width: float = WIDTH
    font: int = FONT
    bar_height: float = 14


def bar_chart(title: str, items: list[tuple[str, Decimal | None]], *, target: Decimal | None = None) -> BarChart:
    """Horizontal bars of percentages (0–100) with an optional target line."""
    row, area = 42.0, 290.0
    bars = []
    for index, (label, value) in enumerate(items):
        pct = value if value is not None else Decimal(0)
        width = float(min(max(pct, Decimal(0)), Decimal(100))) / 100 * area
        top = index * row
        bars.append(
            Bar(
                label=label[:48],
                value=pct,
                label_y=top + 15,
                y=top + 21,
                width=width,
                text="–" if value is None else f"{number_format(value, decimal_pos=2)}%",
                text_x=width + 4,
            )
        )
    return BarChart(
        title=title,
        bars=bars,
        height=len(items) * row + 4,
        target_x=float(target) / 100 * area if target is not None else None,
        target_label=f"{number_format(target)}%" if target is not None else "",
    )


@dataclass
class LineChart:
    title: str
    series: list[dict[str, object]] = field(default_factory=list)  # {"name", "points", "colour", "legend_y"}
    labels: list[dict[str, object]] = field(default_factory=list)  # {"x", "text"}
    target_y: float | None = None
    width: float = WIDTH
    height: float = 250
    font: int = FONT
    left: float = 36
    right: float = 350
    top: float = 10
    bottom: float = 170


COLOURS = ("#57606a", "#0b6e4f", "#8250df")


def line_chart(
    title: str, months: list[str], series: dict[str, list[Decimal | None]], *, target: Decimal | None = None
) -> LineChart:
    """Percentages over months; y from 0 (bottom) to 100 (top), legend under the axis."""
    chart = LineChart(title=title)
    left, right, top, bottom = chart.left, chart.right, chart.top, chart.bottom
    step = (right - left) / max(len(months) - 1, 1)

    def y(value: Decimal) -> float:
        return bottom - float(min(max(value, Decimal(0)), Decimal(100))) / 100 * (bottom - top)

    for index, (name, values) in enumerate(series.items()):
        points = " ".join(
            f"{left + i * step:.1f},{y(value):.1f}" for i, value in enumerate(values) if value is not None
        )
        chart.series.append(
            {"name": name, "points": points, "colour": COLOURS[index % len(COLOURS)], "legend_y": 212 + index * 18}
        )
    every = max(1, math.ceil(len(months) / MAX_MONTH_LABELS))
    last = len(months) - 1
    # The last month sits on the right edge: anchored at its end so it is not cut off on a phone.
    chart.labels = [
        {"x": round(left + i * step, 1), "text": month, "anchor": "end" if i == last and last > 0 else "middle"}
        for i, month in enumerate(months)
        if i % every == 0
    ]
    chart.target_y = y(target) if target is not None else None
    chart.height = 212 + max(len(series), 1) * 18
    return chart
