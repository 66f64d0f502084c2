"""``wpstrack settings`` and ``wpstrack init``."""

from __future__ import annotations

import typer
from rich.table import Table

from wpstrack import plans
from wpstrack.cli.common import actor, as_option, connect, console, load_settings, print_json
from wpstrack.db import shown_url
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


def init_cli(as_user: str | None = as_option()) -> None:
    """Create or upgrade the database and load the reference data and example plans.

    Safe to run again: only missing or changed reference rows are written, an example plan
    is loaded only when the database has no plan with its code (a plan you edited is never
    reloaded), and a second run says that nothing changed. Changes are in the audit log.
    """
    settings = load_settings()
    with connect(settings, create=True) as conn:
        who = actor(conn, as_user)
        results = reference_sync.sync_reference(conn, who)
        results.append(plans.load_examples(conn, who))
        held = reference_sync.inventory(conn)
    table = Table("table", "inserted", "updated", "unchanged", "total")
    for r in results:
        table.add_row(r.table, str(r.inserted), str(r.updated), str(r.unchanged), str(r.total))
    console.print(f"database: {shown_url(settings.effective_database_url)}", highlight=False)
    console.print(table)
    console.print("In the database: " + ", ".join(f"{n} {name}" for name, n in held.items()))
    if any(r.changed for r in results):
        console.print("Reference data and example plans loaded.")
    else:
        console.print("No change: the database already held this reference data and these plans.")


def info_cli(
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of text."),
) -> None:
    """Print which database the commands use (password hidden), the data dir, the schema
    revision and what the database holds. Fails, naming where it looked, when there is no
    database yet."""
    from wpstrack.info import database_info

    settings = load_settings()
    with connect(settings) as conn:
        info = database_info(conn, settings)
    if as_json:
        print_json(info)
        return
    for key in ("database", "database_file", "data_dir", "schema_revision"):
        if info[key] is not None:
            console.print(f"{key}: {info[key]}", markup=False, highlight=False)
    console.print(
        "holds: " + ", ".join(f"{n} {name}" for name, n in info["counts"].items()),
        markup=False,
        highlight=False,
    )
    statuses = info["activities_by_status"]
    if statuses:
        shown = ", ".join(f"{n} {s}" for s, n in statuses.items())
        console.print(f"activities: {shown}", markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    """Add the setup commands to the top-level app."""
    app.command("settings")(settings_cli)
    app.command("init")(init_cli)
    app.command("info")(info_cli)
