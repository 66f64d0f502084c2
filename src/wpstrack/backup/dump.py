"""Taking a backup: one snapshot of the database, streamed into a ZIP of JSON Lines, and
reading such a file back, checked whole before anything is restored from it."""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO

from sqlalchemy import (
    Connection,
    Engine,
    Integer,
    Text,
    cast,
    func,
    select,
    text,
)
from sqlalchemy.exc import OperationalError

from wpstrack import schema
from wpstrack.backup.model import (
    BATCH_ROWS,
    MANIFEST,
    Manifest,
    Row,
    Summary,
    TableSpec,
    base_type,
    encode,
    value_kind,
)
from wpstrack.db import SCHEMA_HEAD, SQLITE_BEGIN, now, schema_revision
from wpstrack.errors import DatabaseError, NewerSchema, UnreadableBackup

# --- transactions -----------------------------------------------------------------------------


@contextmanager
def _coded_errors() -> Iterator[None]:
    """A database that cannot be reached or stays locked is a coded error, as elsewhere."""
    try:
        yield
    except OperationalError as exc:
        raise DatabaseError(f"database error: {exc.orig}") from exc


@contextmanager
def snapshot(engine: Engine) -> Iterator[Connection]:
    """A read-only connection that sees one consistent state of the database."""
    if engine.dialect.name == "postgresql":
        options = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
        with _coded_errors(), engine.connect().execution_options(**options) as conn, conn.begin():
            yield conn
        return
    # An explicit BEGIN (asked of the engine, ``db.SQLITE_BEGIN``): the first SELECT then
    # fixes the snapshot that every later one reads.
    deferred = {SQLITE_BEGIN: "DEFERRED"}
    with (
        _coded_errors(),
        engine.connect().execution_options(**deferred) as conn,
        conn.begin() as transaction,
    ):
        try:
            yield conn
        finally:
            transaction.rollback()


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A connection in one transaction that commits when the block ends and rolls back on
    error; on SQLite it takes the write lock first so that nothing writes between the
    emptiness check and the load, and so that schema changes roll back too."""
    with _coded_errors(), engine.connect().execution_options(**{SQLITE_BEGIN: "IMMEDIATE"}) as conn:
        conn.begin()
        try:
            yield conn
        except BaseException:
            conn.rollback()
            raise
        conn.commit()


# --- reading a database -----------------------------------------------------------------------


def read_manifest(conn: Connection) -> Manifest:
    """The manifest of the database ``conn`` sees: every table of the schema, with counts."""
    revision = schema_revision(conn)
    if revision is None:
        raise DatabaseError("the database has no schema yet: there is nothing to back up")
    if revision != SCHEMA_HEAD:
        raise NewerSchema(
            f"the database is at schema revision {revision}, this wpstrack at "
            f"{SCHEMA_HEAD}: back it up with the wpstrack that serves it, or upgrade "
            "it first (wpstrack init)"
        )
    tables = []
    for table in schema.metadata.sorted_tables:
        if table.name in schema.DERIVED:  # computed again by the restore
            continue
        columns = [(c.name, value_kind(c.type)) for c in table.columns]
        count = conn.execute(select(func.count()).select_from(table)).scalar_one()
        tables.append(TableSpec(table.name, columns, int(count)))
    return Manifest(
        revision=revision,
        created_at=now().isoformat(),
        source=conn.dialect.name,
        tables=tables,
        next_ids=next_ids(conn),
    )


def id_sequences(conn: Connection) -> Iterator[tuple[str, str, str]]:
    """(table, id column, sequence) for each table whose ids a PostgreSQL sequence hands out."""
    if conn.dialect.name != "postgresql":
        return
    for table in schema.metadata.sorted_tables:
        key = list(table.primary_key.columns)
        if len(key) != 1 or not isinstance(base_type(key[0].type), Integer):
            continue
        sequence = conn.execute(
            text("SELECT pg_get_serial_sequence(:t, :c)"),
            {"t": f'"{table.name}"', "c": key[0].name},
        ).scalar()
        if sequence is not None:
            yield table.name, key[0].name, str(sequence)


def next_ids(conn: Connection) -> dict[str, int]:
    """The id each table would hand out next, where a sequence remembers it: ids of deleted
    rows are not given again after a restore (the audit log still names them). SQLite's
    plain ``INTEGER PRIMARY KEY`` remembers nothing beyond the largest id."""
    found = {}
    for table, _column, sequence in id_sequences(conn):
        found[table] = int(
            conn.execute(
                text(
                    "SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END "
                    f"FROM {sequence}"
                )
            ).scalar_one()
        )
    return found


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
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, zlib.error) as exc:
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
        except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as exc:
            # A damaged deflate stream fails as zlib.error or as a CRC mismatch, by the byte.
            raise UnreadableBackup(f"damaged or truncated ({exc})", where) from exc

    def close(self) -> None:
        self._zip.close()
