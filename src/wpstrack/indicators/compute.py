"""Values of computed indicators, worked out from the register and kept as indicator values.

Each measure is one grouped SQL query (by year and month, so that calendar and fiscal years
both come from it) over reviewed and published activities; a draft never counts. The values
are stored in ``indicator_value`` with source ``computed`` and ``recorded_at`` the time of the
refresh, so that the dashboard, the API, the exports and the annual report read one table and
can say when the figures were last rebuilt. A refresh replaces an indicator's values whole:
a period that no longer has data loses its stale value.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    case,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
)

from wpstrack import actors, audit, schema
from wpstrack.db import now
from wpstrack.errors import InvalidInput
from wpstrack.indicators.formula import ActivityFilters, Formula, parse_formula
from wpstrack.schema import PEOPLE_ROLES

COMPUTED_SOURCE = "computed"
UN_TYPE_PREFIX = "un_"  # organisation types of the UN system: un_fund_programme, ...


@dataclass
class Computed:
    """One period's value, with how it was obtained (kept as the value's note)."""

    period: str
    value: float
    note: str | None = None


def period_label(year: int, month: int, kind: str) -> str:
    """The period a date falls in: "2024", or "FY2024" for April 2024 to March 2025."""
    if kind == "fiscal_year":
        return f"FY{year if month >= 4 else year - 1}"
    return str(year)


def _codes_to_ids(
    conn: Connection, table: Any, codes: list[str], what: str, *where: Any
) -> list[int]:
    rows: dict[str, int] = dict(
        conn.execute(select(table.c.code, table.c.id).where(table.c.code.in_(codes), *where)).all()
    )
    unknown = [c for c in codes if c not in rows]
    if unknown:
        raise InvalidInput(f"formula names unknown {what} {', '.join(map(repr, unknown))}")
    return list(rows.values())


def _item_ids_with_descendants(conn: Connection, plan_id: int, codes: list[str]) -> list[int]:
    """The items named and every item below them: a measure's activities count for its area."""
    item = schema.plan_item
    roots = _codes_to_ids(conn, item, codes, "plan item", item.c.plan_id == plan_id)
    children: dict[int, list[int]] = defaultdict(list)
    for iid, parent in conn.execute(
        select(item.c.id, item.c.parent_id).where(item.c.plan_id == plan_id)
    ):
        if parent is not None:
            children[parent].append(iid)
    found, todo = set(roots), list(roots)
    while todo:
        for child in children[todo.pop()]:
            if child not in found:
                found.add(child)
                todo.append(child)
    return sorted(found)


def activity_conditions(
    conn: Connection, filters: ActivityFilters, plan_id: int | None = None
) -> list[ColumnElement[bool]]:
    """WHERE clauses on ``activity`` for ``filters`` (shared with the matrix).

    With a plan, only the activities its government carries out or funds count
    (:func:`wpstrack.actors.plan_scope`): another government's release in the register is
    context, not the plan's implementation.
    """
    # Aliases keep the EXISTS subqueries correlated to ``activity`` only, even when the
    # outer query joins the link or participant tables itself.
    act = schema.activity
    link, part = schema.activity_link.alias("f_link"), schema.activity_participant.alias("f_part")
    where: list[ColumnElement[bool]] = [act.c.status.in_(filters.status), act.c.date.is_not(None)]
    if plan_id is not None:
        where.append(actors.plan_scope(conn, plan_id))
    if filters.type:
        where.append(act.c.type.in_(filters.type))
    if filters.country:
        where.append(act.c.country.in_(filters.country))
    if filters.pillar:
        known = set(conn.execute(select(schema.pillar.c.code)).scalars())
        if unknown := [p for p in filters.pillar if p not in known]:
            raise InvalidInput(
                f"unknown pillar {', '.join(map(repr, unknown))}; "
                f"pillars: {', '.join(sorted(known))}"
            )
        items = select(schema.plan_item.c.id).where(
            schema.plan_item.c.pillar_code.in_(filters.pillar)
        )
        where.append(
            exists().where(
                link.c.activity_id == act.c.id,
                or_(link.c.pillar_code.in_(filters.pillar), link.c.plan_item_id.in_(items)),
            )
        )
    if filters.plan_item:
        if plan_id is None:
            raise InvalidInput("a plan_item filter needs a plan")
        ids = _item_ids_with_descendants(conn, plan_id, filters.plan_item)
        where.append(exists().where(link.c.activity_id == act.c.id, link.c.plan_item_id.in_(ids)))
    if filters.organisation:
        ids = _codes_to_ids(conn, schema.organisation, filters.organisation, "organisation")
        where.append(
            exists().where(part.c.activity_id == act.c.id, part.c.organisation_id.in_(ids))
        )
    return where


