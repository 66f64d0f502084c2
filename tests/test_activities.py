"""The activity register: filters, sort, cursors, provenance, history, edits, publication."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Connection, select

from review_fixtures import add_release, measure_id
from wpstrack import activities, review, schema
from wpstrack.activities import ActivityFilter, ActivityUpdate
from wpstrack.errors import Conflict, InvalidInput, NotFound, StaleVersion


def _set(conn: Connection, activity_id: int, **values: Any) -> None:
    act = schema.activity
    conn.execute(act.update().where(act.c.id == activity_id).values(**values))


def _ids(conn: Connection, public_only: bool = False, **filters: Any) -> list[int]:
    page = activities.list_activities(
        conn, ActivityFilter(**filters), limit=500, public_only=public_only
    )
    return [a.id for a in page.items]


@pytest.fixture()
def three(conn: Connection) -> list[int]:
    """Three activities on different days, types and countries; the second published."""
    ids = [add_release(conn)[1] for _ in range(3)]
    _set(conn, ids[0], date=date(2023, 5, 1), type="speech", country="KE", title="B")
    _set(conn, ids[1], date=date(2024, 1, 9), status="published", is_published=True, title="A")
    _set(conn, ids[2], date=None, type="visit", country="FR", title="C")
    return ids


def test_filters_narrow_the_register(conn: Connection, three: list[int]) -> None:
    first, second, third = three
    mine = set(three)
    assert [i for i in _ids(conn, type="speech") if i in mine] == [first]
    assert [i for i in _ids(conn, country="fr") if i in mine] == [third]
    assert [i for i in _ids(conn, date_from=date(2024, 1, 1)) if i in mine] == [second]
    assert [i for i in _ids(conn, date_to=date(2023, 12, 31)) if i in mine] == [first]
    assert [i for i in _ids(conn, published=True) if i in mine] == [second]
    assert [i for i in _ids(conn, status="draft") if i in mine] == [first, third]
    assert set(_ids(conn, organisation="unwomen")) >= mine
    assert set(_ids(conn, person="kamikawa")) >= mine
    assert set(_ids(conn, pillar="protection")) >= mine
    assert not set(_ids(conn, organisation="unicef")) & mine


def test_anonymous_readers_see_published_activities_only(
    conn: Connection, three: list[int]
) -> None:
    assert [i for i in _ids(conn, public_only=True) if i in three] == [three[1]]
    # A filter narrows what the caller may see and never widens it: nothing is both.
    assert [i for i in _ids(conn, public_only=True, published=False) if i in three] == []
    with pytest.raises(NotFound):
        activities.get_activity(conn, three[0], public_only=True)
    assert activities.get_activity(conn, three[1], public_only=True).id == three[1]


@pytest.mark.parametrize(
    ("sort", "order"),
    [("-date", [1, 0, 2]), ("date", [2, 0, 1]), ("title", [1, 0, 2]), ("-title", [2, 0, 1])],
)
def test_sorting_orders_the_register(
    conn: Connection, three: list[int], sort: str, order: list[int]
) -> None:
    assert [i for i in _ids(conn, sort=sort) if i in three] == [three[k] for k in order]


def test_cursor_pages_walk_the_whole_list_once(conn: Connection, three: list[int]) -> None:
    for _ in range(4):
        add_release(conn)
    expected = _ids(conn, sort="-date")
    seen: list[int] = []
    cursor = None
    while True:
        page = activities.list_activities(conn, ActivityFilter(sort="-date"), cursor, limit=2)
        seen += [a.id for a in page.items]
        if not (cursor := page.next_cursor):
            break
    assert seen == expected and len(seen) >= 7


def test_a_foreign_cursor_is_invalid_input(conn: Connection) -> None:
    with pytest.raises(InvalidInput):
        activities.list_activities(conn, cursor="bm90LWEtY3Vyc29y")


def test_plan_item_filter_finds_linked_activities(conn: Connection, three: list[int]) -> None:
    item = measure_id(conn)
    activities.link_plan_item(conn, "ed", three[2], item)
    assert _ids(conn, plan_item=item) == [three[2]]
    activities.unlink_plan_item(conn, "ed", three[2], item)
    assert _ids(conn, plan_item=item) == []


def test_detail_gives_each_value_its_span_method_and_decisions(conn: Connection) -> None:
    document_id, activity_id = add_release(conn)
    city = next(v for v in activities.provenance(conn, document_id) if v.field == "city")
    review.decide(conn, "rev", city.id, "correct", "New York")
    review.accept_record(conn, "rev", document_id)
    detail = activities.get_activity(conn, activity_id)
    value = next(v for v in detail.provenance if v.field == "city")
    assert (value.document_id, value.anchor, value.method) == (
        document_id,
        f"span-{city.id}",
        "test",
    )
    assert (value.value, value.current, value.decision) == ("Boston", "New York", "corrected")
    assert [(d.decision, d.author) for d in value.decisions] == [("corrected", "rev")]
    assert (detail.city, detail.reviewed_by, detail.status) == ("New York", "rev", "reviewed")
    assert [e.action for e in detail.history] == ["draft", "accept"]  # created, then reviewed


def test_an_edit_moves_the_version_and_recomputes_the_utc_start(conn: Connection) -> None:
    _, activity_id = add_release(conn)
    changes = ActivityUpdate(start_time_local="09:30", timezone="Asia/Tokyo", city="Tokyo")
    detail = activities.update_activity(conn, "ed", activity_id, changes, expected_version=1)
    assert (detail.version, detail.city, detail.start_time_local) == (2, "Tokyo", "09:30")
    assert detail.start_utc is not None
    assert detail.start_utc.strftime("%Y-%m-%d %H:%M") == "2024-03-18 00:30"
    event = detail.history[-1]
    assert (event.action, event.actor, event.before["city"], event.after["city"]) == (
        "update",
        "ed",
        "Boston",
        "Tokyo",
    )


def test_a_stale_edit_changes_nothing(conn: Connection) -> None:
    _, activity_id = add_release(conn)
    activities.update_activity(conn, "a", activity_id, ActivityUpdate(title="First"))
    with pytest.raises(StaleVersion) as caught:
        activities.update_activity(
            conn, "b", activity_id, ActivityUpdate(title="Second"), expected_version=1
        )
    assert caught.value.current_version == 2
    detail = activities.get_activity(conn, activity_id)
    # The draft's creation, then the one edit that won.
    assert (detail.title, detail.version, len(detail.history)) == ("First", 2, 2)


@pytest.mark.parametrize(
    "changes",
    [
        {"type": "party"},
        {"start_time_local": "25:00"},
        {"country": "Japan"},
        {"timezone": "Mars/Olympus"},
        {"duration_minutes": -5},
        {"unknown": 1},
    ],
)
def test_malformed_edits_are_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        ActivityUpdate.model_validate(changes)


def test_an_edit_cannot_clear_the_type(conn: Connection) -> None:
    _, activity_id = add_release(conn)
    with pytest.raises(InvalidInput):
        activities.update_activity(conn, "ed", activity_id, ActivityUpdate(type=None))


def test_a_draft_cannot_be_published_and_a_reviewed_one_can(conn: Connection) -> None:
    document_id, activity_id = add_release(conn)
    with pytest.raises(Conflict):
        activities.set_published(conn, "ed", activity_id, True)
    review.accept_record(conn, "rev", document_id)
    published = activities.set_published(conn, "ed", activity_id, True, expected_version=2)
    assert (published.status, published.is_published) == ("published", True)
    withdrawn = activities.set_published(conn, "ed", activity_id, False)
    assert (withdrawn.status, withdrawn.is_published) == ("reviewed", False)
    actions = [e.action for e in withdrawn.history]
    assert actions == ["draft", "accept", "publish", "unpublish"]


def test_linking_twice_keeps_one_link_and_unknown_items_are_not_found(conn: Connection) -> None:
    _, activity_id = add_release(conn)
    item = measure_id(conn)
    activities.link_plan_item(conn, "ed", activity_id, item)
    detail = activities.link_plan_item(conn, "ed", activity_id, item)
    assert [m.id for m in detail.plan_items] == [item]
    link = schema.activity_link
    count = conn.execute(select(link.c.id).where(link.c.plan_item_id == item)).all()
    assert len(count) == 1
    with pytest.raises(NotFound):
        activities.link_plan_item(conn, "ed", activity_id, 10**9)
    with pytest.raises(NotFound):
        activities.unlink_plan_item(conn, "ed", activity_id, 10**9)


def test_history_shows_links_and_unlinks_with_the_plan_item(conn: Connection) -> None:
    _, activity_id = add_release(conn)
    item = measure_id(conn)
    activities.link_plan_item(conn, "ed", activity_id, item)
    detail = activities.unlink_plan_item(conn, "rev", activity_id, item)
    linked = [(e.table_name, e.action, e.actor) for e in detail.history]
    assert linked == [
        ("activity", "draft", None),  # made by ingestion
        ("activity", "link", "ed"),
        ("activity_link", "link", "ed"),
        ("activity", "unlink", "rev"),
        ("activity_link", "delete", "rev"),
    ]
    assert detail.history[2].after is not None and detail.history[2].after["plan_item_id"] == item
