"""The report's summary figures, computed by the functions the indicators and funding use.

The register is narrowed as the indicator engine narrows it
(:func:`~wpstrack.indicators.compute.activity_conditions`: reviewed and published
activities), then to the period's dates; the total is the value a computed indicator
``count_activities`` stores for the period. Each breakdown counts what the dashboard counts
(:mod:`wpstrack.dashboard`: types, pillars as tagged, named people, UN entities), over that
narrower register: the dashboard's functions cover the whole register, not a period. Funding
totals are :func:`wpstrack.funding.summarise`, in the report's currency, leaving out (and
listing) amounts that have no rate rather than refusing the whole report.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, distinct, func, select

from wpstrack import funding, schema
from wpstrack.indicators.compute import UN_TYPE_PREFIX, activity_conditions, compute
from wpstrack.indicators.formula import ActivityFilters, Formula
from wpstrack.reports.model import Count, Figures, MoneyLine, Period
from wpstrack.schema import PEOPLE_ROLES

PERIOD_KIND = {True: "fiscal_year", False: "year"}


def period_kind(period: Period) -> str:
    """The indicator formulas' name for the kind of period."""
    return PERIOD_KIND[period.label.startswith("FY")]


def scope(conn: Connection, period: Period) -> list[ColumnElement[bool]]:
    """WHERE clauses on ``activity``: reviewed or published, dated within the period."""
    act = schema.activity
    return [
        *activity_conditions(conn, ActivityFilters()),
        act.c.date >= period.start,
        act.c.date <= period.end,
    ]


def measure(conn: Connection, period: Period, name: str, **filters: Any) -> float | None:
    """The value the indicator engine gives ``name`` over the period (None: no data)."""
    formula = Formula(measure=name, filters=filters, period=period_kind(period))  # type: ignore[arg-type]
    for value in compute(conn, formula):
        if value.period == period.label:
            return value.value
    return None


def _count(conn: Connection, period: Period, **filters: Any) -> int:
    return int(measure(conn, period, "count_activities", **filters) or 0)


def by_type(conn: Connection, period: Period) -> list[Count]:
    """Activities per type, most frequent first (ties by type)."""
    act = schema.activity
    n = func.count().label("n")
    rows = conn.execute(
        select(act.c.type, n).where(*scope(conn, period)).group_by(act.c.type).order_by(n.desc())
    ).all()
    counts = sorted(((r.type, int(r.n)) for r in rows), key=lambda r: (-r[1], r[0]))
    return [Count(t, t.replace("_", " "), c) for t, c in counts]


def by_pillar(conn: Connection, period: Period) -> list[Count]:
    """Activities tagged with each pillar, in the pillars' order (as the dashboard counts)."""
    act, link, pillar = schema.activity, schema.activity_link, schema.pillar
    tagged = (
        select(link.c.pillar_code, func.count(distinct(act.c.id)).label("n"))
        .join(act, act.c.id == link.c.activity_id)
        .where(link.c.kind == "pillar", *scope(conn, period))
        .group_by(link.c.pillar_code)
        .subquery()
    )
    rows = conn.execute(
        select(pillar.c.code, pillar.c.name, func.coalesce(tagged.c.n, 0))
        .outerjoin(tagged, tagged.c.pillar_code == pillar.c.code)
        .order_by(pillar.c.sort_order)
    )
    return [Count(code, name, int(n)) for code, name, n in rows]


def women_named(conn: Connection, period: Period) -> tuple[int, int, int]:
    """Named people taking part, the women among them and those of unstated gender.

    The dashboard's definition (:func:`wpstrack.dashboard.women_share`): participant rows
    in a person's role (not organisations merely mentioned) that carry a name.
    """
    act, part = schema.activity, schema.activity_participant
    row = conn.execute(
        select(
            func.count(),
            func.count().filter(part.c.gender == "f"),
            func.count().filter(part.c.gender.is_(None)),
        )
        .join(act, act.c.id == part.c.activity_id)
        .where(part.c.role.in_(PEOPLE_ROLES), part.c.name.is_not(None), *scope(conn, period))
    ).one()
    return int(row[0]), int(row[1]), int(row[2])


def un_entities(conn: Connection, period: Period) -> list[Count]:
    """UN-system organisations taking part in or named by activities, by activities."""
    act, part, org = schema.activity, schema.activity_participant, schema.organisation
    n = func.count(distinct(act.c.id)).label("n")
    rows = conn.execute(
        select(org.c.code, org.c.name, org.c.acronym, n)
        .select_from(
            act.join(part, part.c.activity_id == act.c.id).join(
                org, org.c.id == part.c.organisation_id
            )
        )
        .where(*scope(conn, period), org.c.type.startswith(UN_TYPE_PREFIX))
        .group_by(org.c.code, org.c.name, org.c.acronym)
    ).all()
    ordered = sorted(rows, key=lambda r: (-int(r.n), r.code))
    return [Count(r.code, r.acronym or r.name, int(r.n)) for r in ordered]


def money_lines(groups: Sequence[funding.SummaryGroup]) -> list[MoneyLine]:
    """Summary groups as report lines (the key as text)."""
    return [
        MoneyLine("" if g.key is None else str(g.key), g.label, g.commitment, g.disbursement)
        for g in groups
    ]


def missing_rates(summary: funding.FundingSummary) -> list[str]:
    """What a summary left out for want of an exchange rate, readable."""
    return [
        f"{m.currency} {m.year} ({m.contributions} contribution{'s' * (m.contributions != 1)})"
        for m in summary.missing_rates
    ]


def figures(conn: Connection, period: Period, currency: str) -> Figures:
    """Every summary figure of the report."""
    named, women, unknown = women_named(conn, period)
    year = funding.ContributionFilter(year_from=period.year, year_to=period.year)
    pillars = funding.summarise(conn, "pillar", currency=currency, filters=year, partial=True)
    recipients = funding.summarise(conn, "recipient", currency=currency, filters=year, partial=True)
    return Figures(
        activities=_count(conn, period),
        by_type=by_type(conn, period),
        by_pillar=by_pillar(conn, period),
        named_participants=named,
        women=women,
        gender_unknown=unknown,
        women_share=women / named if named else None,
        un_entities=un_entities(conn, period),
        currency=pillars.currency,
        commitment=pillars.commitment,
        disbursement=pillars.disbursement,
        funding_by_pillar=money_lines(pillars.groups),
        funding_by_recipient=money_lines(recipients.groups),
        missing_rates=missing_rates(pillars),
    )
