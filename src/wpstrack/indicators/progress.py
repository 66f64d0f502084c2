"""Progress of indicators against baseline and target, and their time series.

Progress is the share of the way from the baseline to the period's target, in percent,
whatever the direction: an indicator meant to fall from 40 to 20 that reads 30 is 50 % of the
way. ``maintain`` indicators are at 100 % while they hold the target (or the baseline when no
target is set). Values above 100 or below 0 are kept: overshooting and going backwards are
both facts the desk needs to see.

Computed values are marked ``stale`` when the register or the funding changed after their
last refresh (or they were never refreshed), so a reader knows to refresh before quoting.

The overview (one line per indicator) and the series (one indicator) are the plain dicts
the pages, the JSON API, the dashboard and the annual report all read.
"""

from __future__ import annotations

from datetime import UTC, date
from typing import Any

from sqlalchemy import Connection, func, or_, select

from wpstrack import schema
from wpstrack.errors import InvalidInput
from wpstrack.indicators.compute import COMPUTED_SOURCE
from wpstrack.indicators.values import indicator_row
from wpstrack.plans.store import plan_id


def target_for(targets: dict[str, float], period: str) -> float | None:
    """The target that applies to ``period``: its own, else the next one set, else the last."""
    if period in targets:
        return targets[period]
    later = sorted(p for p in targets if p > period)
    if later:
        return targets[later[0]]
    return targets[max(targets)] if targets else None


def progress(
    value: float | None, baseline: float | None, target: float | None, direction: str
) -> float | None:
    """Percent of the way from baseline to target (None when it cannot be said)."""
    if value is None:
        return None
    if direction == "maintain":
        level = target if target is not None else baseline
        if level is None:
            return None
        if level == 0:
            return 100.0 if value >= 0 else None
        return 100.0 if value >= level else round(100.0 * value / level, 1)
    if target is None:
        return None
    if baseline is None:
        if direction == "decrease":
            return None
        baseline = 0.0
    if target == baseline:
        achieved = value >= target if direction == "increase" else value <= target
        return 100.0 if achieved else 0.0
    return round(100.0 * (value - baseline) / (target - baseline), 1)


def _targets(conn: Connection, ids: list[int]) -> dict[int, dict[str, float]]:
    tgt = schema.indicator_target
    out: dict[int, dict[str, float]] = {}
    for t in conn.execute(select(tgt).where(tgt.c.indicator_id.in_(ids)).order_by(tgt.c.period)):
        out.setdefault(t.indicator_id, {})[t.period] = t.value
    return out


def _totals(conn: Connection, ids: list[int]) -> dict[int, list[Any]]:
    val = schema.indicator_value
    out: dict[int, list[Any]] = {}
    stmt = (
        select(val)
        .where(val.c.indicator_id.in_(ids), val.c.sex == "total")
        .order_by(val.c.indicator_id, val.c.period)
    )
    for v in conn.execute(stmt):
        out.setdefault(v.indicator_id, []).append(v)
    return out


def _refreshed(conn: Connection, ids: list[int]) -> dict[int, Any]:
    val = schema.indicator_value
    stmt = (
        select(val.c.indicator_id, func.max(val.c.recorded_at))
        .where(val.c.indicator_id.in_(ids), val.c.source == COMPUTED_SOURCE)
        .group_by(val.c.indicator_id)
    )
    return dict(conn.execute(stmt).all())


def _utc(value: Any) -> Any:
    """Instants compared as naive UTC (SQLite hands them back without a zone)."""
    if value is not None and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def register_changed_at(conn: Connection) -> Any:
    """When the register or the funding last changed: computed values older are stale."""
    act, con = schema.activity, schema.contribution
    times = [
        conn.execute(select(func.max(act.c.updated_at))).scalar(),
        conn.execute(select(func.max(con.c.created_at))).scalar(),
    ]
    known = [_utc(t) for t in times if t is not None]
    return max(known) if known else None


def is_stale(row: Any, refreshed_at: Any, changed_at: Any) -> bool:
    """A computed indicator never refreshed, or refreshed before the last change."""
    if row.method != "computed" or row.formula is None:
        return False
    if refreshed_at is None:
        return True
    return changed_at is not None and _utc(refreshed_at) < changed_at


def _head(row: Any, plan_code: str) -> dict[str, Any]:
    return {
        "plan": plan_code,
        "code": row.code,
        "name": row.name,
        "unit": row.unit,
        "direction": row.direction,
        "method": row.method,
        "formula": row.formula,
        "baseline_value": row.baseline_value,
        "baseline_period": row.baseline_period,
    }


def _point(v: Any, row: Any, targets: dict[str, float]) -> dict[str, Any]:
    target = target_for(targets, v.period)
    return {
        "period": v.period,
        "value": v.value,
        "target": target,
        "progress": progress(v.value, row.baseline_value, target, row.direction),
        "note": v.note,
    }


def overview(conn: Connection, plan_code: str) -> list[dict[str, Any]]:
    """Every indicator of the plan with its latest value, progress and last refresh."""
    ind = schema.indicator
    pid = plan_id(conn, plan_code)
    rows = conn.execute(
        select(ind).where(ind.c.plan_id == pid).order_by(ind.c.sort_order, ind.c.id)
    ).all()
    ids = [r.id for r in rows]
    targets, totals, refreshed = _targets(conn, ids), _totals(conn, ids), _refreshed(conn, ids)
    changed_at = register_changed_at(conn)
    out = []
    for r in rows:
        values = totals.get(r.id, [])
        latest = _point(values[-1], r, targets.get(r.id, {})) if values else None
        out.append(
            {
                **_head(r, plan_code),
                "targets": targets.get(r.id, {}),
                "latest": latest,
                "progress": latest["progress"] if latest else None,
                "periods": len(values),
                "refreshed_at": refreshed.get(r.id),
                "stale": is_stale(r, refreshed.get(r.id), changed_at),
            }
        )
    return out


