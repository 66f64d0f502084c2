"""Plans in the database: read a plan back as a :class:`Plan`, write one in place.

Writing updates rows matched by their codes instead of deleting the plan and inserting it
again, so that what hangs off a plan (recorded indicator values, activities linked to a
measure) survives a revised plan. Every reference to the database (pillars, organisations)
is checked before the first write.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from wpstrack import reference, schema
from wpstrack.errors import Conflict, InvalidInput, NotFound
from wpstrack.plans.model import Indicator, Item, Plan, Target

T = schema


def plan_summaries(conn: Connection) -> list[dict[str, Any]]:
    """One dict per plan with its counts of items and indicators, by country and edition."""
    items = (
        select(func.count())
        .select_from(T.plan_item)
        .where(T.plan_item.c.plan_id == T.plan.c.id)
        .scalar_subquery()
    )
    indicators = (
        select(func.count())
        .select_from(T.indicator)
        .where(T.indicator.c.plan_id == T.plan.c.id)
        .scalar_subquery()
    )
    query = select(T.plan, items.label("items"), indicators.label("indicators")).order_by(
        T.plan.c.country, T.plan.c.edition, T.plan.c.code
    )
    return [dict(row._mapping) for row in conn.execute(query)]


def plan_id(conn: Connection, code: str) -> int:
    """The id of the plan with ``code``; NotFound names the plans that exist."""
    found = conn.execute(select(T.plan.c.id).where(T.plan.c.code == code)).scalar()
    if found is None:
        known = conn.execute(select(T.plan.c.code).order_by(T.plan.c.code)).scalars().all()
        raise NotFound(f"no plan with code {code!r} (known: {', '.join(known) or 'none'})")
    return int(found)


def read_plan(conn: Connection, code: str) -> Plan:
    """The plan with ``code`` as it is stored, tree and indicators included."""
    pid = plan_id(conn, code)
    row = conn.execute(select(T.plan).where(T.plan.c.id == pid)).one()._mapping
    plan = Plan(**{k: row[k] for k in Plan.__dataclass_fields__ if k in row})
    item_rows = conn.execute(
        select(T.plan_item)
        .where(T.plan_item.c.plan_id == pid)
        .order_by(T.plan_item.c.sort_order, T.plan_item.c.id)
    ).all()
    orgs: dict[int, list[str]] = {}
    for item_id, org_code in conn.execute(
        select(T.plan_item_organisation.c.plan_item_id, T.organisation.c.code)
        .join(T.organisation)
        .join(T.plan_item)
        .where(T.plan_item.c.plan_id == pid)
        .order_by(T.organisation.c.code)
    ):
        orgs.setdefault(item_id, []).append(org_code)
    by_id = {
        r.id: Item(
            code=r.code,
            kind=r.kind,
            title=r.title,
            description=r.description,
            pillar=r.pillar_code,
            organisations=orgs.get(r.id, []),
        )
        for r in item_rows
    }
    for r in item_rows:
        (by_id[r.parent_id].children if r.parent_id else plan.items).append(by_id[r.id])
    plan.indicators = _read_indicators(conn, pid, {i: item.code for i, item in by_id.items()})
    return plan


def _read_indicators(conn: Connection, pid: int, item_codes: dict[int, str]) -> list[Indicator]:
    ind = T.indicator
    rows = conn.execute(
        select(ind).where(ind.c.plan_id == pid).order_by(ind.c.sort_order, ind.c.id)
    ).all()
    targets: dict[int, list[Target]] = {}
    tgt = T.indicator_target
    for t in conn.execute(select(tgt).join(ind).where(ind.c.plan_id == pid).order_by(tgt.c.id)):
        targets.setdefault(t.indicator_id, []).append(Target(t.period, t.value, t.note))
    return [
        Indicator(
            code=r.code,
            name=r.name,
            unit=r.unit,
            direction=r.direction,
            method=r.method,
            disaggregation=r.disaggregation,
            baseline_value=r.baseline_value,
            baseline_period=r.baseline_period,
            description=r.description,
            item=item_codes.get(r.plan_item_id) if r.plan_item_id else None,
            targets=targets.get(r.id, []),
            formula=r.formula,
        )
        for r in rows
    ]


def resolve_references(conn: Connection, plan: Plan) -> dict[str, int]:
    """Check pillars and organisations against the database; rewrite organisation names as
    their codes (sorted, so the stored plan has one canonical form). Returns code -> id."""
    pillars = set(conn.execute(select(T.pillar.c.code)).scalars())
    org_ids = {
        code: oid for code, oid in conn.execute(select(T.organisation.c.code, T.organisation.c.id))
    }
    for item, _, _ in plan.walk():
        if item.pillar is not None and item.pillar not in pillars:
            known = ", ".join(sorted(pillars)) or "none: run `wpstrack init` first"
            raise InvalidInput(
                f"item {item.code!r}: unknown pillar {item.pillar!r} (known: {known})", item.where
            )
        codes = []
        for name in item.organisations:
            code = name if name in org_ids else reference.resolve_organisation(name)
            if code is None or code not in org_ids:
                raise InvalidInput(
                    f"item {item.code!r}: unknown organisation {name!r} (give a code or an "
                    "alias from wpstrack/reference/organisations.yaml)",
                    item.where,
                )
            codes.append(code)
        item.organisations = sorted(set(codes))
    return org_ids


def save_plan(conn: Connection, plan: Plan, *, replace: bool = False) -> str:
    """Store ``plan``: "inserted", "updated" (only with ``replace``) or "unchanged".

    Everything is checked before the first write, so a refused plan leaves the database as
    it was.
    """
    org_ids = resolve_references(conn, plan)
    existing = conn.execute(select(T.plan.c.id).where(T.plan.c.code == plan.code)).scalar()
    if existing is not None:
        if read_plan(conn, plan.code) == plan:
            return "unchanged"
        if not replace:
            raise Conflict(
                f"plan {plan.code!r} already exists and differs from this file; "
                "import with --replace to update it"
            )
    _write(conn, plan, existing, org_ids)
    return "inserted" if existing is None else "updated"


def _plan_row(plan: Plan) -> dict[str, Any]:
    keys = ("code", "country", "title", "edition", "adopted_on", "period_start", "period_end")
    return {k: getattr(plan, k) for k in (*keys, "period_note", "source")}


def _write(conn: Connection, plan: Plan, pid: int | None, org_ids: dict[str, int]) -> None:
    if pid is None:
        pid = conn.execute(
            insert(T.plan).values(_plan_row(plan)).returning(T.plan.c.id)
        ).scalar_one()
    else:
        conn.execute(
            update(T.plan)
            .where(T.plan.c.id == pid)
            .values({**_plan_row(plan), "version": T.plan.c.version + 1})
        )
    item_ids = _write_items(conn, plan, pid)
    links = [
        {"plan_item_id": item_ids[item.code], "organisation_id": org_ids[code]}
        for item, _, _ in plan.walk()
        for code in item.organisations
    ]
    pio = T.plan_item_organisation
    conn.execute(delete(pio).where(pio.c.plan_item_id.in_(list(item_ids.values()))))
    if links:
        conn.execute(insert(pio), links)
    _write_indicators(conn, plan, pid, item_ids)


def _upsert(conn: Connection, table: Any, ids: dict[str, int], code: str, row: dict) -> None:
    """Update the row with ``code`` if the plan has it, else insert it and note its id."""
    if code in ids:
        conn.execute(update(table).where(table.c.id == ids[code]).values(row))
    else:
        ids[code] = conn.execute(
            insert(table).values({**row, "code": code}).returning(table.c.id)
        ).scalar_one()


def _write_items(conn: Connection, plan: Plan, pid: int) -> dict[str, int]:
    t = T.plan_item
    ids = dict(conn.execute(select(t.c.code, t.c.id).where(t.c.plan_id == pid)).all())
    stale = set(ids)
    for item, parent, position in plan.walk():  # parents first, so their ids exist
        row = {
            "plan_id": pid,
            "parent_id": ids[parent.code] if parent else None,
            "kind": item.kind,
            "title": item.title,
            "description": item.description,
            "pillar_code": item.pillar,
            "sort_order": position,
        }
        _upsert(conn, t, ids, item.code, row)
        stale.discard(item.code)
    if stale:
        conn.execute(delete(t).where(t.c.id.in_([ids.pop(code) for code in stale])))
    return ids


def _write_indicators(conn: Connection, plan: Plan, pid: int, item_ids: dict[str, int]) -> None:
    t = T.indicator
    ids = dict(conn.execute(select(t.c.code, t.c.id).where(t.c.plan_id == pid)).all())
    stale = set(ids)
    for position, ind in enumerate(plan.indicators):
        row = {
            "plan_id": pid,
            "plan_item_id": item_ids[ind.item] if ind.item else None,
            "name": ind.name,
            "unit": ind.unit,
            "direction": ind.direction,
            "method": ind.method,
            "disaggregation": ind.disaggregation,
            "baseline_value": ind.baseline_value,
            "baseline_period": ind.baseline_period,
            "description": ind.description,
            "formula": ind.formula,
            "sort_order": position,
        }
        _upsert(conn, t, ids, ind.code, row)
        stale.discard(ind.code)
    if stale:
        conn.execute(delete(t).where(t.c.id.in_([ids.pop(code) for code in stale])))
    tgt = T.indicator_target
    if ids:
        conn.execute(delete(tgt).where(tgt.c.indicator_id.in_(list(ids.values()))))
    targets = [
        {"indicator_id": ids[ind.code], "period": x.period, "value": x.value, "note": x.note}
        for ind in plan.indicators
        for x in ind.targets
    ]
    if targets:
        conn.execute(insert(tgt), targets)
