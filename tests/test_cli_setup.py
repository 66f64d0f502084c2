"""``wpstrack init`` loads the reference data once; a second run changes nothing."""

from __future__ import annotations

from sqlalchemy import select
from typer.testing import CliRunner

from wpstrack import schema
from wpstrack.cli import app
from wpstrack.db import make_engine

runner = CliRunner()


def test_init_loads_reference_data_and_second_run_reports_no_change(
    cli_env: dict[str, str],
) -> None:
    first = runner.invoke(app, ["init"])
    assert first.exit_code == 0, first.output
    assert "4 pillars" in first.output
    assert "Reference data and example plans loaded." in first.output

    engine = make_engine(cli_env["WPSTRACK_DATABASE_URL"])
    with engine.connect() as conn:
        before = conn.execute(select(schema.organisation_alias).order_by("id")).all()

    second = runner.invoke(app, ["init"])
    assert second.exit_code == 0, second.output
    assert "No change" in second.output
    with engine.connect() as conn:
        assert conn.execute(select(schema.organisation_alias).order_by("id")).all() == before
    engine.dispose()


def test_settings_command_lists_every_setting(cli_env: dict[str, str]) -> None:
    result = runner.invoke(app, ["settings", "--json"])
    assert result.exit_code == 0, result.output
    assert '"WPSTRACK_DATABASE_URL"' in result.output
    assert "environment (WPSTRACK_DATABASE_URL)" in result.output
