"""``wpstrack backup``, ``wpstrack restore`` and ``wpstrack migrate-to``."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from wpstrack import backup
from wpstrack.backup import Summary
from wpstrack.cli.common import cli_actor, console, load_settings
from wpstrack.db import make_engine, require_database_file
from wpstrack.errors import ConfigError

REPLACE = typer.Option(
    False,
    "--replace",
    help="Delete every row the target database holds first (otherwise a non-empty "
    "target is refused).",
)


def _show(summary: Summary, verb: str) -> None:
    table = Table("table", "rows")
    for name, rows in summary.tables.items():
        table.add_row(name, str(rows))
    console.print(table)
    console.print(
        f"{verb} {summary.total} rows in {len(summary.tables)} tables "
        f"(schema revision {summary.revision})."
    )


def backup_cli(
    file: Path = typer.Argument(..., help="The backup file to write (a .zip)."),
) -> None:
    """Write a consistent backup of the database while it may be serving.

    Every table is read in one read transaction (one snapshot), so rows written meanwhile are
    either all in or all out. The file restores into SQLite or PostgreSQL and holds the raw
    bytes of stored documents; it holds password and token hashes too: keep it private.
    """
    settings = load_settings()
    require_database_file(settings)  # a backup reads: it never creates a database
    engine = make_engine(settings.effective_database_url)
    try:
        with backup.snapshot(engine) as conn:
            summary = backup.write_backup(conn, file)
    finally:
        engine.dispose()
    _show(summary, "Backed up")
    console.print(f"Backup written to {file}")


def restore_cli(
    file: Path = typer.Argument(..., help="A file written by wpstrack backup."),
    replace: bool = REPLACE,
) -> None:
    """Restore a backup into the configured database, which must be empty.

    The file is checked whole first; the restore runs in one transaction, so a refusal or a
    failure leaves the database as it was. The schema ends at this wpstrack's newest
    revision, the search index is rebuilt and the restore is recorded in the audit log.
    """
    engine = make_engine(load_settings().effective_database_url)
    try:
        with backup.writing(engine) as conn:
            summary = backup.restore_file(conn, file, replace=replace, actor=cli_actor())
    finally:
        engine.dispose()
    _show(summary, "Restored")


def migrate_to_cli(
    url: str = typer.Argument(
        ..., help="SQLAlchemy URL of the empty target, e.g. postgresql+psycopg://user@host/db"
    ),
    replace: bool = REPLACE,
) -> None:
    """Copy the configured database (typically SQLite) into an empty database at URL.

    The same machinery as backup and restore, streamed without a file: one snapshot of the
    source, one transaction on the target. Afterwards point WPSTRACK_DATABASE_URL at URL.
    """
    try:
        target = make_engine(url)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise ConfigError(f"not a database URL: {url!r} ({exc})") from exc
    source = make_engine(load_settings().effective_database_url)
    try:
        with backup.snapshot(source) as src, backup.writing(target) as dst:
            summary = backup.copy_database(src, dst, replace=replace, actor=cli_actor())
    finally:
        source.dispose()
        target.dispose()
    _show(summary, "Copied")
    console.print(f"Now set WPSTRACK_DATABASE_URL={target.url.render_as_string()}")


def register(app: typer.Typer) -> None:
    """Add the backup commands to the top-level app."""
    app.command("backup")(backup_cli)
    app.command("restore")(restore_cli)
    app.command("migrate-to")(migrate_to_cli)
