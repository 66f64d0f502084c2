"""A plan can be marked fictional: the demo's example plan of an invented government

The flag is a plain ``ADD COLUMN`` (no batch rebuild of ``plan``, whose drop would cascade
to every plan item on SQLite). Pages, the dashboard and the report read it to say, on every
view of such a plan, that its government and figures are invented.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 12:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("plan", sa.Column("fictional", sa.Boolean(), server_default="0", nullable=False))


def downgrade() -> None:
    # DROP COLUMN (SQLite 3.35+) in place, for the same reason as above.
    op.drop_column("plan", "fictional")
