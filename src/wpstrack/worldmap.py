"""A world map of countries coloured by a count, drawn on the server as SVG.

The shapes are the world map the ``pygal_maps_world`` package ships (one group of paths per
ISO 3166 alpha-2 code, after Natural Earth), read from the installed package: nothing is
downloaded. Its paths are curves with sub-pixel detail (730 kB); a choropleth needs the
outline, so each path is redrawn once per process as a polygon through the curves' end
points on a whole-pixel grid (about a sixth of the size), which pages can embed inline.

The map reads without JavaScript: every counted country is an element with its own title
("Kenya: 3 activities") and an accessible name, the whole map has a title and a text
description listing every count, a legend says what each shade means, and the pages put the
same counts in a table beside it. Text goes through :func:`html.escape`; the result is
``Markup`` for the autoescaping templates, like :mod:`wpstrack.charts`.
"""

from __future__ import annotations

import importlib.resources
import itertools
import re
from collections.abc import Mapping
from functools import cache
from html import escape

from markupsafe import Markup

from wpstrack.i18n import _, country_name, format_number

WIDTH, HEIGHT = 2475, 1388  # the shapes' own coordinate space
# Light to dark: the shade of a count by the class it falls in (ColorBrewer "Blues").
SHADES = ("#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
EMPTY = "#e8e8e8"
_ARGS = {"m": 2, "l": 2, "c": 6, "s": 4, "h": 1, "v": 1}
_TOKEN = re.compile(r"[mlcshvzMLCSHVZ]|-?(?:\d+\.?\d*|\.\d+)(?:e-?\d+)?")
_GROUP = re.compile(r'<g class="([a-z]{2}) country map-element">(.*?)</g>', re.S)
_ids = itertools.count(1)


def _polygon(d: str) -> str:
    """A relative SVG path (m, l, c, s, h, v) as closed polygons on whole pixels."""
    tokens = _TOKEN.findall(d)
    x = y = 0.0
    out: list[str] = []
    last: tuple[int, int] | None = None
    command, i = "m", 0
    while i < len(tokens):
        if tokens[i].isalpha():
            command = tokens[i].lower()
            i += 1
            if command == "z":
                continue
        n = _ARGS.get(command, 2)
        values = [float(v) for v in tokens[i : i + n]]
        i += n
        if len(values) < n:
            break
        if command == "h":
            x += values[0]
        elif command == "v":
            y += values[0]
        else:
            x, y = x + values[-2], y + values[-1]
        point = (round(x), round(y))
        if command == "m":
            out.append(("z M" if out else "M") + f"{point[0]} {point[1]}")
            command = "l"  # further pairs after a moveto are lines
        elif point != last:
            assert last is not None
            out.append(f"l{point[0] - last[0]} {point[1] - last[1]}")
        last = point
    return "".join(out) + "z" if out else ""


@cache
def shapes() -> dict[str, str]:
    """ISO alpha-2 code (upper case) -> the country's outline as one path."""
    source = importlib.resources.files("pygal_maps_world") / "worldmap.svg"
    found: dict[str, str] = {}
    for code, body in _GROUP.findall(source.read_text(encoding="utf-8")):
        paths = [_polygon(d) for d in re.findall(r' d="([^"]+)"', body)]
        found[code.upper()] = " ".join(p for p in paths if p)
    return found


def classes(counts: Mapping[str, int]) -> list[tuple[int, int]]:
    """The count ranges of the shades: (low, high) each, at most five, covering 1..max."""
    top = max(counts.values(), default=0)
    if top <= 0:
        return []
    steps = min(len(SHADES), top)
    edges = [round(1 + (top - 1) * k / steps) for k in range(steps + 1)]
    ranges = []
    low = 1
    for high in edges[1:]:
        if high >= low:
            ranges.append((low, high))
            low = high + 1
    if ranges[-1][1] < top:
        ranges[-1] = (ranges[-1][0], top)
    return ranges


def _shade(count: int, ranges: list[tuple[int, int]]) -> str:
    for index, (low, high) in enumerate(ranges):
        if low <= count <= high:
            return SHADES[index]
    return EMPTY


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _legend(ranges: list[tuple[int, int]]) -> str:
    top = HEIGHT - 60 - 44 * len(ranges)
    parts = [f'<g class="legend" transform="translate(30 {top})">']
    rows = [(EMPTY, _("no activities")), *((SHADES[i], _span(r)) for i, r in enumerate(ranges))]
    for row, (fill, text) in enumerate(rows):
        y = row * 44
        parts.append(
            f'<rect x="0" y="{y}" width="36" height="30" fill="{fill}" stroke="#555"/>'
            f'<text x="48" y="{y + 24}" font-size="28">{_e(text)}</text>'
        )
    parts.append("</g>")
    return "".join(parts)


def _span(bounds: tuple[int, int]) -> str:
    low, high = bounds
    if low == high:
        return _("%(count)s activities", count=format_number(low, 0))
    return _("%(low)s–%(high)s activities", low=format_number(low, 0), high=format_number(high, 0))


def _counted(country: str, count: int) -> str:
    """One country's count as its title and the description write it ("Kenya: 3 activities")."""
    return _("%(country)s: %(count)s activities", country=country, count=format_number(count, 0))


def world_map(counts: Mapping[str, int], title: str, names: Mapping[str, str]) -> Markup:
    """The map of ``counts`` (ISO code -> count of activities) with ``names`` (ISO code ->
    country name), its title, description and legend in the language being served."""
    uid = next(_ids)
    ranges = classes(counts)
    drawn = shapes()
    listed = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    summary = "; ".join(_counted(country_name(c, names.get(c, c)), n) for c, n in listed) or _(
        "No activities."
    )
    missing = [country_name(c, names.get(c, c)) for c, _n in listed if c not in drawn]
    if missing:
        summary += " " + _(
            "Not drawn on this map (see the table): %(countries)s.", countries=", ".join(missing)
        )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map" role="group" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" preserveAspectRatio="xMidYMid meet" '
        f'aria-labelledby="map-{uid}-title map-{uid}-desc">'
        f'<title id="map-{uid}-title">{_e(title)}</title>'
        f'<desc id="map-{uid}-desc">{_e(summary)}</desc>'
        '<g stroke="#fff" stroke-width="1.5">'
    ]
    for code, path in drawn.items():
        count = counts.get(code, 0)
        if count:
            label = _counted(country_name(code, names.get(code, code)), count)
            parts.append(
                f'<g role="img" aria-label="{_e(label)}" data-country="{code}" '
                f'data-count="{count}"><title>{_e(label)}</title>'
                f'<path d="{path}" fill="{_shade(count, ranges)}"/></g>'
            )
        else:
            parts.append(f'<path d="{path}" fill="{EMPTY}" aria-hidden="true"/>')
    parts.append("</g>")
    parts.append(_legend(ranges))
    parts.append("</svg>")
    return Markup("".join(parts))
