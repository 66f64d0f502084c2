"""The register's figures kept up to date in the transaction of each write.

The unfiltered dashboard, the 3W matrix and the activity list's facets count the whole
register: ``count(DISTINCT activity.id)`` over activities, their participants, links and
places. At 1,000,000 activities that took 4-5 s after every write (bench/RESULTS.md,
"Scale"). Here each activity's *contribution* to each figure is stored
(``activity_tally``: one row per figure and value, e.g. ``("pillar", "P1")``), and the
sums over all activities (``tally``, for every entry and for the published ones), so a
request reads a few hundred summed rows instead of the register.

Triggers (migration 0022) put the id of every activity whose contribution may have changed
in ``tally_dirty``: a write to the activity, its participants or links, an organisation it
names or the document it comes from, by whatever code path (review, merge, CLI, a SQL fix).
:func:`refresh` then subtracts the old contributions of those activities, computes their
new ones with the same definitions as the figures, adds them and empties the dirty set;
:func:`wpstrack.db.transaction` calls it before committing a transaction that wrote, and
the bulk paths (restore, ``wpstrack load``, the benchmark's generator) once at their end.
Readers use the sums only while the dirty set is empty (:func:`current`); otherwise (a
write not yet refreshed, as in a test's open transaction) they count the register.

Each contribution is 1 per distinct value (so the sums are ``count(DISTINCT activity)``),
except the people counts, which count participants.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from sqlalchemy import (
    Connection,
    Executable,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    cast,
    delete,
    exists,
    func,
    insert,
    literal,
    not_,
    select,
    text,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite

from wpstrack import roles, schema
from wpstrack.schema import COUNTED_STATUSES, PEOPLE_ROLES

NO_PILLAR = ""  # entries not linked to any pillar (3W)
GOVERNMENT = "government"  # the "type" of a government as a who (3W)
GOVERNMENT_PREFIX = "gov-"  # a government's code as a who: gov-jp
SEP = "\x1f"  # between the parts of a composite key

# The figures, by name.
TYPE_STATUS = "type_status"  # key: type SEP status
DATE = "date"  # key: the ISO date (undated entries left out)
PILLAR = "pillar"  # key: pillar code of a "pillar" link
PEOPLE = "people"  # keys: named, women, gender_unknown; n: participants
ORGANISATION = "organisation"  # key: organisation id of any participant
LANGUAGE = "language"  # key: the language of the activity's document
VENUE = "venue"  # key: the activity's own country (the list's country choices)
COUNTRY = "country"  # key: 3W country where the work happens (reviewed/published)
CELL = "cell"  # key: a 3W cell (see :func:`cell_key`)

ALL, PUBLIC = "all", "public"
REBUILD_ABOVE = 10_000  # dirty activities past which a refresh may recompute everything
# Serialises refreshes on PostgreSQL (transaction-scoped), so that two writers never update
# the same sums in opposite orders (a deadlock) nor subtract one contribution twice.
LOCK_KEY = 0x7A11_0022


def whos(ids: Any = None) -> Any:
    """(activity_id, code, label, type, role) for every "who" of the activities (3W; see
    :mod:`wpstrack.matrix`), of those in ``ids`` (a one-column select) when given."""
    act, part, org = schema.activity, schema.activity_participant, schema.organisation
    org_label = func.coalesce(org.c.acronym, org.c.name)
    gov_code = literal(GOVERNMENT_PREFIX) + func.lower(part.c.country)
    acting_gov = literal(GOVERNMENT_PREFIX) + func.lower(act.c.acting_country)
    of_part = [part.c.activity_id.in_(ids)] if ids is not None else []
    of_act = [act.c.id.in_(ids)] if ids is not None else []
    return union_all(
        select(
            part.c.activity_id.label("activity_id"),
            org.c.code.label("code"),
            org_label.label("label"),
            org.c.type.label("type"),
            part.c.role.label("role"),
        )
        .join(org, org.c.id == part.c.organisation_id)
        .where(part.c.role.in_(roles.ACTING), part.c.kind == "organisation", *of_part),
        select(
            part.c.activity_id, gov_code, part.c.country, literal(GOVERNMENT), part.c.role
        ).where(part.c.role.in_(roles.ACTING), part.c.kind == "government", *of_part),
        select(
            act.c.id, acting_gov, act.c.acting_country, literal(GOVERNMENT), literal("principal")
        ).where(act.c.acting_country.is_not(None), *of_act),
        select(act.c.id, org.c.code, org_label, org.c.type, literal("principal"))
        .join(org, org.c.id == act.c.acting_organisation_id)
        .where(act.c.acting_country.is_(None), *of_act),
    ).subquery("who")


def wheres(ids: Any = None) -> Any:
    """(activity_id, country, where_from): programme locations, else the venue (3W), of the
    activities in ``ids`` when given."""
    act, link = schema.activity, schema.activity_link
    has_location = exists().where(link.c.activity_id == act.c.id, link.c.kind == "location")
    of_link = [link.c.activity_id.in_(ids)] if ids is not None else []
    of_act = [act.c.id.in_(ids)] if ids is not None else []
    return union_all(
        select(
            link.c.activity_id.label("activity_id"),
            link.c.country.label("country"),
            literal("programme").label("where_from"),
        ).where(link.c.kind == "location", link.c.country.is_not(None), *of_link),
        select(act.c.id, act.c.country, literal("venue")).where(not_(has_location), *of_act),
    ).subquery("place")


def _part(value: Any) -> Any:
    """One part of a composite key: "=" and the value, or "" for NULL."""
    return func.coalesce(literal("=") + value, literal(""))


def cell_key(*parts: Any) -> Any:
    """The SQL of a composite key (see :func:`split_key`)."""
    out = _part(parts[0])
    for p in parts[1:]:
        out = out + literal(SEP) + _part(p)
    return out


def split_key(key: str) -> list[str | None]:
    """A composite key's parts (None for NULL)."""
    return [p[1:] if p else None for p in key.split(SEP)]


