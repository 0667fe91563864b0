"""SVG charts: drawn for a 360 px phone (viewBox 360 wide, fills its column, readable
text), coordinates never localised, captions marked for translation."""

from __future__ import annotations

import re
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import translation

from ejamkesda.coverage.charts import MAX_MONTH_LABELS, bar_chart, line_chart


def numbers(svg: str, attribute: str) -> list[str]:
    return re.findall(rf'\s{attribute}="([^"]*)"', svg)


def test_bar_chart_fits_a_phone_and_keeps_long_names():
    name = "Kelurahan Penajam Sepaku Lama Ujung Barat"
    chart = bar_chart("Aktif (%)", [(name, Decimal("51.72")), ("B", None), ("C", Decimal("120"))], target=Decimal(95))
    assert chart.width == 360 and chart.font >= 13
    assert chart.bars[0].label == name and chart.bars[1].text == "–"
    assert all(bar.width <= chart.target_x * 100 / 95 + 0.01 for bar in chart.bars)  # capped at 100%
    assert chart.bars[0].label_y < chart.bars[0].y  # label on its own line above the bar


def test_line_chart_thins_month_labels():
    months = [f"{m:02d}/26" for m in range(1, 25)]
    chart = line_chart("Cakupan", months, {"Terdaftar": [Decimal(50)] * 24, "Aktif": [None] * 24})
    assert len(chart.labels) <= MAX_MONTH_LABELS and chart.labels[0]["text"] == "01/26"
    assert [series["name"] for series in chart.series] == ["Terdaftar", "Aktif"]
    assert chart.series[1]["points"] == ""


def test_svg_coordinates_are_not_localised_but_shown_numbers_are():
    with translation.override("id"):
        chart = bar_chart("Aktif", [("Desa A", Decimal("51.72"))], target=Decimal("95.5"))
        svg = render_to_string("coverage/_bar_chart.html", {"chart": chart})
        history = render_to_string(
            "coverage/_line_chart.html",
            {"chart": line_chart("Cakupan", ["01/26", "02/26"], {"Aktif": [Decimal("10.5"), Decimal(20)]})},
        )
    assert 'viewBox="0 0 360.0 46.0"' in svg or 'viewBox="0 0 360 46"' in svg
    assert 'width="100%"' in svg and "51,72%" in svg and "95,5%" in svg
    for document in (svg, history):
        for attribute in ("x", "y", "width", "x1", "y1", "points", "viewBox"):
            assert not any("," in value and attribute != "points" for value in numbers(document, attribute))
    assert re.search(r'points="36\.0,\d+\.\d ', history)


def test_captions_are_marked_for_translation():
    chart = bar_chart("T", [("A", Decimal(1))], target=Decimal(95))
    catalogue = {"garis merah putus-putus: target %(target)s": "dashed red line: target %(target)s"}

    def fake_gettext(message):
        return catalogue.get(message, message)

    with translation.override("en"):
        from unittest import mock

        with mock.patch("django.templatetags.i18n.translation.gettext", side_effect=fake_gettext):
            html = render_to_string("coverage/_bar_chart.html", {"chart": chart})
    assert "dashed red line: target 95%" in html


def test_last_month_label_is_anchored_inside_the_chart():
    chart = line_chart("Cakupan", ["09/26", "10/26", "11/26"], {"Aktif": [Decimal(70), Decimal(72), Decimal(75)]})
    assert [label["anchor"] for label in chart.labels] == ["middle", "middle", "end"]
    assert chart.labels[-1]["x"] <= chart.right
    svg = render_to_string("coverage/_line_chart.html", {"chart": chart})
    assert f'text-anchor="end" font-size="{chart.font}" fill="#57606a">11/26' in svg
