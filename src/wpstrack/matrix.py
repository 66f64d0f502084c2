"""Who does what where: organisations × pillars × countries × years.

A cell counts the distinct register entries (reviewed or published; published only for an
anonymous reader, as in search) in which an organisation took part, by the pillar the entry is
linked to, the country it took place in and its year. An entry linked to two pillars counts
in both cells, so cells are not to be added across pillars. Optionally the funding each
organisation received is given beside it, by pillar and year, in one reporting currency.

The CLI, the ``/matrix`` page, the ``/api/v1/matrix`` route and the CSV export all read the
dict :func:`matrix` returns.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import Connection, func, select

from wpstrack import schema, visibility
from wpstrack.indicators.compute import activity_conditions
from wpstrack.indicators.formula import ActivityFilters

NO_PILLAR = ""  # entries not linked to any pillar


class MatrixFilter(BaseModel):
    """What to narrow the matrix to; each list is "any of", fields combine with AND."""

    model_config = ConfigDict(extra="forbid")

    organisation: list[str] = Field(default_factory=list)
    pillar: list[str] = Field(default_factory=list)
    country: list[str] = Field(default_factory=list)
    type: list[str] = Field(default_factory=list)
    year_from: int | None = Field(default=None, ge=1900, le=2200)
    year_to: int | None = Field(default=None, ge=1900, le=2200)
    funding: bool = False
    currency: str = Field(default="USD", min_length=3, max_length=3)

    @field_validator("organisation", "pillar", "country", "type", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        """Accept repeated parameters and comma-separated ones alike; drop blanks."""
        if value is None:
            return []
        items = [value] if isinstance(value, str) else value
        return [p.strip() for v in items for p in str(v).split(",") if p.strip()]


def _activity_filters(f: MatrixFilter) -> ActivityFilters:
    # Reviewed and published entries count (as for the indicators); what the caller may
    # see narrows that separately, with the one visibility rule.
    return ActivityFilters(
        type=f.type, pillar=f.pillar, organisation=f.organisation, country=f.country
    )


def _cells(conn: Connection, f: MatrixFilter, public: bool) -> list[dict[str, Any]]:
    act, part = schema.activity, schema.activity_participant
    org, link = schema.organisation, schema.activity_link
    year = func.extract("year", act.c.date)
    where = [*activity_conditions(conn, _activity_filters(f)), visibility.activities(public)]
    # Years as date ranges, which the date index serves: the database then starts from the
    # entries of those years instead of computing the year of every entry.
    if f.year_from is not None:
        where.append(act.c.date >= date(f.year_from, 1, 1))
    if f.year_to is not None:
        where.append(act.c.date < date(f.year_to + 1, 1, 1))
    if f.organisation:
        codes = {c.casefold() for c in f.organisation}
        where.append(func.lower(org.c.code).in_(codes))
    pillar = func.coalesce(link.c.pillar_code, NO_PILLAR)
    stmt = (
        select(org.c.code, func.coalesce(org.c.acronym, org.c.name), pillar, act.c.country, year)
        .add_columns(func.count(act.c.id.distinct()))
        .select_from(
            act.join(part, part.c.activity_id == act.c.id)
            .join(org, org.c.id == part.c.organisation_id)
            .outerjoin(link, (link.c.activity_id == act.c.id) & (link.c.kind == "pillar"))
        )
        .where(*where)
        .group_by(org.c.code, org.c.acronym, org.c.name, pillar, act.c.country, year)
    )
    if f.pillar:
        stmt = stmt.where(pillar.in_(f.pillar))
    cells = [
        {
            "organisation": code,
            "label": label,
            "pillar": pil or None,
            "country": country,
            "year": int(y),
            "activities": int(n),
        }
        for code, label, pil, country, y, n in conn.execute(stmt)
    ]
    return sorted(cells, key=_cell_key)


def _cell_key(c: dict[str, Any]) -> tuple[Any, ...]:
    return (c["organisation"], c["country"] or "", c["year"], c["pillar"] or "~")


def _funding(conn: Connection, f: MatrixFilter) -> tuple[list[dict[str, Any]], list[Any]]:
    """Contributions received by organisation, pillar and year, in the reporting currency."""
    from wpstrack.funding import ContributionFilter, Converter
    from wpstrack.funding.contributions import contribution_query
    from wpstrack.funding.rates import quantize

    filters = ContributionFilter(year_from=f.year_from, year_to=f.year_to)
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
            sums[(code, row["pillar_code"] or NO_PILLAR, row["year"])][row["transaction_type"]] += (
                amount
            )
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
    """The matrix as cells plus the axes a table needs (pillars in their reference order).

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
        "filters": f.model_dump(),
        "public": public,
        "pillars": pillars,
        "organisations": sorted({c["organisation"] for c in cells}),
        "countries": sorted({c["country"] for c in cells if c["country"]}),
        "years": sorted({c["year"] for c in cells}),
        "cells": cells,
    }
    rows = _rows(cells, pillars)
    data["rows_total"] = len(rows)
    data["rows"] = rows[:max_rows] if max_rows is not None else rows
    if f.funding:
        data["currency"] = f.currency.upper()
        data["funding"], data["missing_rates"] = _funding(conn, f)
    return data


def _rows(cells: list[dict[str, Any]], pillars: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per organisation, country and year with a count per pillar (for the table)."""
    rows: dict[tuple[Any, ...], dict[str, Any]] = {}
    for c in cells:
        key = (c["organisation"], c["country"], c["year"])
        row = rows.setdefault(
            key,
            {
                "organisation": c["organisation"],
                "label": c["label"],
                "country": c["country"],
                "year": c["year"],
                "counts": [0] * len(pillars),
            },
        )
        index = next(i for i, p in enumerate(pillars) if p["code"] == c["pillar"])
        row["counts"][index] = c["activities"]
    return list(rows.values())


CSV_COLUMNS = ("organisation", "label", "pillar", "country", "year", "activities")


def matrix_csv(data: dict[str, Any]) -> str:
    """The matrix's cells as CSV, one line per organisation, pillar, country and year."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for cell in data["cells"]:
        writer.writerow(cell)
    return buffer.getvalue()