def _row(activity_id: Any, figure: str, key: Any, n: Any, published: Any) -> list[Any]:
    return [
        activity_id.label("activity_id"),
        literal(figure).label("figure"),
        cast(key, String).label("key"),
        n.label("n"),
        published.label("published"),
    ]


def contributions(ids: Any = None) -> list[Select[Any]]:
    """What each activity (of ``ids`` when given) adds to each figure: selects of
    (activity_id, figure, key, n, published), one per figure.

    The definitions are those of the register queries of :mod:`wpstrack.dashboard`,
    :mod:`wpstrack.matrix` and :mod:`wpstrack.facets`; tests/test_tallies.py checks that
    both give the same figures.
    """
    act, part, link = schema.activity, schema.activity_participant, schema.activity_link
    doc = schema.document
    one = literal(1)
    pub = act.c.is_published  # what the public sees (wpstrack.visibility's one rule)
    of_act = [act.c.id.in_(ids)] if ids is not None else []
    of_part = [part.c.activity_id.in_(ids)] if ids is not None else []
    of_link = [link.c.activity_id.in_(ids)] if ids is not None else []
    # For a few ids, ``kind || ''`` keeps SQLite off ix_activity_link_pillar (kind first),
    # which it chose to read every pillar link (7 ms a refresh at 20,000 activities, growing
    # with the register), and on the activity's own links.
    kind = link.c.kind if ids is None else link.c.kind + ""
    part_act = part.join(act, act.c.id == part.c.activity_id)
    named = [part.c.name.is_not(None), part.c.role.in_(PEOPLE_ROLES), *of_part]
    people = [
        select(*_row(part.c.activity_id, PEOPLE, literal(key), func.count(), pub))
        .select_from(part_act)
        .where(*named, *extra)
        .group_by(part.c.activity_id, pub)
        for key, extra in (
            ("named", []),
            ("women", [part.c.gender == "f"]),
            ("gender_unknown", [part.c.gender.is_(None)]),
        )
    ]
    who, place = whos(ids), wheres(ids)
    counted = [act.c.status.in_(COUNTED_STATUSES), act.c.date.is_not(None), *of_act]
    in_3w = act.join(who, who.c.activity_id == act.c.id).join(
        place, place.c.activity_id == act.c.id
    )
    year = func.substr(cast(act.c.date, String), 1, 4)
    pillar = func.coalesce(link.c.pillar_code, NO_PILLAR)
    cell = cell_key(who.c.code, who.c.label, who.c.type, who.c.role, pillar, act.c.type)
    cell = cell + literal(SEP) + cell_key(place.c.country, place.c.where_from, year)
    return [
        select(*_row(act.c.id, TYPE_STATUS, act.c.type + SEP + act.c.status, one, pub)).where(
            *of_act
        ),
        select(*_row(act.c.id, DATE, act.c.date, one, pub)).where(act.c.date.is_not(None), *of_act),
        select(*_row(link.c.activity_id, PILLAR, link.c.pillar_code, one, pub))
        .select_from(link.join(act, act.c.id == link.c.activity_id))
        .where(kind == "pillar", link.c.pillar_code.is_not(None), *of_link)
        .distinct(),
        *people,
        select(*_row(part.c.activity_id, ORGANISATION, part.c.organisation_id, one, pub))
        .select_from(part_act)
        .where(part.c.organisation_id > 0, *of_part)
        .distinct(),
        select(*_row(act.c.id, VENUE, act.c.country, one, pub)).where(
            act.c.country.is_not(None), *of_act
        ),
        select(*_row(act.c.id, LANGUAGE, doc.c.language, one, pub))
        .select_from(act.join(doc, doc.c.id == act.c.document_id))
        .where(doc.c.language.is_not(None), *of_act),
        select(*_row(act.c.id, COUNTRY, place.c.country, one, pub))
        .select_from(in_3w)
        .where(*counted, place.c.country.is_not(None))
        .distinct(),
        select(*_row(act.c.id, CELL, cell, one, pub))
        .select_from(
            in_3w.outerjoin(link, (link.c.activity_id == act.c.id) & (link.c.kind == "pillar"))
        )
        .where(*counted)
        .distinct(),
    ]


