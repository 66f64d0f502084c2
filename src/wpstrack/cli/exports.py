"""``wpstrack export`` and ``wpstrack matrix``: tables out of the database, who does what where."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import typer
from rich.table import Table

from wpstrack import exports, roles
from wpstrack.cli.common import connect, console, print_json
from wpstrack.matrix import MatrixFilter, download, matrix


def export_cli(
    table: str = typer.Argument(..., help=f"One of: {', '.join(exports.TABLES)}."),
    fmt: str = typer.Option("csv", "--format", "-f", help=f"One of: {', '.join(exports.FORMATS)}."),
    output: Path = typer.Option(
        None, "--output", "-o", help="File to write; stdout when left out."
    ),
    plan: str = typer.Option(None, "--plan", help="Indicators and values of this plan only."),
    public: bool = typer.Option(
        False, "--public", help="Published activities only (the default; kept for scripts)."
    ),
    include_drafts: bool = typer.Option(
        False, "--include-drafts", help="Every activity: drafts and reviewed ones as well."
    ),
) -> None:
    """Export TABLE as CSV, XLSX, JSON, Parquet or (indicator values) SDMX-CSV.

    Activities and participants are the published ones (what the public may read) unless
    --include-drafts asks for every entry. Rows come in a fixed order, so the same database
    gives the same file. Binary formats (xlsx, parquet) need --output.
    """
    if fmt in ("xlsx", "parquet") and output is None:
        raise typer.BadParameter(f"{fmt} is binary: give --output FILE", param_hint="--output")
    if public and include_drafts:
        raise typer.BadParameter("--public and --include-drafts contradict each other")
    options = exports.Options(plan=plan, public=not include_drafts)
    with connect() as conn:
        data = exports.export(conn, table, fmt, options)
    if output is None:
        sys.stdout.buffer.write(data)
        return
    output.write_bytes(data)
    console.print(f"wrote {output} ({len(data):,} bytes)", markup=False, highlight=False)


def matrix_cli(
    plan: str = typer.Option(None, "--plan", help="Only what this plan's government does."),
    organisation: list[str] = typer.Option(None, "--organisation", help="Organisation code."),
    organisation_type: list[str] = typer.Option(
        None, "--organisation-type", help="Organisation type (government, ministry, ...)."
    ),
    pillar: list[str] = typer.Option(None, "--pillar", help="Pillar code."),
    topic: list[str] = typer.Option(None, "--topic", help="Topic."),
    country: list[str] = typer.Option(None, "--country", help="Where the work happens (ISO)."),
    type: list[str] = typer.Option(None, "--type", help="Activity type (dialogue, ...)."),
    date_from: datetime = typer.Option(None, "--date-from", formats=["%Y-%m-%d"], help="From."),
    date_to: datetime = typer.Option(None, "--date-to", formats=["%Y-%m-%d"], help="To."),
    year_from: int = typer.Option(None, "--from", help="First year."),
    year_to: int = typer.Option(None, "--to", help="Last year."),
    funding: bool = typer.Option(False, "--funding", help="Add funding received (JSON)."),
    currency: str = typer.Option("USD", "--currency", help="Reporting currency of funding."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    as_csv: bool = typer.Option(False, "--csv", help="Print CSV, one line per cell."),
    countries: bool = typer.Option(
        False, "--countries", help="With --csv or --output: entries per country (the map)."
    ),
    output: Path = typer.Option(
        None, "--output", "-o", help="Write CSV or XLSX (by the file's extension) here."
    ),
) -> None:
    """Who does what where: the organisations and governments that lead, implement or fund
    reviewed and published entries, by pillar, type, country where the work happens and
    year. Options may be repeated (--pillar participation --pillar protection)."""
    f = MatrixFilter(
        plan=plan,
        organisation=organisation or [],
        organisation_type=organisation_type or [],
        pillar=pillar or [],
        topic=topic or [],
        country=country or [],
        type=type or [],
        date_from=date_from.date() if date_from else None,
        date_to=date_to.date() if date_to else None,
        year_from=year_from,
        year_to=year_to,
        funding=funding,
        currency=currency,
    )
    table_name = "countries" if countries else "cells"
    with connect() as conn:
        data = matrix(conn, f)
    if output is not None:
        fmt = output.suffix.lstrip(".").lower()
        output.write_bytes(download(data, fmt, table_name))
        console.print(f"wrote {output}", markup=False, highlight=False)
        return
    if as_json:
        print_json(data)
        return
    if as_csv:
        sys.stdout.write(download(data, "csv", table_name).decode())
        return
    table = Table("who", "role", "type", "where", "year", *(p["name"] for p in data["pillars"]))
    for row in data["rows"]:
        counts = [str(n) if n else "" for n in row["counts"]]
        where = row["country"] or ""
        cells = (row["label"], roles.label_of(row["role"]), row["type"], where, str(row["year"]))
        table.add_row(*cells, *counts)
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add ``export`` and ``matrix`` to the top-level command group."""
    app.command("export")(export_cli)
    app.command("matrix")(matrix_cli)
