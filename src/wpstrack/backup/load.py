"""Restoring: rows into an empty database in foreign-key order, then the schema brought to
head, sequences advanced, the search index rebuilt and the restore audited."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    MetaData,
    Table,
    Text,
    bindparam,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy.exc import DBAPIError, InvalidRequestError

from wpstrack import __version__, audit, schema, search_index, tallies
from wpstrack.backup.dump import (
    BackupFile,
    id_sequences,
    read_manifest,
    read_rows,
)
from wpstrack.backup.model import (
    BATCH_BYTES,
    BATCH_ROWS,
    Manifest,
    Row,
    Summary,
    TableSpec,
    decode,
)
from wpstrack.db import SCHEMA_HEAD, alembic_config, downgrade, schema_revision, upgrade
from wpstrack.errors import NewerSchema, TargetNotEmpty, UnreadableBackup

# --- restoring --------------------------------------------------------------------------------


def _check_revision(revision: str) -> None:
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    try:
        known = ScriptDirectory.from_config(alembic_config()).get_revision(revision)
    except CommandError:
        known = None
    if known is None:
        raise NewerSchema(
            f"the backup is at schema revision {revision}, which this wpstrack "
            f"({__version__}, revision {SCHEMA_HEAD}) does not know: restore it with "
            "the same or a newer wpstrack"
        )


def _rows_held(conn: Connection) -> dict[str, int]:
    present = set(inspect(conn).get_table_names())
    seeded = schema.SEEDED  # rows of the migrations themselves: not the user's
    tables = [t for t in schema.metadata.sorted_tables if t.name in present - seeded]
    counts = {}
    for table in tables:
        n = conn.execute(select(func.count()).select_from(text(f'"{table.name}"'))).scalar_one()
        if n:
            counts[table.name] = int(n)
    return counts


def _public_version(conn: Connection) -> int:
    """The target's public version before the restore (0 where it has none yet)."""
    if not inspect(conn).has_table("public_version"):
        return 0
    found = conn.execute(select(schema.public_version.c.version)).scalar()
    return int(found or 0)


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
    current = schema_revision(conn)
    if current == revision:
        return
    from alembic.script import ScriptDirectory

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
    """Inserts one table's rows (batches, or COPY on PostgreSQL), holding back references
    to rows not loaded yet."""

    conn: Connection
    table: Table
    spec: TableSpec
    loaded: set[str]  # tables already loaded
    later: list[tuple[Table, str, Any, str, Any]]  # (table, pk, pk value, column, value)

    def __post_init__(self) -> None:
        self.kinds = dict(self.spec.columns)
        keys = [c.name for c in self.table.primary_key.columns]
        self.key = keys[0] if len(keys) == 1 else None
        # A reference to a row not inserted yet (a parent with a larger id in the same table,
        # or a table later in the order) goes in as NULL and is set once everything is in.
        self.self_refs: dict[str, str] = {}
        self.forward: set[str] = set()
        for fk in self.table.foreign_keys:
            target = fk.column.table.name
            if target == self.table.name:
                self.self_refs[fk.parent.name] = fk.column.name
            elif target not in self.loaded:
                self.forward.add(fk.parent.name)
        self.seen: dict[str, set[Any]] = {col: set() for col in self.self_refs.values()}

    def run(self, rows: Iterable[Row]) -> int:
        """Insert every row; returns how many there were."""
        decoded = (self._decoded(n, encoded) for n, encoded in enumerate(rows, start=1))
        try:
            if self.conn.dialect.name == "postgresql":
                return self._copy(decoded)
            return self._insert_batches(decoded)
        except self._refusals() as exc:  # a row the schema refuses: say which table
            reason = getattr(exc, "orig", None) or exc
            raise UnreadableBackup(
                f"table {self.spec.name}: the backup's rows do not fit its schema ({reason})"
            ) from exc

    def _refusals(self) -> tuple[type[Exception], ...]:
        """What a refused row raises: SQLAlchemy's error, and psycopg's own from ``COPY``.

        Asked for only once a row failed, so that a SQLite restore, and every command of the
        CLI that never restores, does not load the PostgreSQL driver (some 8 MB).
        """
        if self.conn.dialect.name != "postgresql":
            return (DBAPIError,)
        import psycopg

        return (DBAPIError, psycopg.Error)

    def _decoded(self, number: int, encoded: Row) -> Row:
        if set(encoded) != set(self.kinds):
            raise UnreadableBackup(f"table {self.spec.name}: row {number} has other columns")
        row = {name: decode(self.kinds[name], value) for name, value in encoded.items()}
        self._hold_back(row)
        return row

    def _copy(self, rows: Iterator[Row]) -> int:
        """PostgreSQL: stream the rows through ``COPY`` on the transaction's own connection,
        several times faster than row-by-row inserts (JSON goes in as its stored text)."""
        names = list(self.kinds)
        columns = ", ".join(f'"{name}"' for name in names)
        raw: Any = self.conn.connection.driver_connection
        count = 0
        statement = f'COPY "{self.table.name}" ({columns}) FROM STDIN'
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([row[name] for name in names])
                count += 1
        return count

    def _insert_batches(self, rows: Iterator[Row]) -> int:
        stmt = self._insert()
        batch: list[Row] = []
        size = count = 0
        for row in rows:
            batch.append({f"p_{k}": v for k, v in row.items()})
            count += 1
            size += sum(len(v) for v in row.values() if isinstance(v, bytes | str))
            if len(batch) >= BATCH_ROWS or size >= BATCH_BYTES:
                self.conn.execute(stmt, batch)
                batch, size = [], 0
        if batch:
            self.conn.execute(stmt, batch)
        return count

    def _hold_back(self, row: Row) -> None:
        unseen = {c for c, ref in self.self_refs.items() if row[c] not in self.seen[ref]}
        for column in self.forward | unseen:
            if row[column] is not None and self.key is not None:
                self.later.append((self.table, self.key, row[self.key], column, row[column]))
                row[column] = None
        for ref, values in self.seen.items():
            values.add(row[ref])

    def _insert(self) -> Any:
        values: dict[str, Any] = {}
        for name, kind in self.kinds.items():
            if kind == "json":  # the stored JSON text goes in as it was read (see read_rows)
                values[name] = bindparam(f"p_{name}", type_=Text)
            else:
                values[name] = bindparam(f"p_{name}", type_=self.table.c[name].type)
        return self.table.insert().values(values)


