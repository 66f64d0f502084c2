"""``wpstrack extract | ingest | show | eval``: documents in, activity drafts out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from wpstrack.cli.common import console, print_json


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def _label(field: str) -> str:
    """A report row's name, short enough for an 80-column terminal."""
    return field.replace("organisation_or_country", "affiliation")


def eval_cli(
    gold: Path = typer.Option(..., "--gold", help="Gold file (JSON lines, one document a line)."),
    docs: Path = typer.Option(..., "--docs", help="Folder holding the file <id>.* of each line."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    show_errors: bool = typer.Option(
        False, "--show-errors", "--per-doc", help="List every mismatching document and field."
    ),
    only: list[str] = typer.Option(
        [], "--field", help="With --show-errors: only these fields (repeatable)."
    ),
) -> None:
    """Score extraction of a folder against a gold file, per field and macro (no database)."""
    from wpstrack.evaluation import evaluate_folder

    report = evaluate_folder(gold, docs).as_dict()
    errors = [e for e in report["errors"] if not only or e["field"].split(".")[0] in only]
    if as_json:
        if not show_errors:
            report.pop("errors")
        else:
            report["errors"] = errors
        print_json(report)
        return
    table = Table(
        title=f"Extraction scores over {report['documents']} documents",
        caption="counts: correct/total, or tp/fp/fn for F1 rows",
    )
    table.add_column("field", no_wrap=True)
    for column in ("metric", "score", "P", "R", "counts"):
        table.add_column(column, justify="left" if column == "metric" else "right")
    for row in report["fields"]:
        if row["metric"] == "accuracy":
            counts = f"{row['correct']}/{row['total']}"
            table.add_row(_label(row["field"]), "acc", _fmt(row["score"]), "", "", counts)
        else:
            counts = f"{row['tp']}/{row['fp']}/{row['fn']}"
            table.add_row(
                _label(row["field"]),
                "F1",
                _fmt(row["score"]),
                _fmt(row["precision"]),
                _fmt(row["recall"]),
                counts,
            )
    table.add_section()
    table.add_row("macro (gold fields)", "mean", _fmt(report["macro"]), "", "", "")
    table.add_row("macro (all rows)", "mean", _fmt(report["macro_all"]), "", "", "")
    console.print(table)
    if show_errors:
        _print_errors(errors)


def _print_errors(errors: list[dict[str, Any]]) -> None:
    """One line per mismatch, easy to grep: document, field, gold, predicted."""
    console.print(f"\n[bold]{len(errors)} mismatches[/bold]")
    for error in errors:
        if "missing" in error:
            detail = f"missing {error['missing']}  extra {error['extra']}"
        else:
            who = f"{error['person']}: " if "person" in error else ""
            detail = f"{who}gold {error['gold']!r}  predicted {error['predicted']!r}"
        console.print(f"{error['id']}  {error['field']}  {detail}", markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    """Add the document commands to the top-level app."""
    app.command("eval")(eval_cli)
