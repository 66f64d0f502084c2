"""Plans in the database: read a plan back as a :class:`Plan`, write one in place.

Writing updates rows matched by their codes instead of deleting the plan and inserting it
again, so that what hangs off a plan (recorded indicator values, activities linked to a
measure) survives a revised plan. Every reference to the database (pillars, organisations)
is checked before the first write.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, func, insert, select

from wpstrack import audit, reference, schema
from wpstrack.errors import Conflict, InvalidInput, NotFound
from wpstrack.plans.diff import PlanDiff, plan_diff
from wpstrack.plans.model import Indicator, Item, Plan, Target

T = schema
ORG_LINK_COLUMNS = ("plan_item_id", "organisation_id")
TARGET_COLUMNS = ("indicator_id", "period", "value", "note")


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


def fictional_codes(conn: Connection) -> set[str]:
    """The codes of the plans marked fictional (invented governments, as the demo's
    example): the pages that show their figures say so."""
    p = T.plan
    return set(conn.execute(select(p.c.code).where(p.c.fictional.is_(True))).scalars())


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
    plan.fictional = bool(plan.fictional)
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
            min_value=r.min_value,
            max_value=r.max_value,
            parts_sum_to_total=bool(r.parts_sum_to_total),
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


def save_plan(
    conn: Connection,
    plan: Plan,
    *,
    replace: bool = False,
    force: bool = False,
    actor: str | None = None,
) -> str:
    """Store ``plan``: "inserted", "updated" (only with ``replace``) or "unchanged".

    Everything is checked before the first write, so a refused plan leaves the database as
    it was. A replacement that would remove items with activity links or contributions, or
    indicators with recorded values, is refused unless ``force``; every row written is in
    the audit log under ``actor``.
    """
    diff = plan_changes(conn, plan)
    if not diff.changed:
        return "unchanged"
    if diff.exists and not replace:
        raise Conflict(
            f"plan {plan.code!r} already exists and differs from this file; "
            "import with --replace to update it"
        )
    if diff.losses and not force:
        raise Conflict(
            f"replacing plan {plan.code!r} would delete user data: "
            + "; ".join(diff.losses)
            + ". Keep those codes in the file, or give --force to delete them"
        )
    existing = conn.execute(select(T.plan.c.id).where(T.plan.c.code == plan.code)).scalar()
    _write(conn, plan, existing, diff.org_ids, actor)
    return "inserted" if existing is None else "updated"


def plan_changes(conn: Connection, plan: Plan) -> PlanDiff:
    """What storing ``plan`` would change (its references checked and resolved first)."""
    org_ids = resolve_references(conn, plan)
    exists = conn.execute(select(T.plan.c.id).where(T.plan.c.code == plan.code)).scalar()
    diff = plan_diff(conn, read_plan(conn, plan.code) if exists is not None else None, plan)
    diff.org_ids = org_ids
    return diff


def _plan_row(plan: Plan) -> dict[str, Any]:
    keys = ("code", "country", "title", "edition", "adopted_on", "period_start", "period_end")
    extra = ("period_note", "source", "period_type", "fiscal_year_start", "fictional")
    return {k: getattr(plan, k) for k in (*keys, *extra)}


def _write(
    conn: Connection,
    plan: Plan,
    pid: int | None,
    org_ids: dict[str, int],
    actor: str | None,
) -> None:
    if pid is None:
        pid = int(audit.insert(conn, actor, T.plan, _plan_row(plan), action="import")["id"])
    else:
        audit.update(conn, actor, T.plan, pid, _plan_row(plan), action="import")
    item_ids = _write_items(conn, plan, pid, actor)
    links = [
        {"plan_item_id": item_ids[item.code], "organisation_id": org_ids[code]}
        for item, _, _ in plan.walk()
        for code in item.organisations
    ]
    pio = T.plan_item_organisation
    before = _rows(conn, pio, pio.c.plan_item_id.in_(list(item_ids.values())))
    conn.execute(delete(pio).where(pio.c.plan_item_id.in_(list(item_ids.values()))))
    if links:
        conn.execute(insert(pio), links)
    _record_set(conn, actor, pio, plan.code, before, links, ORG_LINK_COLUMNS)
    _write_indicators(conn, plan, pid, item_ids, actor)


def _rows(conn: Connection, table: Any, *where: Any) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(select(table).where(*where)).mappings()]


def _record_set(
    conn: Connection,
    actor: str | None,
    table: Any,
    plan_code: str,
    before: list[dict[str, Any]],
    after: list[dict[str, Any]],
    columns: tuple[str, ...],
) -> None:
    """One audit event for a set of rows rewritten as a whole, when it changed."""

    def key(rows: list[dict[str, Any]]) -> list[list[Any]]:
        return sorted([[r.get(c) for c in columns] for r in rows], key=repr)

    if key(before) != key(after):
        old, new = {"rows": key(before)}, {"rows": key(after)}
        audit.record(conn, actor, "import", table.name, f"plan:{plan_code}", old, new)


def _upsert(
    conn: Connection,
    actor: str | None,
    table: Any,
    stored: dict[str, dict[str, Any]],
    ids: dict[str, int],
    code: str,
    row: dict,
) -> None:
    """Update the row with ``code`` if the plan has it and it differs, else insert it and
    note its id; each write is audited."""
    if code not in ids:
        values = {**row, "code": code}
        ids[code] = int(audit.insert(conn, actor, table, values, action="import")["id"])
    elif any(stored[code].get(k) != v for k, v in row.items()):
        audit.update(conn, actor, table, ids[code], row, action="import")


def _delete_stale(conn: Connection, actor: str | None, table: Any, ids: list[int]) -> None:
    """Delete rows the new plan no longer has, logging them and what the cascade takes."""
    if not ids:
        return
    dependants = {
        "plan_item": [(T.activity_link, T.activity_link.c.plan_item_id)],
        "indicator": [(T.indicator_value, T.indicator_value.c.indicator_id)],
    }[table.name]
    for dep, column in dependants:
        for row in _rows(conn, dep, column.in_(ids)):
            audit.record(conn, actor, "delete", dep.name, row["id"], row, None)
    if table.name == "plan_item":
        funded = T.contribution
        for row in _rows(conn, funded, funded.c.plan_item_id.in_(ids)):
            after = {**row, "plan_item_id": None}
            audit.record(conn, actor, "unlink", funded.name, row["id"], row, after)
    for row in _rows(conn, table, table.c.id.in_(ids)):
        audit.record(conn, actor, "delete", table.name, row["id"], row, None)
    conn.execute(delete(table).where(table.c.id.in_(ids)))


def _write_items(conn: Connection, plan: Plan, pid: int, actor: str | None) -> dict[str, int]:
    t = T.plan_item
    stored = {r["code"]: r for r in _rows(conn, t, t.c.plan_id == pid)}
    ids = {code: int(r["id"]) for code, r in stored.items()}
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
        _upsert(conn, actor, t, stored, ids, item.code, row)
        stale.discard(item.code)
    _delete_stale(conn, actor, t, [ids.pop(code) for code in stale])
    return ids


def _write_indicators(
    conn: Connection, plan: Plan, pid: int, item_ids: dict[str, int], actor: str | None
) -> None:
    t = T.indicator
    stored = {r["code"]: r for r in _rows(conn, t, t.c.plan_id == pid)}
    ids = {code: int(r["id"]) for code, r in stored.items()}
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
            "min_value": ind.min_value,
            "max_value": ind.max_value,
            "parts_sum_to_total": ind.parts_sum_to_total,
            "description": ind.description,
            "formula": ind.formula,
            "sort_order": position,
        }
        _upsert(conn, actor, t, stored, ids, ind.code, row)
        stale.discard(ind.code)
    _delete_stale(conn, actor, t, [ids.pop(code) for code in stale])
    tgt = T.indicator_target
    before = _rows(conn, tgt, tgt.c.indicator_id.in_(list(ids.values()))) if ids else []
    if ids:
        conn.execute(delete(tgt).where(tgt.c.indicator_id.in_(list(ids.values()))))
    targets = [
        {"indicator_id": ids[ind.code], "period": x.period, "value": x.value, "note": x.note}
        for ind in plan.indicators
        for x in ind.targets
    ]
    if targets:
        conn.execute(insert(tgt), targets)
    _record_set(conn, actor, tgt, plan.code, before, targets, TARGET_COLUMNS)
