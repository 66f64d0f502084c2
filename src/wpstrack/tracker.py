"""The plan tracker: which activities of the register are linked to each item of a plan.

The plan page and ``/api/v1/plans/{code}`` show them under each measure (or objective, for
plans written only that far). Anonymous visitors see published activities only. A plan
tracks what its government carries out or funds (:func:`wpstrack.actors.plan_scope`);
another government's activity linked to a measure is "context", listed only when asked
for and marked as such.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel
from sqlalchemy import Connection, select

from wpstrack import actors, schema, visibility


class LinkedActivity(BaseModel):
    """An activity as listed under the plan item it is linked to."""

    id: int
    title: str | None
    type: str
    date: date | None
    status: str
    acting_country: str | None = None
    context: bool = False  # not the plan government's activity: shown only when asked


def activities_by_item(
    conn: Connection, plan_code: str, *, public_only: bool = True, context: bool = False
) -> dict[str, list[LinkedActivity]]:
    """Plan item code → the activities linked to it that the plan's government carries out
    or funds, newest first; with ``context``, the other linked activities too (marked)."""
    act, link, item, plan = schema.activity, schema.activity_link, schema.plan_item, schema.plan
    plan_id = conn.execute(select(plan.c.id).where(plan.c.code == plan_code)).scalar()
    if plan_id is None:
        return {}
    ours = actors.plan_scope(conn, plan_id)
    stmt = (
        select(item.c.code, act.c.id, act.c.title, act.c.type, act.c.date, act.c.status)
        .add_columns(act.c.acting_country, ours.label("ours"))
        .join(link, link.c.plan_item_id == item.c.id)
        .join(act, act.c.id == link.c.activity_id)
        .join(plan, plan.c.id == item.c.plan_id)
        .where(plan.c.code == plan_code, link.c.kind == "plan_item")
        .order_by(item.c.code, act.c.date.desc().nulls_last(), act.c.id.desc())
    )
    stmt = stmt.where(visibility.activities(public_only))
    if not context:
        stmt = stmt.where(ours)
    found: dict[str, list[LinkedActivity]] = {}
    for row in conn.execute(stmt).mappings():
        entries = found.setdefault(row["code"], [])
        if all(e.id != row["id"] for e in entries):
            values = {k: v for k, v in row.items() if k != "ours"}
            entries.append(LinkedActivity.model_validate(values | {"context": not row["ours"]}))
    return found
