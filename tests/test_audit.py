"""The audit log: every recorded write names who, when, what, before and after."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Connection, func, select

from wpstrack import audit, schema
from wpstrack.audit import AuditFilter
from wpstrack.errors import InvalidInput, NotFound, StaleVersion


def _count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(schema.audit_event)).scalar_one())


def _plan(conn: Connection, code: str = "XX-1") -> dict:
    values = {"code": code, "country": "JP", "title": "A plan", "adopted_on": date(2023, 4, 1)}
    return audit.insert(conn, "maker", schema.plan, values)


def test_record_stores_actor_action_row_and_both_states(conn: Connection) -> None:
    before = _count(conn)
    event_id = audit.record(conn, "ayumi", "update", "plan", 7, {"title": "a"}, {"title": "b"})
    assert _count(conn) == before + 1
    event = audit.list_events(conn, AuditFilter(actor="ayumi")).items[0]
    assert (event.id, event.action, event.table_name, event.row_id) == (
        event_id,
        "update",
        "plan",
        "7",
    )
    assert (event.before, event.after) == ({"title": "a"}, {"title": "b"})
    assert event.at.tzinfo is not None
    assert abs(event.at - datetime.now(UTC)) < timedelta(minutes=1)


def test_insert_update_delete_each_log_the_row_as_stored(conn: Connection) -> None:
    row = _plan(conn)
    audit.update(conn, "editor", schema.plan, row["id"], {"title": "Renamed"})
    audit.delete(conn, "remover", schema.plan, row["id"])
    events = audit.history(conn, "plan", row["id"])
    assert [(e.action, e.actor) for e in events] == [
        ("create", "maker"),
        ("update", "editor"),
        ("delete", "remover"),
    ]
    create, update, delete = events
    assert create.before is None and create.after["adopted_on"] == "2023-04-01"
    assert update.before["title"] == "A plan" and update.after["title"] == "Renamed"
    assert update.after["version"] == update.before["version"] + 1
    assert delete.before["title"] == "Renamed" and delete.after is None


def test_stale_update_raises_and_writes_neither_row_nor_log(conn: Connection) -> None:
    row = _plan(conn)
    audit.update(conn, "first", schema.plan, row["id"], {"title": "First"}, expected_version=1)
    logged = _count(conn)
    with pytest.raises(StaleVersion) as caught:
        audit.update(
            conn, "second", schema.plan, row["id"], {"title": "Second"}, expected_version=1
        )
    assert caught.value.current_version == 2
    assert caught.value.http_status == 409
    title = conn.execute(select(schema.plan.c.title).where(schema.plan.c.id == row["id"]))
    assert title.scalar_one() == "First"
    assert _count(conn) == logged


def test_update_of_a_missing_row_is_not_found(conn: Connection) -> None:
    with pytest.raises(NotFound):
        audit.update(conn, "x", schema.plan, 987654, {"title": "nothing"})


def test_secrets_are_redacted_in_the_log(conn: Connection) -> None:
    audit.record(conn, "x", "create", "app_user", 1, None, {"password_hash": "$argon2id$..."})
    event = audit.list_events(conn, AuditFilter(table_name="app_user")).items[0]
    assert event.after == {"password_hash": "[redacted]"}


def test_events_are_listed_newest_first_in_pages_without_overlap(conn: Connection) -> None:
    for i in range(5):
        audit.record(conn, "pager", "touch", "plan", i, None, {"i": i})
    seen: list[int] = []
    cursor = None
    while True:
        page = audit.list_events(conn, AuditFilter(actor="pager"), cursor=cursor, limit=2)
        seen += [e.after["i"] for e in page.items]
        if not (cursor := page.next_cursor):
            break
    assert seen == [4, 3, 2, 1, 0]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (AuditFilter(actor="f-a"), 2),
        (AuditFilter(actor="f-a", action="delete"), 1),
        (AuditFilter(table_name="filter_table", row_id="2"), 1),
        (AuditFilter(actor="f-b", since=datetime.now(UTC) - timedelta(hours=1)), 1),
        (AuditFilter(actor="f-b", until=datetime.now(UTC) - timedelta(hours=1)), 0),
    ],
)
def test_filters_combine(conn: Connection, filters: AuditFilter, expected: int) -> None:
    audit.record(conn, "f-a", "create", "filter_table", 1, None, {})
    audit.record(conn, "f-a", "delete", "filter_table", 2, {}, None)
    audit.record(conn, "f-b", "create", "filter_table", 3, None, {})
    assert len(audit.list_events(conn, filters).items) == expected


@pytest.mark.parametrize("cursor", ["not base64 at all!", "WyJ4Il0", "e30"])
def test_a_cursor_this_server_did_not_issue_is_invalid_input(conn: Connection, cursor: str) -> None:
    with pytest.raises(InvalidInput):
        audit.list_events(conn, cursor=cursor)
