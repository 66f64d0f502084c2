"""Who does what where (3W), as ActivityInfo users read it.

- **Who**: the organisations and governments that lead, implement or fund an activity
  (:data:`wpstrack.roles.ACTING`), plus whose activity it is (its acting government, else
  its acting organisation, as lead). An organisation only mentioned, or only attending, is
  not a "who", nor is the body a principal person belongs to.
- **What**: the pillar the activity is linked to and its type (topics narrow it).
- **Where**: the countries where the work happens (``location`` links, a programme's
  places); an activity without one is counted at its venue, and each cell says which
  (``where_from``: ``programme`` or ``venue``). Both stay on the activity.
- **When**: a period range (dates or years).

A cell counts distinct register entries (reviewed or published; published only for an
anonymous reader). An entry with two pillars, two "whos" or two places counts in each cell,
so cells are not to be added up; ``by_country`` counts each entry once per country and is
what the map draws. Filters: plan (its government's activities), period, pillar, topic,
activity type, organisation, organisation type and country.

The CLI, the ``/matrix`` page, ``/api/v1/matrix`` and the CSV/XLSX downloads all read the
dict :func:`matrix` returns; the map (:mod:`wpstrack.worldmap`) draws its ``by_country``.
Unfiltered, the cells and ``by_country`` are read from the tallies (:mod:`wpstrack.tallies`,
which holds the who and where definitions they share with the queries here).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

import pycountry
from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import Connection, exists, func, select

from wpstrack import actors, exports, schema, tallies, visibility
from wpstrack.errors import InvalidInput
from wpstrack.indicators.compute import activity_conditions
from wpstrack.indicators.formula import ActivityFilters

NO_PILLAR = tallies.NO_PILLAR  # entries not linked to any pillar
GOVERNMENT = tallies.GOVERNMENT  # the "type" of a government as a who
GOVERNMENT_PREFIX = tallies.GOVERNMENT_PREFIX  # a government's code as a who: gov-jp


class MatrixFilter(BaseModel):
    """What to narrow the matrix to; each list is "any of", fields combine with AND."""

    model_config = ConfigDict(extra="forbid")

    plan: str | None = None
    organisation: list[str] = Field(default_factory=list)
    organisation_type: list[str] = Field(default_factory=list)
    pillar: list[str] = Field(default_factory=list)
    topic: list[str] = Field(default_factory=list)
    country: list[str] = Field(default_factory=list)
    type: list[str] = Field(default_factory=list)
    date_from: date | None = None
    date_to: date | None = None
    year_from: int | None = Field(default=None, ge=1900, le=2200)
    year_to: int | None = Field(default=None, ge=1900, le=2200)
    funding: bool = False
    currency: str = Field(default="USD", min_length=3, max_length=3)

    @field_validator(
        "organisation", "organisation_type", "pillar", "topic", "country", "type", mode="before"
    )
    @classmethod
    def _split(cls, value: Any) -> Any:
        """Accept repeated parameters and comma-separated ones alike; drop blanks."""
        if value is None:
            return []
        items = [value] if isinstance(value, str) else value
        return [p.strip() for v in items for p in str(v).split(",") if p.strip()]

    @field_validator("country")
    @classmethod
    def _upper(cls, value: list[str]) -> list[str]:
        return [v.upper() for v in value]

    def period(self) -> tuple[date | None, date | None]:
        """The first and last day counted (dates win over years)."""
        start = self.date_from or (date(self.year_from, 1, 1) if self.year_from else None)
        end = self.date_to or (date(self.year_to, 12, 31) if self.year_to else None)
        return start, end


def government_label(country: str) -> str:
    """How a government is named as a who ("Government of Japan")."""
    found = pycountry.countries.get(alpha_2=country.upper())
    return f"Government of {found.name if found else country.upper()}"


def _conditions(conn: Connection, f: MatrixFilter, public: bool) -> list[Any]:
    act, link = schema.activity, schema.activity_link
    filters = ActivityFilters(type=f.type, pillar=f.pillar)
    where = [*activity_conditions(conn, filters), visibility.activities(public)]
    start, end = f.period()
    if start is not None:
        where.append(act.c.date >= start)
    if end is not None:
        where.append(act.c.date <= end)
    if f.topic:
        where.append(
            exists().where(
                link.c.activity_id == act.c.id, link.c.kind == "topic", link.c.topic.in_(f.topic)
            )
        )
    if f.plan:
        from wpstrack.plans.store import plan_id

        where.append(actors.plan_scope(conn, plan_id(conn, f.plan)))
    return where


def _who_conditions(conn: Connection, f: MatrixFilter, who: Any) -> list[Any]:
    where = []
    if f.organisation:
        wanted = {c.casefold() for c in f.organisation}
        org = schema.organisation
        known = {c.casefold() for c in conn.execute(select(org.c.code)).scalars()}
        unknown = [c for c in f.organisation if c.casefold() not in known]
        unknown = [c for c in unknown if not c.casefold().startswith(GOVERNMENT_PREFIX)]
        if unknown:
            raise InvalidInput(f"unknown organisation {', '.join(map(repr, unknown))}")
        where.append(func.lower(who.c.code).in_(wanted))
    if f.organisation_type:
        where.append(who.c.type.in_(f.organisation_type))
    return where


def _base(conn: Connection, f: MatrixFilter, public: bool) -> tuple[Any, Any, Any, list[Any]]:
    act = schema.activity
    who, place = tallies.whos(), tallies.wheres()
    where = [*_conditions(conn, f, public), *_who_conditions(conn, f, who)]
    if f.country:
        where.append(place.c.country.in_(f.country))
    joined = act.join(who, who.c.activity_id == act.c.id).join(
        place, place.c.activity_id == act.c.id
    )
    return joined, who, place, where


def _unfiltered(conn: Connection, f: MatrixFilter) -> bool:
    """Whether ``f`` narrows nothing and the tallies are up to date: the counts are then
    read from the tallies (:mod:`wpstrack.tallies`) instead of the register."""
    counted = f.model_dump(exclude={"funding", "currency"})
    return counted == MatrixFilter().model_dump(exclude={"funding", "currency"}) and (
        tallies.current(conn)
    )


def _cell(parts: list[Any], n: int) -> dict[str, Any]:
    code, label, kind, role, pil, typ, country, where_from, y = parts
    return {
        "organisation": code,
        "label": government_label(label) if kind == GOVERNMENT else label,
        "organisation_type": kind,
        "role": role,
        "pillar": pil or None,
        "type": typ,
        "country": country,
        "where_from": where_from,
        "year": int(y),
        "activities": int(n),
    }


def _cells(conn: Connection, f: MatrixFilter, public: bool) -> list[dict[str, Any]]:
    if _unfiltered(conn, f):
        rows = tallies.counts(conn, tallies.CELL, public)
        return sorted((_cell(tallies.split_key(k), n) for k, n in rows), key=_cell_key)
    act, link = schema.activity, schema.activity_link
    joined, who, place, where = _base(conn, f, public)
    pillar = func.coalesce(link.c.pillar_code, NO_PILLAR)
    year = func.extract("year", act.c.date)
    keys = (who.c.code, who.c.label, who.c.type, who.c.role, pillar, act.c.type)
    keys += (place.c.country, place.c.where_from, year)  # type: ignore[assignment]
    stmt = (
        select(*keys, func.count(act.c.id.distinct()))
        .select_from(
            joined.outerjoin(link, (link.c.activity_id == act.c.id) & (link.c.kind == "pillar"))
        )
        .where(*where)
        .group_by(*keys)
    )
    if f.pillar:
        stmt = stmt.where(pillar.in_(f.pillar))
    cells = [_cell(list(row[:-1]), row[-1]) for row in conn.execute(stmt)]
    return sorted(cells, key=_cell_key)


def _cell_key(c: dict[str, Any]) -> tuple[Any, ...]:
    return (c["organisation"], c["country"] or "", c["year"], c["pillar"] or "~", c["type"])


def by_country(conn: Connection, f: MatrixFilter, public: bool) -> list[dict[str, Any]]:
    """Distinct entries per country where the work happens (what the map draws)."""
    if _unfiltered(conn, f):
        counted = tallies.counts(conn, tallies.COUNTRY, public)
        return _by_country_rows(counted)
    act, link = schema.activity, schema.activity_link
    joined, _, place, where = _base(conn, f, public)
    if f.pillar:
        pillar = exists().where(
            link.c.activity_id == act.c.id,
            link.c.kind == "pillar",
            link.c.pillar_code.in_(f.pillar),
        )
        where.append(pillar)
    stmt = (
        select(place.c.country, func.count(act.c.id.distinct()))
        .select_from(joined)
        .where(*where, place.c.country.is_not(None))
        .group_by(place.c.country)
    )
    return _by_country_rows(conn.execute(stmt).all())


def _by_country_rows(counted: Any) -> list[dict[str, Any]]:
    rows = [{"country": c, "name": country_name(c), "activities": int(n)} for c, n in counted]
    return sorted(rows, key=lambda r: (-r["activities"], r["country"]))


def country_map(rows: list[dict[str, Any]], title: str) -> Any:
    """The map of :func:`by_country` rows (:func:`wpstrack.worldmap.world_map`)."""
    from wpstrack.worldmap import world_map

    counts = {r["country"]: r["activities"] for r in rows}
    return world_map(counts, title, {r["country"]: r["name"] for r in rows})


def country_name(code: str) -> str:
    """The English short name of an ISO code (the code if unknown)."""
    found = pycountry.countries.get(alpha_2=code.upper())
    return str(found.name) if found else code.upper()


def _funding(conn: Connection, f: MatrixFilter) -> tuple[list[dict[str, Any]], list[Any]]:
    """Contributions received by organisation, pillar and year, in the reporting currency."""
    from wpstrack.funding import ContributionFilter, Converter
    from wpstrack.funding.contributions import contribution_query
    from wpstrack.funding.rates import quantize

    start, end = f.period()
    filters = ContributionFilter(
        year_from=start.year if start else None, year_to=end.year if end else None
    )
    converter = Converter(conn, f.currency)
    wanted = {c.casefold() for c in f.organisation}
    sums: dict[tuple[str, str, int], dict[str, Decimal]] = defaultdict(
        lambda: {"commitment": Decimal(0), "disbursement": Decimal(0)}
    )
    for row in conn.execute(contribution_query(conn, filters)).mappings():
        code = row["recipient_code"]
        if code is None or (wanted and code.casefold() not in wanted):
            continue
        if f.pillar and row["pillar_code"] not in f.pillar:
            continue
        amount = converter.convert(row["amount"], row["currency"], row["year"])
        if amount is not None:
            key = (code, row["pillar_code"] or NO_PILLAR, row["year"])
            sums[key][row["transaction_type"]] += amount
    out = [
        {
            "organisation": code,
            "pillar": pillar or None,
            "year": year,
            "commitment": str(quantize(s["commitment"])),
            "disbursement": str(quantize(s["disbursement"])),
        }
        for (code, pillar, year), s in sorted(sums.items())
    ]
    return out, [m.model_dump() for m in converter.check(partial=True)]


def matrix(
    conn: Connection,
    filters: MatrixFilter | None = None,
    *,
    public: bool = False,
    max_rows: int | None = None,
) -> dict[str, Any]:
    """The matrix as cells, the counts per country, and the axes a table needs.

    ``max_rows`` caps the table rows (a page cannot usefully show 50,000 lines);
    ``rows_total`` says how many there were, and the cells are always complete.
    """
    f = filters or MatrixFilter()
    cells = _cells(conn, f, public)
    p = schema.pillar
    pillar_rows = conn.execute(select(p.c.code, p.c.name).order_by(p.c.sort_order)).all()
    used = {c["pillar"] for c in cells}
    pillars = [{"code": code, "name": name} for code, name in pillar_rows if code in used]
    if None in used:
        pillars.append({"code": None, "name": "no pillar"})
    data: dict[str, Any] = {
        "filters": f.model_dump(mode="json"),
        "public": public,
        "pillars": pillars,
        "organisations": sorted({c["organisation"] for c in cells}),
        "countries": sorted({c["country"] for c in cells if c["country"]}),
        "years": sorted({c["year"] for c in cells}),
        "cells": cells,
        "by_country": by_country(conn, f, public),
    }
    rows = _rows(cells, pillars)
    data["rows_total"] = len(rows)
    data["rows"] = rows[:max_rows] if max_rows is not None else rows
    if f.funding:
        data["currency"] = f.currency.upper()
        data["funding"], data["missing_rates"] = _funding(conn, f)
    return data


def _rows(cells: list[dict[str, Any]], pillars: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per who, role, type, country and year with a count per pillar (the table)."""
    rows: dict[tuple[Any, ...], dict[str, Any]] = {}
    for c in cells:
        key = (c["organisation"], c["role"], c["type"], c["country"], c["year"])
        row = rows.setdefault(
            key,
            {
                "organisation": c["organisation"],
                "label": c["label"],
                "role": c["role"],
                "type": c["type"],
                "country": c["country"],
                "where_from": c["where_from"],
                "year": c["year"],
                "counts": [0] * len(pillars),
            },
        )
        index = next(i for i, p in enumerate(pillars) if p["code"] == c["pillar"])
        row["counts"][index] = c["activities"]
    return list(rows.values())


