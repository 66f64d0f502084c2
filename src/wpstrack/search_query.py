"""What a search query asks for: groups of alternatives, and their forms for each backend.

A query is a list of groups that must all match; a group is its alternatives, any of which
may match; an alternative is phrases that must all match. A Japanese query word is cut
into words by the function that cut the indexed text
(:func:`wpstrack.search_index.query_words`) and matches as a phrase of them; English words
stay stemmed. A name is searched in both scripts (``上川`` or ``Kamikawa``), and an
organisation or person by any of its names in the reference tables (``国連女性機関``,
``UN Women``, ``UN-Women``...): one group of all the entity's forms.

Used by :mod:`wpstrack.search` (the search and the register's word filter), which turns a
parsed query into an FTS5 expression (:func:`fts_match`) or a PostgreSQL ``tsquery``
(:func:`tsquery`). Every word is quoted or bound: no query syntax reaches the database.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, select

from wpstrack import japanese, schema, search_index
from wpstrack.search_index import PG_CONFIG, PG_WORDS_CONFIG

_WORD = re.compile(r"\w+", re.UNICODE)


def terms(q: str) -> list[str]:
    """The words of a query; operators and quotes are not syntax here, only words count."""
    return _WORD.findall(unicodedata.normalize("NFKC", q or ""))[:20]


# A phrase: (Japanese?, its words in order, as written). Japanese words are matched as they
# are (the 'simple' configuration on PostgreSQL), English ones stemmed.
Phrase = tuple[bool, tuple[str, ...], str]
# An alternative: phrases that must all match. A group: alternatives, one of which must match.
Alternative = tuple[Phrase, ...]
Group = tuple[Alternative, ...]
MAX_ALTERNATIVES = 16


@lru_cache(maxsize=8192)
def _phrase(form: str) -> Phrase | None:
    """A written form (a word, a name, a compound) as the phrase the index holds."""
    if japanese.has_japanese(form):
        words = tuple(search_index.query_words(form))
        return (True, words, unicodedata.normalize("NFKC", form)) if words else None
    words = tuple(w.lower() for w in terms(form))
    return (False, words, form) if words else None


@lru_cache(maxsize=8192)
def _term_alternatives(term: str) -> tuple[Alternative, ...]:
    """A query word's alternatives: itself, and a Japanese name also romanised."""
    phrase = _phrase(term)
    if phrase is None:
        return ()
    found: list[Alternative] = [(phrase,)]
    if phrase[0]:
        names = search_index.name_spelling(term)
        if names:
            found.append(tuple((False, (n,), n) for n in names))
    return tuple(found)


_FORMS_LOCK = threading.Lock()
_FORMS: dict[tuple[str, tuple[Any, ...]], dict[tuple[str, ...], set[str]]] = {}


def _names_fingerprint(conn: Connection) -> tuple[Any, ...]:
    """Whether the names changed: counts, last ids and total lengths of the three small
    tables, one query (a search must not reload ~800 names each time, ~40 ms)."""
    org, alias, person = schema.organisation, schema.organisation_alias, schema.person
    parts = []
    for table, text_ in (
        (
            org,
            func.coalesce(func.length(org.c.name), 0)
            + func.coalesce(func.length(org.c.acronym), 0)
            + func.coalesce(func.length(org.c.name_ja), 0),
        ),
        (alias, func.length(alias.c.alias)),
        (
            person,
            func.coalesce(func.length(person.c.family_name), 0)
            + func.coalesce(func.length(person.c.given_name), 0)
            + func.coalesce(func.length(person.c.name_ja), 0),
        ),
    ):
        for figure in (func.count(), func.max(table.c.id), func.sum(text_)):
            parts.append(select(figure).select_from(table).scalar_subquery())
    return tuple(conn.execute(select(*parts)).one())


