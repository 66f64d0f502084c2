"""``wpstrack settings`` and ``wpstrack init``."""

from __future__ import annotations

import typer
from rich.table import Table

from wpstrack import plans
from wpstrack.cli.common import connect, console, load_settings, print_json
from wpstrack.reference import sync as reference_sync


def settings_cli(
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Print every setting with its value, where it came from and what it does."""
    from wpstrack.settings import describe

    rows = describe(load_settings())
    if as_json:
        print_json(rows)
        return
    table = Table("setting", "value", "source", "meaning")
    for row in rows:
        table.add_row(row["env"], row["value"], row["source"], row["help"])
    console.print(table)


def init_cli() -> None:
    """Create or upgrade the database and load the reference data and example plans.

    Safe to run again: only missing or changed rows are written, and a second run says
    that nothing changed.
    """
    settings = load_settings()
    with connect(settings) as conn:
        results = reference_sync.sync_reference(conn)
        results.append(plans.load_examples(conn))
        held = reference_sync.inventory(conn)
    table = Table("table", "inserted", "updated", "unchanged", "total")
    for r in results:
        table.add_row(r.table, str(r.inserted), str(r.updated), str(r.unchanged), str(r.total))
    console.print(f"database: {settings.effective_database_url}")
    console.print(table)
    console.print("In the database: " + ", ".join(f"{n} {name}" for name, n in held.items()))
    if any(r.changed for r in results):
        console.print("Reference data and example plans loaded.")
    else:
        console.print("No change: the database already held this reference data and these plans.")


def register(app: typer.Typer) -> None:
    """Add the setup commands to the top-level app."""
    app.command("settings")(settings_cli)
    app.command("init")(init_cli)
