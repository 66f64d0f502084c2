"""review decisions and reviewer of an activity

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 23:50:46.251343

``activity`` gains plain columns with ``ALTER TABLE`` on every backend (never a batch copy of
the table: the search triggers on ``activity`` must survive). ``extraction`` gains
``decides_id``, the machine row a reviewer's row decides on; SQLite needs a batch copy to
add its foreign key.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("activity", sa.Column("reviewed_by", sa.String(length=80), nullable=True))
    op.add_column("activity", sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("extraction", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decides_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_extraction_decides_id"), ["decides_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_extraction_decides_id_extraction"),
            "extraction",
            ["decides_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("extraction", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_extraction_decides_id_extraction"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_extraction_decides_id"))
        batch_op.drop_column("decides_id")
    # SQLite (3.35+) and PostgreSQL both drop a plain column in place.
    op.drop_column("activity", "reviewed_at")
    op.drop_column("activity", "reviewed_by")
