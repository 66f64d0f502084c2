"""Indicator values: what was measured for a plan's indicator in a period.

Entry works as monitors know it from DHIS2: a period's values are entered together (a form,
an API call or rows of a file), checked together, and stored only if every one passes, so a
rejected entry leaves the stored values as they were. The checks are the plan's declared
rules, not guesses:

- the period is one of the plan's period type (``2024``, ``FY2024`` or ``2024-Q1``);
- a value lies in the indicator's declared range (percentages 0–100 and counts ≥ 0 unless
  the plan says otherwise);
- the parts of a value disaggregated by sex never exceed its total, and add up to it where
  the indicator says they must.

A value is keyed by indicator, period and sex ("total" when not disaggregated). Entering it
again is a correction: the earlier version is kept in ``indicator_value_revision`` with who
entered it, when and from which source, and the value goes back to "entered" until someone
approves it again. Reports count approved values only. Values of ``computed`` indicators are
produced by wpstrack itself and cannot be entered by hand.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select

from wpstrack import audit, schema
from wpstrack.db import now
from wpstrack.errors import InvalidInput, NotFound
from wpstrack.plans import periods
from wpstrack.plans.store import plan_id

SEXES = ("total", "f", "m")
PARTS = ("f", "m")

# Relative tolerance when parts must add up to their total (values typed from reports are
# often rounded to one decimal).
_SUM_TOLERANCE = 1e-6


@dataclass
class ValueIn:
    """One measurement to record."""

    period: str
    value: float
    sex: str = "total"
    source: str | None = None
    note: str | None = None


@dataclass
class EntryIn:
    """One measurement of a period's entry: which indicator, which part, what value."""

    indicator: str
    value: float
    sex: str = "total"
    source: str | None = None
    note: str | None = None


class EntryRejected(InvalidInput):
    """A period's entry broke one or more rules; ``problems`` lists every one of them."""

    def __init__(self, problems: list[str]) -> None:
        head = f"{len(problems)} problem{'s' * (len(problems) != 1)}; nothing was stored"
        super().__init__(head + ":\n- " + "\n- ".join(problems), problems=problems)


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


def plan_period(conn: Connection, plan_code: str, period: str) -> periods.Period:
    """``period`` read as a period of the plan; InvalidInput names the plan's period type."""
    p = schema.plan
    row = conn.execute(
        select(p.c.period_type, p.c.fiscal_year_start).where(p.c.code == plan_code)
    ).first()
    if row is None:
        plan_id(conn, plan_code)  # raises NotFound with the known codes
        raise AssertionError("unreachable")
    try:
        return periods.parse(period, row.period_type, row.fiscal_year_start or 1)
    except InvalidInput as exc:
        raise InvalidInput(f"plan {plan_code}: {exc.message}") from None


def value_range(row: Any) -> tuple[float | None, float | None]:
    """The values an indicator accepts: its declared range, else what its unit implies."""
    low, high = row.min_value, row.max_value
    unit = (row.unit or "").strip().lower()
    if unit in ("percent", "%", "percentage", "share"):
        low = 0.0 if low is None else low
        high = 100.0 if high is None else high
    elif unit in ("count", "number", "people", "persons") and low is None:
        low = 0.0
    return low, high


def _entry_problems(row: Any, entry: EntryIn) -> list[str]:
    where = f"{row.code} ({entry.sex})"
    if row.method == "computed":
        return [f"{row.code}: computed by wpstrack from the register; it takes no entries"]
    problems = []
    if entry.sex not in SEXES:
        problems.append(f"{where}: sex {entry.sex!r} is not one of {', '.join(SEXES)}")
    elif entry.sex != "total" and "sex" not in (row.disaggregation or ""):
        problems.append(f"{row.code}: not disaggregated by sex; enter the total only")
    if not isinstance(entry.value, int | float) or not math.isfinite(entry.value):
        problems.append(f"{where}: {entry.value!r} is not a finite number")
        return problems
    low, high = value_range(row)
    if low is not None and entry.value < low:
        problems.append(f"{where}: {entry.value:g} is below the lowest allowed value {low:g}")
    if high is not None and entry.value > high:
        problems.append(f"{where}: {entry.value:g} is above the highest allowed value {high:g}")
    return problems


