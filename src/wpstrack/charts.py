"""Server-rendered SVG charts: readable without JavaScript, described for screen readers.

Each chart is a self-contained ``<svg role="img">`` with a ``<title>`` and a ``<desc>``
(named by ``aria-labelledby``), axis labels in words, and the value written next to every
bar or point, so the numbers can be read without hovering. Every piece of text goes through
:func:`html.escape`: labels come from documents and users. The result is ``Markup`` so the
autoescaping templates insert it as it is.

Two shapes cover the dashboard: horizontal bars for categories (long labels stay readable on
a phone) and a line over time for months.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from html import escape

from markupsafe import Markup

from wpstrack.i18n import _

_ids = itertools.count(1)
WIDTH = 640  # the line chart
BAR_WIDTH = 420  # bar charts are narrower: two sit side by side and their text stays legible
BAR = 22  # height of one bar, px
GAP = 8
LABEL_WIDTH = 150
MAX_LABEL = 22  # characters of a category label shown; the full label is in <title>


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _number(value: float) -> str:
    return f"{value:g}" if value != int(value) else str(int(value))


def nice_max(value: float) -> float:
    """The smallest 1, 2 or 5 × 10^n at or above ``value`` (an axis that ends on a round
    number)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)  # pragma: no cover - the loop always returns


def _open(title: str, description: str, width: int, height: int) -> tuple[str, str]:
    uid = next(_ids)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="chart-{uid}-title chart-{uid}-desc">'
        f'<title id="chart-{uid}-title">{_e(title)}</title>'
        f'<desc id="chart-{uid}-desc">{_e(description)}</desc>'
    )
    return head, "</svg>"


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def _describe(items: Sequence[tuple[str, float]], unit: str) -> str:
    if not items:
        return _("No data yet.")
    return "; ".join(f"{label}: {_number(value)} {unit}" for label, value in items) + "."


def bar_chart(
    title: str,
    items: Sequence[tuple[str, float]],
    *,
    value_label: str,
    category_label: str,
    unit: str = "",
) -> Markup:
    """Horizontal bars, one per ``(label, value)``, longest scale rounded up."""
    height = 60 + max(1, len(items)) * (BAR + GAP)
    head, tail = _open(title, _describe(items, unit), BAR_WIDTH, height)
    top = max((v for _label, v in items), default=0.0)
    scale = nice_max(top)
    plot = BAR_WIDTH - LABEL_WIDTH - 40
    parts = [head]
    axis = _("%(label)s (0 to %(top)s)", label=value_label, top=_number(scale))
    parts.append(
        f'<text class="axis-label" x="{LABEL_WIDTH + plot / 2:.0f}" y="{height - 8}" '
        f'text-anchor="middle">{_e(axis)}</text>'
    )
    parts.append(
        f'<text class="axis-label" x="4" y="16">{_e(category_label)}</text>'
        f'<line class="axis" x1="{LABEL_WIDTH}" y1="24" x2="{LABEL_WIDTH}" '
        f'y2="{height - 30}"/>'
    )
    for i, (label, value) in enumerate(items):
        y = 28 + i * (BAR + GAP)
        length = plot * value / scale
        parts.append(
            f'<g class="bar"><title>{_e(label)}: {_number(value)} {_e(unit)}</title>'
            f'<text x="{LABEL_WIDTH - 6}" y="{y + BAR * 0.7:.0f}" text-anchor="end">'
            f"{_e(_short(label))}</text>"
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR}"/>'
            f'<text class="value" x="{LABEL_WIDTH + length + 4:.1f}" y="{y + BAR * 0.7:.0f}">'
            f"{_number(value)}</text></g>"
        )
    if not items:
        parts.append(f'<text x="{LABEL_WIDTH + 8}" y="44">No data yet</text>')
    parts.append(tail)
    return Markup("".join(parts))


def line_chart(
    title: str,
    points: Sequence[tuple[str, float]],
    *,
    value_label: str,
    time_label: str,
    unit: str = "",
) -> Markup:
    """A line over ``(period, value)`` points in order, each point labelled with its value."""
    height, left, bottom, right, top_pad = 230, 56, 56, 16, 24
    head, tail = _open(title, _describe(points, unit), WIDTH, height)
    top = nice_max(max((v for _, v in points), default=0.0))
    plot_w, plot_h = WIDTH - left - right, height - bottom - top_pad
    step = plot_w / max(1, len(points) - 1) if len(points) > 1 else 0.0

    def xy(i: int, value: float) -> tuple[float, float]:
        x = left + (i * step if len(points) > 1 else plot_w / 2)
        return x, top_pad + plot_h * (1 - value / top)

    parts = [head]
    parts.append(
        f'<line class="axis" x1="{left}" y1="{top_pad}" x2="{left}" y2="{top_pad + plot_h}"/>'
        f'<line class="axis" x1="{left}" y1="{top_pad + plot_h}" x2="{WIDTH - right}" '
        f'y2="{top_pad + plot_h}"/>'
        f'<text class="axis-label" x="{left - 6}" y="{top_pad + 4}" text-anchor="end">'
        f"{_number(top)}</text>"
        f'<text class="axis-label" x="{left - 6}" y="{top_pad + plot_h}" text-anchor="end">0'
        f"</text>"
        f'<text class="axis-label" x="12" y="{top_pad + plot_h / 2:.0f}" '
        f'transform="rotate(-90 12 {top_pad + plot_h / 2:.0f})" text-anchor="middle">'
        f"{_e(value_label)}</text>"
        f'<text class="axis-label" x="{left + plot_w / 2:.0f}" y="{height - 6}" '
        f'text-anchor="middle">{_e(time_label)}</text>'
    )
    if points:
        path = " ".join(
            f"{x:.1f},{y:.1f}" for x, y in (xy(i, v) for i, (_, v) in enumerate(points))
        )
        parts.append(f'<polyline class="line" fill="none" points="{path}"/>')
    every = max(1, math.ceil(len(points) / 12))  # at most about 12 period labels
    for i, (label, value) in enumerate(points):
        x, y = xy(i, value)
        parts.append(
            f'<g class="point"><title>{_e(label)}: {_number(value)} {_e(unit)}</title>'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4"/>'
            f'<text class="value" x="{x:.1f}" y="{y - 8:.1f}" text-anchor="middle">'
            f"{_number(value)}</text></g>"
        )
        if i % every == 0 or i == len(points) - 1:
            parts.append(
                f'<text class="tick" x="{x:.1f}" y="{top_pad + plot_h + 18}" '
                f'text-anchor="middle">{_e(label)}</text>'
            )
    if not points:
        parts.append(f'<text x="{left + 8}" y="{top_pad + 24}">No data yet</text>')
    parts.append(tail)
    return Markup("".join(parts))