def _set_deferred(conn: Connection, later: list[tuple[Table, str, Any, str, Any]]) -> None:
    for table, pk, key, column, value in later:
        conn.execute(table.update().where(table.c[pk] == key).values({column: value}))


def advance_sequences(conn: Connection, next_ids: Mapping[str, int] | None = None) -> None:
    """Move each PostgreSQL sequence past its table's largest id (and to at least the next id
    the source would have handed out), so the next insert works.

    SQLite needs nothing: an ``INTEGER PRIMARY KEY`` takes the largest id + 1, and
    ``sqlite_sequence`` (AUTOINCREMENT tables) follows explicit ids by itself.
    """
    floors = next_ids or {}
    for table, column, sequence in id_sequences(conn):
        conn.execute(
            text(
                f'SELECT setval(:s, greatest(coalesce((SELECT max("{column}") FROM "{table}"), 0) '
                "+ 1, :floor), false)"
            ),
            {"s": sequence, "floor": floors.get(table, 1)},
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
) -> Summary:
    """Load a backup's rows into the empty database ``conn`` sees and bring it to head.

    Refuses a backup of a revision this wpstrack does not know, and a target that holds
    rows unless ``replace`` (then those rows are deleted first, in the same transaction).
    """
    _check_revision(manifest.revision)
    version_before = _public_version(conn)
    _empty_target(conn, replace)
    _migrate_to(conn, manifest.revision)
    search_index.uninstall(conn)  # indexing row by row while loading is wasted: rebuilt below
    loaded: set[str] = set()
    later: list[tuple[Table, str, Any, str, Any]] = []
    counts: dict[str, int] = {}
    for table, spec in _target_tables(conn, manifest):
        if table.name in schema.SEEDED:  # the backup's rows replace the migration's own
            conn.execute(table.delete())
        count = _Loader(conn, table, spec, loaded, later).run(rows(spec))
        if count != spec.rows:
            raise UnreadableBackup(
                f"table {spec.name}: the manifest says {spec.rows} rows, the backup holds "
                f"{count} (truncated?)"
            )
        loaded.add(table.name)
        counts[table.name] = count
    _set_deferred(conn, later)
    upgrade(conn)
    # Past any value a running server may have kept pages under: a restored counter could
    # otherwise come back to one of them, and the public see pages of the old database.
    version = schema.public_version.c.version
    conn.execute(schema.public_version.update().values(version=version + version_before + 1))
    advance_sequences(conn, manifest.next_ids)
    search_index.rebuild(conn)
    tallies.rebuild(conn)  # the loaded rows marked every activity: computed once instead
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