def _parts_problems(row: Any, values: dict[str, float]) -> list[str]:
    """The total/parts rules over one indicator's values for one period (stored + new)."""
    total = values.get("total")
    parts = {sex: values[sex] for sex in PARTS if sex in values}
    if total is None or not parts:
        return []
    problems = []
    for sex, part in parts.items():
        if part > total:
            problems.append(f"{row.code}: the {sex} value {part:g} exceeds the total {total:g}")
    added = sum(parts.values())
    if len(parts) == len(PARTS) and added > total * (1 + _SUM_TOLERANCE):
        problems.append(f"{row.code}: f + m = {added:g} exceeds the total {total:g}")
    elif (
        row.parts_sum_to_total
        and len(parts) == len(PARTS)
        and abs(added - total) > max(abs(total), 1.0) * _SUM_TOLERANCE
    ):
        problems.append(f"{row.code}: f + m = {added:g} must equal the total {total:g}")
    return problems


@dataclass
class PeriodPlan:
    """What entering ``entries`` for a period would do, worked out before any write.

    ``actions[i]`` is "insert", "update" or "unchanged" for ``entries[i]``; ``problems``
    pairs each problem with the indices of the entries it concerns (all of an indicator's
    entries for a rule over its parts), so an importer can name the rows.
    """

    period: periods.Period
    entries: list[EntryIn]
    rows: dict[str, Any]
    stored: dict[tuple[int, str], Any]
    actions: list[str]
    problems: list[tuple[list[int], str]]


def plan_entry(conn: Connection, plan_code: str, period: str, entries: list[EntryIn]) -> PeriodPlan:
    """Check a period's entries against the plan's rules and the values stored already."""
    the_period = plan_period(conn, plan_code, period)
    ind, val = schema.indicator, schema.indicator_value
    pid = plan_id(conn, plan_code)
    rows = {r.code: r for r in conn.execute(select(ind).where(ind.c.plan_id == pid))}
    problems: list[tuple[list[int], str]] = []
    seen: set[tuple[str, str]] = set()
    for i, entry in enumerate(entries):
        if entry.indicator not in rows:
            known = ", ".join(sorted(rows)) or "none"
            problems.append(
                ([i], f"plan {plan_code} has no indicator {entry.indicator!r} ({known})")
            )
            continue
        if (entry.indicator, entry.sex) in seen:
            problems.append(([i], f"{entry.indicator} ({entry.sex}): entered twice for the period"))
        seen.add((entry.indicator, entry.sex))
        problems.extend(([i], p) for p in _entry_problems(rows[entry.indicator], entry))
    stored: dict[tuple[int, str], Any] = {}
    ids = [r.id for r in rows.values()]
    if ids:
        for v in conn.execute(
            select(val).where(val.c.indicator_id.in_(ids), val.c.period == the_period.label)
        ):
            stored[(v.indicator_id, v.sex)] = v
    # The parts rules, over what the period would hold (stored values and these entries).
    for code in sorted({e.indicator for e in entries if e.indicator in rows}):
        row = rows[code]
        values = {sex: v.value for (iid, sex), v in stored.items() if iid == row.id}
        values.update({e.sex: e.value for e in entries if e.indicator == code})
        if all(isinstance(v, int | float) and math.isfinite(v) for v in values.values()):
            concerned = [i for i, e in enumerate(entries) if e.indicator == code]
            problems.extend((concerned, p) for p in _parts_problems(row, values))
    actions = []
    for entry in entries:
        indicator = rows.get(entry.indicator)
        existing = stored.get((indicator.id, entry.sex)) if indicator is not None else None
        if existing is None:
            actions.append("insert")
        elif (existing.value, existing.source, existing.note) == (
            entry.value,
            entry.source,
            entry.note,
        ):
            actions.append("unchanged")
        else:
            actions.append("update")
    return PeriodPlan(the_period, entries, rows, stored, actions, problems)