def _year_month() -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    date = schema.activity.c.date
    return func.extract("year", date).label("y"), func.extract("month", date).label("m")


def _grouped(stmt: Select[Any]) -> Select[Any]:
    return stmt.group_by("y", "m").order_by("y", "m")


def _count_activities(conn: Connection, where: list[Any], kind: str) -> dict[str, Computed]:
    y, m = _year_month()
    stmt = _grouped(select(y, m, func.count(schema.activity.c.id)).where(*where))
    totals: dict[str, int] = defaultdict(int)
    for year, month, n in conn.execute(stmt):
        totals[period_label(int(year), int(month), kind)] += n
    return {p: Computed(p, float(n)) for p, n in totals.items()}


def _share_women_named(conn: Connection, where: list[Any], kind: str) -> dict[str, Computed]:
    """Women among the people named as principals or participants (as the dashboard counts:
    someone only mentioned did not take part, and an unstated gender is not a woman)."""
    act, part = schema.activity, schema.activity_participant
    y, m = _year_month()
    stmt = _grouped(
        select(y, m, func.count(part.c.id), func.sum(case((part.c.gender == "f", 1), else_=0)))
        .select_from(act.join(part, part.c.activity_id == act.c.id))
        .where(*where, part.c.role.in_(PEOPLE_ROLES), part.c.name.is_not(None))
    )
    named: dict[str, int] = defaultdict(int)
    women: dict[str, int] = defaultdict(int)
    for year, month, n, f in conn.execute(stmt):
        period = period_label(int(year), int(month), kind)
        named[period] += n
        women[period] += int(f or 0)
    return {
        p: Computed(
            p, round(100.0 * women[p] / n, 4), f"{women[p]} women of {n} named participants"
        )
        for p, n in named.items()
        if n
    }


def _distinct_un_entities(conn: Connection, where: list[Any], kind: str) -> dict[str, Computed]:
    act, part, org = schema.activity, schema.activity_participant, schema.organisation
    y, m = _year_month()
    stmt = (
        select(y, m, part.c.organisation_id)
        .distinct()
        .select_from(
            act.join(part, part.c.activity_id == act.c.id).join(
                org, org.c.id == part.c.organisation_id
            )
        )
        .where(*where, org.c.type.startswith(UN_TYPE_PREFIX))
    )
    entities: dict[str, set[int]] = defaultdict(set)
    for year, month, oid in conn.execute(stmt):
        entities[period_label(int(year), int(month), kind)].add(oid)
    return {p: Computed(p, float(len(ids))) for p, ids in entities.items()}


def _funding_sum(conn: Connection, formula: Formula) -> dict[str, Computed]:
    from wpstrack.funding import ContributionFilter, summarise

    ff = formula.funding_filters()
    filters = ContributionFilter(
        recipient=ff.recipient,
        donor=ff.donor,
        pillar=ff.pillar,
        gender_marker_at_least=ff.gender_marker_at_least,
        transaction_type=ff.transaction_type,
    )
    summary = summarise(conn, "year", currency=formula.currency, filters=filters)
    out: dict[str, Computed] = {}
    for group in summary.groups:
        year = int(group.key or 0)
        period = f"FY{year}" if formula.period == "fiscal_year" else str(year)
        amount = group.commitment if ff.transaction_type == "commitment" else group.disbursement
        note = f"{group.contributions} contributions in {summary.currency}"
        out[period] = Computed(period, float(amount), note)
    return out


