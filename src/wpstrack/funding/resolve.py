"""Resolving what a funding file names (organisations, pillars, plan items, activities) to rows.

One :class:`Lookups` is built per import and caches what it reads, so a file of a thousand
rows naming ten organisations asks the database about each organisation once.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from wpstrack import schema
from wpstrack.funding.tables import RowError
from wpstrack.reference import normalise_name, resolve_organisation


def party_key(org_id: int | None, name: str) -> tuple[str, Any]:
    """How a donor or recipient takes part in the natural key: its id, else its name folded."""
    return ("id", org_id) if org_id is not None else ("name", normalise_name(name))


class Lookups:
    """Name-to-row lookups over one connection."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._org_index: dict[str, int] | None = None
        self._org_by_code: dict[str, int] = {}
        self._pillars: dict[str, str] | None = None
        self._plan_items: dict[tuple[str, str], int | None] = {}
        self._activities: dict[int, bool] = {}

    def _organisations(self) -> dict[str, int]:
        if self._org_index is None:
            org, alias = schema.organisation, schema.organisation_alias
            index: dict[str, int] = {}
            rows = self.conn.execute(select(org.c.id, org.c.code, org.c.name, org.c.acronym))
            for oid, code, name, acronym in rows:
                self._org_by_code[code] = oid
                for form in (code, name, acronym):
                    if form:
                        index.setdefault(normalise_name(form), oid)
            for oid, form in self.conn.execute(select(alias.c.organisation_id, alias.c.alias)):
                index.setdefault(normalise_name(form), oid)
            self._org_index = index
        return self._org_index

    def organisation(self, name: str) -> int | None:
        """The id of the organisation written ``name``, or None when none is known.

        The reference aliases decide first (the same resolver the extractor uses), then the
        table's codes, names, acronyms and aliases (organisations added after the reference).
        """
        index = self._organisations()
        code = resolve_organisation(name)
        if code is not None and code in self._org_by_code:
            return self._org_by_code[code]
        return index.get(normalise_name(name))

    def pillar(self, written: str) -> str:
        """The code of the pillar written as its code or name (any case)."""
        if self._pillars is None:
            p = schema.pillar
            self._pillars = {}
            for code, name in self.conn.execute(select(p.c.code, p.c.name)):
                self._pillars[code.casefold()] = code
                self._pillars[normalise_name(name)] = code
        found = self._pillars.get(normalise_name(written).replace(" ", "_")) or self._pillars.get(
            normalise_name(written)
        )
        if found is None:
            known = ", ".join(sorted({v for v in self._pillars.values()}))
            raise RowError(f"pillar: {written!r} is not a pillar (known: {known})")
        return found

    def plan_item(self, plan_code: str | None, item_code: str | None) -> int | None:
        """The id of item ``item_code`` of plan ``plan_code``; both or neither are given."""
        if plan_code is None and item_code is None:
            return None
        if plan_code is None or item_code is None:
            raise RowError("plan and plan_item: give both (a plan code and one of its items)")
        key = (plan_code, item_code)
        if key not in self._plan_items:
            plan, item = schema.plan, schema.plan_item
            self._plan_items[key] = self.conn.execute(
                select(item.c.id)
                .join(plan, plan.c.id == item.c.plan_id)
                .where(plan.c.code == plan_code, item.c.code == item_code)
            ).scalar()
        found = self._plan_items[key]
        if found is None:
            raise RowError(f"plan_item: plan {plan_code!r} has no item {item_code!r}")
        return found

    def activity(self, activity_id: int | None) -> int | None:
        """``activity_id`` when that activity exists."""
        if activity_id is None:
            return None
        if activity_id not in self._activities:
            a = schema.activity
            found = self.conn.execute(select(a.c.id).where(a.c.id == activity_id)).scalar()
            self._activities[activity_id] = found is not None
        if not self._activities[activity_id]:
            raise RowError(f"activity_id: there is no activity {activity_id}")
        return activity_id
