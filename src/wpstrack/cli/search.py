"""``wpstrack search``: the full-text search of the web app, from the command line."""

from __future__ import annotations

import typer
from rich.table import Table

from wpstrack.cli.common import connect, console, fail, print_json


def search_cli(
    query: str = typer.Argument("", help="Words to find (every word must match)."),
    rebuild: bool = typer.Option(
        False, "--rebuild", help="Re-create the search index and index every row again first."
    ),
    limit: int = typer.Option(20, "--limit", min=1, max=100, help="Most results to show."),
    drafts: bool = typer.Option(
        True, "--drafts/--published-only", help="Include unpublished activities and documents."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    with_facets: bool = typer.Option(
        False,
        "--facets",
        help="Also count the matching activities by type, year, pillar, "
        "organisation and language (as the search page does).",
    ),
) -> None:
    """Search documents and activities, best match first.

    ``--rebuild`` re-creates the index (SQLite triggers and FTS table, PostgreSQL GIN
    indexes) and indexes the rows already stored: needed only after restoring rows written
    without it, or after a migration that rebuilt the document or activity table.
    """
    from wpstrack import facets, search, search_index
    from wpstrack.activities import ActivityFilter

    if not query and not rebuild:
        raise fail("give words to search for, or --rebuild")
    with connect() as conn:
        if rebuild:
            console.print(f"Search index rebuilt: {search_index.rebuild(conn)} rows indexed.")
        hits = search.search(conn, query, public=not drafts, limit=limit) if query else []
        counts = None
        if with_facets and query:
            counts = facets.facets(conn, ActivityFilter(q=query), public_only=not drafts)
    if as_json:
        print_json({"results": hits, "facets": counts.model_dump()} if counts else hits)
        return
    if counts:
        for name, values in counts.facets.items():
            shown = ", ".join(f"{v.label} {v.count}" for v in values) or "-"
            console.print(f"{name}: {shown}")
    if query:
        table = Table("kind", "id", "title", "status", "matched")
        for h in hits:
            matched = " ".join(p["text"] for p in h["snippet"] if p["match"])
            table.add_row(h["kind"], str(h["id"]), h["title"], h["status"], matched)
        console.print(table)


def register(app: typer.Typer) -> None:
    """Add ``search`` to the top-level app."""
    app.command("search")(search_cli)
