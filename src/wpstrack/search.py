"""Full-text search over documents and activities, behind one function on both backends.

SQLite: an FTS5 table ``search_index`` (porter stemming, diacritics folded) whose rowid
encodes the record (``2 * id`` for a document, ``2 * id + 1`` for an activity). Triggers
created by the migration keep it up to date, so an index entry is written in the same
transaction as its row whatever code path writes the row (ingestion, review, the CLI, a
hand-written SQL fix): no caller can forget to index.

PostgreSQL: a table ``search_index`` of the same keys with a stored ``tsvector`` (GIN
indexed) of ``to_tsvector('english', ...)`` over the same columns, kept by triggers in the
same way. It replaced GIN expression indexes (migration 0011): ranking needs the vector of
every match, and an expression index does not keep it, so each search parsed the whole text
of every matching row again (seconds for a common word at 10,000 documents,
bench/RESULTS.md). The triggers fire only when an indexed column changes.

The index objects themselves (table, triggers, GIN indexes) are storage, in
:mod:`wpstrack.search_index`: a table rebuilt in SQLite batch mode (``ALTER`` emulation) loses
its triggers, so a later migration that alters ``document`` or ``activity`` must call
``search_index.install`` again, and the tests check that a document written at head is found.
``search_index.rebuild`` re-creates the triggers and re-indexes every existing row.

Anonymous visitors search what :mod:`wpstrack.visibility` lets them see: published
activities and the documents behind them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Connection,
    Integer,
    Select,
    and_,
    bindparam,
    column,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy import table as sql_table
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.visitors import InternalTraversal

from wpstrack import schema, visibility
from wpstrack.search_index import INDEX_TABLE, PG_CONFIG

# The highlighted parts of a snippet are framed by these (never found in stored text).
_HIT_START, _HIT_END = "\x02", "\x03"
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_RESULTS = 100


# --- searching -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    """One search result: what it is, where it lives and the words that matched."""

    kind: str  # document | activity
    id: int
    title: str
    url: str
    status: str
    date: str | None
    snippet: list[tuple[str, bool]]  # (text, is_match) parts, rendered escaped

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "title": self.title,
            "url": self.url,
            "status": self.status,
            "date": self.date,
            "snippet": [{"text": t, "match": m} for t, m in self.snippet],
        }


def terms(q: str) -> list[str]:
    """The words of a query; operators and quotes are not syntax here, only words count."""
    return _WORD.findall(q or "")[:20]


def _visible_ids(kind: str, public: bool) -> Select[Any]:
    """The ids of ``kind`` the caller may see (:mod:`wpstrack.visibility`), as a subquery
    the index query filters on, so a page of results is a page of visible results."""
    if kind == "document":
        doc = schema.document
        return select(doc.c.id).where(visibility.documents(public))
    act = schema.activity
    return select(act.c.id).where(visibility.activities(public))


def _split_snippet(marked: str | None) -> list[tuple[str, bool]]:
    parts: list[tuple[str, bool]] = []
    for i, chunk in enumerate(re.split(f"[{_HIT_START}{_HIT_END}]", marked or "")):
        if chunk:
            parts.append((re.sub(r"\s+", " ", chunk), i % 2 == 1))
    return parts


def search(
    conn: Connection, q: str, *, public: bool = True, limit: int = 50
) -> list[dict[str, Any]]:
    """Documents and activities matching every word of ``q``, best first.

    ``public`` limits the results to what an anonymous visitor may read
    (:mod:`wpstrack.visibility`). The condition is part of the index query itself: the
    best ``limit`` visible matches are chosen by the database, and snippets are made for
    those alone.
    """
    words = terms(q)
    if not words:
        return []
    limit = max(1, min(limit, MAX_RESULTS))
    run = _search_postgresql if conn.dialect.name == "postgresql" else _search_sqlite
    return [hit.as_dict() for hit in run(conn, words, public, limit)]


def _hit(row: Any, snippet: str | None) -> Hit:
    kind = row.kind
    url = f"/documents/{row.id}" if kind == "document" else f"/activities/{row.id}"
    return Hit(
        kind=kind,
        id=int(row.id),
        title=row.title or f"{kind.capitalize()} {row.id}",
        url=url,
        status=row.status,
        date=row.date.isoformat() if row.date else None,
        snippet=_split_snippet(snippet),
    )


def _fts_match(words: list[str]) -> str:
    return " ".join('"' + w.replace('"', "") + '"' for w in words)


_FTS = sql_table(INDEX_TABLE, column("rowid", Integer))


def _visible_keys(public: bool) -> list[ColumnElement[bool]]:
    """The index entries the caller may see, as conditions on the index query itself."""
    if not public:
        return []
    rowid = _FTS.c.rowid
    return [
        or_(
            and_(rowid % 2 == 0, (rowid // 2).in_(_visible_ids("document", True))),
            and_(rowid % 2 == 1, (rowid // 2).in_(_visible_ids("activity", True))),
        )
    ]


def _search_sqlite(conn: Connection, words: list[str], public: bool, limit: int) -> list[Hit]:
    match = literal_column(INDEX_TABLE).op("MATCH")(bindparam("match"))
    conditions: list[ColumnElement[bool]] = [match, *_visible_keys(public)]
    score: ColumnElement[float] = literal_column(f"bm25({INDEX_TABLE})")
    top = conn.execute(
        select(_FTS.c.rowid).where(*conditions).order_by(score).limit(limit),
        {"match": _fts_match(words)},
    ).scalars()
    order = list(top)
    if not order:
        return []
    snippet = f"snippet({INDEX_TABLE}, 1, '{_HIT_START}', '{_HIT_END}', ' … ', 24)"
    snippets: dict[int, str] = dict(
        conn.execute(
            select(_FTS.c.rowid, literal_column(snippet)).where(match, _FTS.c.rowid.in_(order)),
            {"match": _fts_match(words)},
        ).all()
    )
    rows = _records(
        conn, [r // 2 for r in order if r % 2 == 0], [r // 2 for r in order if r % 2 == 1]
    )
    hits = []
    for r in order:
        key = ("document" if r % 2 == 0 else "activity", r // 2)
        if key in rows:
            hits.append(_hit(rows[key], snippets.get(r)))
    return hits


def _records(
    conn: Connection, doc_ids: list[int], act_ids: list[int]
) -> dict[tuple[str, int], Any]:
    """What a hit shows of each record (already known to be visible)."""
    doc, act = schema.document, schema.activity
    documents = select(
        literal("document").label("kind"),
        doc.c.id,
        doc.c.title,
        doc.c.status,
        doc.c.published_on.label("date"),
    ).where(doc.c.id.in_(doc_ids))
    activities = select(
        literal("activity").label("kind"), act.c.id, act.c.title, act.c.status, act.c.date
    ).where(act.c.id.in_(act_ids))
    return {(r.kind, r.id): r for r in conn.execute(union_all(documents, activities)).all()}


def _search_postgresql(conn: Connection, words: list[str], public: bool, limit: int) -> list[Hit]:
    query = func.plainto_tsquery(PG_CONFIG, " ".join(words))
    vector: ColumnElement[Any] = literal_column("vector")
    conditions = [vector.op("@@")(query), *_visible_keys(public)]
    top = conn.execute(
        select(_FTS.c.rowid)
        .where(*conditions)
        .order_by(func.ts_rank(vector, query).desc(), _FTS.c.rowid)
        .limit(limit)
    ).scalars()
    order = [("document" if r % 2 == 0 else "activity", r // 2) for r in top]
    if not order:
        return []
    ids = {kind: [i for k, i in order if k == kind] for kind in ("document", "activity")}
    rows = _records(conn, ids["document"], ids["activity"])
    snippets = _pg_headlines(conn, query, ids)
    return [_hit(rows[key], snippets.get(key)) for key in order if key in rows]


def _pg_headlines(
    conn: Connection, query: Any, ids: dict[str, list[int]]
) -> dict[tuple[str, int], str]:
    """Highlighted passages of the chosen hits only: a headline re-reads the whole text."""
    doc, act = schema.document, schema.activity
    options = f"StartSel={_HIT_START}, StopSel={_HIT_END}, MaxWords=30, MinWords=12"
    found: dict[tuple[str, int], str] = {}
    for table_, kind, body in (
        (doc, "document", doc.c.text),
        (act, "activity", func.concat_ws(" ", act.c.summary, act.c.city)),
    ):
        if not ids[kind]:
            continue
        source = func.coalesce(func.nullif(body, ""), table_.c.title)
        headline = func.ts_headline(PG_CONFIG, source, query, options)
        stmt = select(table_.c.id, headline).where(table_.c.id.in_(ids[kind]))
        found.update(((kind, i), h) for i, h in conn.execute(stmt).all())
    return found


# --- a filter for lists ----------------------------------------------------------------------


class ActivityMatches(ColumnElement[bool]):
    """True for an activity whose own text or whose document's text holds every word of a
    query: a condition other queries (the activity register's filters) can add, compiled for
    the backend it runs on."""

    inherit_cache = True
    type = Boolean()
    # The words are part of the cache key: each query compiles (and caches) its own SQL.
    _traverse_internals = [("words", InternalTraversal.dp_plain_obj)]  # noqa: RUF012

    def __init__(self, q: str) -> None:
        self.words = tuple(terms(q))


def activity_matches(q: str) -> ColumnElement[bool]:
    """The condition "this activity or its document matches ``q``" (see :func:`search`)."""
    return ActivityMatches(q)


def _bracketed(sql: Any) -> str:
    # The compiler does not know this element is an OR: unbracketed, ``a AND x OR y`` would
    # let every row matching ``y`` past the caller's other conditions (visibility included).
    return f"({sql})"


@compiles(ActivityMatches, "sqlite")
def _matches_sqlite(element: ActivityMatches, compiler: Any, **kw: Any) -> str:
    match = " ".join('"' + w.replace('"', "") + '"' for w in element.words) or '""'
    act = schema.activity
    hits = f"SELECT rowid FROM {INDEX_TABLE} WHERE {INDEX_TABLE} MATCH :search_q"
    own = text(f"SELECT rowid / 2 FROM ({hits}) WHERE rowid % 2 = 1").bindparams(search_q=match)
    docs = text(f"SELECT rowid / 2 FROM ({hits}) WHERE rowid % 2 = 0").bindparams(search_q=match)
    return _bracketed(compiler.process(_own_or_sources(act, own, docs), **kw))


@compiles(ActivityMatches, "postgresql")
def _matches_postgresql(element: ActivityMatches, compiler: Any, **kw: Any) -> str:
    query = func.plainto_tsquery(PG_CONFIG, " ".join(element.words))
    act, rowid = schema.activity, _FTS.c.rowid
    hits = select(rowid).where(literal_column("vector").op("@@")(query)).subquery()
    own = select(hits.c.rowid // 2).where(hits.c.rowid % 2 == 1)
    docs = select(hits.c.rowid // 2).where(hits.c.rowid % 2 == 0)
    return _bracketed(compiler.process(_own_or_sources(act, own, docs), **kw))


def _own_or_sources(act: Any, own: Any, docs: Any) -> ColumnElement[bool]:
    """The activity matches, its document does, or another of its sources does (the
    Japanese release merged into an English one finds the event by its Japanese words)."""
    src = schema.activity_source
    joined = select(src.c.activity_id).where(src.c.how != "ingest", src.c.document_id.in_(docs))
    return act.c.id.in_(own) | act.c.document_id.in_(docs) | act.c.id.in_(joined)
