"""Typed settings, read from ``WPSTRACK_*`` environment variables (or a ``.env`` file).

Each setting is declared once, with its default and its help text; ``wpstrack settings``,
the README table and the test that every setting is documented all derive from this class.
Settings are built by the shells (``Settings()`` in the CLI, ``create_app(settings)`` in the
web app), never at import time.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "WPSTRACK_"
# The key earlier versions signed development sessions with. It is published in the source,
# so a cookie signed with it is a forged admin session: it is refused wherever it is set.
PUBLISHED_SECRET_KEY = "wpstrack-development-secret-not-for-production"
MIN_SECRET_KEY_LENGTH = 32


def default_data_dir() -> Path:
    """The platform's user data folder for wpstrack.

    One fixed place, not the working directory, so that the CLI and the server find the
    same database wherever they are started.
    """
    import platformdirs

    return Path(platformdirs.user_data_dir("wpstrack", appauthor=False))


class Settings(BaseSettings):
    """Everything wpstrack can be configured with."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_file=".env", extra="ignore")

    data_dir: Path = Field(
        default_factory=lambda: default_data_dir(),
        description=(
            "Folder for the embedded database and stored raw documents; default: the "
            "platform's user data folder (e.g. ~/.local/share/wpstrack on Linux)."
        ),
    )
    database_url: str | None = Field(
        default=None,
        description=(
            "SQLAlchemy URL of the database; empty means an SQLite file "
            "wpstrack.db in the data dir. Example: postgresql+psycopg://user@host/db"
        ),
    )
    max_document_bytes: int = Field(
        default=20 * 1024 * 1024,
        description="Largest document accepted by ingestion, in bytes; larger files are rejected.",
    )
    # Limits before work (see wpstrack.limits): each is checked before the step it bounds.
    max_unpacked_bytes: int = Field(
        default=16 * 1024 * 1024,
        description=(
            "Largest size a DOCX (a ZIP) may unpack to, in bytes; a bigger one is refused "
            "(its XML is parsed whole, at about ten times its size in memory)."
        ),
    )
    max_document_pages: int = Field(
        default=1000,
        description="Most pages a PDF may have; a longer one is refused before any page is read.",
    )
    max_document_chars: int = Field(
        default=300_000,
        description=(
            "Most characters of text a document may hold; a longer one is refused before "
            "extraction (which reads about 80,000 characters a second)."
        ),
    )
    max_html_depth: int = Field(
        default=512,
        description="Deepest nesting of HTML elements read (Chromium's limit); deeper is refused.",
    )
    max_html_elements: int = Field(
        default=100_000,
        description="Most elements (tags) an HTML page may have; more is refused before parsing.",
    )
    max_reading_seconds: float = Field(
        default=5.0,
        description=(
            "Longest time reading one document (bytes to clean text) may take; extraction "
            "follows, bounded by the character limit."
        ),
    )
    max_request_bytes: int = Field(
        default=24 * 1024 * 1024,
        description=(
            "Largest upload request body (multipart form), in bytes; larger gets 413 while "
            "it streams, before anything is parsed."
        ),
    )
    max_body_bytes: int = Field(
        default=1024 * 1024,
        description="Largest body of any other request (JSON, forms), in bytes; larger gets 413.",
    )
    ingest_batch_size: int = Field(
        default=64,
        description="Documents extracted and written per transaction during ingestion.",
    )
    ingest_workers: int = Field(
        default=1,
        ge=1,
        description=(
            "Processes that extract documents during `wpstrack ingest` (1: in the command's "
            "own process); the command's --workers overrides it."
        ),
    )
    echo_sql: bool = Field(default=False, description="Log every SQL statement (debugging).")
    environment: Literal["development", "production"] = Field(
        default="development",
        description=(
            "development or production; production refuses to serve on a non-loopback "
            "address without WPSTRACK_SECRET_KEY."
        ),
    )
    secret_key: SecretStr | None = Field(
        default=None,
        description=(
            "Signs session cookies; at least 32 random characters. Empty means a random key "
            "made once per installation and kept in <data dir>/secret_key."
        ),
    )

    @model_validator(mode="after")
    def _refuse_weak_secret(self) -> Settings:
        if self.secret_key is None:
            return self
        key = self.secret_key.get_secret_value()
        if key == PUBLISHED_SECRET_KEY or len(key) < MIN_SECRET_KEY_LENGTH:
            raise ValueError(
                f"[W001] WPSTRACK_SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} random "
                "characters (and not the key published in old versions)"
            )
        return self

    @property
    def effective_database_url(self) -> str:
        """The configured URL, or the default SQLite file inside the data dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'wpstrack.db').as_posix()}"


def describe(settings: Settings) -> list[dict[str, Any]]:
    """Each setting with its value, where the value came from and its help text."""
    rows = []
    for name, field in Settings.model_fields.items():
        env_name = f"{ENV_PREFIX}{name.upper()}"
        if env_name in os.environ:
            source = f"environment ({env_name})"
        elif name in settings.model_fields_set:
            source = ".env file or argument"
        else:
            source = "default"
        value = getattr(settings, name)
        if name == "database_url" and value is None:
            value = settings.effective_database_url
            source = "default (SQLite in data dir)"
        if name == "secret_key" and value is None:
            value = f"random per installation, kept in {settings.data_dir / 'secret_key'}"
        rows.append(
            {
                "name": name,
                "env": env_name,
                "value": str(value),
                "source": source,
                "help": field.description or "",
            }
        )
    return rows
