"""``wpstrack indicators``: enter values, refresh computed ones, show progress."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from wpstrack import indicators
from wpstrack.cli.common import (
    actor,
    as_option,
    connect,
    console,
    finish_import,
    print_import_report,
    print_json,
)
from wpstrack.funding.importing import read_file

app = typer.Typer(help="Indicator values per period, with disaggregation.")


@app.command("record")
def record_cli(
    plan: str = typer.Argument(..., help="Plan code, e.g. JP-NAP3."),
    indicator: str = typer.Argument(..., help="Indicator code within the plan."),
    period: str = typer.Argument(..., help="Period measured, e.g. 2024 or FY2024."),
    value: float = typer.Argument(..., help="The measured value."),
    sex: str = typer.Option("total", "--sex", help="f or m for a value disaggregated by sex."),
    source: str = typer.Option(None, "--source", help="Where the value comes from."),
    note: str = typer.Option(None, "--note", help="A remark on the value."),
    as_user: str | None = as_option(),
) -> None:
    """Enter a value for PERIOD; entering the same period and sex again corrects it.

    The value is checked against the plan's rules (period type, range, parts within the
    total) and recorded under the acting user; a correction keeps the earlier version and
    waits for approval again (`wpstrack indicators approve`).
    """
    data = indicators.ValueIn(period, value, sex, source=source, note=note)
    with connect() as conn:
        who = actor(conn, as_user)
        outcome = indicators.record_value(conn, plan, indicator, data, actor=who)
    console.print(
        f"{plan} {indicator} {period} ({sex}): {value:g} {outcome}", markup=False, highlight=False
    )


@app.command("approve")
def approve_cli(
    plan: str = typer.Argument(..., help="Plan code, e.g. JP-NAP3."),
    period: str = typer.Argument(..., help="The period whose entered values to approve."),
    indicator: list[str] = typer.Option(
        None, "--indicator", help="Only these indicators (repeatable); default all."
    ),
    as_user: str | None = as_option(),
) -> None:
    """Approve a period's entered values: reports count approved values only."""
    with connect() as conn:
        who = actor(conn, as_user)
        count = indicators.approve_period(conn, plan, period, actor=who, indicators=indicator)
    console.print(f"{plan} {period}: {count} value{'s' * (count != 1)} approved", markup=False)


@app.command("history")
def history_cli(
    plan: str = typer.Argument(..., help="Plan code, e.g. JP-NAP3."),
    indicator: str = typer.Argument(..., help="Indicator code within the plan."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Every version of an indicator's values: who entered what, from which source, when."""
    with connect() as conn:
        rows = indicators.history(conn, plan, indicator)
    if as_json:
        print_json(rows)
        return
    table = Table("period", "sex", "value", "status", "source", "entered by", "entered at", "")
    for r in rows:
        table.add_row(
            r["period"],
            r["sex"],
            f"{r['value']:g}",
            r["status"],
            r["source"] or "",
            r["recorded_by"] or "",
            r["recorded_at"].strftime("%Y-%m-%d %H:%M") if r["recorded_at"] else "",
            "current" if r["current"] else f"replaced by {r.get('replaced_by') or '?'}",
        )
    console.print(table)


@app.command("list")
def list_cli(
    plan: str = typer.Argument(..., help="Plan code, e.g. JP-NAP3."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List a plan's indicators with baseline, targets and the values entered so far."""
    with connect() as conn:
        rows = indicators.list_values(conn, plan)
    if as_json:
        print_json(rows)
        return
    table = Table("indicator", "name", "unit", "baseline", "period", "sex", "value", "target")
    for r in rows:
        baseline = (
            f"{r['baseline_value']:g} ({r['baseline_period'] or '?'})"
            if r["baseline_value"] is not None
            else ""
        )
        first = [r["code"], r["name"], r["unit"], baseline]
        if not r["values"]:
            targets = ", ".join(f"{p}: {v:g}" for p, v in r["targets"].items())
            table.add_row(*first, "", "", "", targets)
        for i, v in enumerate(r["values"]):
            target = "" if v["target"] is None else f"{v['target']:g}"
            lead = first if i == 0 else ["", "", "", ""]
            table.add_row(*lead, v["period"], v["sex"], f"{v['value']:g}", target)
    if not rows:
        console.print(f"plan {plan} has no indicators", markup=False)
        return
    console.print(table)


@app.command("refresh")
def refresh_cli(
    plan: str = typer.Argument(None, help="Plan code; every plan when left out."),
    as_user: str | None = as_option(),
) -> None:
    """Recompute computed indicators from reviewed and published activities and store them."""
    with connect() as conn:
        done = indicators.refresh(conn, plan, actor(conn, as_user))
    for line in done:
        what = line["note"] or f"{line['periods']} period{'s' * (line['periods'] != 1)}"
        console.print(f"{line['plan']} {line['code']}: {what}", markup=False, highlight=False)
    if not done:
        console.print("no computed indicators", markup=False)


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:g} %"


@app.command("progress")
def progress_cli(
    plan: str = typer.Argument(..., help="Plan code, e.g. JP-NAP3."),
    indicator: str = typer.Argument(None, help="One indicator: its whole time series."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Progress against baseline and target: latest value per indicator, or one series."""
    with connect() as conn:
        data = (
            indicators.series(conn, plan, indicator)
            if indicator
            else indicators.overview(conn, plan)
        )
    if as_json:
        print_json(data)
        return
    if isinstance(data, dict):
        table = Table("period", "value", "target", "progress", "note")
        for p in data["series"]:
            target = "" if p["target"] is None else f"{p['target']:g}"
            table.add_row(p["period"], f"{p['value']:g}", target, _pct(p["progress"]), p["note"])
        console.print(f"{plan} {data['code']}: {data['name']} ({data['unit']})", markup=False)
        console.print(table)
        return
    table = Table("indicator", "method", "period", "value", "target", "progress", "refreshed")
    for r in data:
        latest = r["latest"] or {}
        value = "" if latest.get("value") is None else f"{latest['value']:g}"
        target = "" if latest.get("target") is None else f"{latest['target']:g}"
        refreshed = r["refreshed_at"].strftime("%Y-%m-%d %H:%M") if r["refreshed_at"] else ""
        table.add_row(
            r["code"],
            r["method"],
            latest.get("period", ""),
            value,
            target,
            _pct(r["progress"]),
            refreshed,
        )
    console.print(table)


@app.command("import")
def import_cli(
    plan: str = typer.Argument(..., help="Plan code, e.g. JP-NAP3."),
    file: Path = typer.Argument(..., help="A values file, .csv or .xlsx."),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Check every row and report; write nothing."
    ),
    fmt: str = typer.Option(None, "--format", help="csv or xlsx (default: the extension)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    as_user: str | None = as_option(),
) -> None:
    """Import indicator values. A file with any bad row writes nothing; --dry-run names
    every problem of every row.

    Columns: indicator, period, value (required); sex (total, f or m), source, note. Each
    period's rows are checked together with the values already stored, under the plan's
    rules (period type, ranges, parts within the total).
    """
    data = read_file(file)
    with connect() as conn:
        report = indicators.import_values(
            conn, plan, data, file.name, fmt=fmt, dry_run=dry_run, actor=actor(conn, as_user)
        )
    print_import_report(report, as_json)
    finish_import(report)
