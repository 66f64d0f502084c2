"""What replacing a stored plan with a file would change, and what it would destroy.

``plans import --replace`` prints this before writing anything (and writes only with
``--apply``), because a plan is what users hang their work on: a measure removed from the
plan takes its activity links with it (the foreign key cascades) and an indicator removed
takes its recorded values. :func:`plan_diff` names those losses so that
:func:`~wpstrack.plans.store.save_plan` can refuse them unless the caller forces it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Connection, func, select

from wpstrack import schema
from wpstrack.plans.model import PLAN_FIELDS as _ALL_PLAN_FIELDS
from wpstrack.plans.model import Plan

# The plan's own fields a replacement may change: all but its code, which names the plan.
PLAN_FIELDS = tuple(f for f in _ALL_PLAN_FIELDS if f != "code")


@dataclass(frozen=True)
class Change:
    """One row the import would add, change or remove."""

    action: str  # add | change | remove
    kind: str  # plan | item | indicator
    code: str
    fields: tuple[str, ...] = ()

    def __str__(self) -> str:
        sign = {"add": "+", "change": "~", "remove": "-"}[self.action]
        what = f" ({', '.join(self.fields)})" if self.fields else ""
        return f"{sign} {self.kind} {self.code}{what}"


@dataclass
class PlanDiff:
    """Every change replacing the stored plan would make, and the user data it would lose."""

    code: str
    exists: bool
    changes: list[Change] = field(default_factory=list)
    losses: list[str] = field(default_factory=list)
    # Organisation code -> id, found while resolving the plan's references.
    org_ids: dict[str, int] = field(default_factory=dict, repr=False)

    @property
    def changed(self) -> bool:
        return not self.exists or bool(self.changes)

    def removed(self, kind: str) -> list[str]:
        """Codes of the rows of ``kind`` the import would delete."""
        return [c.code for c in self.changes if c.action == "remove" and c.kind == kind]


def _items(plan: Plan) -> dict[str, dict[str, Any]]:
    """Each item's own fields, its parent and position: the tree as comparable rows."""
    rows = {}
    for item, parent, position in plan.walk():
        own = {k: v for k, v in asdict(item).items() if k not in ("children", "where")}
        rows[item.code] = own | {"parent": parent.code if parent else None, "order": position}
    return rows


def _indicators(plan: Plan) -> dict[str, dict[str, Any]]:
    rows = {}
    for position, ind in enumerate(plan.indicators):
        own = asdict(ind)
        own.pop("where")
        own["targets"] = [(t["period"], t["value"], t["note"]) for t in own["targets"]]
        rows[ind.code] = own | {"order": position}
    return rows


def _compare(kind: str, old: dict[str, dict], new: dict[str, dict]) -> list[Change]:
    changes = [Change("add", kind, code) for code in new if code not in old]
    for code, row in new.items():
        if code in old and old[code] != row:
            fields = tuple(k for k in row if old[code].get(k) != row[k])
            changes.append(Change("change", kind, code, fields))
    changes += [Change("remove", kind, code) for code in old if code not in new]
    return changes


def plan_diff(conn: Connection, stored: Plan | None, plan: Plan) -> PlanDiff:
    """Compare ``plan`` (references resolved) with the ``stored`` one (None when absent)."""
    if stored is None:
        return PlanDiff(plan.code, exists=False)
    diff = PlanDiff(plan.code, exists=True)
    head = tuple(f for f in PLAN_FIELDS if getattr(stored, f) != getattr(plan, f))
    if head:
        diff.changes.append(Change("change", "plan", plan.code, head))
    diff.changes += _compare("item", _items(stored), _items(plan))
    diff.changes += _compare("indicator", _indicators(stored), _indicators(plan))
    diff.losses = _item_losses(conn, plan.code, diff.removed("item"))
    diff.losses += _indicator_losses(conn, plan.code, diff.removed("indicator"))
    return diff


def _plan_rows(conn: Connection, table: Any, plan_code: str, codes: list[str]) -> dict[int, str]:
    if not codes:
        return {}
    query = (
        select(table.c.id, table.c.code)
        .join(schema.plan, schema.plan.c.id == table.c.plan_id)
        .where(schema.plan.c.code == plan_code, table.c.code.in_(codes))
    )
    return dict(conn.execute(query).tuples().all())


def _counts(conn: Connection, column: Any, ids: list[int]) -> dict[int, int]:
    query = select(column, func.count()).where(column.in_(ids)).group_by(column)
    return {int(k): int(n) for k, n in conn.execute(query).tuples()}


def _item_losses(conn: Connection, plan_code: str, codes: list[str]) -> list[str]:
    """Removed items that activities or contributions are linked to."""
    ids = _plan_rows(conn, schema.plan_item, plan_code, codes)
    links = _counts(conn, schema.activity_link.c.plan_item_id, list(ids))
    funding = _counts(conn, schema.contribution.c.plan_item_id, list(ids))
    lines = []
    for item_id, code in sorted(ids.items(), key=lambda kv: kv[1]):
        held = []
        if links.get(item_id):
            held.append(f"{links[item_id]} activity link(s)")
        if funding.get(item_id):
            held.append(f"{funding[item_id]} contribution(s)")
        if held:
            lines.append(f"item {code} is removed but has {' and '.join(held)}")
    return lines


def _indicator_losses(conn: Connection, plan_code: str, codes: list[str]) -> list[str]:
    """Removed indicators that hold recorded values."""
    ids = _plan_rows(conn, schema.indicator, plan_code, codes)
    values = _counts(conn, schema.indicator_value.c.indicator_id, list(ids))
    return [
        f"indicator {code} is removed but has {values[i]} recorded value(s)"
        for i, code in sorted(ids.items(), key=lambda kv: kv[1])
        if values.get(i)
    ]