_COLUMNS = ("activity_id", "figure", "key", "n", "published")


def _ids(dialect: str) -> Select[Any]:
    """The dirty ids as a one-column select of the one parameter ``ids`` (a JSON array on
    SQLite, an integer array on PostgreSQL), whatever their number."""
    if dialect == "postgresql":
        return select(func.unnest(bindparam("ids", type_=postgresql.ARRAY(Integer))))
    each = func.json_each(bindparam("ids", type_=String)).table_valued("value")
    return select(each.c.value)


def _sums(dialect: str, ids: Any, sign: int) -> list[Executable]:
    """Add (``sign`` 1) or take away (-1) the stored contributions of ``ids`` to the sums."""
    at, t = schema.activity_tally, schema.tally
    upsert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    out: list[Executable] = []
    for scope, n in ((ALL, at.c.n), (PUBLIC, case((at.c.published, at.c.n), else_=0))):
        grouped = (
            select(literal(scope), at.c.figure, at.c.key, sign * func.sum(n))
            .where(at.c.activity_id.in_(ids))
            .group_by(at.c.figure, at.c.key)
            .having(func.sum(n) != 0)
            .order_by(at.c.figure, at.c.key)  # the same lock order for every writer
        )
        stmt = upsert(t).from_select(["scope", "figure", "key", "n"], grouped)
        out.append(
            stmt.on_conflict_do_update(
                index_elements=[t.c.scope, t.c.figure, t.c.key],
                set_={"n": t.c.n + stmt.excluded.n},
            )
        )
    return out


@functools.cache
def _refresh_statements(dialect: str) -> tuple[Executable, ...]:
    """The statements of a refresh, built once per backend (building them cost more CPU
    than running them for one activity): the old contributions out of the sums, the new
    ones computed and into the sums, the ids out of the dirty set."""
    ids = _ids(dialect)
    at, dirty = schema.activity_tally, schema.tally_dirty
    return (
        *_sums(dialect, ids, -1),
        delete(at).where(at.c.activity_id.in_(ids)),
        *(insert(at).from_select(_COLUMNS, stmt) for stmt in contributions(ids)),
        *_sums(dialect, ids, 1),
        delete(dirty).where(dirty.c.activity_id.in_(ids)),
    )


def refresh(conn: Connection) -> None:
    """Bring the tallies up to date with the activities in the dirty set, in the caller's
    transaction (one cheap read when the set is empty)."""
    dirty = schema.tally_dirty
    if conn.execute(select(dirty.c.activity_id).limit(1)).first() is None:
        return
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
    # The ids read once: on PostgreSQL another transaction may commit more meanwhile
    # (a bulk path), and only those processed here may leave the set.
    found = list(conn.execute(select(dirty.c.activity_id)).scalars())
    if not found:
        return
    if len(found) > REBUILD_ABOVE:
        every = conn.execute(select(func.count()).select_from(schema.activity)).scalar_one()
        if len(found) * 2 > every:  # most of the register (a bulk load): all at once is faster
            rebuild(conn)
            return
    ids = found if conn.dialect.name == "postgresql" else json.dumps(found)
    for statement in _refresh_statements(conn.dialect.name):
        conn.execute(statement, {"ids": ids})


def rebuild(conn: Connection) -> None:
    """Compute every contribution and sum afresh (the migration; a restored backup):
    one INSERT ... SELECT per figure, then one per scope."""
    at, t = schema.activity_tally, schema.tally
    for table in (t, at, schema.tally_dirty):
        conn.execute(delete(table))
    for stmt in contributions():
        conn.execute(insert(at).from_select(_COLUMNS, stmt))
    for scope, where in ((ALL, []), (PUBLIC, [at.c.published])):
        grouped = (
            select(literal(scope), at.c.figure, at.c.key, func.sum(at.c.n))
            .where(*where)
            .group_by(at.c.figure, at.c.key)
        )
        conn.execute(insert(t).from_select(["scope", "figure", "key", "n"], grouped))


def current(conn: Connection) -> bool:
    """Whether the sums hold every write this connection sees (the dirty set is empty)."""
    dirty = schema.tally_dirty
    return conn.execute(select(dirty.c.activity_id).limit(1)).first() is None


def counts(conn: Connection, figure: str, public: bool) -> list[tuple[str, int]]:
    """(key, n) of ``figure`` over the published entries (``public``) or every entry."""
    return [(k, int(n)) for k, n in conn.execute(figure_select(figure, public))]


def figure_select(figure: str, public: bool) -> Select[Any]:
    """The select of (key, n) of ``figure`` (non-zero sums only), to join in a query."""
    t = schema.tally
    return select(t.c.key.label("key"), t.c.n.label("n")).where(
        and_(t.c.scope == (PUBLIC if public else ALL), t.c.figure == figure, t.c.n != 0)
    )
