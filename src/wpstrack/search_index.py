"""The search index's database objects: created by the migrations, kept by the database.

SQLite: an FTS5 table ``search_index`` (porter stemming, diacritics folded) whose rowid
encodes the record (``2 * id`` for a document, ``2 * id + 1`` for an activity). Triggers
keep it up to date, so an index entry is written in the same transaction as its row whatever
code path writes the row (ingestion, review, the CLI, a hand-written SQL fix).

PostgreSQL: a table ``search_index`` of the same keys with a stored ``tsvector`` (GIN
indexed), kept by triggers in the same way (migration 0011; see :mod:`wpstrack.search` for
why it replaced GIN expression indexes).

This is storage (the migrations call it, and storage never imports the domain): the queries
over these objects live in :mod:`wpstrack.search`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select, text

from wpstrack import schema

INDEX_TABLE = "search_index"
PG_CONFIG = "english"
# The GIN expression indexes of migration 0004, replaced by the table in 0011.
_PG_INDEXES = {"ix_document_search": "document", "ix_activity_search": "activity"}
_PG_VECTOR_INDEX = f"ix_{INDEX_TABLE}_vector"
# Columns whose change re-indexes a row (PostgreSQL; SQLite's triggers re-index on any).
_INDEXED = {
    "document": ("title", "text", "status"),
    "activity": ("title", "summary", "city", "type"),
}
# The highlighted parts of a snippet are framed by these (never found in stored text).
_HIT_START, _HIT_END = "\x02", "\x03"


def keep_in_autogenerate(name: str | None, type_: str, _parent: Any) -> bool:
    """Alembic ``include_name`` hook: hide the search objects (they are not in schema.py)."""
    if name is None:
        return True
    if type_ == "table":
        return not name.startswith(INDEX_TABLE)
    return not (type_ == "index" and (name in _PG_INDEXES or name == _PG_VECTOR_INDEX))


# --- installation (called by the migration and by rebuild) -------------------------------


def _fields(table: str, row: str) -> tuple[str, str]:
    """The SQL of the (title, body) a row of ``table`` is indexed under."""
    if table == "document":
        return f"coalesce({row}.title, '')", f"coalesce({row}.text, '')"
    body = " || ' ' || ".join(f"coalesce({row}.{c}, '')" for c in ("summary", "city", "type"))
    return f"coalesce({row}.title, '')", body


def _document_text(row: str) -> str:
    return ", ".join(_fields("document", row))


def _activity_text(row: str) -> str:
    return ", ".join(_fields("activity", row))


def _sqlite_triggers() -> list[str]:
    statements = []
    for table, offset, row_text, only in (
        ("document", 0, _document_text, "new.status = 'ingested'"),
        ("activity", 1, _activity_text, "1"),
    ):
        key_new, key_old = f"new.id * 2 + {offset}", f"old.id * 2 + {offset}"
        insert = (
            f"INSERT INTO {INDEX_TABLE}(rowid, title, body) "
            f"SELECT {key_new}, {row_text('new')} WHERE {only};"
        )
        delete = f"DELETE FROM {INDEX_TABLE} WHERE rowid = {key_old};"
        statements += [
            f"CREATE TRIGGER IF NOT EXISTS {INDEX_TABLE}_{table}_ai AFTER INSERT ON {table} "
            f"BEGIN {insert} END",
            f"CREATE TRIGGER IF NOT EXISTS {INDEX_TABLE}_{table}_au AFTER UPDATE ON {table} "
            f"BEGIN {delete} {insert} END",
            f"CREATE TRIGGER IF NOT EXISTS {INDEX_TABLE}_{table}_ad AFTER DELETE ON {table} "
            f"BEGIN {delete} END",
        ]
    return statements


def pg_expression(table: str, row: str | None = None) -> str:
    """The vector a row of ``table`` is indexed under (``row``: its name in the SQL)."""
    title, body = _fields(table, row or table)
    return f"to_tsvector('{PG_CONFIG}'::regconfig, {title} || ' ' || {body})"


def _pg_install(conn: Connection) -> None:
    conn.execute(
        text(
            f"CREATE TABLE IF NOT EXISTS {INDEX_TABLE} "
            "(rowid bigint PRIMARY KEY, vector tsvector NOT NULL)"
        )
    )
    conn.execute(
        text(f"CREATE INDEX IF NOT EXISTS {_PG_VECTOR_INDEX} ON {INDEX_TABLE} USING gin (vector)")
    )
    for table, offset, only in (
        ("document", 0, "NEW.status = 'ingested'"),
        ("activity", 1, "true"),
    ):
        function = f"{INDEX_TABLE}_{table}"
        conn.execute(
            text(
                f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                "BEGIN "
                f"IF TG_OP <> 'INSERT' THEN DELETE FROM {INDEX_TABLE} "
                f"WHERE rowid = OLD.id * 2 + {offset}; END IF; "
                f"IF TG_OP <> 'DELETE' AND {only} THEN INSERT INTO {INDEX_TABLE} (rowid, vector) "
                f"VALUES (NEW.id * 2 + {offset}, {pg_expression(table, 'NEW')}); END IF; "
                "RETURN NULL; END $$"
            )
        )
        columns = ", ".join(_INDEXED[table])
        conn.execute(
            text(
                f"CREATE OR REPLACE TRIGGER {function} AFTER INSERT OR DELETE OR UPDATE OF "
                f"{columns} ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()"
            )
        )


def install(conn: Connection) -> None:
    """Create the search table and the triggers that keep it (both backends)."""
    if conn.dialect.name == "postgresql":
        _pg_install(conn)
        return
    conn.execute(
        text(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {INDEX_TABLE} USING fts5("
            "title, body, tokenize = 'porter unicode61 remove_diacritics 2')"
        )
    )
    for statement in _sqlite_triggers():
        conn.execute(text(statement))


def uninstall(conn: Connection) -> None:
    """Drop what :func:`install` created (the migration's downgrade)."""
    if conn.dialect.name == "postgresql":
        for table in ("document", "activity"):
            conn.execute(text(f"DROP TRIGGER IF EXISTS {INDEX_TABLE}_{table} ON {table}"))
            conn.execute(text(f"DROP FUNCTION IF EXISTS {INDEX_TABLE}_{table}()"))
        conn.execute(text(f"DROP TABLE IF EXISTS {INDEX_TABLE}"))
        for index in _PG_INDEXES:  # left by a downgrade past 0011
            conn.execute(text(f"DROP INDEX IF EXISTS {index}"))
        return
    for table in ("document", "activity"):
        for event in ("ai", "au", "ad"):
            conn.execute(text(f"DROP TRIGGER IF EXISTS {INDEX_TABLE}_{table}_{event}"))
    conn.execute(text(f"DROP TABLE IF EXISTS {INDEX_TABLE}"))


def rebuild(conn: Connection) -> int:
    """Re-create the triggers and index every existing row again; returns the rows indexed."""
    install(conn)
    doc, act = schema.document, schema.activity
    documents = conn.execute(
        select(func.count()).select_from(doc).where(doc.c.status == "ingested")
    ).scalar_one()
    activities = conn.execute(select(func.count()).select_from(act)).scalar_one()
    conn.execute(text(f"DELETE FROM {INDEX_TABLE}"))
    if conn.dialect.name == "postgresql":
        conn.execute(
            text(
                f"INSERT INTO {INDEX_TABLE} (rowid, vector) SELECT d.id * 2, "
                f"{pg_expression('document', 'd')} FROM document AS d "
                "WHERE d.status = 'ingested'"
            )
        )
        conn.execute(
            text(
                f"INSERT INTO {INDEX_TABLE} (rowid, vector) SELECT a.id * 2 + 1, "
                f"{pg_expression('activity', 'a')} FROM activity AS a"
            )
        )
        return int(documents + activities)
    conn.execute(
        text(
            f"INSERT INTO {INDEX_TABLE}(rowid, title, body) SELECT d.id * 2, "
            f"{_document_text('d')} FROM document AS d WHERE d.status = 'ingested'"
        )
    )
    conn.execute(
        text(
            f"INSERT INTO {INDEX_TABLE}(rowid, title, body) "
            f"SELECT a.id * 2 + 1, {_activity_text('a')} FROM activity AS a"
        )
    )
    return int(documents + activities)
