"""The plan tracker lists each item's linked activities; anonymous readers see published ones."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, select

from wpstrack import plans, schema, tracker
from wpstrack.db import now


def _linked_activity(
    conn: Connection, item_id: int, published: bool, title: str, acting: str = "JP"
) -> int:
    act = schema.activity
    values = {
        "title": title,
        "acting_country": acting,
        "status": "published" if published else "reviewed",
        "is_published": published,
        "date": date(2025, 1, 1),
        "created_at": now(),
        "updated_at": now(),
    }
    act_id = int(conn.execute(act.insert().values(**values).returning(act.c.id)).scalar_one())
    conn.execute(
        schema.activity_link.insert().values(
            activity_id=act_id, kind="plan_item", plan_item_id=item_id
        )
    )
    return act_id


def test_each_plan_item_lists_its_linked_activities(conn: Connection) -> None:
    plans.load_examples(conn)
    item, plan = schema.plan_item, schema.plan
    item_id, code = conn.execute(
        select(item.c.id, item.c.code)
        .join(plan, plan.c.id == item.c.plan_id)
        .where(plan.c.code == "JP-NAP3")
        .limit(1)
    ).one()
    shown = _linked_activity(conn, item_id, True, "Published one")
    hidden = _linked_activity(conn, item_id, False, "Reviewed, not published")
    public = tracker.activities_by_item(conn, "JP-NAP3", public_only=True)
    assert [a.id for a in public[code]] == [shown]
    everyone = tracker.activities_by_item(conn, "JP-NAP3", public_only=False)
    assert {a.id for a in everyone[code]} == {shown, hidden}
    assert tracker.activities_by_item(conn, "JP-NAP2", public_only=False).get(code) is None


def test_a_plan_tracks_its_own_government_and_shows_others_only_as_context(
    conn: Connection,
) -> None:
    plans.load_examples(conn)
    item, plan = schema.plan_item, schema.plan
    item_id, code = conn.execute(
        select(item.c.id, item.c.code)
        .join(plan, plan.c.id == item.c.plan_id)
        .where(plan.c.code == "JP-NAP3")
        .limit(1)
    ).one()
    ours = _linked_activity(conn, item_id, True, "Japan's dialogue")
    dutch = _linked_activity(conn, item_id, True, "Dutch agreement", acting="NL")
    tracked = tracker.activities_by_item(conn, "JP-NAP3")
    assert [a.id for a in tracked[code]] == [ours]
    shown = tracker.activities_by_item(conn, "JP-NAP3", context=True)
    assert {a.id: a.context for a in shown[code]} == {ours: False, dutch: True}
