"""``wpstrack extract | show | eval``: documents in, activity drafts out (ingest: cli.ingest)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from wpstrack.cli import ingest
from wpstrack.cli.common import (
    console,
    fail,
    load_settings,
    print_json,
)


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
    gold: Path | None = typer.Option(
        None, "--gold", help="Gold file (JSON lines, one document a line)."
    ),
    docs: Path | None = typer.Option(
        None, "--docs", help="Folder holding the file <id>.* of each line."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    show_errors: bool = typer.Option(
        False, "--show-errors", "--per-doc", help="List every mismatching document and field."
    ),
    only: list[str] = typer.Option(
        [], "--field", help="With --show-errors: only these fields (repeatable)."
    ),
    calibration: bool = typer.Option(
        False,
        "--calibration",
        help="Print the reliability table of the gold sets: per set and confidence bin, "
        "how many values and the share right.",
    ),
    fit_calibration: bool = typer.Option(
        False,
        "--fit-calibration",
        help="Fit the confidence calibration on the gold sets and write the table the "
        "extractor ships (extract/calibration.json).",
    ),
    sets: list[str] = typer.Option(
        [],
        "--set",
        help="With --calibration/--fit-calibration: a gold set NAME=FOLDER (repeatable; "
        "default: the checkout's dev, blind, blind2 and pages sets).",
    ),
) -> None:
    """Score extraction of a folder against a gold file, per field and macro (no database).

    With --calibration, the reliability of the confidences instead; with --fit-calibration,
    fit them anew (run it after changing the extractor).
    """
    if calibration or fit_calibration:
        _calibration(sets, fit_calibration, as_json)
        return
    if gold is None or docs is None:
        raise fail("give --gold and --docs (or --calibration)", 2)
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
    console.print(score_table(report))
    if show_errors:
        _print_errors(errors)


def _calibration(pairs: list[str], fit: bool, as_json: bool) -> None:
    """Fit and write the calibration table, or print the reliability table per set."""
    from wpstrack import calibration

    chosen = calibration.gold_sets(pairs)
    if fit:
        fitted = calibration.fit(calibration.judge_sets(chosen, calibrated=False))
        calibration.write_table(fitted, calibration.TABLE_PATH)
        judged = sum(1 for entry in fitted["keys"].values() if entry["judged"])
        console.print(
            f"Wrote {calibration.TABLE_PATH}: {judged} keys judged, "
            f"{len(fitted['keys']) - judged} not judged, from {', '.join(chosen)}."
        )
        return
    report = calibration.reliability(calibration.judge_sets(chosen))
    if as_json:
        print_json(report)
        return
    for name, rows in report.items():
        sure = calibration.sure_share(rows)
        table = Table(
            title=f"Reliability on {name}",
            caption=f"share right at ≥ 0.9: {_fmt(sure)}",
        )
        for column in ("confidence", "values", "right", "share right"):
            table.add_column(column, justify="left" if column == "confidence" else "right")
        for row in rows:
            table.add_row(
                row["bin"], str(row["values"]), str(row["right"]), _fmt(row["share_right"])
            )
        console.print(table)


def score_table(report: dict[str, Any]) -> Table:
    """The evaluation report as a table: one row per field, then the macro averages."""
    table = Table(
        title=f"Extraction scores over {report['documents']} documents",
        caption="counts: correct/total, or tp/fp/fn for F1 rows",
    )
    table.add_column("field", no_wrap=True)
    for column in ("metric", "score", "P", "R", "counts"):
        table.add_column(column, justify="left" if column == "metric" else "right")
    for row in report["fields"]:
        label, score = _label(row["field"]), _fmt(row["score"])
        if row["metric"] == "accuracy":
            table.add_row(label, "acc", score, "", "", f"{row['correct']}/{row['total']}")
        else:
            counts = f"{row['tp']}/{row['fp']}/{row['fn']}"
            precision, recall = _fmt(row["precision"]), _fmt(row["recall"])
            table.add_row(label, "F1", score, precision, recall, counts)
    table.add_section()
    table.add_row("macro (gold fields)", "mean", _fmt(report["macro"]), "", "", "")
    table.add_row("macro (all rows)", "mean", _fmt(report["macro_all"]), "", "", "")
    return table


def _print_errors(errors: list[dict[str, Any]]) -> None:
    """One line per mismatch, easy to grep: document, field, gold, predicted."""
    console.print(f"\n[bold]{len(errors)} mismatches[/bold]")
    for error in errors:
        if "missing" in error:
            detail = f"missing {error['missing']}  extra {error['extra']}"
        else:
            who = f"{error['person']}: " if "person" in error else ""
            detail = f"{who}gold {error['gold']!r}  predicted {error['predicted']!r}"
        console.print(
            f"{error['id']}  {error['field']}  {detail}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )


def extract_cli(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="Document to read."),
    as_json: bool = typer.Option(False, "--json", help="Print the record as JSON."),
) -> None:
    """Read one file and print what the extractor finds in it (no database).

    The record holds every gold field, plus the spans each value came from and warnings.
    A file that cannot be read exits with its coded reason.
    """
    from wpstrack.documents import extract_record, read_path
    from wpstrack.limits import ReadLimits

    limits = ReadLimits.from_settings(load_settings())
    document = read_path(path, limits=limits)
    record = extract_record(document, limits)
    if as_json:
        info = {"media_type": document.media_type, "encoding": document.encoding}
        info |= {"publisher": document.publisher}
        print_json(record | {"document": info | {"sha256": document.sha256}})
        return
    console.print(
        f"[bold]{path}[/bold]: {document.media_type}, language {document.language}, "
        f"{len(document.text)} characters"
    )
    console.print(record_table(record))
    for warning in record.get("warnings") or ():
        console.print(f"[yellow]warning:[/yellow] {warning}")


def _show_value(value: Any) -> str:
    if isinstance(value, list):
        return "\n".join(_show_value(v) for v in value) or "—"
    if isinstance(value, dict):
        return ", ".join(str(v) for v in value.values() if v not in (None, ""))
    return _fmt(value)


def record_table(record: dict[str, Any]) -> Table:
    """The fields of an extraction record, one row each (spans and warnings left out)."""
    table = Table("field", "value", show_lines=False)
    for name, value in record.items():
        if name not in {"spans", "warnings"}:
            table.add_row(name, _show_value(value))
    return table


_SPAN_STYLES = ("on dark_green", "on dark_blue", "on dark_magenta", "on dark_red", "on grey30")


def show_cli(
    document_id: int = typer.Argument(..., help="Id of a stored document."),
    as_json: bool = typer.Option(False, "--json", help="Print the draft and spans as JSON."),
) -> None:
    """Print a document's activity draft and its text with every extracted span highlighted."""
    from rich.text import Text

    from wpstrack.cli.common import connect
    from wpstrack.ingest import document_view

    with connect() as conn:
        view = document_view(conn, document_id)
    if as_json:
        print_json(view)
        return
    document = view["document"]
    status = document["status"]
    if document["reject_reason"]:
        status += f": {document['reject_reason']}"
    console.print(
        f"[bold]document {document['id']}[/bold] {document['source']} ({status})", highlight=False
    )
    if view["activity"] is not None:
        console.print(_draft_table(view))
    text = Text(document["text"] or "")
    styles: dict[str, str] = {}
    for extraction in view["extractions"]:
        start, end = extraction["start"], extraction["end"]
        if start is None or end is None or not 0 <= start < end <= len(text):
            continue
        style = styles.setdefault(extraction["field"], _SPAN_STYLES[len(styles) % 5])
        text.stylize(style, start, end)
    console.print(text)
    if not styles:
        return
    legend = Text("spans: ")
    for name, style in styles.items():
        legend.append(f" {name} ", style=style)
        legend.append(" ")
    console.print(legend)


def _draft_table(view: dict[str, Any]) -> Table:
    from wpstrack import fields

    activity = view["activity"]
    table = Table("field", "value", title=f"activity {activity['id']} ({activity['status']})")
    for f in fields.FIELDS:  # the catalogue's columns an extractor fills, in its order
        if f.activity_column and f.extracted_as:
            table.add_row(f.name, _fmt(activity[f.activity_column]))
    for person in view["participants"]:
        detail = ", ".join(str(person[k]) for k in ("title", "affiliation") if person[k])
        table.add_row(person["role"], f"{person['name']}" + (f" ({detail})" if detail else ""))
    for link in view["links"]:
        value = link["resolution_number"] or link["pillar_code"] or link["topic"]
        table.add_row(link["kind"], _fmt(value))
    return table


def register(app: typer.Typer) -> None:
    """Add the document commands to the top-level app."""
    app.command("extract")(extract_cli)
    app.command("ingest")(ingest.ingest_cli)
    app.command("load")(ingest.load_cli)
    app.command("show")(show_cli)
    app.command("eval")(eval_cli)
