"""``wpstrack demo`` (what ``make run`` does): reference data, sample corpus, one admin."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from wpstrack import demo, schema, users
from wpstrack.cli import app
from wpstrack.db import make_engine

runner = CliRunner()


def test_demo_ingests_the_sample_and_prints_an_admin_password_once(
    cli_env: dict[str, str],
) -> None:
    first = runner.invoke(app, ["demo", "--no-serve", "--corpus", str(demo.SHIPPED_SAMPLE)])
    assert first.exit_code == 0, first.output
    assert "3 ingested" in first.output
    password = re.search(r"password \(shown once\): (\S+)", first.output)
    assert password
    engine = make_engine(cli_env["WPSTRACK_DATABASE_URL"])
    with engine.begin() as conn:
        assert users.authenticate(conn, "admin", password.group(1), "127.0.0.1").role == "admin"
        by_status = dict(
            conn.execute(
                select(schema.activity.c.status, func.count()).group_by(schema.activity.c.status)
            ).all()
        )
        assert sum(by_status.values()) == 3 and by_status.get("published", 0) >= 1
    second = runner.invoke(app, ["demo", "--no-serve", "--corpus", str(demo.SHIPPED_SAMPLE)])
    assert second.exit_code == 0, second.output
    assert "3 already present" in second.output
    assert "shown once" not in second.output
    engine.dispose()


def test_after_the_demo_anonymous_visitors_see_published_activities_and_find_them(
    cli_env: dict[str, str],
) -> None:
    from fastapi.testclient import TestClient

    from wpstrack.settings import Settings
    from wpstrack.web import create_app

    result = runner.invoke(app, ["demo", "--no-serve", "--corpus", str(demo.SHIPPED_SAMPLE)])
    assert result.exit_code == 0, result.output
    assert "Reviewed and published" in result.output
    url = cli_env["WPSTRACK_DATABASE_URL"]
    engine = make_engine(url)
    client = TestClient(create_app(Settings(_env_file=None, database_url=url), engine=engine))
    board = client.get("/api/v1/dashboard").json()
    assert board["public"] is True and board["activities"] > 0
    found = client.get("/api/v1/search", params={"q": "women"}).json()
    assert found["results"]
    with engine.connect() as conn:
        published = conn.execute(
            select(schema.activity.c.reviewed_by).where(schema.activity.c.is_published)
        ).scalars()
        assert set(published) == {demo.DEMO_ACTOR}
        actors = conn.execute(
            select(schema.audit_event.c.actor).where(schema.audit_event.c.action == "publish")
        ).scalars()
        assert set(actors) == {demo.DEMO_ACTOR}
    engine.dispose()


def test_the_demo_reviews_only_what_it_just_ingested(cli_env: dict[str, str]) -> None:
    assert runner.invoke(app, ["ingest", str(demo.SHIPPED_SAMPLE)]).exit_code == 0
    result = runner.invoke(app, ["demo", "--no-serve", "--corpus", str(demo.SHIPPED_SAMPLE)])
    assert result.exit_code == 0, result.output
    engine = make_engine(cli_env["WPSTRACK_DATABASE_URL"])
    with engine.connect() as conn:
        statuses = set(conn.execute(select(schema.activity.c.status)).scalars())
    engine.dispose()
    assert statuses == {"draft"}  # the user's queue is theirs to decide


def test_the_shipped_sample_stands_in_for_a_missing_shared_corpus(tmp_path: Path) -> None:
    assert demo.sample_corpus(tmp_path / "absent") == demo.SHIPPED_SAMPLE
    (tmp_path / "gold.jsonl").write_text("{}\n")
    assert demo.sample_corpus(tmp_path) == demo.SHIPPED_SAMPLE  # no document in it
    (tmp_path / "a.txt").write_text("A release.")
    assert demo.sample_corpus(tmp_path) == tmp_path
    assert [p.name for p in demo.sample_files(tmp_path)] == ["a.txt"]
