"""What every command shares: settings, the database, output and error handling."""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich import box
from rich.console import Console
from rich.table import Table
from sqlalchemy import Connection
from typer.core import TyperGroup

from wpstrack.db import existing_engine, migrated_engine, transaction
from wpstrack.errors import PermissionDenied, WpstrackError
from wpstrack.funding.model import ImportReport
from wpstrack.settings import Settings

console = Console()
err_console = Console(stderr=True)


def cli_actor() -> str:
    """Who the audit log names for a command typed at this machine: its OS account."""
    try:
        return f"cli:{getpass.getuser()}"[:80]
    except (OSError, KeyError):  # no login name and no passwd entry (some containers)
        return "cli"


def actor(conn: Connection, as_user: str | None) -> str:
    """The audit log's name for this command: the wpstrack user given with ``--as`` (who must
    exist and be active), else the OS account."""
    if as_user is None:
        return cli_actor()
    from wpstrack import users

    user = users.get_user(conn, as_user)
    if not user.is_active:
        raise PermissionDenied(f"user {as_user!r} is disabled")
    return user.username


def as_option() -> Any:
    """The ``--as USER`` option shared by every command that writes."""
    return typer.Option(
        None, "--as", help="wpstrack user the audit log names (default: your OS account)."
    )


def load_settings() -> Settings:
    """Settings from the environment; built per command, never at import time."""
    return Settings()


@contextmanager
def connect(settings: Settings | None = None, *, create: bool = False) -> Iterator[Connection]:
    """A migrated database connection in a transaction that commits when the command ends.

    Only a command that sets a database up (``create``) makes one; every other command
    stops with a coded error naming where it looked, instead of showing an empty database.
    """
    settings = settings or load_settings()
    engine = migrated_engine(settings) if create else existing_engine(settings)
    try:
        with transaction(engine) as conn:
            yield conn
    finally:
        engine.dispose()


def print_json(data: Any) -> None:
    """Machine-readable output: JSON on stdout, nothing else."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def print_import_report(report: ImportReport, as_json: bool) -> None:
    """An importer's report row by row (unchanged rows left out), then one summary line."""
    if as_json:
        print_json(report.as_json())
        return
    verb = "would" if report.dry_run else "did"
    table = Table("row", "action", "record", "detail", box=box.SIMPLE_HEAD)
    for r in report.rows:
        if r.action == "unchanged":
            continue
        if r.action == "reject":
            detail = r.reason or ""
        elif r.changes:
            detail = "; ".join(f"{col}: {old} → {new}" for col, (old, new) in r.changes.items())
        else:
            detail = ""
        table.add_row(str(r.row), r.action, r.key or "", detail)
    if table.row_count:
        console.print(table)
    counts = ", ".join(f"{n} {action}" for action, n in report.counts.items())
    # One unwrapped line, so that scripts can grep it.
    console.print(
        f"{report.file} ({report.table}): {verb} {counts}", highlight=False, soft_wrap=True
    )
    if report.dry_run and report.count("reject"):
        console.print(
            "A real run would write nothing: fix the rejected rows first.", soft_wrap=True
        )


def finish_import(report: ImportReport) -> None:
    """A dry run that found a bad row exits with status 1, for scripts."""
    if report.dry_run and report.count("reject"):
        raise typer.Exit(1)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``message`` on stderr and return the Exit to raise."""
    err_console.print(f"[red]error:[/red] {message}", highlight=False, markup=True)
    return typer.Exit(code)


class ReportingGroup(TyperGroup):
    """The top-level command group: a wpstrack error becomes one line on stderr and its code.

    Doing this in the group rather than around ``app()`` means every way of invoking a
    command (the console script, ``python -m wpstrack``, Typer's test runner) fails alike.
    """

    def invoke(self, ctx: Any) -> Any:  # click.Context (Typer vendors its own click)
        try:
            return super().invoke(ctx)
        except WpstrackError as exc:
            err_console.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(exc.exit_code) from None


def run_app(app: typer.Typer) -> None:
    """Run the Typer app as a console script."""
    app()
