"""SVG charts: accessible, escaped, scaled to round numbers."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from wpstrack import charts

SVG = "{http://www.w3.org/2000/svg}"


def _parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))


def test_bar_chart_is_an_image_named_by_its_title_and_description() -> None:
    svg = _parse(
        charts.bar_chart(
            "Activities by type",
            [("meeting", 3), ("visit", 1)],
            value_label="Activities",
            category_label="Type",
            unit="activities",
        )
    )
    assert svg.get("role") == "img"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title is not None and title.text == "Activities by type"
    assert desc is not None and desc.text == "meeting: 3 activities; visit: 1 activities."
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    widths = [float(r.get("width", 0)) for r in svg.iter(f"{SVG}rect")]
    assert widths[0] == pytest.approx(3 * widths[1])


def test_every_value_is_written_next_to_its_bar() -> None:
    svg = _parse(charts.bar_chart("T", [("a", 7), ("b", 2)], value_label="n", category_label="c"))
    values = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "value"]
    assert values == ["7", "2"]


def test_hostile_labels_are_escaped_text() -> None:
    label = '<script>alert(1)</script><img src=x onerror="boom">'
    markup = str(charts.bar_chart(label, [(label, 1)], value_label=label, category_label=label))
    assert "<script>" not in markup and "<img" not in markup
    texts = [t.text or "" for t in _parse(markup).iter()]
    assert any(label in t for t in texts)


def test_line_chart_puts_higher_values_higher_and_labels_each_point() -> None:
    svg = _parse(
        charts.line_chart(
            "By month",
            [("2024-01", 1), ("2024-02", 4), ("2024-03", 2)],
            value_label="Activities",
            time_label="Month",
        )
    )
    ys = [float(c.get("cy", 0)) for c in svg.iter(f"{SVG}circle")]
    assert ys[1] < ys[2] < ys[0]
    ticks = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "tick"]
    assert ticks == ["2024-01", "2024-02", "2024-03"]


@pytest.mark.parametrize("make", [charts.bar_chart, charts.line_chart])
def test_an_empty_chart_says_so(make) -> None:  # type: ignore[no-untyped-def]
    kwargs = {"category_label": "c"} if make is charts.bar_chart else {"time_label": "t"}
    svg = _parse(make("Nothing", [], value_label="n", **kwargs))
    assert "No data yet" in [t.text for t in svg.iter(f"{SVG}text")]


@pytest.mark.parametrize(
    ("value", "expected"), [(0, 1), (1, 1), (3, 5), (7, 10), (12, 20), (45, 50), (51, 100)]
)
def test_axes_end_on_round_numbers(value: float, expected: float) -> None:
    assert charts.nice_max(value) == expected
