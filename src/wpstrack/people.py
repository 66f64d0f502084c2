"""People and organisations over time: who took part in which activities, and when.

The register has no curated list of people yet (``person`` is empty until one is loaded), so
a person is known by the name the releases write: participants whose names match without
regard to case are one person, and the smallest participant row id of that name is the
person's stable address (``/people/{id}``). Organisations are the reference rows that
participants were resolved to. Anonymous visitors see published activities only.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from sqlalchemy import ColumnElement, Connection, String, distinct, func, select

from wpstrack import schema, visibility
from wpstrack.errors import NotFound
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
    act, part = schema.activity, schema.activity_participant
    # Typed, so the cursor of the next page reads back as text (an untyped key did not).
    key = func.lower(part.c.name, type_=String)
    conditions = [*_named(), *_visible(public_only)]
    if q and q.strip():
        conditions.append(part.c.name.icontains(q.strip(), autoescape=True))
    grouped = (
        select(
            key.label("key"),
            func.min(part.c.id).label("id"),
            func.min(part.c.name).label("name"),
            func.max(part.c.gender).label("gender"),
            func.count(distinct(act.c.id)).label("activities"),
        )
        .join(act, act.c.id == part.c.activity_id)
        .where(*conditions)
        .group_by(key)
        .subquery()
    )
    rows, next_cursor = paginate(conn, select(grouped), [grouped.c.key], cursor, limit)
    return Page([PersonSummary.model_validate(dict(r)) for r in rows], next_cursor)


def _timeline(
    conn: Connection, condition: ColumnElement[bool], public_only: bool
) -> dict[str, Any]:
    """The activities matching ``condition`` (newest first) and their count per year."""
    act, part = schema.activity, schema.activity_participant
    rows = conn.execute(
        select(
            act.c.id, act.c.title, act.c.type, act.c.date, act.c.status, part.c.role, part.c.title
        )
        .join(part, part.c.activity_id == act.c.id)
        .where(condition, *_visible(public_only))
        .order_by(act.c.date.desc().nulls_last(), act.c.id.desc())
    ).all()
    seen: dict[int, dict[str, Any]] = {}
    for r in rows:
        seen.setdefault(
            r[0],
            {"id": r[0], "title": r[1], "type": r[2], "date": r[3], "status": r[4], "role": r[5]},
        )
    activities = list(seen.values())
    years: dict[str, int] = {}
    for a in activities:
        if a["date"] is not None:
            years[str(a["date"].year)] = years.get(str(a["date"].year), 0) + 1
    offices = sorted({r[6] for r in rows if r[6]})
    return {
        "activities": activities,
        "by_year": [{"year": y, "count": n} for y, n in sorted(years.items())],
        "offices": offices,
    }


def person_view(conn: Connection, person_id: int, *, public_only: bool = True) -> dict[str, Any]:
    """One person (by the id of a participant row naming them) and their activities."""
    part = schema.activity_participant
    row = conn.execute(
        select(part.c.name, part.c.gender).where(part.c.id == person_id, *_named())
    ).first()
    if row is None:
        raise NotFound(f"no person with id {person_id}")
    same_name = func.lower(part.c.name) == row.name.lower()
    timeline = _timeline(conn, same_name & part.c.role.in_(PEOPLE_ROLES), public_only)
    if not timeline["activities"]:
        raise NotFound(f"no person with id {person_id}")
    person = {"id": person_id, "name": row.name, "gender": row.gender}
    return {"person": person, **timeline}


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