def write_entry(conn: Connection, plan: PeriodPlan, *, actor: str | None) -> dict[str, int]:
    """Store a checked period plan (it must have no problems); counts per outcome."""
    assert not plan.problems, "write_entry needs a plan without problems"
    val = schema.indicator_value
    outcome = {"inserted": 0, "updated": 0, "unchanged": 0}
    at = now()
    for entry, action in zip(plan.entries, plan.actions, strict=True):
        row = plan.rows[entry.indicator]
        fields = {
            "value": float(entry.value),
            "source": entry.source,
            "note": entry.note,
            "recorded_by": actor,
            "recorded_at": at,
            "status": "entered",
            "approved_by": None,
            "approved_at": None,
        }
        if action == "insert":
            key = {"indicator_id": row.id, "period": plan.period.label, "sex": entry.sex}
            audit.insert(conn, actor, val, {**fields, **key})
            outcome["inserted"] += 1
        elif action == "update":
            existing = plan.stored[(row.id, entry.sex)]
            _keep_revision(conn, existing, actor, at)
            audit.update(conn, actor, val, existing.id, fields)
            outcome["updated"] += 1
        else:
            outcome["unchanged"] += 1
    return outcome


def record_period(
    conn: Connection,
    plan_code: str,
    period: str,
    entries: list[EntryIn],
    *,
    actor: str | None,
) -> dict[str, int]:
    """Enter or correct a period's values, all or none (audited under ``actor``).

    Every entry is checked, together with the values already stored for the period, before
    anything is written; :class:`EntryRejected` lists every problem found. Returns how many
    values were inserted, updated (a correction, its earlier version kept) and unchanged.
    """
    plan = plan_entry(conn, plan_code, period, entries)
    if plan.problems:
        raise EntryRejected([problem for _, problem in plan.problems])
    return write_entry(conn, plan, actor=actor)


def _keep_revision(conn: Connection, existing: Any, actor: str | None, at: Any) -> None:
    conn.execute(
        schema.indicator_value_revision.insert().values(
            value_id=existing.id,
            value=existing.value,
            status=existing.status,
            source=existing.source,
            note=existing.note,
            recorded_by=existing.recorded_by,
            recorded_at=existing.recorded_at,
            replaced_by=actor,
            replaced_at=at,
        )
    )


def record_value(
    conn: Connection,
    plan_code: str,
    indicator_code: str,
    data: ValueIn,
    *,
    actor: str | None = None,
) -> str:
    """Enter or correct one value (audited under ``actor``): "inserted", "updated" or
    "unchanged". The same rules as :func:`record_period` apply."""
    indicator_row(conn, plan_code, indicator_code)  # NotFound names the plan's indicators
    entry = EntryIn(indicator_code, data.value, data.sex, data.source, data.note)
    outcome = record_period(conn, plan_code, data.period, [entry], actor=actor)
    return next(k for k, n in outcome.items() if n)


def approve_period(
    conn: Connection,
    plan_code: str,
    period: str,
    *,
    actor: str | None,
    indicators: list[str] | None = None,
) -> int:
    """Approve the period's entered values (of ``indicators``, default all); returns how
    many. Approved values are the ones reports count."""
    the_period = plan_period(conn, plan_code, period)
    ind, val = schema.indicator, schema.indicator_value
    query = (
        select(val.c.id)
        .join(ind, ind.c.id == val.c.indicator_id)
        .where(
            ind.c.plan_id == plan_id(conn, plan_code),
            val.c.period == the_period.label,
            val.c.status == "entered",
        )
    )
    if indicators:
        for code in indicators:
            indicator_row(conn, plan_code, code)
        query = query.where(ind.c.code.in_(indicators))
    ids = list(conn.execute(query).scalars())
    at = now()
    for value_id in ids:
        audit.update(
            conn,
            actor,
            val,
            value_id,
            {"status": "approved", "approved_by": actor, "approved_at": at},
        )
    return len(ids)


