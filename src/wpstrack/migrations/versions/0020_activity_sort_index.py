"""The activity list's order as an index

The list's default order, newest first (``coalesce(date, '0001-01-01') DESC, id DESC``),
was sorted from every visible entry for each page: 88-109 ms a page for the API list at
100,000 entries on SQLite (bench/scale.py). An index on the same expression gives the first
page from its end and a later page from the cursor's place in it.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 16:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_activity_sort_date", "activity", [sa.text("coalesce(date, '0001-01-01')"), "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_activity_sort_date", table_name="activity")
