"""Settings: defaults, environment overrides, and every setting documented in the README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from wpstrack.settings import Settings, describe

README = Path(__file__).resolve().parents[1] / "README.md"


def test_default_database_is_sqlite_file_in_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WPSTRACK_DATABASE_URL", raising=False)
    monkeypatch.setenv("WPSTRACK_DATA_DIR", "/srv/wps")
    settings = Settings(_env_file=None)
    assert settings.effective_database_url == "sqlite:////srv/wps/wpstrack.db"


def test_environment_overrides_are_reported_with_their_source(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WPSTRACK_MAX_DOCUMENT_BYTES", "1000")
    rows = {row["name"]: row for row in describe(Settings(_env_file=None))}
    assert rows["max_document_bytes"]["value"] == "1000"
    assert rows["max_document_bytes"]["source"] == "environment (WPSTRACK_MAX_DOCUMENT_BYTES)"
    assert rows["ingest_batch_size"]["source"] == "default"


def test_every_setting_has_help_and_is_documented_in_readme() -> None:
    documented = set(re.findall(r"`(WPSTRACK_[A-Z_]+)`", README.read_text(encoding="utf-8")))
    for name, field in Settings.model_fields.items():
        assert field.description, f"setting {name} has no description"
        assert f"WPSTRACK_{name.upper()}" in documented, f"README does not document {name}"


def test_the_secret_key_is_never_shown_and_its_default_says_where_it_lives(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("WPSTRACK_SECRET_KEY", raising=False)
    monkeypatch.setenv("WPSTRACK_DATA_DIR", "/srv/wps")
    rows = {row["name"]: row for row in describe(Settings(_env_file=None))}
    assert rows["secret_key"]["value"] == "random per installation, kept in /srv/wps/secret_key"
    key = "s" * 40
    rows = {row["name"]: row for row in describe(Settings(_env_file=None, secret_key=key))}
    assert key not in rows["secret_key"]["value"]
