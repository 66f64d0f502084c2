"""Facets: how many of the matching activities fall under each type, year, pillar,
organisation and language, shown beside a search or the activity list.

The counts are over exactly the set the list shows: the same filters
(:func:`wpstrack.activities.select_filtered`, full-text words included) and the same
visibility rule (:mod:`wpstrack.visibility`: anonymous callers count published activities
only). Each facet is one grouped query over at most :data:`MAX_COUNTED` matching
activities, so the cost per request is bounded whatever the register's size; when more
match, the counts say they are over a sample (``partial``). The list of the whole register
(no filter, no words) reads exact counts from the tallies (:mod:`wpstrack.tallies`).

With words to match (``q``), the counts are over the activities behind the search's
newest :data:`wpstrack.search.CANDIDATES` visible matches
(:func:`wpstrack.search.matching_activities`), not over every match: finding every
activity that holds a common word read its whole index entry (0.4 s of CPU for "women" at
100,000 activities). When more matched, the counts are an estimate (``partial``).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any
from urllib.parse import urlencode

from pydantic import BaseModel
from sqlalchemy import (
    Connection,
    Integer,
    Select,
    cast,
    distinct,
    extract,
    func,
    literal,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY

from wpstrack import schema, search, tallies
from wpstrack.activities import ActivityFilter, select_filtered
from wpstrack.db import kept_until_write

MAX_COUNTED = 10_000
MAX_VALUES = 12  # values shown per facet, most frequent first
NAMES = ("type", "year", "pillar", "organisation", "language")


class FacetValue(BaseModel):
    """One value of a facet: the filter it sets, its label and how many activities have it."""

    value: str
    label: str
    label_ja: str | None = None
    count: int
    params: dict[str, str]  # the filter query parameters this value adds to the current ones
    href: str = ""  # the activity list narrowed to this value, the query and filters kept
    selected: bool = False  # the list is already narrowed to it


class Facets(BaseModel):
    """Every facet of a set of activities, and whether the counts cover all of it."""

    counted: int
    partial: bool
    facets: dict[str, list[FacetValue]]


def _id_set(conn: Connection, ids: list[int]) -> Select[Any]:
    """``ids`` as a one-column select bound as a single parameter (a JSON array on SQLite,
    an integer array on PostgreSQL), whatever their number."""
    if conn.dialect.name == "postgresql":
        return select(func.unnest(literal(ids, ARRAY(Integer))))
    each = func.json_each(literal(json.dumps(ids))).table_valued("value")
    return select(each.c.value)


def _counts(conn: Connection, stmt: Select[Any]) -> list[Any]:
    """The most frequent values, ties in order of value: the facets read from the tallies
    show the same ones."""
    first = stmt.selected_columns[0]
    return list(conn.execute(stmt.order_by(func.count().desc(), first).limit(MAX_VALUES)).all())


def _by_type(conn: Connection, ids: Any) -> list[FacetValue]:
    act = schema.activity
    rows = _counts(
        conn, select(act.c.type, func.count()).where(act.c.id.in_(ids)).group_by(act.c.type)
    )
    return [
        FacetValue(value=t, label=t.replace("_", " "), count=n, params={"type": t}) for t, n in rows
    ]


def _by_year(conn: Connection, ids: Any) -> list[FacetValue]:
    act = schema.activity
    year = extract("year", act.c.date)
    stmt = (
        select(year, func.count()).where(act.c.id.in_(ids), act.c.date.is_not(None)).group_by(year)
    )
    rows = sorted(conn.execute(stmt).all(), key=lambda r: -int(r[0]))[:MAX_VALUES]
    return [
        FacetValue(
            value=str(int(y)),
            label=str(int(y)),
            count=n,
            params={"date_from": f"{int(y)}-01-01", "date_to": f"{int(y)}-12-31"},
        )
        for y, n in rows
    ]


def _by_pillar(conn: Connection, ids: Any) -> list[FacetValue]:
    link, pillar = schema.activity_link, schema.pillar
    stmt = (
        select(
            pillar.c.code, pillar.c.name, pillar.c.name_ja, func.count(distinct(link.c.activity_id))
        )
        .join(pillar, pillar.c.code == link.c.pillar_code)
        .where(link.c.activity_id.in_(ids))
        .group_by(pillar.c.code, pillar.c.name, pillar.c.name_ja)
    )
    return [
        FacetValue(value=c, label=name, label_ja=ja, count=n, params={"pillar": c})
        for c, name, ja, n in _counts(conn, stmt)
    ]


def _by_organisation(conn: Connection, ids: Any) -> list[FacetValue]:
    part, org = schema.activity_participant, schema.organisation
    stmt = (
        select(
            org.c.code,
            org.c.name,
            org.c.acronym,
            org.c.name_ja,
            func.count(distinct(part.c.activity_id)),
        )
        .join(org, org.c.id == part.c.organisation_id)
        .where(part.c.activity_id.in_(ids), part.c.organisation_id > 0)
        .group_by(org.c.code, org.c.name, org.c.acronym, org.c.name_ja)
    )
    return [
        FacetValue(value=c, label=acronym or name, label_ja=ja, count=n, params={"organisation": c})
        for c, name, acronym, ja, n in _counts(conn, stmt)
    ]


def _by_language(conn: Connection, ids: Any) -> list[FacetValue]:
    act, doc = schema.activity, schema.document
    stmt = (
        select(doc.c.language, func.count())
        .join(doc, doc.c.id == act.c.document_id)
        .where(act.c.id.in_(ids), doc.c.language.is_not(None))
        .group_by(doc.c.language)
    )
    return [
        FacetValue(value=lang, label=lang, count=n, params={"language": lang})
        for lang, n in _counts(conn, stmt)
    ]


_FACETS = {
    "type": _by_type,
    "year": _by_year,
    "pillar": _by_pillar,
    "organisation": _by_organisation,
    "language": _by_language,
}


def facets(conn: Connection, filters: ActivityFilter, *, public_only: bool) -> Facets:
    """Counts by type, year, pillar, organisation and language of the activities the list
    with ``filters`` shows to this caller (over at most :data:`MAX_COUNTED` of them).

    Every list and search page shows them, and they read up to that many activities: they
    are kept until the next write (:func:`wpstrack.db.kept_until_write`), per filters and
    audience."""
    key = ("facets", filters.model_dump_json(), public_only)
    return kept_until_write(
        conn, key, lambda: _facets(conn, filters, public_only), public=public_only
    )


def _top(counted: dict[str, int]) -> list[tuple[str, int]]:
    """The :data:`MAX_VALUES` most frequent values (then in order of value)."""
    return sorted(counted.items(), key=lambda t: (-t[1], t[0]))[:MAX_VALUES]


def _from_tallies(conn: Connection, public_only: bool) -> tuple[int, dict[str, list[FacetValue]]]:
    """Every facet of the whole register the caller sees, from the tallies
    (:mod:`wpstrack.tallies`): exact counts, without reading the register."""
    pillar, org = schema.pillar, schema.organisation

    def counted(figure: str) -> list[tuple[str, int]]:
        return tallies.counts(conn, figure, public_only)

    types: Counter[str] = Counter()
    for key, n in counted(tallies.TYPE_STATUS):
        types[key.split(tallies.SEP)[0]] += n
    years: Counter[str] = Counter()
    for day, n in counted(tallies.DATE):
        years[str(int(day[:4]))] += n
    tagged = dict(counted(tallies.PILLAR))
    names = {
        r.code: r for r in conn.execute(select(pillar.c.code, pillar.c.name, pillar.c.name_ja))
    }
    orgs = tallies.figure_select(tallies.ORGANISATION, public_only).subquery()
    by_org = conn.execute(
        select(org.c.code, org.c.name, org.c.acronym, org.c.name_ja, orgs.c.n)
        .join(orgs, org.c.id == cast(orgs.c.key, Integer))
        .order_by(orgs.c.n.desc(), org.c.code)
        .limit(MAX_VALUES)
    ).all()
    found = {
        "type": [
            FacetValue(value=t, label=t.replace("_", " "), count=n, params={"type": t})
            for t, n in _top(types)
        ],
        "year": [
            FacetValue(
                value=y,
                label=y,
                count=years[y],
                params={"date_from": f"{y}-01-01", "date_to": f"{y}-12-31"},
            )
            for y in sorted(years, key=int, reverse=True)[:MAX_VALUES]
        ],
        "pillar": [
            FacetValue(
                value=c,
                label=names[c].name,
                label_ja=names[c].name_ja,
                count=n,
                params={"pillar": c},
            )
            for c, n in _top({c: n for c, n in tagged.items() if c in names})
        ],
        "organisation": [
            FacetValue(
                value=c, label=acronym or name, label_ja=ja, count=n, params={"organisation": c}
            )
            for c, name, acronym, ja, n in by_org
        ],
        "language": [
            FacetValue(value=lang, label=lang, count=n, params={"language": lang})
            for lang, n in _top(dict(counted(tallies.LANGUAGE)))
        ],
    }
    return sum(types.values()), found


def _facets(conn: Connection, filters: ActivityFilter, public_only: bool) -> Facets:
    act = schema.activity
    unfiltered = filters.model_dump(exclude={"sort"}) == ActivityFilter().model_dump(
        exclude={"sort"}
    )
    if unfiltered and tallies.current(conn):
        counted, found = _from_tallies(conn, public_only)
        partial = False
    else:
        capped = False
        if filters.q and search.terms(filters.q):
            matched, capped = search.matching_activities(conn, filters.q, public=public_only)
            unworded = filters.model_copy(update={"q": None})
            matching = (
                select_filtered(unworded, public_only, conn)
                .with_only_columns(act.c.id)
                .where(act.c.id.in_(_id_set(conn, matched)))
            )
        else:
            matching = select_filtered(filters, public_only, conn).with_only_columns(act.c.id)
        # The matching ids once, then handed to each facet as one value: as a subquery, the
        # full-text match and the filters ran again for each of the five facets (2-11 s for
        # a query at 100,000 activities).
        sample = list(conn.execute(matching.order_by(None).limit(MAX_COUNTED + 1)).scalars())
        counted, partial = min(len(sample), MAX_COUNTED), capped or len(sample) > MAX_COUNTED
        ids = _id_set(conn, sample[:MAX_COUNTED])
        found = {name: _FACETS[name](conn, ids) for name in NAMES}
    current = _params(filters)
    for values in found.values():
        for v in values:
            v.selected = all(current.get(k) == p for k, p in v.params.items())
            v.href = "/activities?" + urlencode(current | v.params)
    return Facets(counted=counted, partial=partial, facets=found)


def _params(filters: ActivityFilter) -> dict[str, str]:
    """The filters as query parameters (unset ones and the default sort left out)."""
    default = ActivityFilter()
    return {
        name: value.isoformat() if hasattr(value, "isoformat") else str(value)
        for name, value in filters.model_dump().items()
        if value is not None and value != getattr(default, name)
    }
