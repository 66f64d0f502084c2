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

Ranking is bounded by the index, not the register (issue 12): a search takes the newest
:data:`CANDIDATES` visible matches in index order, which both engines give without reading
the rest (FTS5 walks its doclists by rowid; PostgreSQL scans the primary key backwards with
the ``@@`` check, or reads a rare word's GIN bitmap), and ranks those alone. Below that many
visible matches the order is the database's over all of them, as before (bm25, ts_rank);
above it, it is over the newest (on SQLite by title match, then newest: see
:func:`_capped_sqlite`). ``ORDER BY bm25()`` / ``ts_rank`` over every match of a common word
took 0.6-1.9 s at 100,000-1,000,000 documents (bench/RESULTS.md "Scale").

Japanese (issue 15): the query is parsed by :mod:`wpstrack.search_query` (Japanese cut
into words as the index was, names and organisations in every script they are written in).
Snippets are marked here from the hits' texts (:func:`mark`), on both backends and in both
languages.

Anonymous visitors search what :mod:`wpstrack.visibility` lets them see: published
activities and the documents behind them.
"""

from __future__ import annotations

import re
import unicodedata
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
    case,
    column,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
    true,
    union_all,
)
from sqlalchemy import table as sql_table
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.visitors import InternalTraversal

from wpstrack import schema, search_index, visibility
from wpstrack.db import kept_until_write
from wpstrack.search_index import INDEX_TABLE, PG_CONFIG
from wpstrack.search_query import Group, fts_match, parse, terms, tsquery

__all__ = [
    "Hit",
    "activity_matches",
    "mark",
    "matching_activities",
    "parse",
    "search",
    "terms",
]

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


def search(
    conn: Connection, q: str, *, public: bool = True, limit: int = 50
) -> list[dict[str, Any]]:
    """Documents and activities matching every word of ``q``, best first.

    ``public`` limits the results to what an anonymous visitor may read
    (:mod:`wpstrack.visibility`). The condition is applied while the index is read, so
    the candidates are visible ones and a page of results is a page of visible results;
    the best ``limit`` of the newest :data:`CANDIDATES` visible matches are returned
    (every match when fewer), and snippets are made for those alone. Nothing counts every
    match: a search's facets count the activities behind its candidates
    (:func:`matching_activities`). The same question is answered from the last answer
    until the next write (:func:`wpstrack.db.kept_until_write`): popular searches repeat,
    and under load the queue of identical ones was what made search slow.
    """
    limit = max(1, min(limit, MAX_RESULTS))
    key = ("search", q, public, limit)
    return kept_until_write(conn, key, lambda: _search(conn, q, public, limit), public=public)


def _search(conn: Connection, q: str, public: bool, limit: int) -> list[dict[str, Any]]:
    groups = parse(q, conn)
    if not groups:
        return []
    run = _search_postgresql if conn.dialect.name == "postgresql" else _search_sqlite
    return [hit.as_dict() for hit in run(conn, groups, public, limit)]


def _hit(row: Any, snippet: list[tuple[str, bool]]) -> Hit:
    kind = row.kind
    url = f"/documents/{row.id}" if kind == "document" else f"/activities/{row.id}"
    return Hit(
        kind=kind,
        id=int(row.id),
        title=row.title or f"{kind.capitalize()} {row.id}",
        url=url,
        status=row.status,
        date=row.date.isoformat() if row.date else None,
        snippet=snippet,
    )


_FTS = sql_table(INDEX_TABLE, column("rowid", Integer))

# The most matches a search ranks: the newest visible ones the index gives. Below it the
# ranking is over every visible match (exactly the database's score); above it, over these.
# Each costs ~10-20 us on PostgreSQL (its vector read from TOAST for the @@, then its
# record's visibility), and a visitor sees ~60 % of entries: 1,000 took 30-60 ms of server
# time at 100,000 documents, 500 half that.
CANDIDATES = 500


def _visible_keys(public: bool, key: ColumnElement[int] | None = None) -> list[ColumnElement[bool]]:
    """The index entries the caller may see, as conditions on the index query itself.

    Each entry's record is looked up by its key (``key``: the index's rowid, or a column of
    them), one scalar subquery per entry: the index is read until :data:`CANDIDATES`
    visible entries are found, so it makes a bounded number of lookups, where ``IN (SELECT …
    published)`` read every published entry of the register first. Not ``EXISTS``:
    PostgreSQL may turn that into a hashed scan of every activity (73 ms at 100,000)."""
    if not public:
        return []
    rowid = _FTS.c.rowid if key is None else key
    doc, act = schema.document, schema.activity
    document_shown = (
        select(visibility.documents(True, per_row=True))
        .where(doc.c.id == rowid // 2)
        .scalar_subquery()
    )
    activity_shown = (
        select(visibility.activities(True)).where(act.c.id == rowid // 2).scalar_subquery()
    )
    return [
        or_(
            and_(rowid % 2 == 0, document_shown.is_(True)),
            and_(rowid % 2 == 1, activity_shown.is_(True)),
        )
    ]


def _newest(conn: Connection, conditions: list[ColumnElement[bool]], params: Any) -> list[int]:
    """The keys of the newest :data:`CANDIDATES` visible matches, newest first (SQLite).

    FTS5 walks its doclists in rowid order, backwards for ``ORDER BY rowid DESC``, and the
    query stops at the limit instead of reading every match of a common word (2 ms for
    1,000 of the 180,000 entries holding "women" at 100,000 documents)."""
    rowid = _FTS.c.rowid
    stmt = select(rowid).where(*conditions).order_by(rowid.desc()).limit(CANDIDATES)
    return list(conn.execute(stmt, params).scalars().all())


def _sqlite_match(public: bool) -> list[ColumnElement[bool]]:
    match = literal_column(INDEX_TABLE).op("MATCH")(bindparam("match"))
    return [match, *_visible_keys(public)]


def _search_sqlite(conn: Connection, groups: list[Group], public: bool, limit: int) -> list[Hit]:
    conditions = _sqlite_match(public)
    expression = fts_match(groups)
    keys = _newest(conn, conditions, {"match": expression})
    if not keys:
        return []
    rowid = _FTS.c.rowid
    # The candidates are every visible match from the lowest key up: the ranking query
    # reads that range of the index, and no further.
    in_range = [*conditions, rowid >= keys[-1]]
    if len(keys) < CANDIDATES:
        score: ColumnElement[float] = literal_column(f"bm25({INDEX_TABLE})")
        top = list(
            conn.execute(
                select(rowid).where(*in_range).order_by(score).limit(limit),
                {"match": expression},
            ).scalars()
        )
    else:
        top = _capped_sqlite(conn, keys, in_range, expression, limit)
    if not top:
        return []
    order = [("document" if r % 2 == 0 else "activity", r // 2) for r in top]
    ids = {kind: [i for k, i in order if k == kind] for kind in ("document", "activity")}
    return _marked_hits(conn, order, _records(conn, ids["document"], ids["activity"]), groups)


def _capped_sqlite(
    conn: Connection,
    keys: list[int],
    in_range: list[ColumnElement[bool]],
    expression: str,
    limit: int,
) -> list[int]:
    """The order of the candidates when there are :data:`CANDIDATES` (more may match):
    those whose title holds the words first, each part newest first.

    Not ``bm25()``: FTS5 computes its weights by reading every match of each phrase
    (``xQueryPhrase``) once per query, whatever the rows it scores, so a ranking query over
    the candidates still grew with the register (31 of 33 ms for "peace and security" at
    100,000 documents). A title match is read from the same range of the index.
    """
    in_title = conn.execute(
        select(_FTS.c.rowid).where(*in_range),
        {"match": f"title : ({expression})"},
    ).scalars()
    first = set(in_title)
    return ([k for k in keys if k in first] + [k for k in keys if k not in first])[:limit]


def matching_activities(conn: Connection, q: str, *, public: bool) -> tuple[list[int], bool]:
    """The activities behind the newest :data:`CANDIDATES` visible matches of ``q`` (matched
    themselves, or by their document or another of their sources, as
    :func:`activity_matches`), and whether more matched: what a search's facets count,
    bounded by the index instead of every match of a common word (an estimate when more
    matched). Unpublished activities behind a matched document are still among them: the
    caller adds its own visibility condition."""
    groups = parse(q, conn)
    if not groups:
        return [], False
    if conn.dialect.name == "postgresql":
        keys = [key for key, _ in _scored_postgresql(conn, groups, public)]
    else:
        keys = _newest(conn, _sqlite_match(public), {"match": fts_match(groups)})
    found = {key // 2 for key in keys if key % 2 == 1}
    documents = [key // 2 for key in keys if key % 2 == 0]
    if documents:
        act, src = schema.activity, schema.activity_source
        found.update(
            conn.execute(select(act.c.id).where(act.c.document_id.in_(documents))).scalars()
        )
        joined = select(src.c.activity_id).where(
            src.c.how != "ingest", src.c.document_id.in_(documents)
        )
        found.update(conn.execute(joined).scalars())
    return sorted(found), len(keys) >= CANDIDATES


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


def _scored_postgresql(
    conn: Connection, groups: list[Group], public: bool
) -> list[tuple[int, float]]:
    """The newest :data:`CANDIDATES` visible matches' keys and ts_rank, newest first.

    Planned for each query's words: the driver prepares a statement run five times, and
    PostgreSQL may then keep one generic plan for every query, which does not know whether
    the words are common (read the newest entries) or rare (read the GIN bitmap): a phrase
    then took 60 ms of server time instead of 10 at 100,000 documents."""
    previous = conn.execute(
        select(
            func.current_setting("plan_cache_mode"),
            func.set_config("plan_cache_mode", "force_custom_plan", True),
        )
    ).scalar_one()
    scored = _batches(conn, groups, public)
    # Set back for the rest of the transaction (after an error, its rollback does that).
    conn.execute(select(func.set_config("plan_cache_mode", previous, True)))
    return scored


def _estimated(conn: Connection, stmt: Select[Any]) -> float:
    """The rows the planner expects ``stmt`` to return (its own statistics, no rows read)."""
    compiled = stmt.compile(dialect=conn.dialect)
    plan = conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled}", compiled.params)
    return float(plan.scalar_one()[0]["Plan"]["Plan Rows"])


def _reads_bitmap(conn: Connection, vector: ColumnElement[Any], query: Any) -> bool:
    """Whether the newest matches are cheaper to find in the word's GIN bitmap than by
    scanning the primary key backwards.

    The planner prices the backward scan's ``@@`` check as almost free, but each row's
    vector is read from TOAST (~5 us): for "okapi" (1 document in 200) it scanned 200,000
    rows per batch, 0.96 s at 1,000,000 documents, where the bitmap of its 5,000 matches
    and a top-N sort took 18 ms. Scanning backwards reads about CANDIDATES x rows /
    matches entries to find CANDIDATES; the bitmap reads every match once, at a similar
    cost each: the bitmap wins while matches² < CANDIDATES x rows (x 2: a visitor sees
    about half). The counts are the planner's estimates (EXPLAIN; ~0.2 ms)."""
    matches = _estimated(conn, select(literal(1)).select_from(_FTS).where(vector.op("@@")(query)))
    rows = _estimated(conn, select(literal(1)).select_from(_FTS))
    return matches * matches < 2 * CANDIDATES * rows