def history(conn: Connection, plan_code: str, indicator_code: str) -> list[dict[str, Any]]:
    """Every version of the indicator's values, newest first per period and sex: the
    current one (``current`` true) and the earlier ones it replaced."""
    row = indicator_row(conn, plan_code, indicator_code)
    val, rev = schema.indicator_value, schema.indicator_value_revision
    out: list[dict[str, Any]] = []
    current = conn.execute(
        select(val).where(val.c.indicator_id == row.id).order_by(val.c.period, val.c.sex)
    ).all()
    for v in current:
        out.append(
            {
                "period": v.period,
                "sex": v.sex,
                "value": v.value,
                "status": v.status,
                "source": v.source,
                "note": v.note,
                "recorded_by": v.recorded_by,
                "recorded_at": v.recorded_at,
                "approved_by": v.approved_by,
                "current": True,
            }
        )
        for r in conn.execute(
            select(rev)
            .where(rev.c.value_id == v.id)
            .order_by(rev.c.replaced_at.desc(), rev.c.id.desc())
        ):
            out.append(
                {
                    "period": v.period,
                    "sex": v.sex,
                    "value": r.value,
                    "status": r.status,
                    "source": r.source,
                    "note": r.note,
                    "recorded_by": r.recorded_by,
                    "recorded_at": r.recorded_at,
                    "approved_by": None,
                    "current": False,
                    "replaced_by": r.replaced_by,
                    "replaced_at": r.replaced_at,
                }
            )
    return out


def plan_periods(conn: Connection, plan_code: str) -> list[dict[str, Any]]:
    """The plan's periods (those it covers and any that hold values), each with how many
    values are entered and approved: what is left to enter or approve."""
    p, ind, val = schema.plan, schema.indicator, schema.indicator_value
    plan = conn.execute(select(p).where(p.c.id == plan_id(conn, plan_code))).one()
    covered = periods.plan_periods(
        plan.period_type, plan.period_start, plan.period_end, plan.fiscal_year_start or 1
    )
    counts: dict[str, dict[str, int]] = {}
    rows = conn.execute(
        select(val.c.period, val.c.status, func.count())
        .join(ind, ind.c.id == val.c.indicator_id)
        .where(ind.c.plan_id == plan.id)
        .group_by(val.c.period, val.c.status)
    )
    for period, status, n in rows:
        counts.setdefault(period, {})[status] = int(n)
    labels = [c.label for c in covered]
    labels += sorted(set(counts) - set(labels))
    return [
        {
            "period": label,
            "entered": counts.get(label, {}).get("entered", 0),
            "approved": counts.get(label, {}).get("approved", 0),
        }
        for label in labels
    ]


def entry_form(conn: Connection, plan_code: str, period: str) -> dict[str, Any]:
    """What a period's entry form shows: each manual indicator with its baseline, target,
    the parts it takes and the values stored so far (with their status)."""
    the_period = plan_period(conn, plan_code, period)
    ind, tgt, val = schema.indicator, schema.indicator_target, schema.indicator_value
    pid = plan_id(conn, plan_code)
    rows = conn.execute(
        select(ind).where(ind.c.plan_id == pid).order_by(ind.c.sort_order, ind.c.id)
    ).all()
    ids = [r.id for r in rows]
    targets = {
        t.indicator_id: t.value
        for t in conn.execute(
            select(tgt).where(tgt.c.indicator_id.in_(ids), tgt.c.period == the_period.label)
        )
    }
    stored: dict[int, dict[str, Any]] = {}
    for v in conn.execute(
        select(val).where(val.c.indicator_id.in_(ids), val.c.period == the_period.label)
    ):
        stored.setdefault(v.indicator_id, {})[v.sex] = v
    items = []
    for r in rows:
        sexes = ["total", *PARTS] if "sex" in (r.disaggregation or "") else ["total"]
        low, high = value_range(r)
        items.append(
            {
                "code": r.code,
                "name": r.name,
                "unit": r.unit,
                "method": r.method,
                "baseline_value": r.baseline_value,
                "baseline_period": r.baseline_period,
                "target": targets.get(r.id),
                "sexes": sexes,
                "min_value": low,
                "max_value": high,
                "parts_sum_to_total": bool(r.parts_sum_to_total),
                "values": {
                    sex: {
                        "value": v.value,
                        "status": v.status,
                        "source": v.source,
                        "note": v.note,
                        "recorded_by": v.recorded_by,
                    }
                    for sex, v in stored.get(r.id, {}).items()
                },
            }
        )
    return {"plan": plan_code, "period": the_period.label, "items": items}


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
                "status": v.status,
                "recorded_by": v.recorded_by,
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
