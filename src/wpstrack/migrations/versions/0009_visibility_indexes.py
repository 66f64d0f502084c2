"""visibility indexes

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 06:20:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Index creation alone: batch mode does not rebuild the tables (the search triggers on
    # document and activity stay in place).
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.create_index(
            "ix_activity_document_published", ["document_id", "is_published"], unique=False
        )
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.create_index("ix_document_status", ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_index("ix_document_status")
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.drop_index("ix_activity_document_published")
