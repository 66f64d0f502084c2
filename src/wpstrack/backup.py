"""Backups that restore, into either backend, and moving a database to another one.

Format: one ZIP file (deflated, ZIP64) holding ``manifest.json`` and one JSON Lines member
per table, ``tables/<name>.jsonl``, a JSON object per row. Why this and not a copy of the
database file: the same file restores into SQLite or PostgreSQL (a file copy or ``pg_dump``
does not cross backends), it is read with the standard library alone, it streams (rows are
written and read one at a time, never a whole table in memory), and every member carries a
CRC, so a damaged or truncated file is refused before anything is written. The manifest
records the format, the schema revision, when and from which backend it was taken, the
wpstrack version, and each table's columns (with how values are encoded) and row count.

Raw document bytes live in the database (``document.raw``), not in files beside it, so a
backup holds them: a restored database serves every stored document without the data dir.

Consistency: every table is read inside ONE read transaction that sees one snapshot. On
SQLite (WAL) that is a read transaction opened with an explicit ``BEGIN``: the Python driver
would otherwise run each ``SELECT`` in a transaction of its own, and a writer committing
between two tables would give a backup no moment of the database ever held. On PostgreSQL it
is ``REPEATABLE READ READ ONLY``, the isolation ``pg_dump`` uses. Writers are never blocked.

Restore goes into an empty database only (or one the caller explicitly agrees to empty), in
one transaction: the schema is migrated to the backup's revision, rows go in table by table in
foreign-key order and in batches, then the schema is upgraded to this wpstrack's head,
PostgreSQL sequences are moved past the largest ids (SQLite's ``sqlite_sequence`` follows
explicit ids by itself), the full-text index is rebuilt and the restore is audited. Any
failure rolls the whole transaction back, leaving the target as it was.

``migrate-to`` is the same two halves joined without a file: rows read from the snapshot of
the current database are encoded and decoded exactly as a backup would carry them.
"""

from __future__ import annotations

import base64
import json
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    Date,
    DateTime,
    Engine,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    Time,
    bindparam,
    cast,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.types import TypeDecorator, TypeEngine

from wpstrack import __version__, audit, schema, search
from wpstrack.audit import as_utc
from wpstrack.db import alembic_config, downgrade, now, upgrade
from wpstrack.errors import DatabaseError, NewerSchema, TargetNotEmpty, UnreadableBackup

FORMAT = "wpstrack-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
BATCH_ROWS = 500
# A batch is also cut by size: documents carry their raw bytes (up to the ingestion limit
# each), and 500 of them must not be held in memory at once.
BATCH_BYTES = 8 * 1024 * 1024

Row = dict[str, Any]


# --- transactions -----------------------------------------------------------------------------


def _begin_sqlite(conn: Connection, how: str) -> None:
    """Open the SQLite transaction ourselves: pysqlite opens one only before a write, so
    reads and DDL would otherwise each run on their own."""
    raw = conn.connection.driver_connection
    if raw is not None and not raw.in_transaction:
        conn.exec_driver_sql(f"BEGIN {how}")


@contextmanager
def snapshot(engine: Engine) -> Iterator[Connection]:
    """A read-only connection that sees one consistent state of the database."""
    if engine.dialect.name == "postgresql":
        options = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
        with engine.connect().execution_options(**options) as conn, conn.begin():
            yield conn
        return
    with engine.connect() as conn:
        _begin_sqlite(conn, "DEFERRED")
        try:
            yield conn
        finally:
            conn.rollback()


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A connection in one transaction that commits when the block ends and rolls back on
    error; on SQLite it takes the write lock first so that nothing writes between the
    emptiness check and the load, and so that schema changes roll back too."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            _begin_sqlite(conn, "IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.rollback()
            raise
        conn.commit()


# --- encoding values --------------------------------------------------------------------------


def _base_type(type_: TypeEngine[Any]) -> TypeEngine[Any]:
    return type_.impl_instance if isinstance(type_, TypeDecorator) else type_