def compute(conn: Connection, formula: Formula, plan_id: int | None = None) -> list[Computed]:
    """The formula's value for every period that has data, in period order."""
    if formula.measure == "funding_sum":
        values = _funding_sum(conn, formula)
    else:
        where = activity_conditions(conn, formula.activity_filters(), plan_id)
        measure = {
            "count_activities": _count_activities,
            "share_women_named": _share_women_named,
            "distinct_un_entities": _distinct_un_entities,
        }[formula.measure]
        values = measure(conn, where, formula.period)
    return [values[p] for p in sorted(values)]


def _plan_periods(conn: Connection, plan_id: int, kind: str) -> list[str]:
    plan = schema.plan
    start, end = conn.execute(
        select(plan.c.period_start, plan.c.period_end).where(plan.c.id == plan_id)
    ).one()
    if start is None or end is None:
        return []
    return [f"FY{y}" if kind == "fiscal_year" else str(y) for y in range(start, end + 1)]


def refresh_indicator(conn: Connection, row: Any, actor: str | None = None) -> int:
    """Recompute one computed indicator row and replace its stored values; returns how many.

    One audit event per indicator holds the series before and after: the values are derived,
    but a refresh that changes a reported figure must still say who ran it and when.
    """
    formula = parse_formula(row.formula, f"indicator {row.code}")
    computed = {c.period: c for c in compute(conn, formula, row.plan_id)}
    if formula.measure in ("count_activities", "distinct_un_entities"):
        # A year of the plan with nothing counted is a zero, not a gap.
        for period in _plan_periods(conn, row.plan_id, formula.period):
            computed.setdefault(period, Computed(period, 0.0))
    val = schema.indicator_value
    series = select(val.c.period, val.c.sex, val.c.value).where(val.c.indicator_id == row.id)
    before = {"values": [list(r) for r in conn.execute(series.order_by(val.c.period))]}
    conn.execute(delete(val).where(val.c.indicator_id == row.id))
    at = now()
    rows = [
        {
            "indicator_id": row.id,
            "period": c.period,
            "value": c.value,
            "sex": "total",
            "source": COMPUTED_SOURCE,
            "note": c.note,
            "recorded_by": None,
            "recorded_at": at,
        }
        for c in sorted(computed.values(), key=lambda c: c.period)
    ]
    if rows:
        conn.execute(insert(val), rows)
    after = {"values": [[r["period"], r["sex"], r["value"]] for r in rows]}
    if after != before:
        audit.record(conn, actor, "refresh", val.name, f"indicator:{row.id}", before, after)
    return len(rows)


def refresh(
    conn: Connection, plan_code: str | None = None, actor: str | None = None
) -> list[dict[str, Any]]:
    """Rebuild every computed indicator (of one plan, or of all plans).

    Returns one line per indicator: plan, code and the number of periods stored.
    """
    ind, plan = schema.indicator, schema.plan
    stmt = (
        select(ind, plan.c.code.label("plan_code"))
        .join(plan, plan.c.id == ind.c.plan_id)
        .where(ind.c.method == "computed")
        .order_by(plan.c.code, ind.c.sort_order, ind.c.id)
    )
    if plan_code is not None:
        from wpstrack.plans.store import plan_id

        stmt = stmt.where(ind.c.plan_id == plan_id(conn, plan_code))
    done = []
    for row in conn.execute(stmt).all():
        if row.formula is None:
            done.append(
                {"plan": row.plan_code, "code": row.code, "periods": 0, "note": "no formula"}
            )
            continue
        periods = refresh_indicator(conn, row, actor)
        done.append({"plan": row.plan_code, "code": row.code, "periods": periods, "note": None})
    return done
