"""One database location: a fixed default folder, read commands that never create a
database, and ``wpstrack info`` saying which database the commands use."""

from __future__ import annotations

import json
from pathlib import Path

import platformdirs
import pytest
from typer.testing import CliRunner

from wpstrack.cli import app
from wpstrack.db import shown_url
from wpstrack.settings import Settings

runner = CliRunner()


def test_default_data_dir_is_the_platform_user_data_dir_not_the_working_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("WPSTRACK_DATA_DIR", raising=False)
    monkeypatch.delenv("WPSTRACK_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    settings = Settings(_env_file=None)
    expected = Path(platformdirs.user_data_dir("wpstrack", appauthor=False))
    assert settings.data_dir == expected and expected.is_absolute()
    assert settings.effective_database_url == f"sqlite:///{expected.as_posix()}/wpstrack.db"


@pytest.mark.parametrize(
    "command", [["review", "list"], ["plans", "list"], ["info"], ["backup", "out.zip"]]
)
def test_a_read_command_outside_any_database_creates_none_and_says_where_it_looked(
    command: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    data = tmp_path / "elsewhere"
    monkeypatch.delenv("WPSTRACK_DATABASE_URL", raising=False)
    monkeypatch.setenv("WPSTRACK_DATA_DIR", str(data))
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, command)
    assert result.exit_code == 3, result.output
    assert "[W005]" in result.output
    assert str(data / "wpstrack.db") in result.output.replace("\n", "")
    assert "wpstrack init" in result.output
    assert not data.exists() and not (tmp_path / "data").exists()


def test_a_read_command_on_an_empty_database_refuses_instead_of_migrating_it(
    cli_env: dict[str, str],
) -> None:
    result = runner.invoke(app, ["review", "list"])
    assert result.exit_code == 3, result.output
    assert "[W005] no wpstrack" in result.output
    assert runner.invoke(app, ["info"]).exit_code == 3  # still nothing made


def test_info_names_the_database_revision_and_counts(cli_env: dict[str, str]) -> None:
    assert runner.invoke(app, ["init"]).exit_code == 0
    result = runner.invoke(app, ["info", "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    assert info["database"] == shown_url(cli_env["WPSTRACK_DATABASE_URL"])
    assert info["schema_revision"]
    assert info["counts"]["plan"] == 3
    assert info["data_dir"] == str(Path(cli_env["WPSTRACK_DATA_DIR"]).resolve())


def test_shown_url_hides_the_password() -> None:
    shown = shown_url("postgresql+psycopg://wps:s3cret@db.example/wps")
    assert "s3cret" not in shown and "wps:***@db.example" in shown
