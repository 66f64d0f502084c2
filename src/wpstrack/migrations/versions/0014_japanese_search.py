"""Japanese search: each document and activity keeps its Japanese text as words

Revision ID: 0014
Revises: 0016
Create Date: 2026-12-06 09:30:00.000000

Adds ``search_words`` to ``document`` and ``activity`` (their Japanese text cut into words
by SudachiPy, names also romanised: ``wpstrack.search_index.row_words``), fills it for the
rows already present, and rebuilds the search index with it: a third FTS5 column on SQLite,
a ``'simple'`` vector beside the ``'english'`` one on PostgreSQL. Written by hand (the
search objects are not in schema.py).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from wpstrack import search_index

revision: str = "0014"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    conn = op.get_bind()
    # The FTS5 table gains a column (a virtual table cannot be altered): drop and re-create.
    search_index.uninstall(conn)
    for table in ("document", "activity"):
        op.add_column(table, sa.Column("search_words", sa.Text(), nullable=True))
    search_index.rebuild(conn)


def downgrade() -> None:
    conn = op.get_bind()
    search_index.uninstall(conn)
    for table in ("document", "activity"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("search_words")
    search_index.rebuild(conn, words=False)
