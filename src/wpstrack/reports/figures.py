"""The report's summary figures, computed by the functions the indicators and funding use.

The register is narrowed as the indicator engine narrows it
(:func:`~wpstrack.indicators.compute.activity_conditions`: reviewed and published
activities), then to the period's dates; the total is the value a computed indicator
``count_activities`` stores for the period. Each breakdown is the dashboard's own function
(:mod:`wpstrack.dashboard`: types, pillars as tagged, named people, UN entities) given that
scope instead of the dashboard's, so a figure has one definition. Funding
totals are :func:`wpstrack.funding.summarise`, in the report's currency, leaving out (and
listing) amounts that have no rate rather than refusing the whole report.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection

from wpstrack import dashboard, funding, schema
from wpstrack.i18n import ngettext
from wpstrack.indicators.compute import activity_conditions, compute
from wpstrack.indicators.formula import ActivityFilters, Formula
from wpstrack.reports.model import Count, Figures, MoneyLine, Period

PERIOD_KIND = {True: "fiscal_year", False: "year"}


def period_kind(period: Period) -> str:
    """The indicator formulas' name for the kind of period."""
    return PERIOD_KIND[period.label.startswith("FY")]


def scope(
    conn: Connection, period: Period, plan_id: int | None = None
) -> list[ColumnElement[bool]]:
    """WHERE clauses on ``activity``: reviewed or published, dated within the period, and
    for a plan carried out or funded by its government."""
    act = schema.activity
    return [
        *activity_conditions(conn, ActivityFilters(), plan_id),
        act.c.date >= period.start,
        act.c.date <= period.end,
    ]


def measure(
    conn: Connection, period: Period, name: str, plan_id: int | None = None, **filters: Any
) -> float | None:
    """The value the indicator engine gives ``name`` over the period (None: no data)."""
    formula = Formula(measure=name, filters=filters, period=period_kind(period))  # type: ignore[arg-type]
    for value in compute(conn, formula, plan_id):
        if value.period == period.label:
            return value.value
    return None


def _count(conn: Connection, period: Period, plan_id: int | None, **filters: Any) -> int:
    return int(measure(conn, period, "count_activities", plan_id, **filters) or 0)


def by_type(conn: Connection, period: Period, plan_id: int | None = None) -> list[Count]:
    """Activities per type, most frequent first (ties by type)."""
    counts = dashboard.tally(conn, scope(conn, period, plan_id))
    return [Count(t, t.replace("_", " "), n) for t, n in counts.by_type]


def by_pillar(conn: Connection, period: Period, plan_id: int | None = None) -> list[Count]:
    """Activities tagged with each pillar, in the pillars' order."""
    rows = dashboard.by_pillar(conn, scope(conn, period, plan_id))
    return [Count(p["code"], p["name"], p["count"]) for p in rows]


def women_named(
    conn: Connection, period: Period, plan_id: int | None = None
) -> tuple[int, int, int]:
    """Named people taking part, the women among them and those of unstated gender."""
    women = dashboard.women_share(conn, scope(conn, period, plan_id))
    return women["named"], women["women"], women["gender_unknown"]


def un_entities(conn: Connection, period: Period, plan_id: int | None = None) -> list[Count]:
    """UN-system organisations taking part in or named by activities, by activities."""
    rows = dashboard.un_entities(conn, scope(conn, period, plan_id), limit=None)
    return [Count(u["code"], u["acronym"] or u["name"], u["count"]) for u in rows]


def money_lines(groups: Sequence[funding.SummaryGroup]) -> list[MoneyLine]:
    """Summary groups as report lines (the key as text)."""
    return [
        MoneyLine("" if g.key is None else str(g.key), g.label, g.commitment, g.disbursement)
        for g in groups
    ]


def missing_rates(summary: funding.FundingSummary) -> list[str]:
    """What a summary left out for want of an exchange rate, readable."""
    return [
        f"{m.currency} {m.year} ("
        + ngettext("%(num)d contribution", "%(num)d contributions", m.contributions)
        + ")"
        for m in summary.missing_rates
    ]


def figures(
    conn: Connection,
    period: Period,
    currency: str,
    plan_id: int | None = None,
    plan: str | None = None,
) -> Figures:
    """Every summary figure of the report (of the plan's government's activities), funding
    narrowed to what ``plan`` counts (:class:`wpstrack.funding.ContributionFilter`'s plan:
    its government's contributions and those tied to its items), so one government's report
    never adds another's money."""
    named, women, unknown = women_named(conn, period, plan_id)
    year = funding.ContributionFilter(year_from=period.year, year_to=period.year, plan=plan)
    pillars = funding.summarise(conn, "pillar", currency=currency, filters=year, partial=True)
    recipients = funding.summarise(conn, "recipient", currency=currency, filters=year, partial=True)
    return Figures(
        activities=_count(conn, period, plan_id),
        by_type=by_type(conn, period, plan_id),
        by_pillar=by_pillar(conn, period, plan_id),
        named_participants=named,
        women=women,
        gender_unknown=unknown,
        women_share=women / named if named else None,
        un_entities=un_entities(conn, period, plan_id),
        currency=pillars.currency,
        commitment=pillars.commitment,
        disbursement=pillars.disbursement,
        funding_by_pillar=money_lines(pillars.groups),
        funding_by_recipient=money_lines(recipients.groups),
        missing_rates=missing_rates(pillars),
    )
