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

from wpstrack.backup.dump import (
    BackupFile,
    read_manifest,
    read_rows,
    snapshot,
    write_backup,
    writing,
)
from wpstrack.backup.load import advance_sequences, copy_database, load, restore_file
from wpstrack.backup.model import (
    FORMAT,
    MANIFEST,
    Manifest,
    Summary,
    TableSpec,
    decode,
    encode,
    value_kind,
)

__all__ = [
    "FORMAT",
    "MANIFEST",
    "BackupFile",
    "Manifest",
    "Summary",
    "TableSpec",
    "advance_sequences",
    "copy_database",
    "decode",
    "encode",
    "load",
    "read_manifest",
    "read_rows",
    "restore_file",
    "snapshot",
    "value_kind",
    "write_backup",
    "writing",
]