def value_kind(type_: TypeEngine[Any]) -> str:
    """How values of a column of ``type_`` are written in a backup."""
    t = _base_type(type_)
    # Order matters: Float is a Numeric, Text a String, DateTime not a Date.
    for cls, kind in (
        (JSON, "json"),
        (LargeBinary, "bytes"),
        (DateTime, "datetime"),
        (Date, "date"),
        (Time, "time"),
        (Boolean, "bool"),
        (Float, "float"),
        (Numeric, "decimal"),
        (Integer, "int"),
        (String, "str"),
    ):
        if isinstance(t, cls):
            return kind
    raise NewerSchema(f"backups do not know how to carry values of type {t!r}")


def encode(kind: str, value: Any) -> Any:
    """A column value as JSON; JSON columns arrive as their stored text (see ``_read_table``)."""
    if value is None or kind in ("json", "str", "int", "bool"):
        return value
    if kind == "bytes":
        return base64.b64encode(value).decode("ascii")
    if kind == "datetime":
        return as_utc(value).isoformat()
    if kind in ("date", "time"):
        return value.isoformat()
    if kind == "decimal":
        return str(value)
    return float(value)


def decode(kind: str, value: Any) -> Any:
    """The Python value to insert for a backed-up ``value`` of ``kind``."""
    if value is None or kind in ("json", "str", "bool"):
        return value
    if kind == "int":
        return int(value)
    if kind == "bytes":
        return base64.b64decode(value, validate=True)
    if kind == "datetime":
        return as_utc(datetime.fromisoformat(value))
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "time":
        return time.fromisoformat(value)
    if kind == "decimal":
        return Decimal(value)
    if kind == "float":
        return float(value)
    raise UnreadableBackup(f"unknown value kind {kind!r}")


# --- the manifest -----------------------------------------------------------------------------


@dataclass
class TableSpec:
    """One table of a backup: its columns (name, kind) and row count."""

    name: str
    columns: list[tuple[str, str]]
    rows: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "rows": self.rows,
            "columns": [{"name": n, "kind": k} for n, k in self.columns],
        }


