"""The search index's database objects: created by the migrations, kept by the database.

SQLite: an FTS5 table ``search_index`` (porter stemming, diacritics folded) whose rowid
encodes the record (``2 * id`` for a document, ``2 * id + 1`` for an activity). Triggers
keep it up to date, so an index entry is written in the same transaction as its row whatever
code path writes the row (ingestion, review, the CLI, a hand-written SQL fix).

PostgreSQL: a table ``search_index`` of the same keys with a stored ``tsvector`` (GIN
indexed), kept by triggers in the same way (migration 0011; see :mod:`wpstrack.search` for
why it replaced GIN expression indexes).

Japanese (migration 0014): neither tokenizer can cut Japanese into words, and a trigger
cannot run a morphological analyser, so each ``document`` and ``activity`` row carries
``search_words``: its Japanese text as words (:func:`row_words`, SudachiPy through
:mod:`wpstrack.japanese`), with the names in it also romanised, written by Python when the
row is written (a column default in :mod:`wpstrack.schema`, and ``audit.update``). The
triggers index that column beside the English text: a third FTS5 column on SQLite, a
``'simple'``-configuration vector added to the ``'english'`` one on PostgreSQL. Queries are
cut by the same function (:func:`query_words`). A hand-written SQL change of the text leaves
the words stale until ``wpstrack search --rebuild`` (:func:`rebuild` recomputes them).

This is storage (the migrations call it, and storage never imports the domain): the queries
over these objects live in :mod:`wpstrack.search`.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from sqlalchemy import Connection, Table, func, select, text

from wpstrack import japanese, kana, schema

INDEX_TABLE = "search_index"
PG_CONFIG = "english"
# Japanese words are indexed and queried as they are (no stemming, no stop words).
PG_WORDS_CONFIG = "simple"
WORDS_COLUMN = "search_words"
# The columns whose Japanese text goes into ``search_words``, per table.
WORD_SOURCES = {"document": ("title", "text"), "activity": ("title", "summary", "city")}
# The GIN expression indexes of migration 0004, replaced by the table in 0011.
_PG_INDEXES = {"ix_document_search": "document", "ix_activity_search": "activity"}
_PG_VECTOR_INDEX = f"ix_{INDEX_TABLE}_vector"
# Columns whose change re-indexes a row (PostgreSQL; SQLite's triggers re-index on any).
_INDEXED = {
    "document": ("title", "text", "status", WORDS_COLUMN),
    "activity": ("title", "summary", "city", "type", WORDS_COLUMN),
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


# --- Japanese words ----------------------------------------------------------------------

# Sudachi's proper nouns of people and places: these are also indexed romanised, so that
# ``上川`` finds ``Kamikawa`` and the other way round.
_NAME_POS = frozenset({"人名", "地名"})


def romaji(reading: str) -> str:
    """A katakana reading in Hepburn as English texts write names (``カミカワ`` -> ``kamikawa``,
    ``オオツカ`` -> ``otsuka``: long vowels lose their doubling as they lose their macron)."""
    return kana.name_romaji(reading.lower())


def _is_name(token: japanese.Token) -> bool:
    return len(token.pos) > 2 and token.pos[1] == "固有名詞" and token.pos[2] in _NAME_POS


def _parts(token: japanese.Token) -> list[japanese.Token]:
    return japanese.tokens(token.surface, "A") if len(token.surface) > 2 else [token]


def _spelled(tokens: list[japanese.Token]) -> list[str]:
    return [r for r in (romaji(t.reading) for t in tokens) if r.isascii() and r.isalpha()]


def _name_romaji(token: japanese.Token) -> list[str]:
    """The romanised names in a name token (a full name is romanised name by name; of
    ``東京都千代田区``, the names ``tokyo`` and ``chiyoda``)."""
    if not _is_name(token):
        return []
    return _spelled([p for p in _parts(token) if _is_name(p)] or [token])


def name_spelling(text: str) -> list[str] | None:
    """A query term that is nothing but names (``上川``, ``上川陽子``), romanised name by
    name; None when any word of it is not a name (``南スーダン``: ``南`` is not)."""
    words = [t for t in japanese.tokens(text, "C") if t.is_content]
    parts = [p for t in words for p in _parts(t) if p.is_content]
    if not parts or not all(_is_name(p) for p in parts):
        return None
    return _spelled(parts) or None


# Joins a name to its romanisation in ``search_words`` (``上川|kamikawa``): both tokenizers
# split there, and the snippet of a hit found by "Kamikawa" reads which Japanese word to mark.
NAME_JOINER = "|"


def names_romaji(text: str) -> list[tuple[str, list[str]]]:
    """The people's and places' names in a Japanese text with their romanisations, in order."""
    return _names_of(japanese.tokens(text, "C"))


def _names_of(compounds: list[japanese.Token]) -> list[tuple[str, list[str]]]:
    named = ((t.surface, _name_romaji(t)) for t in compounds)
    return [(surface, roman) for surface, roman in named if roman]


def text_words(text: str | None) -> str:
    """One text's Japanese words for the index: its words (compounds whole and in parts, as
    :func:`wpstrack.japanese.words`), then each name joined to its romanisations
    (``上川|kamikawa``); empty without Japanese."""
    if not text or not japanese.has_japanese(text):
        return ""
    compounds = japanese.tokens(text, "C")  # cut once, read for the words and the names
    names = [NAME_JOINER.join([s.lower(), *roman]) for s, roman in _names_of(compounds)]
    return " ".join([*japanese.words_of(compounds), *names]).strip()


def romanised_names(words: str | None) -> dict[str, str]:
    """Romanisation -> Japanese name, as ``search_words`` records them (see NAME_JOINER)."""
    found: dict[str, str] = {}
    for word in (words or "").split():
        if NAME_JOINER in word:
            surface, *roman = word.split(NAME_JOINER)
            for r in roman:
                found.setdefault(r, surface)
    return found


def row_words(table: str, values: dict[str, Any]) -> str | None:
    """``search_words`` of a row of ``table`` from its values (NULL without Japanese)."""
    found = [text_words(values.get(column)) for column in WORD_SOURCES[table]]
    joined = " ".join(w for w in found if w)
    return joined or None


def with_words(table: Table, before: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """``changes`` to a row, plus its new ``search_words`` when they change an indexed text."""
    sources = WORD_SOURCES.get(table.name)
    if not sources or not set(sources) & changes.keys() or WORDS_COLUMN in changes:
        return changes
    return changes | {WORDS_COLUMN: row_words(table.name, before | changes)}


def query_words(term: str) -> list[str]:
    """A Japanese query term as the index holds it: the same words, in the same order."""
    return japanese.index_text(unicodedata.normalize("NFKC", term)).split()


# --- installation (called by the migration and by rebuild) -------------------------------


def _fields(table: str, row: str, words: bool = True) -> list[str]:
    """The SQL of the (title, body[, words]) a row of ``table`` is indexed under."""
    if table == "document":
        out = [f"coalesce({row}.title, '')", f"coalesce({row}.text, '')"]
    else:
        body = " || ' ' || ".join(f"coalesce({row}.{c}, '')" for c in ("summary", "city", "type"))
        out = [f"coalesce({row}.title, '')", body]
    return [*out, f"coalesce({row}.{WORDS_COLUMN}, '')"] if words else out


def _columns(words: bool) -> str:
    return "title, body, words" if words else "title, body"


def _sqlite_triggers(words: bool) -> list[str]:
    statements = []
    for table, offset, only in (
        ("document", 0, "new.status = 'ingested'"),
        ("activity", 1, "1"),
    ):
        key_new, key_old = f"new.id * 2 + {offset}", f"old.id * 2 + {offset}"
        insert = (
            f"INSERT INTO {INDEX_TABLE}(rowid, {_columns(words)}) "
            f"SELECT {key_new}, {', '.join(_fields(table, 'new', words))} WHERE {only};"
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


def pg_expression(table: str, row: str | None = None, words: bool = True) -> str:
    """The vector a row of ``table`` is indexed under (``row``: its name in the SQL): the
    English text stemmed, then its Japanese words as they are."""
    title, body, *rest = _fields(table, row or table, words)
    vector = f"to_tsvector('{PG_CONFIG}'::regconfig, {title} || ' ' || {body})"
    if rest:
        vector += f" || to_tsvector('{PG_WORDS_CONFIG}'::regconfig, {rest[0]})"
    return vector


def _pg_install(conn: Connection, words: bool) -> None:
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
        expression = pg_expression(table, "NEW", words)
        conn.execute(
            text(
                f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                "BEGIN "
                f"IF TG_OP <> 'INSERT' THEN DELETE FROM {INDEX_TABLE} "
                f"WHERE rowid = OLD.id * 2 + {offset}; END IF; "
                f"IF TG_OP <> 'DELETE' AND {only} THEN INSERT INTO {INDEX_TABLE} (rowid, vector) "
                f"VALUES (NEW.id * 2 + {offset}, {expression}); END IF; "
                "RETURN NULL; END $$"
            )
        )
        indexed = _INDEXED[table] if words else _INDEXED[table][:-1]
        conn.execute(
            text(f"DROP TRIGGER IF EXISTS {function} ON {table}")
        )  # its column list may have changed
        conn.execute(
            text(
                f"CREATE TRIGGER {function} AFTER INSERT OR DELETE OR UPDATE OF "
                f"{', '.join(indexed)} ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()"
            )
        )


def install(conn: Connection, *, words: bool = True) -> None:
    """Create the search table and the triggers that keep it (both backends).

    ``words=False`` is the index as it was before migration 0014 (no ``search_words``):
    the earlier migrations and 0014's downgrade run before that column exists.
    """
    if conn.dialect.name == "postgresql":
        _pg_install(conn, words)
        return
    conn.execute(
        text(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {INDEX_TABLE} USING fts5("
            f"{_columns(words)}, tokenize = 'porter unicode61 remove_diacritics 2')"
        )
    )
    for statement in _sqlite_triggers(words):
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


# Rows re-segmented per round trip by refresh_words (a release is a few kilobytes).
_WORDS_BATCH = 500


def refresh_words(conn: Connection) -> int:
    """Recompute ``search_words`` of every row whose text holds Japanese; returns how many
    changed. Only rows with kana or kanji are segmented (the database finds them)."""
    changed = 0
    for table in (schema.document, schema.activity):
        sources = [table.c[c] for c in WORD_SOURCES[table.name]]
        last = 0
        while True:
            rows = conn.execute(
                select(table.c.id, table.c[WORDS_COLUMN], *sources)
                .where(table.c.id > last)
                .order_by(table.c.id)
                .limit(_WORDS_BATCH)
            ).all()
            if not rows:
                break
            last = rows[-1].id
            for row in rows:
                values = row._asdict()
                words = row_words(table.name, values)
                if words != values[WORDS_COLUMN]:
                    conn.execute(
                        table.update().where(table.c.id == row.id).values({WORDS_COLUMN: words})
                    )
                    changed += 1
    return changed


def rebuild(conn: Connection, *, words: bool = True) -> int:
    """Re-create the triggers and index every existing row again; returns the rows indexed.

    With ``words`` (the head schema) the Japanese words of every row are recomputed first.
    """
    if words:
        refresh_words(conn)
    install(conn, words=words)
    doc, act = schema.document, schema.activity
    documents = conn.execute(
        select(func.count()).select_from(doc).where(doc.c.status == "ingested")
    ).scalar_one()
    activities = conn.execute(select(func.count()).select_from(act)).scalar_one()
    conn.execute(text(f"DELETE FROM {INDEX_TABLE}"))
    for table, offset, only in (("document", 0, "d.status = 'ingested'"), ("activity", 1, "1=1")):
        alias = table[0]
        if conn.dialect.name == "postgresql":
            target, values = "(rowid, vector)", pg_expression(table, alias, words)
        else:
            target, values = f"(rowid, {_columns(words)})", ", ".join(_fields(table, alias, words))
        conn.execute(
            text(
                f"INSERT INTO {INDEX_TABLE} {target} SELECT {alias}.id * 2 + {offset}, {values} "
                f"FROM {table} AS {alias} WHERE {only}"
            )
        )
    return int(documents + activities)