CSV_COLUMNS: exports.Columns = (
    ("organisation", "str"),
    ("label", "str"),
    ("organisation_type", "str"),
    ("role", "str"),
    ("pillar", "str"),
    ("type", "str"),
    ("country", "str"),
    ("where_from", "str"),
    ("year", "int"),
    ("activities", "int"),
)
COUNTRY_COLUMNS: exports.Columns = (("country", "str"), ("name", "str"), ("activities", "int"))
TABLES = ("cells", "countries")
DOWNLOADS = ("csv", "xlsx")


def download(data: dict[str, Any], fmt: str, table: str = "cells") -> bytes:
    """The matrix's cells (one line per cell) or its counts per country, as CSV or XLSX."""
    if table not in TABLES:
        raise InvalidInput(f"table {table!r} is not one of {', '.join(TABLES)}")
    if fmt not in DOWNLOADS:
        raise InvalidInput(f"format {fmt!r} is not one of {', '.join(DOWNLOADS)}")
    if table == "countries":
        return exports.write_rows(COUNTRY_COLUMNS, data["by_country"], fmt, "countries")
    return exports.write_rows(CSV_COLUMNS, data["cells"], fmt, "matrix")


def matrix_csv(data: dict[str, Any]) -> str:
    """The matrix's cells as CSV, one line per cell."""
    return download(data, "csv").decode()
