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
        drafts = conn.execute(
            select(func.count())
            .select_from(schema.activity)
            .where(schema.activity.c.status == "draft")
        ).scalar_one()
        assert drafts == 3
    second = runner.invoke(app, ["demo", "--no-serve", "--corpus", str(demo.SHIPPED_SAMPLE)])
    assert second.exit_code == 0, second.output
    assert "3 already present" in second.output
    assert "shown once" not in second.output
    engine.dispose()


def test_the_shipped_sample_stands_in_for_a_missing_shared_corpus(tmp_path: Path) -> None:
    assert demo.sample_corpus(tmp_path / "absent") == demo.SHIPPED_SAMPLE
    (tmp_path / "gold.jsonl").write_text("{}\n")
    assert demo.sample_corpus(tmp_path) == demo.SHIPPED_SAMPLE  # no document in it
    (tmp_path / "a.txt").write_text("A release.")
    assert demo.sample_corpus(tmp_path) == tmp_path
    assert [p.name for p in demo.sample_files(tmp_path)] == ["a.txt"]
