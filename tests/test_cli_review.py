"""``wpstrack review`` through the command line, against a committed database."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, select
from typer.testing import CliRunner

from review_fixtures import add_release
from wpstrack import schema, users
from wpstrack.cli import app
from wpstrack.db import make_engine, upgrade
from wpstrack.reference.sync import sync_pillars

runner = CliRunner()
CONFIDENT = [("date", "2024-03-18", "March 18, commencing", 0.95)]


def prepare(url: str) -> Engine:
    """Schema, pillars, a reviewer and a viewer, and two drafts (one confident)."""
    engine = make_engine(url)
    with engine.begin() as conn:
        upgrade(conn)
        sync_pillars(conn)
        users.add_user(conn, users.user_in("rita", "reviewer", "a long password"), None)
        users.add_user(conn, users.user_in("vic", "viewer", "a long password"), None)
        add_release(conn, values=CONFIDENT)
        add_release(conn)
    return engine


def run(*args: str, code: int = 0) -> Any:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, (result.output, result.stderr)
    return result


def _activities(engine: Engine) -> dict[int, tuple[str, str | None]]:
    act = schema.activity
    with engine.connect() as conn:
        rows = conn.execute(select(act.c.document_id, act.c.status, act.c.reviewed_by))
        return {r.document_id: (r.status, r.reviewed_by) for r in rows}


def test_list_shows_the_queue_as_json_and_as_a_table(cli_env: dict[str, str]) -> None:
    engine = prepare(cli_env["WPSTRACK_DATABASE_URL"])
    queue = json.loads(run("review", "list", "--json").stdout)
    assert [item["id"] for item in queue] == [1, 2]
    assert queue[1]["min_confidence"] == 0.5
    assert "Foreign Minister" in run("review", "list").stdout
    engine.dispose()


def test_accept_one_document_is_recorded_like_a_browser_review(cli_env: dict[str, str]) -> None:
    engine = prepare(cli_env["WPSTRACK_DATABASE_URL"])
    run("review", "accept", "2", "--as", "rita")
    assert _activities(engine) == {1: ("draft", None), 2: ("reviewed", "rita")}
    log, ext = schema.audit_event, schema.extraction
    with engine.connect() as conn:
        events = conn.execute(
            # The drafts' own creation is logged too (action "draft"); the review is what counts.
            select(log.c.actor, log.c.action).where(
                log.c.table_name == "activity", log.c.action != "draft"
            )
        ).all()
        authors = conn.execute(
            select(ext.c.author).where(ext.c.document_id == 2, ext.c.source == "human").distinct()
        ).scalars()
        assert events == [("rita", "accept")] and list(authors) == ["rita"]
    assert [i["id"] for i in json.loads(run("review", "list", "--json").stdout)] == [1]
    again = run("review", "accept", "2", code=1)
    assert "W009" in again.stderr
    engine.dispose()


def test_accept_all_with_a_floor_leaves_unsure_drafts(cli_env: dict[str, str]) -> None:
    engine = prepare(cli_env["WPSTRACK_DATABASE_URL"])
    result = run("review", "accept", "--all", "--min-confidence", "0.9")
    assert "Accepted 1 drafts; 1 left" in result.stdout
    status = _activities(engine)
    assert status[1][0] == "reviewed" and status[1][1].startswith("cli:")
    assert status[2] == ("draft", None)
    engine.dispose()


def test_a_user_who_may_not_review_is_refused_and_nothing_changes(
    cli_env: dict[str, str],
) -> None:
    engine = prepare(cli_env["WPSTRACK_DATABASE_URL"])
    refused = run("review", "accept", "--all", "--as", "vic", code=1)
    assert "W031" in refused.stderr
    assert "W004" in run("review", "accept", "1", "--as", "nobody", code=1).stderr
    assert set(_activities(engine).values()) == {("draft", None)}
    engine.dispose()


def test_accept_needs_one_document_or_all(cli_env: dict[str, str]) -> None:
    prepare(cli_env["WPSTRACK_DATABASE_URL"]).dispose()
    assert "not both" in run("review", "accept", code=2).stderr
    assert "not both" in run("review", "accept", "1", "--all", code=2).stderr
    assert (
        "goes with --all" in run("review", "accept", "1", "--min-confidence", "0.5", code=2).stderr
    )