def _entity_forms(conn: Connection | None) -> dict[tuple[str, ...], set[str]]:
    """Every written form of every organisation and person, keyed by its query words, to
    the forms of the same body or person: one entity, all its names in both scripts.
    Kept per process until the tables change."""
    if conn is None:
        return {}
    key = (conn.engine.url.render_as_string(), _names_fingerprint(conn))
    with _FORMS_LOCK:
        cached = _FORMS.get(key)
    if cached is not None:
        return cached
    forms = _load_entity_forms(conn)
    with _FORMS_LOCK:
        _FORMS.clear()  # one database per process in practice; tests use several
        _FORMS[key] = forms
    return forms


def _load_entity_forms(conn: Connection) -> dict[tuple[str, ...], set[str]]:
    org, alias, person = schema.organisation, schema.organisation_alias, schema.person
    entities: dict[str, set[str]] = {}
    for row in conn.execute(select(org.c.id, org.c.name, org.c.acronym, org.c.name_ja)):
        entities[f"o{row.id}"] = {f for f in (row.name, row.acronym, row.name_ja) if f}
    for named in conn.execute(select(alias.c.organisation_id, alias.c.alias)):
        entities.setdefault(f"o{named.organisation_id}", set()).add(named.alias)
    for who in conn.execute(
        select(person.c.id, person.c.family_name, person.c.given_name, person.c.name_ja)
    ):
        full = f"{who.given_name} {who.family_name}" if who.given_name else None
        entities[f"p{who.id}"] = {f for f in (who.family_name, full, who.name_ja) if f}
    keyed: dict[tuple[str, ...], set[str]] = {}
    for forms in entities.values():
        for form in forms:
            key = tuple(t.lower() for t in terms(form))
            if key:
                keyed.setdefault(key, set()).update(forms)
    return keyed


def parse(q: str, conn: Connection | None = None) -> list[Group]:
    """The groups a query must match (every one), each with its alternatives (any one).

    Given a connection, a run of query words that spells an organisation's or a person's
    name (any script, acronym, alias) becomes one group of all that entity's names.
    """
    words = terms(q)
    forms = _entity_forms(conn) if words else {}
    longest = max((len(k) for k in forms), default=0)
    groups: list[Group] = []
    alternatives: list[Alternative]
    i = 0
    while i < len(words):
        lowered = [w.lower() for w in words]
        for j in range(min(len(words), i + longest), i, -1):
            names = forms.get(tuple(lowered[i:j]))
            if names:
                phrases = sorted({p for p in map(_phrase, names) if p is not None})
                alternatives = [tuple([p]) for p in phrases][:MAX_ALTERNATIVES]
                i = j
                break
        else:
            alternatives = list(_term_alternatives(words[i]))
            i += 1
        if alternatives:
            groups.append(tuple(alternatives))
    return groups


def is_plain(groups: list[Group]) -> bool:
    """English words only, one alternative each: the query as it was before Japanese."""
    return all(len(g) == 1 and len(g[0]) == 1 and not g[0][0][0] for g in groups)


def _fts_phrase(phrase: Phrase) -> str:
    return '"' + " ".join(w.replace('"', "") for w in phrase[1]) + '"'


def fts_match(groups: list[Group]) -> str:
    """The FTS5 expression of a parsed query (every word quoted: no query syntax leaks)."""
    out = []
    for group in groups:
        alternatives = [" AND ".join(_fts_phrase(p) for p in alt) for alt in group]
        out.append("(" + " OR ".join(f"({a})" for a in alternatives) + ")")
    return " AND ".join(out)


def tsquery(groups: list[Group]) -> ColumnElement[Any]:
    """The PostgreSQL query of a parsed query (bound values: no query syntax leaks)."""
    if is_plain(groups):
        return func.plainto_tsquery(PG_CONFIG, " ".join(g[0][0][1][0] for g in groups))
    query: ColumnElement[Any] | None = None
    for group in groups:
        either: ColumnElement[Any] | None = None
        for alt in group:
            every: ColumnElement[Any] | None = None
            for japanese_words, words, _ in alt:
                config = PG_WORDS_CONFIG if japanese_words else PG_CONFIG
                one = func.phraseto_tsquery(config, " ".join(words))
                every = one if every is None else every.op("&&")(one)
            either = every if either is None else either.op("||")(every)
        query = either if query is None else query.op("&&")(either)
    assert query is not None
    return query
