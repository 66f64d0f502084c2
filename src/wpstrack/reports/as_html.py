"""The report as one self-contained HTML page (print CSS included), and as PDF from it.

The page lays out the blocks of :func:`wpstrack.reports.document.layout`. Charts are
:mod:`wpstrack.charts` SVG inlined in the page, so the PDF (WeasyPrint renders inline SVG)
and a browser show the same drawing with nothing to fetch. The PDF is A4 with page numbers
in the footer (CSS ``@page`` counters) and the contents' page numbers from
``target-counter``.
"""

from __future__ import annotations

import re
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from wpstrack import charts
from wpstrack.errors import ConfigError
from wpstrack.i18n import _, language
from wpstrack.reports.blocks import Chart
from wpstrack.reports.document import layout
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


# Latin first for an English report; a Japanese one leads with a Japanese face (IPA Gothic,
# Noto Sans CJK: the system's fonts-ipafont-gothic or fonts-noto-cjk), so its kana and kanji
# do not fall back to boxes.
FONTS = {
    "en": '"DejaVu Sans", "Helvetica Neue", Arial, "IPAGothic", "Noto Sans CJK JP", sans-serif',
    "ja": '"IPAGothic", "IPAexGothic", "Noto Sans CJK JP", "DejaVu Sans", sans-serif',
}
_PAGE = re.compile(r"%\(page\)s(.*)%\(pages\)s")


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("wpstrack.reports", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    env.globals.update(kind=lambda block: type(block).__name__.lower(), svg=_svg, css=_css)
    return env


def _css(value: str) -> Markup:
    """``value`` as a CSS string inside the page's ``<style>``, where HTML entities are not
    read: quotes and backslashes escaped, no markup possible (``<`` is written as a CSS
    escape, so no ``</style>`` can close the sheet)."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
    return Markup(f'"{escaped}"')


def _svg(chart: Chart) -> Markup:
    drawn = charts.bar_chart(
        chart.title,
        chart.data,
        value_label=chart.value_label,
        category_label=chart.category_label,
        unit=chart.unit,
    )
    return _styled(drawn)


def _page_words() -> tuple[str, str, str]:
    """The footer's words around the page number and the page count, in the language."""
    words = _("page %(page)s of %(pages)s")
    match = _PAGE.search(words)
    if match is None:  # a translation that reorders them: fall back to the plain form
        return ("", " / ", "")
    return (words[: match.start()], match.group(1), words[match.end() :])


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
    doc = layout(report)
    with language(report.language):
        context: dict[str, Any] = {
            "doc": doc,
            "fonts": Markup(FONTS.get(report.language, FONTS["en"])),
            "page_words": _page_words(),
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
