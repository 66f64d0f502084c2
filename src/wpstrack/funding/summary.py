"""Funding totals and year-on-year trends in one reporting currency.

Amounts are summed exactly (``Decimal``) from each contribution converted with the user's
rate for its currency and reporting year, and rounded to cents once per total. Commitments
and disbursements are kept apart: adding a pledge to its own payment would count it twice.
A missing rate refuses the whole answer unless the caller asks for ``partial`` totals, which
then list what was left out.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, select

from wpstrack import schema
from wpstrack.errors import InvalidInput
from wpstrack.funding.contributions import contribution_query
from wpstrack.funding.model import (
    DEFAULT_CURRENCY,
    GENDER_MARKERS,
    TRANSACTION_TYPES,
    ContributionFilter,
    FundingSummary,
    FundingTrends,
    SummaryGroup,
    Trend,
    TrendPoint,
)
from wpstrack.funding.rates import Converter, quantize

DIMENSIONS = ("recipient", "donor", "pillar", "year", "marker")
DEFAULT_THRESHOLD = Decimal("0.10")
ZERO = Decimal(0)


def _rows(conn: Connection, filters: ContributionFilter) -> list[dict[str, Any]]:
    org = schema.organisation
    stmt = contribution_query(conn, filters).add_columns(
        select(org.c.acronym)
        .where(org.c.id == schema.contribution.c.recipient_id)
        .scalar_subquery()
        .label("recipient_acronym"),
        select(org.c.acronym)
        .where(org.c.id == schema.contribution.c.donor_id)
        .scalar_subquery()
        .label("donor_acronym"),
    )
    return [dict(r) for r in conn.execute(stmt).mappings()]


def _pillars(conn: Connection) -> dict[str, tuple[int, str]]:
    p = schema.pillar
    return {
        code: (order, name)
        for code, order, name in conn.execute(select(p.c.code, p.c.sort_order, p.c.name))
    }


def _group_of(row: dict[str, Any], by: str, pillars: dict[str, tuple[int, str]]) -> tuple[Any, str]:
    """The key and label of the group a contribution falls in."""
    if by in ("recipient", "donor"):
        code, name = row[f"{by}_code"], row[f"{by}_name"]
        if code is None:
            return name, f"{name} (unresolved)"
        return code, row[f"{by}_acronym"] or name
    if by == "pillar":
        code = row["pillar_code"]
        return code, pillars[code][1] if code else "no pillar"
    if by == "year":
        return row["year"], str(row["year"])
    marker = row["gender_marker"]
    return marker, f"{marker} {GENDER_MARKERS[marker]}" if marker is not None else "not screened"


def _order(by: str, pillars: dict[str, tuple[int, str]]) -> Any:
    def key(group: SummaryGroup) -> Any:
        if by == "pillar":
            return (group.key is None, pillars[str(group.key)][0] if group.key else 0)
        if by == "year":
            return (group.key,)
        if by == "marker":
            return (group.key is None, -(group.key or 0) if isinstance(group.key, int) else 0)
        return (-(group.commitment + group.disbursement), group.label.casefold(), str(group.key))

    return key


def summarise(
    conn: Connection,
    by: str,
    *,
    currency: str = DEFAULT_CURRENCY,
    filters: ContributionFilter | None = None,
    partial: bool = False,
) -> FundingSummary:
    """Commitments and disbursements by recipient, donor, pillar, year or gender marker."""
    if by not in DIMENSIONS:
        raise InvalidInput(f"cannot summarise by {by!r}; expected one of {', '.join(DIMENSIONS)}")
    converter = Converter(conn, currency)
    pillars = _pillars(conn)
    sums: dict[Any, dict[str, Any]] = {}
    for row in _rows(conn, filters or ContributionFilter()):
        amount = converter.convert(row["amount"], row["currency"], row["year"])
        if amount is None:
            continue
        key, label = _group_of(row, by, pillars)
        group = sums.setdefault(
            key, {"label": label, "n": 0, **dict.fromkeys(TRANSACTION_TYPES, ZERO)}
        )
        group[row["transaction_type"]] += amount
        group["n"] += 1
    missing = converter.check(partial)
    groups = [
        SummaryGroup(
            key=key,
            label=g["label"],
            commitment=quantize(g["commitment"]),
            disbursement=quantize(g["disbursement"]),
            contributions=g["n"],
        )
        for key, g in sums.items()
    ]
    groups.sort(key=_order(by, pillars))
    return FundingSummary(
        by=by,
        currency=converter.currency,
        groups=groups,
        commitment=quantize(sum((g["commitment"] for g in sums.values()), ZERO)),
        disbursement=quantize(sum((g["disbursement"] for g in sums.values()), ZERO)),
        contributions=sum(g["n"] for g in sums.values()),
        missing_rates=missing,
    )


def _points(by_year: dict[int, Decimal], years: range, threshold: Decimal) -> list[TrendPoint]:
    points: list[TrendPoint] = []
    previous: Decimal | None = None
    for year in years:
        amount = quantize(by_year.get(year, ZERO))
        change = change_pct = None
        falling = False
        if previous is not None:
            change = amount - previous
            if previous > 0:
                change_pct = (change / previous * 100).quantize(Decimal("0.1"))
                falling = amount < previous * (1 - threshold)
        points.append(
            TrendPoint(
                year=year, amount=amount, change=change, change_pct=change_pct, falling=falling
            )
        )
        previous = amount
    return points


def _trends(
    per_key: dict[Any, dict[int, Decimal]],
    labels: dict[Any, str],
    dimension: str,
    years: range,
    threshold: Decimal,
) -> list[Trend]:
    trends = []
    for key, by_year in per_key.items():
        points = _points(by_year, years, threshold)
        trends.append(
            Trend(
                dimension=dimension,
                key=key,
                label=labels[key],
                points=points,
                falling_latest=bool(points) and points[-1].falling,
            )
        )
    trends.sort(key=lambda t: (-sum(p.amount for p in t.points), t.label.casefold()))
    return trends


Amounts = dict[Any, dict[int, Decimal]]  # group key -> year -> amount


def _per_year(
    conn: Connection, filters: ContributionFilter, converter: Converter
) -> tuple[dict[str, Amounts], dict[str, dict[Any, str]], set[int]]:
    """Converted amounts per recipient and per pillar per year, their labels, the years seen."""
    pillars = _pillars(conn)
    per: dict[str, Amounts] = {"recipient": {}, "pillar": {}}
    labels: dict[str, dict[Any, str]] = {"recipient": {}, "pillar": {}}
    seen_years: set[int] = set()
    for row in _rows(conn, filters):
        amount = converter.convert(row["amount"], row["currency"], row["year"])
        if amount is None:
            continue
        seen_years.add(row["year"])
        for dimension, groups in per.items():
            key, label = _group_of(row, dimension, pillars)
            labels[dimension][key] = label
            groups.setdefault(key, defaultdict(lambda: ZERO))[row["year"]] += amount
    return per, labels, seen_years


def funding_trends(
    conn: Connection,
    *,
    currency: str = DEFAULT_CURRENCY,
    transaction_type: str = "commitment",
    threshold: Decimal = DEFAULT_THRESHOLD,
    year_from: int | None = None,
    year_to: int | None = None,
    filters: ContributionFilter | None = None,
    partial: bool = False,
) -> FundingTrends:
    """Year-on-year change per recipient and per pillar, falling funding flagged.

    Years run from ``year_from`` (default: the first year with funding) to ``year_to``
    (default: the last), every year in between included, so a year without funding shows
    as a fall to zero instead of being skipped.
    """
    if transaction_type not in TRANSACTION_TYPES:
        raise InvalidInput(
            f"transaction type {transaction_type!r} is not commitment or disbursement"
        )
    if not ZERO <= threshold < 1:
        raise InvalidInput(f"threshold {threshold} is not a fraction between 0 and 1 (0.1 = 10%)")
    base = (filters or ContributionFilter()).model_copy(
        update={"transaction_type": transaction_type, "year_from": year_from, "year_to": year_to}
    )
    converter = Converter(conn, currency)
    per, labels, seen_years = _per_year(conn, base, converter)
    missing = converter.check(partial)
    first = year_from if year_from is not None else min(seen_years, default=None)
    last = year_to if year_to is not None else max(seen_years, default=None)
    years = range(first, last + 1) if first is not None and last is not None else range(0)
    return FundingTrends(
        currency=converter.currency,
        transaction_type=transaction_type,
        threshold=threshold,
        year_from=first,
        year_to=last,
        recipients=_trends(per["recipient"], labels["recipient"], "recipient", years, threshold),
        pillars=_trends(per["pillar"], labels["pillar"], "pillar", years, threshold),
        missing_rates=missing,
    )


def funding_overview(
    conn: Connection,
    *,
    plan: str | None = None,
    pillar: str | None = None,
    year: int | None = None,
) -> dict[str, Any]:
    """Commitments and disbursements by partner (recipient) and by pillar, and the
    recipients and pillars whose commitments fell, in the reporting currency, as plain
    JSON-ready data (amounts as exact strings).

    With a ``year``, that year's totals and the falls from the year before; else every year
    and the falls of the last one. Contributions have no publication step, so every reader
    sees the same figures. A missing exchange rate leaves its contributions out, listed.
    """
    chosen = ContributionFilter(plan=plan, pillar=pillar, year_from=year, year_to=year)
    by_partner = summarise(conn, "recipient", filters=chosen, partial=True)
    by_pillar = summarise(conn, "pillar", filters=chosen, partial=True)
    trends = funding_trends(
        conn,
        filters=ContributionFilter(plan=plan, pillar=pillar),
        year_from=year - 1 if year else None,
        year_to=year,
        partial=True,
    )
    falling = [
        {
            "dimension": t.dimension,
            "key": t.key,
            "label": t.label,
            "year": t.points[-1].year,
            "amount": str(t.points[-1].amount),
            "previous": str(t.points[-2].amount),
            "change_pct": float(t.points[-1].change_pct or 0),
        }
        for t in [*trends.recipients, *trends.pillars]
        if t.falling_latest and len(t.points) > 1
    ]
    return {
        "currency": by_partner.currency,
        "contributions": by_partner.contributions,
        "commitment": str(by_partner.commitment),
        "disbursement": str(by_partner.disbursement),
        "by_partner": [g.model_dump(mode="json") for g in by_partner.groups],
        "by_pillar": [g.model_dump(mode="json") for g in by_pillar.groups],
        "falling": falling,
        "missing_rates": [m.model_dump(mode="json") for m in by_partner.missing_rates],
    }
