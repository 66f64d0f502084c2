"""One entry point for every format, so the CLI and the web route offer the same choice."""

from __future__ import annotations

from collections.abc import Callable

from wpstrack.errors import InvalidInput
from wpstrack.reports.as_html import render_html, render_pdf
from wpstrack.reports.as_markdown import render_markdown
from wpstrack.reports.model import Report

FORMATS = ("pdf", "docx", "html", "md")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
}


def _render_docx(report: Report) -> bytes:
    # python-docx and Pillow (some 10 MB) load when a DOCX is asked for, not in every
    # process that imports the reports (the CLI's, for any command).
    from wpstrack.reports.as_docx import render_docx

    return render_docx(report)


_RENDERERS: dict[str, Callable[[Report], bytes]] = {
    "pdf": render_pdf,
    "docx": _render_docx,
    "html": lambda r: render_html(r).encode("utf-8"),
    "md": lambda r: render_markdown(r).encode("utf-8"),
}


def check_format(fmt: str) -> str:
    """``fmt`` if it is a report format; InvalidInput lists them (checked before building)."""
    if fmt not in _RENDERERS:
        raise InvalidInput(f"report format {fmt!r} is not one of {', '.join(FORMATS)}")
    return fmt


def render(report: Report, fmt: str) -> bytes:
    """The report in ``fmt`` (pdf, docx, html or md), as the bytes of a file."""
    return _RENDERERS[check_format(fmt)](report)


def file_name(report: Report, fmt: str) -> str:
    """A download name that says which plan, period and language: JP-NAP3-report-2024.pdf,
    JP-NAP3-report-2024-ja.pdf."""
    edition = "" if report.language == "en" else f"-{report.language}"
    return f"{report.plan_code}-report-{report.period.label}{edition}.{fmt}"