def _batches(conn: Connection, groups: list[Group], public: bool) -> list[tuple[int, float]]:
    query = tsquery(groups)
    vector: ColumnElement[Any] = literal_column("vector")
    rowid = _FTS.c.rowid
    # ``rowid + 0`` is not the key's index: the planner then reads the GIN bitmap and sorts.
    newest_first = (rowid + 0 if _reads_bitmap(conn, vector, query) else rowid).desc()
    scored: list[tuple[int, float]] = []
    older: list[ColumnElement[bool]] = []
    # A visitor sees about half the entries: a batch twice the candidates mostly fills them
    # in one statement (each batch is a scan; for a rare word, its whole bitmap again).
    size = 2 * CANDIDATES if public else CANDIDATES
    while len(scored) < CANDIDATES:
        # A batch of the newest matches, planned alone (a materialised CTE), then whether
        # the caller may see each. With the visibility condition beside the ``@@``, the
        # planner guessed the ``OR`` of lookups kept 1 match in 200 and chose to read and
        # sort every match of a common word (the GIN bitmap, then a just-in-time
        # compilation: 4.4 s at 100,000 documents) over the primary key scanned backwards.
        batch = (
            select(rowid, vector)
            .where(vector.op("@@")(query), *older)
            .order_by(newest_first)
            .limit(size)
            .cte("batch")
            .prefix_with("MATERIALIZED")
        )
        shown = and_(true(), *_visible_keys(public, batch.c.rowid))
        # ts_rank of the visible ones alone: unlike bm25 it needs no figure over the index.
        score = case((shown, func.ts_rank(batch.c.vector, query)), else_=None)
        rows = conn.execute(select(batch.c.rowid, score).order_by(batch.c.rowid.desc())).all()
        scored += [(key, value) for key, value in rows if value is not None]
        if len(rows) < size:
            break
        older = [rowid < rows[-1][0]]
    return scored[:CANDIDATES]


