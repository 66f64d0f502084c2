"""Writing an activity aggregate: the activity row with its participant and link rows.

Ingestion makes a draft from an extraction record and review rebuilds its participants and
links from the decided values; both call this module, the one owner of how a record becomes
rows, so the two cannot disagree on a column, a width or a role. Which record field fills
which column, and which list becomes which child rows, comes from :mod:`wpstrack.fields`.
Nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pycountry
from sqlalchemy import Connection, delete, func, select

from wpstrack import audit, fields, roles, schema
from wpstrack.db import now
from wpstrack.reference import resolve_organisation


@dataclass
class Lookups:
    """Reference ids resolved once per batch instead of once per value."""

    organisations: dict[str, int]
    resolutions: set[int]
    pillars: set[str]
    places: dict[tuple[str, str | None], int | None] = field(default_factory=dict)
    countries: dict[int, str] = field(default_factory=dict)  # organisation id -> its country

    @classmethod
    def load(cls, conn: Connection) -> Lookups:
        org = schema.organisation
        rows = conn.execute(select(org.c.code, org.c.id, org.c.country)).all()
        return cls(
            organisations={code: id_ for code, id_, _ in rows},
            resolutions=set(conn.execute(select(schema.resolution.c.number)).scalars()),
            pillars=set(conn.execute(select(schema.pillar.c.code)).scalars()),
            countries={id_: country for _, id_, country in rows if country},
        )

    def organisation_id(self, name: Any) -> int | None:
        code = resolve_organisation(str(name)) if name else None
        return self.organisations.get(code) if code else None

    def acting(self, publisher: str | None) -> dict[str, Any]:
        """Whose activity a release of ``publisher`` is: the government of a national body
        (with the body), else the organisation itself; nothing for an unknown publisher."""
        org_id = self.organisation_id(publisher)
        if org_id is None:
            return {}
        return {"acting_country": self.countries.get(org_id), "acting_organisation_id": org_id}

    def place_id(self, conn: Connection, city: str | None, country: str | None) -> int | None:
        """The most populous city of that name (in that country), else the country."""
        key = ((city or "").casefold(), country)
        if key not in self.places:
            found = self._city(conn, city, country) if city else None
            if found is None and country:
                place = schema.place
                found = conn.execute(
                    select(place.c.id).where(
                        place.c.kind == "country", place.c.country == country.upper()
                    )
                ).scalar()
            self.places[key] = found
        return self.places[key]

    @staticmethod
    def _city(conn: Connection, city: str, country: str | None) -> int | None:
        place = schema.place
        query = (
            select(place.c.id)
            .where(place.c.kind == "city", func.lower(place.c.name) == city.casefold())
            .order_by(place.c.population.desc())
            .limit(1)
        )
        if country:
            query = query.where(place.c.country == country.upper())
        return conn.execute(query).scalar()


def column_values(record: dict[str, Any]) -> dict[str, Any]:
    """The activity columns an extraction record fills, typed and cut to their widths."""
    values: dict[str, Any] = {}
    for f in fields.column_fields():
        raw = record.get(f.extracted_as or f.name)
        if f.name == "timezone" and not raw:
            raw = record.get("iana_zone")  # the name older records used
        column = f.activity_column
        assert column is not None
        values[column] = fields.fit(f, raw)
    return values


def draft_values(
    conn: Connection,
    document_id: int,
    record: dict[str, Any],
    lookups: Lookups,
    title: str | None,
    publisher: str | None,
) -> dict[str, Any]:
    """The activity row of a draft for ``record``, but its instants: one definition for
    :func:`create_draft` and the ingest writer's batches (:mod:`wpstrack.ingest`).

    The activity is its ``publisher``'s (a ministry's release: that government's) unless
    the record names another acting government, which the text said.
    """
    values = column_values(record)
    stated = values.get("acting_country")
    if not stated or stated == lookups.acting(publisher).get("acting_country"):
        values |= lookups.acting(publisher) | ({"acting_country": stated} if stated else {})
    values |= {
        "document_id": document_id,
        "title": fields.fit(fields.BY_NAME["title"], title),
        "status": "draft",
        "created_at": None,
        "updated_at": None,
    }
    values["type"] = values.get("type") or "other"  # the column is never empty
    values["place_id"] = lookups.place_id(conn, values["city"], values["country"])
    return values


def create_draft(
    conn: Connection,
    document_id: int,
    record: dict[str, Any],
    lookups: Lookups | None = None,
    *,
    title: str | None = None,
    actor: str | None = None,
    publisher: str | None = None,
) -> int:
    """An activity draft from an extraction record, with participants and links (one audit
    event under ``actor`` for the whole aggregate).

    The activity is its ``publisher``'s (a ministry's release: that government's) unless
    the record names another acting government, which the text said.
    """
    lookups = lookups or Lookups.load(conn)
    created = now()
    values = draft_values(conn, document_id, record, lookups, title, publisher)
    values |= {"created_at": created, "updated_at": created}
    act = schema.activity
    # The values are bound at execution, not built into the statement: the single writer
    # then reuses one compiled statement (see ingest._insert_once).
    activity_id = int(conn.execute(act.insert().returning(act.c.id), values).scalar_one())
    # The document is the event's first source (wpstrack.events keeps the others).
    source = {"activity_id": activity_id, "document_id": document_id, "how": "ingest"}
    conn.execute(schema.activity_source.insert(), source | {"added_by": actor, "added_at": created})
    participants, links = _insert_children(conn, activity_id, record, lookups)
    after = values | {"participants": len(participants), "links": len(links)}
    audit.record(conn, actor, "draft", act.name, activity_id, None, after)
    return activity_id


def accept(
    conn: Connection,
    actor: str | None,
    activity_id: int,
    changes: dict[str, Any],
    children: dict[str, Any] | None,
    *,
    expected_version: int | None = None,
) -> dict[str, Any]:
    """A reviewer's acceptance: the draft takes ``changes`` and becomes ``reviewed``; its
    participants and links are rebuilt from ``children`` when given. Returns the row."""
    stamp = now()
    values = changes | {
        "status": "reviewed",
        "reviewed_by": actor,
        "reviewed_at": stamp,
        "updated_at": stamp,
    }
    stored = audit.update(
        conn,
        actor,
        schema.activity,
        activity_id,
        values,
        expected_version=expected_version,
        action="accept",
    )
    if children is not None:
        replace_children(conn, actor, activity_id, children)
    return stored


def replace_children(
    conn: Connection, actor: str | None, activity_id: int, record: dict[str, Any]
) -> None:
    """Replace an activity's participants and its resolution, pillar and topic links with
    those of ``record``; plan item links, made by people, stay. Logged in the audit log."""
    part, link = schema.activity_participant, schema.activity_link
    old = _rows(conn, part, activity_id)
    before = {"participants": [dict(r) for r in old]}
    # A role a reviewer set stays with the same participant when the rows are rebuilt.
    kept = {_identity(r): (r["role"], r["role_by"]) for r in old if r["role_by"]}
    conn.execute(delete(part).where(part.c.activity_id == activity_id))
    conn.execute(delete(link).where(link.c.activity_id == activity_id, link.c.kind != "plan_item"))
    participants, links = _insert_children(conn, activity_id, record, Lookups.load(conn), kept=kept)
    after = {"participants": participants, "links": links}
    audit.record(conn, actor, "accept", "activity_participant", activity_id, before, after)


def _identity(row: Any) -> tuple[Any, ...]:
    """What makes two participant rows the same participant across a rebuild."""
    return (row["kind"], row["name"], row["organisation_id"], row["country"], row["title"])


def _rows(conn: Connection, table: Any, activity_id: int) -> list[Any]:
    return list(conn.execute(select(table).where(table.c.activity_id == activity_id)).mappings())


def _insert_children(
    conn: Connection,
    activity_id: int,
    record: dict[str, Any],
    lookups: Lookups,
    *,
    kept: dict[tuple[Any, ...], tuple[str, str]] | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    participants = participant_rows(activity_id, record, lookups)
    for row in participants:
        if kept and _identity(row) in kept:
            row["role"], row["role_by"] = kept[_identity(row)]
    if participants:
        conn.execute(schema.activity_participant.insert(), participants)
    links = link_rows(activity_id, record, lookups)
    if links:
        conn.execute(schema.activity_link.insert(), links)
    return participants, links


def _text(column: Any, value: Any) -> str | None:
    if value in (None, ""):
        return None
    width = column.type.length
    return str(value)[:width] if width else str(value)


def _stated_roles(record: dict[str, Any], lookups: Lookups) -> dict[Any, str]:
    """Organisation name, and resolved id, -> the role the record gives it."""
    found: dict[Any, str] = {}
    for f in fields.FIELDS:
        if f.kind != "role" or not f.extracted_as:
            continue
        for item in record.get(f.extracted_as) or ():
            if isinstance(item, dict) and item.get("role") in roles.CODES and item.get("name"):
                found[str(item["name"])] = item["role"]
                org_id = lookups.organisation_id(item["name"])
                if org_id is not None:
                    found[org_id] = item["role"]
    return found


# What a participant row names, by the kind of the catalogue field it comes from.
_KINDS = {"person": "person", "organisation": "organisation", "country": "government"}


def government_name(code: str) -> str:
    """How a participant row names the government of country ``code``."""
    found = pycountry.countries.get(alpha_2=code)
    return f"Government of {found.name if found else code}"


def participant_rows(
    activity_id: int, record: dict[str, Any], lookups: Lookups
) -> list[dict[str, Any]]:
    """A participant row per person, organisation and government of ``record``, in catalogue
    order, each with its role: the field's own, or for an organisation the one the record
    states for it (``organisation_roles``)."""
    part = schema.activity_participant
    stated = _stated_roles(record, lookups)
    rows = []
    for f in fields.child_fields():
        if f.role is None:
            continue
        for item in record.get(f.extracted_as or f.name) or ():
            if f.kind == "country":
                code = fields.fit(f, str(item).upper())
                person: dict[str, Any] = {"name": government_name(code), "country": code}
            else:
                person = item if isinstance(item, dict) else {"name": item}
            # An organisation is named by itself; a person is resolved by their affiliation.
            affiliation = person.get("organisation_or_country")
            resolved = affiliation if f.kind == "person" else person.get("name")
            org_id = None if f.kind == "country" else lookups.organisation_id(resolved)
            role = f.role
            if f.kind == "organisation":
                role = stated.get(org_id) or stated.get(person.get("name")) or f.role
            rows.append(
                {
                    "activity_id": activity_id,
                    "name": _text(part.c.name, person.get("name")),
                    "title": _text(part.c.title, person.get("title")),
                    "affiliation": _text(part.c.affiliation, affiliation),
                    "organisation_id": org_id,
                    "kind": _KINDS[f.kind],
                    "country": person.get("country"),
                    "gender": _text(part.c.gender, person.get("gender")),
                    "role": role,
                    "role_by": None,
                }
            )
    return rows


def link_rows(activity_id: int, record: dict[str, Any], lookups: Lookups) -> list[dict[str, Any]]:
    """Links to reference rows that exist (an unknown resolution stays in the extractions)."""
    rows: list[dict[str, Any]] = []
    # Every row names every column: an executemany needs the same keys in each row.
    base: dict[str, Any] = {
        "activity_id": activity_id,
        "resolution_number": None,
        "pillar_code": None,
        "topic": None,
        "country": None,
    }
    known: dict[str, Any] = {"resolution": lookups.resolutions, "pillar": lookups.pillars}
    for f in fields.child_fields():
        if f.link is None or f.column is None:
            continue
        for item in record.get(f.extracted_as or f.name) or ():
            value = fields.fit(f, item)
            if value is None or (f.link in known and value not in known[f.link]):
                continue
            rows.append(base | {"kind": f.link, f.column.name: value})
    return rows
