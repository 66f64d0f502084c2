"""``wpstrack report``: the annual implementation report of a plan, in one of four formats."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from wpstrack import funding, reports
from wpstrack.cli.common import connect, err_console


def report_cli(
    plan: str = typer.Option(..., "--plan", help="Code of the plan, e.g. JP-NAP3."),
    period: str = typer.Option(
        ..., "--period", help="Calendar year (2024) or Japanese fiscal year (FY2024)."
    ),
    fmt: str = typer.Option("pdf", "--format", "-f", help=f"One of {', '.join(reports.FORMATS)}."),
    output: Path | None = typer.Option(
        None,
        "--output",
        "-o",
        help="File to write; default PLAN-report-PERIOD.FORMAT here; '-' for stdout.",
    ),
    currency: str = typer.Option(
        funding.DEFAULT_CURRENCY, "--currency", help="Reporting currency of funding totals."
    ),
    lang: str = typer.Option(
        "en", "--lang", help="Language of the report: en, or ja for the Japanese edition."
    ),
) -> None:
    """Write the annual implementation report of a plan for a period.

    A cover naming the government, ministry, plan and period; contents; an executive
    summary (the editors' narrative and key figures); per pillar its narrative, indicator
    table and chart, activities (each once, citing its source), plan items and funding with
    the falling-funding flag; annexes of sources and of gender-marked funding. PDF and DOCX
    are A4 with page numbers. Built from the database alone: the same database gives the
    same HTML and Markdown. --lang ja writes the Japanese edition.
    """
    reports.check_format(fmt)
    with connect() as conn:
        report = reports.build_report(conn, plan, period, currency=currency, language=lang)
    data = reports.render(report, fmt)
    if output is not None and str(output) == "-":
        sys.stdout.buffer.write(data)
        return
    target = output or Path(reports.file_name(report, fmt))
    target.write_bytes(data)
    err_console.print(f"wrote {target} ({len(data):,} bytes)", highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add ``report`` to the top-level command group."""
    app.command("report")(report_cli)
