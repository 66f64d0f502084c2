"""full-text search over documents and activities

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 00:05:00

Written by hand: the search objects (an FTS5 table with triggers on SQLite, GIN expression
indexes on PostgreSQL) are not in schema.py; ``wpstrack.search_index`` creates them and indexes
the rows already present.
"""

from collections.abc import Sequence

from alembic import op

from wpstrack import search_index

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    search_index.rebuild(op.get_bind(), words=False)  # the index as it was at 0004


def downgrade() -> None:
    search_index.uninstall(op.get_bind())
