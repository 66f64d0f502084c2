"""People and organisations over time: who did what in which activities, and when.

The register has no curated list of people yet (``person`` is empty until one is loaded), so
a person is known by the name the releases write: participants whose names match without
regard to case are one person, and the smallest participant row id of that name is the
person's stable address (``/people/{id}``). The same person written two ways (a spelling,
English and Japanese) is made one by a reviewer's merge (:func:`merge_people`, audited):
``person_merge`` maps the folded name of one to the folded name of the other, and every
list and view here groups by that. Organisations are the reference rows participants were
resolved to; their page gives their activities by role (:mod:`wpstrack.roles`) and year.
Anonymous visitors see published activities only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel
from sqlalchemy import ColumnElement, Connection, String, case, distinct, func, or_, select

from wpstrack import audit, roles, schema, visibility
from wpstrack.db import now
from wpstrack.errors import InvalidInput, NotFound
from wpstrack.pagination import Page, paginate
from wpstrack.schema import PEOPLE_ROLES


class PersonSummary(BaseModel):
    """A person as the releases name them, with how many activities they took part in."""

    id: int
    name: str
    gender: str | None
    activities: int


def _visible(public_only: bool) -> list[ColumnElement[bool]]:
    return [visibility.activities(public_only)]


def _named() -> list[ColumnElement[bool]]:
    part = schema.activity_participant
    return [part.c.role.in_(PEOPLE_ROLES), part.c.name.is_not(None)]


def list_people(
    conn: Connection,
    q: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
    *,
    public_only: bool = True,
) -> Page[PersonSummary]:
    """People named in activities, by name; ``q`` matches part of the name."""
    act, part, merge = schema.activity, schema.activity_participant, schema.person_merge
    # Typed, so the cursor of the next page reads back as text (an untyped key did not).
    key = func.coalesce(merge.c.into_key, func.lower(part.c.name), type_=String)
    conditions = [*_named(), *_visible(public_only)]
    stmt = (
        select(
            key.label("key"),
            func.min(part.c.id).label("id"),
            func.min(part.c.name).label("name"),
            func.max(part.c.gender).label("gender"),
            func.count(distinct(act.c.id)).label("activities"),
        )
        .join(act, act.c.id == part.c.activity_id)
        .outerjoin(merge, merge.c.name_key == func.lower(part.c.name))
        .where(*conditions)
        .group_by(key)
    )
    if q and q.strip():  # any name of the person: a merged Japanese spelling comes along
        matches = case((part.c.name.icontains(q.strip(), autoescape=True), 1), else_=0)
        stmt = stmt.having(func.max(matches) == 1)
    grouped = stmt.subquery()
    rows, next_cursor = paginate(conn, select(grouped), [grouped.c.key], cursor, limit)
    return Page([PersonSummary.model_validate(dict(r)) for r in rows], next_cursor)


def _timeline(
    conn: Connection, condition: ColumnElement[bool], public_only: bool
) -> dict[str, Any]:
    """The activities matching ``condition`` (newest first), their count per year and per
    role and year, and the offices held (as written) with the first and last date seen."""
    act, part = schema.activity, schema.activity_participant
    rows = conn.execute(
        select(
            act.c.id,
            act.c.title,
            act.c.type,
            act.c.date,
            act.c.status,
            part.c.role,
            part.c.title.label("office"),
            part.c.kind,
        )
        .join(part, part.c.activity_id == act.c.id)
        .where(condition, *_visible(public_only))
        .order_by(act.c.date.desc().nulls_last(), act.c.id.desc())
    ).all()
    seen: dict[int, dict[str, Any]] = {}
    for r in rows:
        entry = seen.setdefault(
            r.id,
            {"id": r.id, "title": r.title, "type": r.type, "date": r.date, "status": r.status},
        )
        entry.setdefault("roles", [])
        if _role(r) not in entry["roles"]:
            entry["roles"].append(_role(r))
    activities = list(seen.values())
    for a in activities:
        a["role"] = roles.strongest(a["roles"]) if a["roles"] else "mentioned"
    return {
        "activities": activities,
        "by_year": _by_year(activities),
        "by_role_year": _by_role_year(activities),
        "offices": _offices(rows),
    }


def _role(row: Any) -> str:
    """An organisation present only through one of its people took part, nothing more."""
    return "participant" if row.kind == "person" and row.role in PEOPLE_ROLES else row.role


def _by_year(activities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    years: dict[str, int] = {}
    for a in activities:
        if a["date"] is not None:
            years[str(a["date"].year)] = years.get(str(a["date"].year), 0) + 1
    return [{"year": y, "count": n} for y, n in sorted(years.items())]


def _by_role_year(activities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    counts: dict[tuple[str, str], int] = {}
    for a in activities:
        year = str(a["date"].year) if a["date"] is not None else ""
        counts[(a["role"], year)] = counts.get((a["role"], year), 0) + 1
    order = {code: i for i, code in enumerate(roles.CODES)}
    return [
        {"role": role, "label": roles.label_of(role), "year": year, "count": n}
        for (role, year), n in sorted(
            counts.items(), key=lambda kv: (order.get(kv[0][0], 99), kv[0][1])
        )
    ]


def _offices(rows: Sequence[Any]) -> list[dict[str, Any]]:
    """Each office as written, with the first and last dates it was seen, oldest first."""
    spans: dict[str, list[Any]] = {}
    for r in rows:
        if r.office and r.kind != "organisation":
            span = spans.setdefault(r.office, [r.date, r.date])
            if r.date is not None:
                span[0] = min(d for d in (span[0], r.date) if d is not None)
                span[1] = max(d for d in (span[1], r.date) if d is not None)
    found = [{"office": o, "first": a, "last": b} for o, (a, b) in spans.items()]
    return sorted(found, key=lambda o: (o["first"] is None, o["first"] or 0, o["office"]))


def _folded_key(conn: Connection, name: str) -> str:
    """The key a name is grouped under: its folded form, or the person it was merged into."""
    merge = schema.person_merge
    folded = name.lower()
    into = conn.execute(select(merge.c.into_key).where(merge.c.name_key == folded)).scalar()
    return str(into or folded)


def _same_person(conn: Connection, key: str) -> ColumnElement[bool]:
    """Participant rows naming the person grouped under ``key``, in any merged spelling."""
    part, merge = schema.activity_participant, schema.person_merge
    merged = select(merge.c.name_key).where(merge.c.into_key == key)
    return or_(func.lower(part.c.name) == key, func.lower(part.c.name).in_(merged))


def person_view(conn: Connection, person_id: int, *, public_only: bool = True) -> dict[str, Any]:
    """One person (by the id of a participant row naming them) and their activities."""
    part = schema.activity_participant
    row = conn.execute(
        select(part.c.name, part.c.gender).where(part.c.id == person_id, *_named())
    ).first()
    if row is None:
        raise NotFound(f"no person with id {person_id}")
    key = _folded_key(conn, row.name)
    same = _same_person(conn, key)
    timeline = _timeline(conn, same & part.c.role.in_(PEOPLE_ROLES), public_only)
    if not timeline["activities"]:
        raise NotFound(f"no person with id {person_id}")
    names = conn.execute(
        select(func.min(part.c.name)).where(same).group_by(func.lower(part.c.name))
    ).scalars()
    person = {"id": person_id, "name": row.name, "gender": row.gender}
    return {"person": person, "names": sorted(names), **timeline}


def organisation_view(conn: Connection, code: str, *, public_only: bool = True) -> dict[str, Any]:
    """One organisation and the activities it was part of or named in, over time."""
    org, part = schema.organisation, schema.activity_participant
    row = conn.execute(
        select(org.c.id, org.c.code, org.c.name, org.c.acronym).where(org.c.code == code)
    ).first()
    if row is None:
        raise NotFound(f"no organisation {code!r}")
    organisation = {"code": row.code, "name": row.name, "acronym": row.acronym}
    timeline = _timeline(conn, part.c.organisation_id == row.id, public_only)
    return {"organisation": organisation, **timeline}


def merge_people(
    conn: Connection, actor: str | None, keep_id: int, other_id: int
) -> dict[str, Any]:
    """Record that person ``other_id`` is person ``keep_id`` (two spellings, two languages):
    every name of the other is grouped under the kept one from now on. Audited."""
    part, merge = schema.activity_participant, schema.person_merge
    names = dict(
        conn.execute(
            select(part.c.id, part.c.name).where(part.c.id.in_((keep_id, other_id)), *_named())
        ).all()
    )
    for wanted in (keep_id, other_id):
        if wanted not in names:
            raise NotFound(f"no person with id {wanted}")
    keep, other = _folded_key(conn, names[keep_id]), _folded_key(conn, names[other_id])
    if keep == other:
        raise InvalidInput(f"{names[other_id]!r} is already the same person as {names[keep_id]!r}")
    stamp = now()
    # Names already merged into the other follow it; then the other itself.
    for row in conn.execute(select(merge).where(merge.c.into_key == other)).mappings().all():
        audit.update(
            conn,
            actor,
            merge,
            row["id"],
            {"into_key": keep, "merged_by": actor, "merged_at": stamp},
            action="merge",
        )
    values = {"name_key": other, "into_key": keep, "merged_by": actor, "merged_at": stamp}
    audit.insert(conn, actor, merge, values, action="merge")
    return {"kept": keep_id, "merged": other_id, "name": names[keep_id]}
