"""PostgreSQL search: a table of stored vectors instead of expression indexes

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 06:40:00.000000

Written by hand (the search objects are not in schema.py). Ranking a match needs its
vector, which an expression index does not keep: every search parsed the whole text of
every matching row again. ``wpstrack.search_index`` now keeps the vectors in ``search_index``
by triggers, as it does on SQLite. Nothing changes on SQLite.
"""

from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

from wpstrack import search_index

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The indexes of migration 0004, as it created them.
_EXPRESSION_INDEXES = {
    "ix_document_search": (
        "document",
        "coalesce(document.title, '') || ' ' || coalesce(document.text, '')",
    ),
    "ix_activity_search": (
        "activity",
        "coalesce(activity.title, '') || ' ' || coalesce(activity.summary, '') || ' ' || "
        "coalesce(activity.city, '') || ' ' || coalesce(activity.type, '')",
    ),
}


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    for index in _EXPRESSION_INDEXES:
        conn.execute(text(f"DROP INDEX IF EXISTS {index}"))
    search_index.rebuild(conn, words=False)  # search_words comes at 0014


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    search_index.uninstall(conn)
    for index, (table, words) in _EXPRESSION_INDEXES.items():
        conn.execute(
            text(
                f"CREATE INDEX IF NOT EXISTS {index} ON {table} "
                f"USING gin ((to_tsvector('english'::regconfig, {words})))"
            )
        )
