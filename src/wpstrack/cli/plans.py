"""``wpstrack plans``: list, show, import and export action plans."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich import box
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from wpstrack import plans
from wpstrack.cli.common import actor, as_option, connect, console, err_console, print_json
from wpstrack.errors import InvalidInput

app = typer.Typer(help="Action plans: pillars, objectives, measures and indicators.")


@app.command("list")
def list_cli(
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List the plans in the database with their period and size."""
    with connect() as conn:
        rows = plans.plan_summaries(conn)
    if as_json:
        print_json(rows)
        return
    table = Table(box=box.SIMPLE_HEAD)
    for column in ("code", "cc", "ed.", "adopted", "period", "items", "ind."):
        table.add_column(column, no_wrap=True)
    table.add_column("title", ratio=1)
    for r in rows:
        period = "–".join(str(y) for y in (r["period_start"], r["period_end"]) if y)
        table.add_row(
            r["code"],
            r["country"],
            str(r["edition"] or ""),
            str(r["adopted_on"] or ""),
            period,
            str(r["items"]),
            str(r["indicators"]),
            r["title"],
        )
    console.print(table)


def _plan_tree(plan: plans.Plan) -> Tree:
    period = "–".join(str(y) for y in (plan.period_start, plan.period_end) if y)
    head = Text.assemble((plan.code, "bold"), f"  {plan.title}")
    facts = [f"{plan.country}", f"edition {plan.edition}" if plan.edition else ""]
    facts += [
        f"adopted {plan.adopted_on}" if plan.adopted_on else "",
        period,
        plan.period_note or "",
    ]
    head.append("\n" + " · ".join(f for f in facts if f), style="dim")
    tree = Tree(head)
    by_item: dict[str | None, list[plans.Indicator]] = {}
    for ind in plan.indicators:
        by_item.setdefault(ind.item, []).append(ind)

    def add(node: Tree, items: list[plans.Item]) -> None:
        for item in items:
            label = Text.assemble((f"{item.kind} {item.code}", "cyan"), f"  {item.title}")
            if item.pillar:
                label.append(f"  [{item.pillar}]", style="magenta")
            if item.organisations:
                label.append(f"  ({', '.join(item.organisations)})", style="green")
            child = node.add(label)
            for ind in by_item.get(item.code, []):
                child.add(_indicator_label(ind))
            add(child, item.children)

    add(tree, plan.items)
    for ind in by_item.get(None, []):
        tree.add(_indicator_label(ind))
    return tree


def _indicator_label(ind: plans.Indicator) -> Text:
    parts = [ind.unit, ind.direction]
    if ind.baseline_value is not None:
        parts.append(f"baseline {ind.baseline_value:g} ({ind.baseline_period or 'period not set'})")
    if ind.targets:
        parts.append("targets " + ", ".join(f"{t.period}: {t.value:g}" for t in ind.targets))
    return Text.assemble(
        (f"indicator {ind.code}", "yellow"), f"  {ind.name}", (f"  [{'; '.join(parts)}]", "dim")
    )


@app.command("show")
def show_cli(code: str = typer.Argument(..., help="Plan code, e.g. JP-NAP3.")) -> None:
    """Print a plan as a tree: areas, objectives, measures and their indicators."""
    with connect() as conn:
        plan = plans.read_plan(conn, code)
    console.print(_plan_tree(plan))


@app.command("import")
def import_cli(
    file: Path = typer.Argument(..., help="A plan file: .yaml, .csv or .xlsx."),
    replace: bool = typer.Option(
        False,
        "--replace",
        help="Update the plan with the same code: print what would change (a dry run "
        "unless --apply).",
    ),
    apply: bool = typer.Option(False, "--apply", help="With --replace: write the changes."),
    force: bool = typer.Option(
        False,
        "--force",
        help="With --replace --apply: also delete items with activity links or "
        "contributions and indicators with recorded values.",
    ),
    fmt: str = typer.Option(None, "--format", help="yaml, csv or xlsx (default: the extension)."),
    as_user: str | None = as_option(),
) -> None:
    """Import a plan file. The whole file is checked first: a bad file changes nothing.

    A new plan is written at once. A plan that exists changes only with --replace, which
    prints each change (+ added, ~ changed, - removed) and what user data it would delete,
    and writes only with --apply; removing anything that values or links hang on also
    needs --force. Every row written is in the audit log.
    """
    plan = plans.read_plan_file(file, fmt)
    with connect() as conn:
        who = actor(conn, as_user)
        diff = plans.plan_changes(conn, plan)
        if replace and diff.exists:
            _print_diff(diff)
            if not apply:
                console.print("Dry run: nothing written. Run again with --apply to write.")
                return
        outcome = plans.save_plan(conn, plan, replace=replace, force=force, actor=who)
    items = sum(1 for _ in plan.walk())
    console.print(
        f"plan {plan.code}: {outcome} ({items} items, {len(plan.indicators)} indicators)",
        highlight=False,
        markup=False,
    )


def _print_diff(diff: plans.PlanDiff) -> None:
    if not diff.changes:
        console.print(f"plan {diff.code}: the file matches the stored plan", markup=False)
        return
    console.print(f"plan {diff.code}: {len(diff.changes)} change(s)", markup=False)
    for change in diff.changes:
        console.print(f"  {change}", markup=False, highlight=False)
    for loss in diff.losses:
        console.print(f"  would delete user data: {loss}", markup=False, highlight=False)


@app.command("export")
def export_cli(
    code: str = typer.Argument(..., help="Plan code, e.g. JP-NAP3."),
    fmt: str = typer.Option("yaml", "--format", "-f", help="yaml, csv or xlsx."),
    output: Path = typer.Option(None, "--output", "-o", help="Write here instead of stdout."),
) -> None:
    """Export a plan as YAML, CSV or XLSX; importing the result gives the same plan back."""
    if fmt not in plans.FORMATS:
        raise InvalidInput(f"unknown format {fmt!r}; expected one of yaml, csv, xlsx")
    with connect() as conn:
        data = plans.export_plan(conn, code, fmt)
    if output is None:
        # Bytes, not text: the export must reach a pipe exactly as it reaches a file.
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        output.write_bytes(data)
        err_console.print(f"wrote {output} ({len(data)} bytes)", markup=False, highlight=False)
