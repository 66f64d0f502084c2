"""Indicator values: what was measured for a plan's indicator in a period.

A value is keyed by indicator, period and sex ("total" when not disaggregated), so entering
the same period again corrects the earlier value instead of adding a second one. Values of
``computed`` indicators are produced by wpstrack itself and cannot be entered by hand.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from wpstrack import audit, schema
from wpstrack.db import now
from wpstrack.errors import InvalidInput, NotFound
from wpstrack.plans.store import plan_id

SEXES = ("total", "f", "m")


@dataclass
class ValueIn:
    """One measurement to record."""

    period: str
    value: float
    sex: str = "total"
    source: str | None = None
    note: str | None = None
    recorded_by: str | None = None


def indicator_row(conn: Connection, plan_code: str, indicator_code: str) -> Any:
    """The indicator ``indicator_code`` of plan ``plan_code``; NotFound lists the codes."""
    ind = schema.indicator
    pid = plan_id(conn, plan_code)
    row = conn.execute(
        select(ind).where(ind.c.plan_id == pid, ind.c.code == indicator_code)
    ).first()
    if row is None:
        codes = conn.execute(select(ind.c.code).where(ind.c.plan_id == pid).order_by(ind.c.code))
        known = ", ".join(codes.scalars()) or "none"
        raise NotFound(
            f"plan {plan_code!r} has no indicator {indicator_code!r} (its indicators: {known})"
        )
    return row


def _check(row: Any, data: ValueIn) -> None:
    if row.method == "computed":
        raise InvalidInput(f"indicator {row.code!r} is computed by wpstrack; it takes no entries")
    period = data.period.strip()
    if not period or len(period) > 20:
        raise InvalidInput(
            f"period {data.period!r} must be 1 to 20 characters, e.g. 2024 or FY2024"
        )
    if data.sex not in SEXES:
        raise InvalidInput(f"sex {data.sex!r} is not one of {', '.join(SEXES)}")
    if data.sex != "total" and "sex" not in (row.disaggregation or ""):
        raise InvalidInput(
            f"indicator {row.code!r} is not disaggregated by sex; record the total instead"
        )
    if not math.isfinite(data.value):
        raise InvalidInput(f"value {data.value!r} is not a finite number")


def record_value(
    conn: Connection,
    plan_code: str,
    indicator_code: str,
    data: ValueIn,
    *,
    actor: str | None = None,
) -> str:
    """Enter or correct a value (audited under ``actor``); returns "inserted" or "updated"."""
    row = indicator_row(conn, plan_code, indicator_code)
    _check(row, data)
    val = schema.indicator_value
    key = (val.c.indicator_id == row.id, val.c.period == data.period.strip(), val.c.sex == data.sex)
    fields = {
        "value": data.value,
        "source": data.source,
        "note": data.note,
        "recorded_by": data.recorded_by,
        "recorded_at": now(),
    }
    existing = conn.execute(select(val.c.id).where(*key)).scalar()
    if existing is not None:
        audit.update(conn, actor, val, existing, fields)
        return "updated"
    key_values = {"indicator_id": row.id, "period": data.period.strip(), "sex": data.sex}
    audit.insert(conn, actor, val, {**fields, **key_values})
    return "inserted"


def list_values(conn: Connection, plan_code: str) -> list[dict[str, Any]]:
    """Every indicator of the plan with its baseline, targets and recorded values.

    One dict per indicator, in plan order; ``values`` are sorted by period then sex, each
    with the target set for its period (if any) so that progress reads on one line.
    """
    ind, tgt, val = schema.indicator, schema.indicator_target, schema.indicator_value
    pid = plan_id(conn, plan_code)
    indicators = conn.execute(
        select(ind).where(ind.c.plan_id == pid).order_by(ind.c.sort_order, ind.c.id)
    ).all()
    ids = [r.id for r in indicators]
    targets: dict[int, dict[str, float]] = {}
    for t in conn.execute(select(tgt).where(tgt.c.indicator_id.in_(ids)).order_by(tgt.c.id)):
        targets.setdefault(t.indicator_id, {})[t.period] = t.value
    values: dict[int, list[dict[str, Any]]] = {}
    order = {sex: i for i, sex in enumerate(SEXES)}
    rows = conn.execute(select(val).where(val.c.indicator_id.in_(ids)).order_by(val.c.period))
    for v in sorted(rows, key=lambda v: (v.period, order.get(v.sex, 9))):
        values.setdefault(v.indicator_id, []).append(
            {
                "period": v.period,
                "sex": v.sex,
                "value": v.value,
                "target": targets.get(v.indicator_id, {}).get(v.period),
                "source": v.source,
                "note": v.note,
                "recorded_at": v.recorded_at,
            }
        )
    return [
        {
            "code": r.code,
            "name": r.name,
            "unit": r.unit,
            "direction": r.direction,
            "baseline_value": r.baseline_value,
            "baseline_period": r.baseline_period,
            "targets": targets.get(r.id, {}),
            "values": values.get(r.id, []),
        }
        for r in indicators
    ]
