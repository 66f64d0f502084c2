"""The audit log: who changed which row, when, and what it held before and after.

Every write in wpstrack goes through :func:`insert`, :func:`update` or :func:`delete` here
(or calls :func:`record` itself), so the log cannot be forgotten by a new feature. The log is
an append-only table: history is rows, never a JSON blob inside the record it describes.
:func:`update` is also where "no lost updates" lives: an edit names the version it was
based on, and a stale version changes nothing.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict
from sqlalchemy import Connection, Select, Table, select

from wpstrack import schema, search_index
from wpstrack.db import now
from wpstrack.errors import NotFound, StaleVersion
from wpstrack.pagination import ListFilter, Page, paginate

# Secrets never reach the log, not even hashed: the log is readable by every admin.
REDACTED_COLUMNS = frozenset({"password_hash", "token_hash"})
REDACTED = "[redacted]"


def as_utc(value: datetime) -> datetime:
    """An aware UTC datetime; SQLite hands back naive values for UTC columns."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# A ``*_at`` column read back from any backend, as an aware UTC instant.
UtcDateTime = Annotated[datetime, AfterValidator(as_utc)]


class AuditEvent(BaseModel):
    """One recorded write."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    at: UtcDateTime
    actor: str | None
    action: str
    table_name: str
    row_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class AuditFilter(ListFilter):
    """What to narrow the log to; every field is optional and they combine with AND."""

    actor: str | None = None
    action: str | None = None
    table_name: str | None = None
    row_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return {"bytes": len(value), "base64_head": base64.b64encode(value[:24]).decode()}
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    return value


def snapshot(row: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A row as it goes into the log: JSON values, secrets redacted."""
    if row is None:
        return None
    return {
        str(k): REDACTED if k in REDACTED_COLUMNS else _jsonable(v) for k, v in dict(row).items()
    }


def record(
    conn: Connection,
    actor: str | None,
    action: str,
    table: str,
    row_id: Any,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> int | None:
    """Append one event to the log and return its id.

    ``actor`` is a username (``None`` for the system itself), ``action`` a verb such as
    ``create``, ``update``, ``delete``, ``disable`` or ``accept``. Inside :func:`deferred`
    the event is held and written with the others when it ends; its id is then None.
    """
    event = {
        "at": now(),
        "actor": actor,
        "action": action,
        "table_name": table,
        "row_id": None if row_id is None else str(row_id),
        "before": snapshot(before),
        "after": snapshot(after),
    }
    held: list[dict[str, Any]] | None = conn.info.get(_HELD)
    if held is not None:
        held.append(event)
        return None
    result = conn.execute(schema.audit_event.insert().values(**event))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


_HELD = "wpstrack.audit.held"  # conn.info key of the events :func:`deferred` holds


@contextmanager
def deferred(conn: Connection) -> Iterator[None]:
    """Hold the events recorded on ``conn`` and write them, in the order recorded, as one
    statement when the block ends; when it raises, they are dropped with its writes.

    The ingestion writer stores a batch of documents together (:func:`wpstrack.ingest.
    store_many`), several events each: one statement instead of one per event is a tenth
    of its time. Nothing may read the log inside the block (the held events are not in it).
    """
    if _HELD in conn.info:
        raise RuntimeError("audit events are already held on this connection")
    held: list[dict[str, Any]] = []
    conn.info[_HELD] = held
    try:
        yield
    finally:
        del conn.info[_HELD]
    if held:
        conn.execute(schema.audit_event.insert(), held)


def _fetch(conn: Connection, table: Table, key_column: str, key: Any) -> dict[str, Any] | None:
    row = conn.execute(select(table).where(table.c[key_column] == key)).mappings().first()
    return dict(row) if row is not None else None


def insert(
    conn: Connection,
    actor: str | None,
    table: Table,
    values: Mapping[str, Any],
    *,
    key_column: str = "id",
    action: str = "create",
) -> dict[str, Any]:
    """Insert a row, log it, and return it as stored (defaults filled in)."""
    row = conn.execute(table.insert().values(**values).returning(*table.c)).mappings().one()
    stored = dict(row)
    record(conn, actor, action, table.name, stored[key_column], None, stored)
    return stored


def update(
    conn: Connection,
    actor: str | None,
    table: Table,
    key: Any,
    values: Mapping[str, Any],
    *,
    expected_version: int | None = None,
    key_column: str = "id",
    action: str = "update",
) -> dict[str, Any]:
    """Change one row, log before and after, and return the row as stored.

    On a table with a ``version`` column the version goes up by one; when
    ``expected_version`` is given and the row has moved on, :class:`StaleVersion` is raised
    and nothing is written (the check and the write are one statement, so two concurrent
    editors cannot both win).
    """
    before = _fetch(conn, table, key_column, key)
    if before is None:
        raise NotFound(f"no {table.name} {key}")
    # A changed text changes the row's Japanese words for the search index.
    changes = search_index.with_words(table, before, dict(values))
    stmt = table.update().where(table.c[key_column] == key)
    if "version" in table.c:
        changes["version"] = table.c.version + 1
        if expected_version is not None:
            stmt = stmt.where(table.c.version == expected_version)
    result = conn.execute(stmt.values(**changes))
    if result.rowcount == 0:
        current = _fetch(conn, table, key_column, key)
        if current is None:
            raise NotFound(f"no {table.name} {key}")
        raise StaleVersion(
            f"{table.name} {key} is at version {current['version']}, not {expected_version}: "
            "someone changed it since you read it; reload and try again",
            current_version=int(current["version"]),
        )
    after = _fetch(conn, table, key_column, key)
    record(conn, actor, action, table.name, key, before, after)
    return after or {}


def delete(
    conn: Connection,
    actor: str | None,
    table: Table,
    key: Any,
    *,
    expected_version: int | None = None,
    key_column: str = "id",
) -> dict[str, Any]:
    """Delete one row, log what it held, and return that."""
    before = _fetch(conn, table, key_column, key)
    if before is None:
        raise NotFound(f"no {table.name} {key}")
    if expected_version is not None and before.get("version") != expected_version:
        raise StaleVersion(
            f"{table.name} {key} is at version {before.get('version')}, not {expected_version}",
            current_version=int(before.get("version") or 0),
        )
    conn.execute(table.delete().where(table.c[key_column] == key))
    record(conn, actor, "delete", table.name, key, before, None)
    return before


def _filtered(filters: AuditFilter) -> Select[Any]:
    t = schema.audit_event
    stmt = select(t)
    for name in ("actor", "action", "table_name", "row_id"):
        value = getattr(filters, name)
        if value:
            stmt = stmt.where(t.c[name] == value)
    if filters.since is not None:
        stmt = stmt.where(t.c.at >= filters.since)
    if filters.until is not None:
        stmt = stmt.where(t.c.at < filters.until)
    return stmt


def list_events(
    conn: Connection,
    filters: AuditFilter | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[AuditEvent]:
    """The log, newest first, narrowed by ``filters``, one page at a time."""
    stmt = _filtered(filters or AuditFilter())
    rows, next_cursor = paginate(
        conn, stmt, [schema.audit_event.c.id], cursor, limit, descending=True
    )
    return Page([AuditEvent.model_validate(dict(r)) for r in rows], next_cursor)


def history(conn: Connection, table: str, row_id: Any) -> list[AuditEvent]:
    """Every recorded write to one row, oldest first (for a record's history panel)."""
    t = schema.audit_event
    rows = conn.execute(
        select(t).where(t.c.table_name == table, t.c.row_id == str(row_id)).order_by(t.c.id)
    ).mappings()
    return [AuditEvent.model_validate(dict(r)) for r in rows]
