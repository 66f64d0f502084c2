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

Japanese (issue 15): the query is parsed by :mod:`wpstrack.search_query` (Japanese cut
into words as the index was, names and organisations in every script they are written in).
Where the database cannot mark the matched words (Japanese text, a name matched in the
other script) the snippet is marked here, from the hit's text.

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

from wpstrack import schema, search_index, visibility
from wpstrack.db import kept_until_write
from wpstrack.search_index import INDEX_TABLE, PG_CONFIG
from wpstrack.search_query import Group, fts_match, is_plain, parse, terms, tsquery

__all__ = ["Hit", "activity_matches", "mark", "parse", "search", "terms"]

# The highlighted parts of a snippet are framed by these (never found in stored text).
_HIT_START, _HIT_END = "\x02", "\x03"
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
    those alone. The same question is answered from the last answer until the next write
    (:func:`wpstrack.db.kept_until_write`): popular searches repeat, and under load the
    queue of identical ones was what made search slow.
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


def _hit(row: Any, snippet: str | list[tuple[str, bool]] | None) -> Hit:
    kind = row.kind
    url = f"/documents/{row.id}" if kind == "document" else f"/activities/{row.id}"
    return Hit(
        kind=kind,
        id=int(row.id),
        title=row.title or f"{kind.capitalize()} {row.id}",
        url=url,
        status=row.status,
        date=row.date.isoformat() if row.date else None,
        snippet=snippet if isinstance(snippet, list) else _split_snippet(snippet),
    )


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


def _search_sqlite(conn: Connection, groups: list[Group], public: bool, limit: int) -> list[Hit]:
    match = literal_column(INDEX_TABLE).op("MATCH")(bindparam("match"))
    conditions: list[ColumnElement[bool]] = [match, *_visible_keys(public)]
    score: ColumnElement[float] = literal_column(f"bm25({INDEX_TABLE})")
    expression = fts_match(groups)
    top = conn.execute(
        select(_FTS.c.rowid).where(*conditions).order_by(score).limit(limit),
        {"match": expression},
    ).scalars()
    order = [("document" if r % 2 == 0 else "activity", r // 2) for r in top]
    if not order:
        return []
    ids = {kind: [i for k, i in order if k == kind] for kind in ("document", "activity")}
    rows = _records(conn, ids["document"], ids["activity"])
    if not is_plain(groups):
        return _marked_hits(conn, order, rows, groups, {})
    snippet = f"snippet({INDEX_TABLE}, 1, '{_HIT_START}', '{_HIT_END}', ' … ', 24)"
    keys = [i * 2 + (kind == "activity") for kind, i in order]
    found = conn.execute(
        select(_FTS.c.rowid, literal_column(snippet)).where(match, _FTS.c.rowid.in_(keys)),
        {"match": expression},
    ).all()
    snippets = {("document" if r % 2 == 0 else "activity", r // 2): s for r, s in found}
    return _marked_hits(conn, order, rows, groups, snippets)


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


def _search_postgresql(
    conn: Connection, groups: list[Group], public: bool, limit: int
) -> list[Hit]:
    query = tsquery(groups)
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
    if not is_plain(groups):
        return _marked_hits(conn, order, rows, groups, {})
    return _marked_hits(conn, order, rows, groups, _pg_headlines(conn, query, ids))


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


# --- snippets marked in Python (queries with Japanese or with names in two scripts) --------

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
    snippets: dict[tuple[str, int], str],
) -> list[Hit]:
    """The hits with their snippets: the database's where it marked a word (English words
    in English text), else marked here (Japanese, or a name matched in the other script)."""
    parts = {key: _split_snippet(snippets.get(key)) for key in order if key in snippets}
    unmarked = [k for k in order if k in rows and not any(m for _, m in parts.get(k, []))]
    if unmarked:
        bodies = _bodies(conn, unmarked)
        written, english = _needles(groups)
        for key in unmarked:
            body, words = bodies.get(key) or ("", None)
            names = search_index.romanised_names(words)
            # A Japanese name found by its romanisation ("Kamikawa" -> 上川) is marked too.
            also = [names[w] for w in english if w in names]
            parts[key] = mark(body or rows[key].title or "", written + also, english)
    return [_hit(rows[key], parts[key]) for key in order if key in rows]


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
