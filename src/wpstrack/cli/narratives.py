"""``wpstrack narrative``: the texts editors write for the annual report, from the shell."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from wpstrack import narratives
from wpstrack.cli.common import actor, as_option, connect, console, print_json

app = typer.Typer(help="Narratives of the annual report, per plan, period and section.")


@app.command("set")
def set_cli(
    plan: str = typer.Argument(..., help="Plan code, e.g. JP-NAP3."),
    period: str = typer.Argument(..., help="Reporting period: 2024 or FY2024."),
    section: str = typer.Argument(..., help="'summary' or a pillar code (participation, ...)."),
    text: str = typer.Option(None, "--text", help="The text; default: read from --file."),
    file: Path = typer.Option(None, "--file", help="Read the text from this file ('-': stdin)."),
    as_user: str | None = as_option(),
) -> None:
    """Save a new version of a section's narrative; the earlier versions stay as history."""
    if (text is None) == (file is None):
        raise typer.BadParameter("give the text with either --text or --file")
    if file is not None:
        text = sys.stdin.read() if str(file) == "-" else file.read_text(encoding="utf-8")
    with connect() as conn:
        saved = narratives.save(conn, plan, period, section, text, actor(conn, as_user))
    console.print(
        f"{plan} {saved.period} {saved.section}: saved ({len(saved.text):,} characters)",
        markup=False,
        highlight=False,
    )


@app.command("show")
def show_cli(
    plan: str = typer.Argument(..., help="Plan code, e.g. JP-NAP3."),
    period: str = typer.Argument(..., help="Reporting period: 2024 or FY2024."),
    section: str = typer.Argument(None, help="One section; default: every section."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON, history included."),
) -> None:
    """Print the current narratives of a report (with --json, every version)."""
    with connect() as conn:
        page = narratives.editor_page(conn, plan, period)
        if section is not None:
            narratives.check_section(conn, section)
    shown = [s for s in page["items"] if section is None or s["section"] == section]
    if as_json:
        print_json({**page, "items": shown})
        return
    for s in shown:
        now = s["current"]
        head = f"## {s['section']}"
        if now is None:
            console.print(f"{head}\n(no narrative written yet)\n", markup=False, highlight=False)
            continue
        versions = len(s["history"])
        console.print(
            f"{head} ({now['author'] or 'unknown'}, {now['created_at']}, "
            f"version {versions})\n{now['text']}\n",
            markup=False,
            highlight=False,
        )


@app.command("load")
def load_cli(
    path: Path = typer.Argument(..., help="YAML list of {plan, period, section, text}."),
    as_user: str | None = as_option(),
) -> None:
    """Load narratives from a YAML file; sections already holding the same text are kept."""
    if not path.is_file():
        raise typer.BadParameter(f"{path} is not a file")
    with connect() as conn:
        count = narratives.load_file(conn, path, actor(conn, as_user))
    console.print(f"{count} narrative{'s' * (count != 1)} saved", markup=False)
