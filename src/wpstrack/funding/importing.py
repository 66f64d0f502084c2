"""What both funding importers share: the all-or-nothing rule, the writes, JSON-ready values.

An import is planned first (every row classified as create, update, unchanged or reject,
nothing written); the dry run returns that plan, and the real run refuses it when any row is
rejected or otherwise writes exactly its creates and updates, each through the audit log.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table

from wpstrack import audit
from wpstrack.db import now
from wpstrack.errors import InvalidInput
from wpstrack.funding.model import ImportReport

# At most this many rejected rows are spelled out in the error; the dry run lists them all.
LISTED_REJECTIONS = 10


def shown(value: Any) -> Any:
    """A stored value as the report shows it: dates ISO, money as an exact string."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def read_file(path: Path) -> bytes:
    """The bytes of a file to import; an unreadable file is invalid input naming it."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read the file: {exc.strerror}", str(path)) from None


def refuse_rejected(report: ImportReport) -> None:
    """Raise, naming the file and every rejected row, when any row is rejected."""
    rejected = report.of("reject")
    if not rejected:
        return
    listed = "; ".join(f"row {r.row}: {r.reason}" for r in rejected[:LISTED_REJECTIONS])
    extra = len(rejected) - LISTED_REJECTIONS
    more = f"; and {extra} more (--dry-run lists them all)" if extra > 0 else ""
    noun = "row" if len(rejected) == 1 else "rows"
    raise InvalidInput(
        f"{len(rejected)} {noun} rejected, nothing from this file was written — {listed}{more}",
        report.file,
    )


def apply(
    conn: Connection,
    table: Table,
    report: ImportReport,
    parsed: dict[int, dict[str, Any]],
    actor: str | None,
) -> ImportReport:
    """Write the planned creates and updates (after refusing a plan with rejections)."""
    refuse_rejected(report)
    for outcome in report.rows:
        values = parsed[outcome.row]
        if outcome.action == "create":
            stored = audit.insert(conn, actor, table, {**values, "created_at": now()})
            outcome.id = int(stored["id"])
        elif outcome.action == "update":
            assert outcome.changes is not None and outcome.id is not None
            changed = {column: values[column] for column in outcome.changes}
            audit.update(conn, actor, table, outcome.id, changed)
    report.dry_run = False
    return report
