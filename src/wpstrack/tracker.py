"""The plan tracker: which activities of the register are linked to each item of a plan.

The plan page and ``/api/v1/plans/{code}`` show them under each measure (or objective, for
plans written only that far). Anonymous visitors see published activities only.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel
from sqlalchemy import Connection, select

from wpstrack import schema, visibility


class LinkedActivity(BaseModel):
    """An activity as listed under the plan item it is linked to."""

    id: int
    title: str | None
    type: str
    date: date | None
    status: str


def activities_by_item(
    conn: Connection, plan_code: str, *, public_only: bool = True
) -> dict[str, list[LinkedActivity]]:
    """Plan item code → the activities linked to it, newest first."""
    act, link, item, plan = schema.activity, schema.activity_link, schema.plan_item, schema.plan
    stmt = (
        select(item.c.code, act.c.id, act.c.title, act.c.type, act.c.date, act.c.status)
        .join(link, link.c.plan_item_id == item.c.id)
        .join(act, act.c.id == link.c.activity_id)
        .join(plan, plan.c.id == item.c.plan_id)
        .where(plan.c.code == plan_code, link.c.kind == "plan_item")
        .order_by(item.c.code, act.c.date.desc().nulls_last(), act.c.id.desc())
    )
    stmt = stmt.where(visibility.activities(public_only))
    found: dict[str, list[LinkedActivity]] = {}
    for row in conn.execute(stmt).mappings():
        entries = found.setdefault(row["code"], [])
        if all(e.id != row["id"] for e in entries):
            entries.append(LinkedActivity.model_validate({**row}))
    return found
