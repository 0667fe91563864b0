"""Server-rendered SVG charts (no JavaScript, no CDN; CSP-safe presentation attributes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class Bar:
    label: str
    value: Decimal
    y: float
    width: float
    text: str


@dataclass
class BarChart:
    title: str
    bars: list[Bar]
    height: float
    target_x: float | None
    target_label: str
    width: float = 640
    label_width: float = 200
    bar_area: float = 380


def bar_chart(title: str, items: list[tuple[str, Decimal | None]], *, target: Decimal | None = None) -> BarChart:
    """Horizontal bars of percentages (0–100) with an optional target line."""
    row = 26
    area = 380.0
    bars = []
    for index, (label, value) in enumerate(items):
        pct = value if value is not None else Decimal(0)
        bars.append(
            Bar(
                label=label[:32],
                value=pct,
                y=index * row + 4,
                width=float(min(pct, Decimal(100))) / 100 * area,
                text="–" if value is None else f"{value}%",
            )
        )
    target_x = 200 + float(target) / 100 * area if target is not None else None
    return BarChart(
        title=title,
        bars=bars,
        height=len(items) * row + 8,
        target_x=target_x,
        target_label=f"{target}%" if target is not None else "",
    )


@dataclass
class LineChart:
    title: str
    series: list[dict[str, str]] = field(default_factory=list)  # {"name", "points", "css"}
    labels: list[dict[str, object]] = field(default_factory=list)  # {"x", "text"}
    target_y: float | None = None
    width: float = 640
    height: float = 220


def line_chart(
    title: str, months: list[str], series: dict[str, list[Decimal | None]], *, target: Decimal | None = None
) -> LineChart:
    """Percentages over months; y from 0 (bottom) to 100 (top)."""
    left, right, top, bottom = 40.0, 620.0, 10.0, 190.0
    step = (right - left) / max(len(months) - 1, 1)

    def y(value: Decimal) -> float:
        return bottom - float(min(max(value, Decimal(0)), Decimal(100))) / 100 * (bottom - top)

    chart = LineChart(title=title)
    for index, (name, values) in enumerate(series.items()):
        points = " ".join(
            f"{left + i * step:.1f},{y(value):.1f}" for i, value in enumerate(values) if value is not None
        )
        chart.series.append({"name": name, "points": points, "css": f"series-{index}"})
    chart.labels = [{"x": round(left + i * step, 1), "text": month} for i, month in enumerate(months)]
    chart.target_y = y(target) if target is not None else None
    return chart
