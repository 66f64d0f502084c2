"""``wpstrack extract | ingest | show | eval``: documents in, activity drafts out."""

import typer


def register(app: typer.Typer) -> None:
    """Add the document commands to the top-level app."""