@dataclass
class Manifest:
    """What a backup holds and where it came from."""

    revision: str
    created_at: str
    source: str
    tables: list[TableSpec]
    wpstrack_version: str = __version__
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "wpstrack_version": self.wpstrack_version,
            "revision": self.revision,
            "created_at": self.created_at,
            "source": self.source,
            "documents": "raw bytes are in table document, column raw",
            "tables": [t.as_dict() for t in self.tables],
            "total_rows": sum(t.rows for t in self.tables),
        }

    @classmethod
    def parse(cls, data: Any, where: str) -> Manifest:
        """The manifest read from a backup, or a coded error saying what is wrong with it."""
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise UnreadableBackup("not a wpstrack backup (no wpstrack manifest)", where)
        if data.get("format_version") != FORMAT_VERSION:
            raise NewerSchema(
                f"backup format {data.get('format_version')!r} is not one this wpstrack "
                f"({__version__}) reads (format {FORMAT_VERSION})"
            )
        try:
            tables = [
                TableSpec(
                    str(t["name"]),
                    [(str(c["name"]), str(c["kind"])) for c in t["columns"]],
                    int(t["rows"]),
                )
                for t in data["tables"]
            ]
            return cls(
                revision=str(data["revision"]),
                created_at=str(data["created_at"]),
                source=str(data["source"]),
                tables=tables,
                wpstrack_version=str(data.get("wpstrack_version", "")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise UnreadableBackup(f"the manifest is incomplete ({exc})", where) from exc


# --- reading a database -----------------------------------------------------------------------


def current_revision(conn: Connection) -> str | None:
    """The Alembic revision the database is at (None for an empty database)."""
    return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    """The newest revision this wpstrack knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def read_manifest(conn: Connection) -> Manifest:
    """The manifest of the database ``conn`` sees: every table of the schema, with counts."""
    revision = current_revision(conn)
    if revision is None:
        raise DatabaseError("the database has no schema yet: there is nothing to back up")
    if revision != head_revision():
        raise NewerSchema(
            f"the database is at schema revision {revision}, this wpstrack at "
            f"{head_revision()}: back it up with the wpstrack that serves it, or upgrade "
            "it first (wpstrack init)"
        )
    tables = []
    for table in schema.metadata.sorted_tables:
        columns = [(c.name, value_kind(c.type)) for c in table.columns]
        count = conn.execute(select(func.count()).select_from(table)).scalar_one()
        tables.append(TableSpec(table.name, columns, int(count)))
    return Manifest(
        revision=revision,
        created_at=now().isoformat(),
        source=conn.dialect.name,
        tables=tables,
    )


def read_rows(conn: Connection, spec: TableSpec) -> Iterator[Row]:
    """The rows of one table, encoded, in primary-key order (parents mostly come first)."""
    table = schema.metadata.tables[spec.name]
    # JSON is read as its stored text: a JSON ``null`` and an SQL NULL both come back as
    # None through the JSON type, and the backup must keep them apart.
    columns = [
        cast(table.c[name], Text).label(name) if kind == "json" else table.c[name]
        for name, kind in spec.columns
    ]
    query = select(*columns).order_by(*table.primary_key.columns)
    result = conn.execution_options(yield_per=BATCH_ROWS).execute(query)
    for row in result:
        yield {
            name: encode(kind, value) for (name, kind), value in zip(spec.columns, row, strict=True)
        }


# --- backup files -----------------------------------------------------------------------------


@dataclass
class Summary:
    """What a backup, restore or migration moved."""

    revision: str
    tables: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.tables.values())


def _member(name: str) -> str:
    return f"tables/{name}.jsonl"


def write_backup(conn: Connection, path: Path) -> Summary:
    """Write a backup of what ``conn`` sees (use :func:`snapshot`) to ``path``.

    The file is written beside ``path`` under a temporary name, readable by its owner only
    (it holds password and token hashes), and renamed into place once complete: a failed
    backup never leaves a half file under the name asked for.
    """
    manifest = read_manifest(conn)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf:
            stamp = datetime.fromisoformat(manifest.created_at).timetuple()[:6]
            zf.writestr(MANIFEST, json.dumps(manifest.as_dict(), indent=2))
            for spec in manifest.tables:
                member = zipfile.ZipInfo(_member(spec.name), stamp)
                member.compress_type = zipfile.ZIP_DEFLATED
                with zf.open(member, "w", force_zip64=True) as out:
                    written = _write_lines(out, read_rows(conn, spec))
                if written != spec.rows:  # cannot happen inside one snapshot; say so if it does
                    raise DatabaseError(
                        f"{spec.name}: counted {spec.rows} rows but read {written}: "
                        "the read was not one snapshot"
                    )
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Summary(manifest.revision, {t.name: t.rows for t in manifest.tables})


def _write_lines(out: IO[bytes], rows: Iterable[Row]) -> int:
    count = 0
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")
        count += 1
    return count


class BackupFile:
    """A backup file opened for restoring: checked whole before anything is written."""

    def __init__(self, path: Path) -> None:
        self.where = str(path)
        try:
            self._zip = zipfile.ZipFile(path)
            bad = self._zip.testzip()  # reads every member: catches damage before we write
            if bad is not None:
                raise UnreadableBackup(f"member {bad} is damaged (CRC mismatch)", self.where)
            data = json.loads(self._zip.read(MANIFEST))
        except FileNotFoundError as exc:
            raise UnreadableBackup("no such file", self.where) from exc
        except KeyError as exc:
            raise UnreadableBackup("not a wpstrack backup (no manifest)", self.where) from exc
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as exc:
            raise UnreadableBackup(
                f"not a readable backup, damaged or truncated ({exc})", self.where
            ) from exc
        except ValueError as exc:
            raise UnreadableBackup(f"the manifest is not JSON ({exc})", self.where) from exc
        self.manifest = Manifest.parse(data, self.where)
        names = set(self._zip.namelist())
        for spec in self.manifest.tables:
            if _member(spec.name) not in names:
                raise UnreadableBackup(f"table {spec.name} is missing", self.where)

    def rows(self, spec: TableSpec) -> Iterator[Row]:
        """The encoded rows of one table, read as they are needed."""
        where = f"{self.where}:{_member(spec.name)}"
        try:
            with self._zip.open(_member(spec.name)) as fh:
                for number, line in enumerate(fh, start=1):
                    try:
                        row = json.loads(line)
                    except ValueError as exc:
                        raise UnreadableBackup(f"line {number} is not JSON", where) from exc
                    if not isinstance(row, dict):
                        raise UnreadableBackup(f"line {number} is not a row", where)
                    yield row
        except (zipfile.BadZipFile, EOFError, OSError) as exc:
            raise UnreadableBackup(f"damaged or truncated ({exc})", where) from exc

    def close(self) -> None:
        self._zip.close()


# --- restoring --------------------------------------------------------------------------------


def _check_revision(revision: str) -> None:
    try:
        known = ScriptDirectory.from_config(alembic_config()).get_revision(revision)
    except CommandError:
        known = None
    if known is None:
        raise NewerSchema(
            f"the backup is at schema revision {revision}, which this wpstrack "
            f"({__version__}, revision {head_revision()}) does not know: restore it with "
            "the same or a newer wpstrack"
        )


def _rows_held(conn: Connection) -> dict[str, int]:
    present = set(inspect(conn).get_table_names())
    tables = [t for t in schema.metadata.sorted_tables if t.name in present]
    counts = {}
    for table in tables:
        n = conn.execute(select(func.count()).select_from(text(f'"{table.name}"'))).scalar_one()
        if n:
            counts[table.name] = int(n)
    return counts


def _empty_target(conn: Connection, replace: bool) -> None:
    held = _rows_held(conn)
    if not held:
        return
    if not replace:
        listed = ", ".join(f"{name} ({n} rows)" for name, n in held.items())
        raise TargetNotEmpty(
            f"the target database is not empty: {listed}. Restore into an empty database, "
            "or pass --replace to delete what it holds first"
        )
    for table in reversed(schema.metadata.sorted_tables):
        if table.name in held:
            conn.execute(text(f'DELETE FROM "{table.name}"'))


def _migrate_to(conn: Connection, revision: str) -> None:
    current = current_revision(conn)
    if current == revision:
        return
    script = ScriptDirectory.from_config(alembic_config())
    ahead = current is not None and revision in {
        r.revision for r in script.iterate_revisions(current, "base")
    }
    if ahead:
        downgrade(conn, revision)
    else:
        upgrade(conn, revision)


def _target_tables(conn: Connection, manifest: Manifest) -> list[tuple[Table, TableSpec]]:
    """The target's tables (as migrated to the backup's revision) in foreign-key order."""
    specs = {t.name: t for t in manifest.tables}
    reflected = MetaData()
    try:
        reflected.reflect(conn, only=list(specs))
    except InvalidRequestError as exc:
        raise UnreadableBackup(f"a table of the backup is not in its revision ({exc})") from exc
    ordered = []
    for table in reflected.sorted_tables:
        spec = specs[table.name]
        expected = {name for name, _kind in spec.columns}
        if expected != set(table.columns.keys()):
            raise UnreadableBackup(
                f"table {table.name}: the backup's columns {sorted(expected)} are not those "
                f"of revision {manifest.revision} ({sorted(table.columns.keys())})"
            )
        ordered.append((table, spec))
    return ordered


@dataclass
class _Loader:
    """Inserts one table's rows in batches, holding back references not yet loaded."""

    conn: Connection
    table: Table
    spec: TableSpec
    loaded: set[str]  # tables already loaded
    later: list[tuple[Table, str, Any, str, Any]]  # (table, pk, pk value, column, value)

    def run(self, rows: Iterable[Row]) -> int:
        kinds = dict(self.spec.columns)
        pk = [c.name for c in self.table.primary_key.columns]
        self_refs, forward = {}, set()
        for fk in self.table.foreign_keys:
            target = fk.column.table.name
            if target == self.table.name:
                self_refs[fk.parent.name] = fk.column.name
            elif target not in self.loaded:
                forward.add(fk.parent.name)
        seen: dict[str, set[Any]] = {col: set() for col in self_refs.values()}
        stmt = self._insert(kinds)
        batch: list[Row] = []
        size = count = 0
        for encoded in rows:
            if set(encoded) != set(kinds):
                raise UnreadableBackup(f"table {self.spec.name}: row {count + 1} has other columns")
            row = {name: decode(kinds[name], value) for name, value in encoded.items()}
            for column in forward | {c for c, ref in self_refs.items() if row[c] not in seen[ref]}:
                if row[column] is not None and len(pk) == 1:
                    self.later.append((self.table, pk[0], row[pk[0]], column, row[column]))
                    row[column] = None
            for ref in self_refs.values():
                seen[ref].add(row[ref])
            batch.append({f"p_{k}": v for k, v in row.items()})
            count += 1
            size += sum(len(v) for v in row.values() if isinstance(v, bytes | str))
            if len(batch) >= BATCH_ROWS or size >= BATCH_BYTES:
                self.conn.execute(stmt, batch)
                batch, size = [], 0
        if batch:
            self.conn.execute(stmt, batch)
        return count

    def _insert(self, kinds: dict[str, str]) -> Any:
        postgres = self.conn.dialect.name == "postgresql"
        values: dict[str, Any] = {}
        for name, kind in kinds.items():
            if kind == "json":
                # The stored JSON text goes in as it was read (see read_rows).
                param = bindparam(f"p_{name}", type_=Text)
                values[name] = cast(param, JSON) if postgres else param
            else:
                values[name] = bindparam(f"p_{name}", type_=self.table.c[name].type)
        return self.table.insert().values(values)


def _set_deferred(conn: Connection, later: list[tuple[Table, str, Any, str, Any]]) -> None:
    for table, pk, key, column, value in later:
        conn.execute(table.update().where(table.c[pk] == key).values({column: value}))


def advance_sequences(conn: Connection) -> None:
    """Move each PostgreSQL sequence past its table's largest id, so the next insert works.

    SQLite needs nothing: an ``INTEGER PRIMARY KEY`` takes the largest id + 1, and
    ``sqlite_sequence`` (AUTOINCREMENT tables) follows explicit ids by itself.
    """
    if conn.dialect.name != "postgresql":
        return
    for table in schema.metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not isinstance(_base_type(pk[0].type), Integer):
            continue
        quoted = f'"{table.name}"'
        sequence = conn.execute(
            text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": quoted, "c": pk[0].name}
        ).scalar()
        if sequence is None:
            continue
        conn.execute(
            text(
                f'SELECT setval(:s, coalesce((SELECT max("{pk[0].name}") FROM {quoted}), 0) + 1, '
                "false)"
            ),
            {"s": sequence},
        )


RowSource = Callable[[TableSpec], Iterable[Row]]


def load(
    conn: Connection,
    manifest: Manifest,
    rows: RowSource,
    *,
    replace: bool = False,
    actor: str | None = None,
    action: str = "restore",
    origin: str = "",
    progress: Callable[[str, int], None] | None = None,
) -> Summary:
    """Load a backup's rows into the empty database ``conn`` sees and bring it to head.

    Refuses a backup of a revision this wpstrack does not know, and a target that holds
    rows unless ``replace`` (then those rows are deleted first, in the same transaction).
    """
    _check_revision(manifest.revision)
    _empty_target(conn, replace)
    _migrate_to(conn, manifest.revision)
    search.uninstall(conn)  # indexing row by row while loading is wasted: rebuilt below
    loaded: set[str] = set()
    later: list[tuple[Table, str, Any, str, Any]] = []
    counts: dict[str, int] = {}
    for table, spec in _target_tables(conn, manifest):
        count = _Loader(conn, table, spec, loaded, later).run(rows(spec))
        if count != spec.rows:
            raise UnreadableBackup(
                f"table {spec.name}: the manifest says {spec.rows} rows, the backup holds "
                f"{count} (truncated?)"
            )
        loaded.add(table.name)
        counts[table.name] = count
        if progress is not None:
            progress(table.name, count)
    _set_deferred(conn, later)
    upgrade(conn)
    advance_sequences(conn)
    search.rebuild(conn)
    summary = Summary(manifest.revision, counts)
    audit.record(
        conn,
        actor,
        action,
        "database",
        None,
        None,
        {
            "from": origin,
            "source": manifest.source,
            "revision": manifest.revision,
            "taken_at": manifest.created_at,
            "rows": summary.total,
        },
    )
    return summary


def restore_file(conn: Connection, path: Path, **options: Any) -> Summary:
    """Restore the backup file ``path`` into the empty database ``conn`` sees."""
    backup = BackupFile(path)
    try:
        return load(conn, backup.manifest, backup.rows, origin=str(path), **options)
    finally:
        backup.close()


def copy_database(source: Connection, target: Connection, **options: Any) -> Summary:
    """Copy what ``source`` sees (use :func:`snapshot`) into the empty database of ``target``,
    streaming rows through the backup encoding without a file."""
    manifest = read_manifest(source)
    return load(
        target,
        manifest,
        lambda spec: read_rows(source, spec),
        action="migrate",
        origin=source.dialect.name,
        **options,
    )
