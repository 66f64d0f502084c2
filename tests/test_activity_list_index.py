"""The activity list's default order is read from ``ix_activity_sort_date``, a page after a
cursor sought in it: no sort of the whole register per page (issue 12; bench/scale.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, event, insert

from wpstrack import activities, schema
from wpstrack.activities import ActivityFilter

AT = datetime(2026, 1, 1, tzinfo=UTC)


def _plans(conn: Connection, cursor: str | None) -> tuple[list[Any], str]:
    """The list's query for a public page after ``cursor``, and its plan."""
    seen: list[tuple[str, Any]] = []

    def keep(_c: Any, _cur: Any, statement: str, params: Any, *_: Any) -> None:
        seen.append((statement, params))

    event.listen(conn, "before_cursor_execute", keep)
    try:
        page = activities.list_activities(conn, ActivityFilter(), cursor, 2, public_only=True)
    finally:
        event.remove(conn, "before_cursor_execute", keep)
    statement, params = next((s, p) for s, p in seen if "sort_key" in s)
    if conn.dialect.name == "sqlite":
        plan = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params).all()
        lines = [str(row[-1]) for row in plan]
    else:  # a few rows: the planner would rather sort them, unless told not to
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        conn.exec_driver_sql("SET LOCAL enable_sort = off")
        lines = [row[0] for row in conn.exec_driver_sql(f"EXPLAIN {statement}", params).all()]
    return lines, page.next_cursor or ""


def test_the_default_order_reads_the_sort_index(conn: Connection) -> None:
    rows = [
        {"type": "meeting", "title": f"A{i}", "status": "published", "is_published": True}
        | {"date": None if i == 3 else date(2020, 1, 1 + i), "created_at": AT, "updated_at": AT}
        for i in range(6)
    ]
    conn.execute(insert(schema.activity), rows)
    first, cursor = _plans(conn, None)
    assert any("ix_activity_sort_date" in line for line in first), first
    assert not any("TEMP B-TREE" in line or line.lstrip().startswith("Sort") for line in first)
    after, _ = _plans(conn, cursor)
    assert any("ix_activity_sort_date" in line for line in after), after
    if conn.dialect.name == "sqlite":  # sought from the cursor, not scanned from the top
        assert any("SEARCH" in line and "<expr><?" in line for line in after), after
    # The order itself is unchanged: newest first, the undated entry last.
    titles = []
    cursor_at: str | None = None
    while True:
        page = activities.list_activities(conn, ActivityFilter(), cursor_at, 2, public_only=True)
        titles += [a.title for a in page.items if a.title and a.title.startswith("A")]
        if page.next_cursor is None:
            break
        cursor_at = page.next_cursor
    assert titles == ["A5", "A4", "A2", "A1", "A0", "A3"]


def test_the_dashboards_latest_entries_read_the_sort_index(conn: Connection) -> None:
    """``date DESC NULLS LAST`` has no index: PostgreSQL sorted every visible entry for the
    dashboard's ten latest (125-140 ms at 1,000,000, bench/scale.py)."""
    from wpstrack import dashboard

    rows = [
        {"type": "meeting", "title": f"L{i}", "status": "published", "is_published": True}
        | {"date": None if i == 2 else date(2021, 3, 1 + i), "created_at": AT, "updated_at": AT}
        for i in range(5)
    ]
    conn.execute(insert(schema.activity), rows)
    scope = [schema.activity.c.is_published.is_(True)]
    seen: list[tuple[str, Any]] = []

    def keep(_c: Any, _cur: Any, statement: str, params: Any, *_: Any) -> None:
        seen.append((statement, params))

    event.listen(conn, "before_cursor_execute", keep)
    try:
        latest = [r["title"] for r in dashboard.latest(conn, scope)]
    finally:
        event.remove(conn, "before_cursor_execute", keep)
    assert latest == ["L4", "L3", "L1", "L0", "L2"]
    statement, params = seen[-1]
    if conn.dialect.name == "sqlite":
        plan = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params).all()
        lines = [str(row[-1]) for row in plan]
    else:
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        conn.exec_driver_sql("SET LOCAL enable_sort = off")
        lines = [r[0] for r in conn.exec_driver_sql(f"EXPLAIN {statement}", params).all()]
    assert any("ix_activity_sort_date" in line for line in lines), lines
    assert not any("TEMP B-TREE" in line or line.lstrip().startswith("Sort") for line in lines)
