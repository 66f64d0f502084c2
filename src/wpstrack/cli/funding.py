"""``wpstrack funding``: import contributions and exchange rates, list, summarise, trends."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import typer
from rich import box
from rich.table import Table

from wpstrack import funding
from wpstrack.cli.common import (
    actor,
    as_option,
    connect,
    console,
    err_console,
    finish_import,
    print_import_report,
    print_json,
)
from wpstrack.errors import InvalidInput

app = typer.Typer(
    help="Contributions (commitments and disbursements), exchange rates, totals and trends.",
    no_args_is_help=True,
)
rates_app = typer.Typer(help="Exchange rates into a reporting currency, supplied by you.")
app.add_typer(rates_app, name="rates")

JSON = typer.Option(False, "--json", help="Print JSON instead of a table.")
CURRENCY = typer.Option(
    funding.DEFAULT_CURRENCY, "--currency", help="Reporting currency (ISO 4217)."
)
PARTIAL = typer.Option(
    False,
    "--partial",
    help="Leave out amounts without a rate (listed) instead of refusing the totals.",
)


SHORT_TYPES = {"commitment": "commit", "disbursement": "disburse"}


def _money(amount: Decimal) -> str:
    return f"{amount:,.2f}"


@app.command("import")
def import_cli(
    file: Path = typer.Argument(..., help="A contribution file, .csv or .xlsx."),
    dry_run: bool = typer.Option(
        False,
        "--dry-run",
        help="Report what would be created, updated and rejected; write nothing.",
    ),
    allow_unresolved: bool = typer.Option(
        False,
        "--allow-unresolved",
        help="Keep donors and recipients that match no organisation, as written.",
    ),
    fmt: str = typer.Option(None, "--format", help="csv or xlsx (default: the extension)."),
    as_json: bool = JSON,
    as_user: str | None = as_option(),
) -> None:
    """Import contributions. A file with any bad row writes nothing; --dry-run shows each row.

    Columns: donor, recipient, amount, currency, date, transaction_type (required); year,
    pillar, gender_marker, reference, plan, plan_item, activity_id, source, note. A row whose
    donor, recipient, date, transaction type and reference are already in the register
    updates that record. A dry run that finds a bad row exits with status 1.
    """
    with connect() as conn:
        report = funding.import_contributions_file(
            conn,
            file,
            dry_run=dry_run,
            fmt=fmt,
            allow_unresolved=allow_unresolved,
            actor=actor(conn, as_user),
        )
    print_import_report(report, as_json)
    finish_import(report)


@rates_app.command("import")
def rates_import_cli(
    file: Path = typer.Argument(..., help="A rate file, .csv or .xlsx."),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Report what would change; write nothing."
    ),
    fmt: str = typer.Option(None, "--format", help="csv or xlsx (default: the extension)."),
    as_json: bool = JSON,
    as_user: str | None = as_option(),
) -> None:
    """Import exchange rates (currency, year, rate, reporting_currency, source); no network."""
    with connect() as conn:
        report = funding.import_rates_file(
            conn, file, dry_run=dry_run, fmt=fmt, actor=actor(conn, as_user)
        )
    print_import_report(report, as_json)
    finish_import(report)


@rates_app.command("list")
def rates_list_cli(as_json: bool = JSON) -> None:
    """List the exchange rates in the database."""
    with connect() as conn:
        rows = funding.list_rates(conn)
    if as_json:
        print_json(rows)
        return
    table = Table("currency", "year", "rate", "into", "source", box=box.SIMPLE_HEAD)
    for r in rows:
        table.add_row(
            r["currency"],
            str(r["year"]),
            str(r["rate"]),
            r["reporting_currency"],
            r["source"] or "",
        )
    console.print(table)


def _filters(
    donor: str | None,
    recipient: str | None,
    pillar: str | None,
    year_from: int | None,
    year_to: int | None,
    marker: int | None,
    kind: str | None,
) -> funding.ContributionFilter:
    if kind is not None and kind not in funding.TRANSACTION_TYPES:
        raise InvalidInput(f"--type {kind!r} is not commitment or disbursement")
    if marker is not None and marker not in funding.GENDER_MARKERS:
        raise InvalidInput(f"--marker {marker} is not 0, 1 or 2")
    return funding.ContributionFilter(
        donor=donor,
        recipient=recipient,
        pillar=pillar,
        year_from=year_from,
        year_to=year_to,
        gender_marker=marker,
        transaction_type=kind,
    )


DONOR = typer.Option(None, "--donor", help="Donor code, name or alias.")
RECIPIENT = typer.Option(None, "--recipient", help="Recipient code, name or alias.")
PILLAR = typer.Option(None, "--pillar", help="Pillar code or name.")
YEAR_FROM = typer.Option(None, "--from", help="First reporting year.")
YEAR_TO = typer.Option(None, "--to", help="Last reporting year.")
MARKER = typer.Option(None, "--marker", help="Gender marker: 0, 1 or 2.")
KIND = typer.Option(None, "--type", help="commitment or disbursement.")


@app.command("list")
def list_cli(
    donor: str = DONOR,
    recipient: str = RECIPIENT,
    pillar: str = PILLAR,
    year_from: int = YEAR_FROM,
    year_to: int = YEAR_TO,
    marker: int = MARKER,
    kind: str = KIND,
    limit: int = typer.Option(50, "--limit", help="Rows per page (at most 500)."),
    cursor: str = typer.Option(None, "--cursor", help="The next page's cursor, as printed."),
    as_json: bool = JSON,
) -> None:
    """List contributions by date, in their own currencies."""
    filters = _filters(donor, recipient, pillar, year_from, year_to, marker, kind)
    with connect() as conn:
        page = funding.list_contributions(conn, filters, cursor, limit)
    if as_json:
        items = [c.model_dump(mode="json") for c in page.items]
        print_json({"items": items, "next_cursor": page.next_cursor})
        return
    # The pillar, source and note are in --json; a terminal row keeps to what identifies it.
    table = Table(box=box.SIMPLE_HEAD)
    table.add_column("id", justify="right", no_wrap=True)
    table.add_column("date", no_wrap=True)
    table.add_column("donor → recipient", ratio=1)
    table.add_column("amount", justify="right", no_wrap=True)
    table.add_column("type", no_wrap=True)
    table.add_column("DAC", justify="right", no_wrap=True)
    for c in page.items:
        table.add_row(
            str(c.id),
            c.date.isoformat(),
            f"{c.donor_code or c.donor_name} → {c.recipient_code or c.recipient_name}",
            f"{c.currency} {_money(c.amount)}",
            SHORT_TYPES[c.transaction_type],
            "" if c.gender_marker is None else str(c.gender_marker),
        )
    console.print(table)
    if page.next_cursor:
        console.print(f"more: --cursor {page.next_cursor}", highlight=False)


def _warn_missing(items: list[funding.MissingRateItem], currency: str) -> None:
    for item in items:
        err_console.print(
            f"left out: {item.contributions} contribution(s) in {item.currency} {item.year} "
            f"(no rate into {currency})",
            markup=False,
            highlight=False,
        )


@app.command("summary")
def summary_cli(
    by: str = typer.Option("recipient", "--by", help="recipient, donor, pillar, year or marker."),
    currency: str = CURRENCY,
    donor: str = DONOR,
    recipient: str = RECIPIENT,
    pillar: str = PILLAR,
    year_from: int = YEAR_FROM,
    year_to: int = YEAR_TO,
    marker: int = MARKER,
    partial: bool = PARTIAL,
    as_json: bool = JSON,
) -> None:
    """Total commitments and disbursements in one currency, grouped; a missing rate is an error."""
    filters = _filters(donor, recipient, pillar, year_from, year_to, marker, None)
    with connect() as conn:
        summary = funding.summarise(
            conn, by, currency=currency.upper(), filters=filters, partial=partial
        )
    if as_json:
        print_json(summary.model_dump(mode="json"))
        return
    table = Table(
        by,
        f"committed ({summary.currency})",
        f"disbursed ({summary.currency})",
        "n",
        box=box.SIMPLE_HEAD,
    )
    for g in summary.groups:
        table.add_row(g.label, _money(g.commitment), _money(g.disbursement), str(g.contributions))
    table.add_section()
    table.add_row(
        "total",
        _money(summary.commitment),
        _money(summary.disbursement),
        str(summary.contributions),
    )
    console.print(table)
    _warn_missing(summary.missing_rates, summary.currency)


def _trend_table(title: str, trends: list[funding.Trend], years: list[int]) -> Table:
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column(title.split()[0].lower(), ratio=1)
    for year in years:
        table.add_column(str(year), justify="right", no_wrap=True)
    table.add_column("change", justify="right", no_wrap=True)
    table.add_column("", no_wrap=True)
    for trend in trends:
        last = trend.points[-1] if trend.points else None
        change = f"{last.change_pct:+}%" if last and last.change_pct is not None else ""
        table.add_row(
            trend.label,
            *(f"{p.amount:,.0f}" for p in trend.points),
            change,
            "FALLING" if trend.falling_latest else "",
        )
    return table


@app.command("trends")
def trends_cli(
    currency: str = CURRENCY,
    kind: str = typer.Option("commitment", "--type", help="commitment or disbursement."),
    threshold: float = typer.Option(
        float(funding.DEFAULT_THRESHOLD),
        "--threshold",
        help="A fall larger than this fraction of the year before is flagged (0.1 = 10%).",
    ),
    year_from: int = YEAR_FROM,
    year_to: int = YEAR_TO,
    partial: bool = PARTIAL,
    as_json: bool = JSON,
) -> None:
    """Year-on-year change per recipient and per pillar; falling funding is flagged."""
    with connect() as conn:
        trends = funding.funding_trends(
            conn,
            currency=currency.upper(),
            transaction_type=kind,
            threshold=Decimal(str(threshold)),
            year_from=year_from,
            year_to=year_to,
            partial=partial,
        )
    if as_json:
        print_json(trends.model_dump(mode="json"))
        return
    years = [p.year for p in trends.recipients[0].points] if trends.recipients else []
    for title, rows in (("Recipients", trends.recipients), ("Pillars", trends.pillars)):
        console.print(_trend_table(f"{title} ({kind}s, {trends.currency})", rows, years))
    console.print(
        f"FALLING: the last year is more than {trends.threshold * 100:g}% below the year before.",
        highlight=False,
    )
    _warn_missing(trends.missing_rates, trends.currency)