def series(
    conn: Connection, plan_code: str, indicator_code: str, *, approved_only: bool = False
) -> dict[str, Any]:
    """One indicator with every period's value (total and by sex), target and progress.

    ``approved_only`` keeps entered values that nobody has approved yet out (the annual
    report's figures); computed values count, being derived from reviewed records.
    """
    row = indicator_row(conn, plan_code, indicator_code)
    targets = _targets(conn, [row.id]).get(row.id, {})
    val = schema.indicator_value
    query = select(val).where(val.c.indicator_id == row.id)
    if approved_only:
        query = query.where(or_(val.c.status == "approved", val.c.source == COMPUTED_SOURCE))
    values = conn.execute(query.order_by(val.c.period, val.c.sex)).all()
    points = [_point(v, row, targets) for v in values if v.sex == "total"]
    refreshed_at = _refreshed(conn, [row.id]).get(row.id)
    by_sex = [
        {"period": v.period, "sex": v.sex, "value": v.value} for v in values if v.sex != "total"
    ]
    return {
        **_head(row, plan_code),
        "description": row.description,
        "targets": targets,
        "series": points,
        "by_sex": by_sex,
        "refreshed_at": refreshed_at,
        "stale": is_stale(row, refreshed_at, register_changed_at(conn)),
    }


def item_pillars(conn: Connection) -> dict[int, str | None]:
    """Each plan item's pillar: its own, else the nearest one above it."""
    item = schema.plan_item
    rows = {r.id: r for r in conn.execute(select(item.c.id, item.c.parent_id, item.c.pillar_code))}

    def pillar_of(item_id: int | None) -> str | None:
        seen = set()
        while item_id is not None and item_id not in seen:
            seen.add(item_id)
            row = rows[item_id]
            if row.pillar_code:
                return str(row.pillar_code)
            item_id = row.parent_id
        return None

    return {item_id: pillar_of(item_id) for item_id in rows}


def _begins(label: str, period_type: str, fiscal_year_start: int) -> date | None:
    """When the period of a value begins: read as the plan's period type, else as the type
    its label is written in (a computed indicator may count Japanese fiscal years, April to
    March, in a calendar-year plan: wpstrack.indicators.compute); None when nothing reads it,
    so one stored label cannot take the dashboard down."""
    from wpstrack.plans import periods

    for kind, month in ((period_type, fiscal_year_start), ("fiscal_year", 4), ("quarter", 1)):
        try:
            return periods.parse(label, kind, month).start
        except InvalidInput:
            continue
    return None


def approved_overview(
    conn: Connection,
    *,
    plan: str | None = None,
    pillar: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[dict[str, Any]]:
    """Each indicator (of ``plan``, under ``pillar``) with its latest approved value among
    the periods starting from ``start`` to ``end``, its target and progress.

    Approved (and computed) values only, for every reader: they are what the report counts;
    values waiting for approval are work in progress, not figures to publish. The dashboard
    reads this; a pillar is an indicator's item's own or the nearest one above it.
    """

    ind, pl, val, tgt = (
        schema.indicator,
        schema.plan,
        schema.indicator_value,
        schema.indicator_target,
    )
    stmt = (
        select(ind, pl.c.code.label("plan"), pl.c.period_type, pl.c.fiscal_year_start)
        .join(pl, pl.c.id == ind.c.plan_id)
        .order_by(pl.c.code, ind.c.sort_order, ind.c.id)
    )
    if plan is not None:
        stmt = stmt.where(pl.c.code == plan)
    pillars = item_pillars(conn)
    rows = [
        r for r in conn.execute(stmt) if pillar is None or pillars.get(r.plan_item_id) == pillar
    ]
    ids = [r.id for r in rows]
    targets: dict[int, dict[str, float]] = {}
    for t in conn.execute(select(tgt).where(tgt.c.indicator_id.in_(ids))):
        targets.setdefault(t.indicator_id, {})[t.period] = t.value
    values: dict[int, list[Any]] = {}
    approved = select(val).where(
        val.c.indicator_id.in_(ids),
        val.c.sex == "total",
        or_(val.c.status == "approved", val.c.source == COMPUTED_SOURCE),
    )
    for v in conn.execute(approved.order_by(val.c.period)):
        values.setdefault(v.indicator_id, []).append(v)
    out = []
    for r in rows:
        found = []
        for v in values.get(r.id, []):
            begins = _begins(v.period, r.period_type, r.fiscal_year_start or 1)
            if begins is None and (start is not None or end is not None):
                continue
            if begins is None or (
                (start is None or start <= begins) and (end is None or begins <= end)
            ):
                found.append(v)
        point = found[-1] if found else None
        target = target_for(targets.get(r.id, {}), point.period) if point else None
        out.append(
            {
                "plan": r.plan,
                "code": r.code,
                "name": r.name,
                "pillar": pillars.get(r.plan_item_id),
                "unit": r.unit,
                "baseline": r.baseline_value,
                "period": point.period if point else None,
                "value": point.value if point else None,
                "target": target,
                "progress": progress(
                    point.value if point else None, r.baseline_value, target, r.direction
                ),
            }
        )
    return out