def _search_postgresql(
    conn: Connection, groups: list[Group], public: bool, limit: int
) -> list[Hit]:
    scored = _scored_postgresql(conn, groups, public)
    # Below CANDIDATES visible matches, the order the database gave for all of them.
    ranked = sorted(scored, key=lambda s: (-s[1], s[0]))
    order = [("document" if r % 2 == 0 else "activity", r // 2) for r, _ in ranked[:limit]]
    if not order:
        return []
    ids = {kind: [i for k, i in order if k == kind] for kind in ("document", "activity")}
    return _marked_hits(conn, order, _records(conn, ids["document"], ids["activity"]), groups)


# --- snippets, marked in Python from the hits' texts ------------------------------------------

SNIPPET_CHARS = 160


def _joined(*columns: Any) -> ColumnElement[str]:
    """The columns' texts joined by spaces (``concat_ws`` is missing from older SQLite)."""
    out: ColumnElement[str] = func.coalesce(columns[0], "")
    for c in columns[1:]:
        out = out + " " + func.coalesce(c, "")
    return out


def _bodies(
    conn: Connection, order: list[tuple[str, int]]
) -> dict[tuple[str, int], tuple[str, str | None]]:
    """The text a hit's snippet is cut from (a document's text, an activity's summary), and
    its index words (which say how its Japanese names are romanised)."""
    doc, act = schema.document, schema.activity
    found: dict[tuple[str, int], tuple[str, str | None]] = {}
    for table_, kind, body in (
        (doc, "document", func.coalesce(doc.c.text, "")),
        (act, "activity", _joined(act.c.title, act.c.summary, act.c.city)),
    ):
        wanted = [i for k, i in order if k == kind]
        if wanted:
            stmt = select(table_.c.id, body, table_.c.search_words).where(table_.c.id.in_(wanted))
            found.update(((kind, i), (t or "", w)) for i, t, w in conn.execute(stmt).all())
    return found


def _needles(groups: list[Group]) -> tuple[list[str], list[str]]:
    """What to mark: Japanese forms as written, and English words (marked with any ending)."""
    written: set[str] = set()
    english: set[str] = set()
    for group in groups:
        for alt in group:
            for is_japanese, words, form in alt:
                if is_japanese:
                    written.add(form.lower())
                else:
                    english.update(words)
    return sorted(written, key=len, reverse=True), sorted(english, key=len, reverse=True)


def mark(text_: str, written: list[str], english: list[str]) -> list[tuple[str, bool]]:
    """A passage of ``text_`` around its first match, as (text, is_match) parts."""
    normal = unicodedata.normalize("NFKC", text_)
    alternatives = [re.escape(w) for w in written if w]
    alternatives += [rf"\b{re.escape(w[:-1] if len(w) > 4 else w)}\w*" for w in english if w]
    if not alternatives:
        return [(re.sub(r"\s+", " ", normal[:SNIPPET_CHARS]), False)]
    pattern = re.compile("|".join(alternatives), re.IGNORECASE)
    first = pattern.search(normal)
    start = max(0, first.start() - SNIPPET_CHARS // 4) if first else 0
    passage = normal[start : start + SNIPPET_CHARS]
    parts: list[tuple[str, bool]] = [("… ", False)] if start else []
    at = 0
    for m in pattern.finditer(passage):
        if m.start() > at:
            parts.append((passage[at : m.start()], False))
        parts.append((m.group(), True))
        at = m.end()
    parts.append((passage[at:], False))
    return [(re.sub(r"\s+", " ", t), m) for t, m in parts if t]


def _marked_hits(
    conn: Connection,
    order: list[tuple[str, int]],
    rows: dict[tuple[str, int], Any],
    groups: list[Group],
) -> list[Hit]:
    """The hits with their snippets, marked here from the hits' texts on both backends.

    Not the databases' own: PostgreSQL's ``ts_headline`` parses each hit's whole text
    again (72 ms for 50 hits at 20,000 documents, bench/RESULTS.md "Scale"), and FTS5's
    ``snippet()`` needs the hits found again by ``MATCH``, one index seek per hit (12-17 ms
    for a phrase at 100,000). Neither marks Japanese words or a name matched in the other
    script, which this always did."""
    keys = [k for k in order if k in rows]
    bodies = _bodies(conn, keys)
    written, english = _needles(groups)
    parts: dict[tuple[str, int], list[tuple[str, bool]]] = {}
    for key in keys:
        body, words = bodies.get(key) or ("", None)
        names = search_index.romanised_names(words)
        # A Japanese name found by its romanisation ("Kamikawa" -> 上川) is marked too.
        also = [names[w] for w in english if w in names]
        parts[key] = mark(body or rows[key].title or "", written + also, english)
    return [_hit(rows[key], parts[key]) for key in keys]


# --- a filter for lists ----------------------------------------------------------------------


class ActivityMatches(ColumnElement[bool]):
    """True for an activity whose own text or whose document's text holds every word of a
    query: a condition other queries (the activity register's filters) can add, compiled for
    the backend it runs on."""

    inherit_cache = True
    type = Boolean()
    # The parsed query is part of the cache key: each query compiles (and caches) its own SQL.
    _traverse_internals = [("groups", InternalTraversal.dp_plain_obj)]  # noqa: RUF012

    def __init__(self, groups: list[Group]) -> None:
        self.groups = tuple(groups)


def activity_matches(q: str, conn: Connection | None = None) -> ColumnElement[bool]:
    """The condition "this activity or its document matches ``q``" (see :func:`search`;
    given ``conn``, names of organisations and people match in every script)."""
    return ActivityMatches(parse(q, conn))


def _bracketed(sql: Any) -> str:
    # The compiler does not know this element is an OR: unbracketed, ``a AND x OR y`` would
    # let every row matching ``y`` past the caller's other conditions (visibility included).
    return f"({sql})"


@compiles(ActivityMatches, "sqlite")
def _matches_sqlite(element: ActivityMatches, compiler: Any, **kw: Any) -> str:
    match = fts_match(list(element.groups)) or '""'
    act = schema.activity
    hits = f"SELECT rowid FROM {INDEX_TABLE} WHERE {INDEX_TABLE} MATCH :search_q"
    own = text(f"SELECT rowid / 2 FROM ({hits}) WHERE rowid % 2 = 1").bindparams(search_q=match)
    docs = text(f"SELECT rowid / 2 FROM ({hits}) WHERE rowid % 2 = 0").bindparams(search_q=match)
    return _bracketed(compiler.process(_own_or_sources(act, own, docs), **kw))


@compiles(ActivityMatches, "postgresql")
def _matches_postgresql(element: ActivityMatches, compiler: Any, **kw: Any) -> str:
    groups = list(element.groups)
    query = tsquery(groups) if groups else func.plaintotsquery(PG_CONFIG, "")
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
