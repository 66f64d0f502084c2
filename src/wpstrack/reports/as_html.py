"""The report as one self-contained HTML page (print CSS included), and as PDF from it.

Charts are :mod:`wpstrack.charts` SVG inlined in the page, so the PDF (WeasyPrint renders
inline SVG) and a browser show the same drawing with nothing to fetch.
"""

from __future__ import annotations

import re
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from wpstrack import charts
from wpstrack.errors import ConfigError
from wpstrack.reports import text
from wpstrack.reports.model import Report

_CHART_ID = re.compile(r"chart-(\d+)-")
# WeasyPrint draws inline SVG without the page's style sheet: the colours go inside.
_SVG_STYLE = (
    "<style>rect{fill:#5b2a86}line.axis{stroke:#333}text{fill:#111;font-size:12px}"
    ".axis-label{fill:#555}</style>"
)


def _styled(svg: Markup) -> Markup:
    # str() first: Markup.replace would escape the inserted markup.
    return Markup(str(svg).replace("<title", _SVG_STYLE + "<title", 1))


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("wpstrack.reports", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    env.globals.update(
        money=text.money,
        head=text.activity_head,
        detail=text.activity_detail,
        indicator_cells=text.indicator_cells,
        indicator_header=text.INDICATOR_HEADER,
        annex_header=text.ANNEX_HEADER,
    )
    return env


def _charts(report: Report) -> dict[str, Markup]:
    f = report.figures
    drawn = {
        "by_type": charts.bar_chart(
            "Activities by type",
            [(c.label, c.count) for c in f.by_type],
            value_label="activities",
            category_label="type",
        ),
        "by_pillar": charts.bar_chart(
            "Activities by pillar",
            [(c.label, c.count) for c in f.by_pillar],
            value_label="activities",
            category_label="pillar",
        ),
        "funding": charts.bar_chart(
            f"Funding committed by pillar ({f.currency})",
            [(m.label, float(m.commitment)) for m in f.funding_by_pillar],
            value_label=f"committed, {f.currency}",
            category_label="pillar",
            unit=f.currency,
        ),
    }
    return {name: _styled(svg) for name, svg in drawn.items()}


def _stable_ids(page: str) -> str:
    """Number the charts' element ids 1, 2, 3... in page order.

    :mod:`wpstrack.charts` draws ids from a process-wide counter (unique on a live page),
    which would make two renderings of one report differ; renumbering keeps them unique
    within the page and the bytes the same each time.
    """
    seen: dict[str, int] = {}

    def renumber(match: re.Match[str]) -> str:
        number = seen.setdefault(match.group(1), len(seen) + 1)
        return f"chart-{number}-"

    return _CHART_ID.sub(renumber, page)


def render_html(report: Report) -> str:
    """The report as an HTML page: the same report gives the same text."""
    context: dict[str, Any] = {
        "r": report,
        "f": report.figures,
        "title": text.report_title(report),
        "title_lines": text.title_lines(report),
        "women": text.women_line(report),
        "un_list": ", ".join(f"{c.label} ({c.count})" for c in report.figures.un_entities),
        "charts": _charts(report),
        "s": {
            "figures": text.SECTION_FIGURES,
            "plan_indicators": text.SECTION_PLAN_INDICATORS,
            "unlinked": text.SECTION_UNLINKED,
            "annex": text.SECTION_ANNEX,
        },
    }
    page = _environment().get_template("report.html").render(context)
    return _stable_ids(page)


def render_pdf(report: Report) -> bytes:
    """The HTML page printed to PDF by WeasyPrint (needs Pango from the system)."""
    try:  # imported here: loading Pango costs time the other formats need not spend
        from weasyprint import HTML
    except OSError as exc:  # WeasyPrint is installed but the system's Pango is not
        raise ConfigError(
            f"PDF reports need Pango ({exc}): apt-get install libpango-1.0-0 "
            "libpangoft2-1.0-0 fonts-dejavu-core, or choose --format html, md or docx"
        ) from None
    return bytes(HTML(string=render_html(report)).write_pdf())
