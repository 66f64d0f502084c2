"""``wpstrack indicators``: enter and list indicator values."""

from __future__ import annotations

import typer
from rich.table import Table

from wpstrack import indicators
from wpstrack.cli.common import connect, console, print_json

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
    by: str = typer.Option(None, "--by", help="Who records it."),
) -> None:
    """Enter a value for PERIOD; entering the same period and sex again corrects it."""
    data = indicators.ValueIn(period, value, sex, source=source, note=note, recorded_by=by)
    with connect() as conn:
        outcome = indicators.record_value(conn, plan, indicator, data)
    console.print(
        f"{plan} {indicator} {period} ({sex}): {value:g} {outcome}", markup=False, highlight=False
    )


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
