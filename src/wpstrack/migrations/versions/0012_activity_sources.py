"""activity_source, activity_apart, document.fingerprint: one event from many sources

Revision ID: 0012
Revises: 0014
Create Date: 2026-12-06 08:59:47.938418

An activity keeps every document it rests on in ``activity_source``; each existing activity
gets its own document as its "ingest" source. ``activity_apart`` remembers pairs a reviewer
kept apart. ``document.fingerprint`` is left NULL on documents stored before: they are
compared by the near-duplicate check only.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "activity_apart",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=False),
        sa.Column("decided_by", sa.String(length=80), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("activity_id < other_id", name=op.f("ck_activity_apart_ordered")),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activity.id"],
            name=op.f("fk_activity_apart_activity_id_activity"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["other_id"],
            ["activity.id"],
            name=op.f("fk_activity_apart_other_id_activity"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_apart")),
        sa.UniqueConstraint(
            "activity_id", "other_id", name=op.f("uq_activity_apart_activity_id_other_id")
        ),
    )
    with op.batch_alter_table("activity_apart", schema=None) as batch_op:
        batch_op.create_index("ix_activity_apart_other", ["other_id"], unique=False)

    op.create_table(
        "activity_source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("how", sa.String(length=8), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=True),
        sa.Column("added_by", sa.String(length=80), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "how IN ('ingest', 'merge', 'auto')", name=op.f("ck_activity_source_how")
        ),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activity.id"],
            name=op.f("fk_activity_source_activity_id_activity"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
            name=op.f("fk_activity_source_document_id_document"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_source")),
        sa.UniqueConstraint("document_id", name=op.f("uq_activity_source_document_id")),
    )
    with op.batch_alter_table("activity_source", schema=None) as batch_op:
        batch_op.create_index("ix_activity_source_activity", ["activity_id"], unique=False)

    op.execute(
        "INSERT INTO activity_source (activity_id, document_id, how, added_by, added_at) "
        "SELECT MIN(id), document_id, 'ingest', NULL, MIN(created_at) FROM activity "
        "WHERE document_id IS NOT NULL GROUP BY document_id ORDER BY MIN(id)"
    )

    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fingerprint", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_document_fingerprint", ["fingerprint"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_index("ix_document_fingerprint")
        batch_op.drop_column("fingerprint")

    with op.batch_alter_table("activity_source", schema=None) as batch_op:
        batch_op.drop_index("ix_activity_source_activity")

    op.drop_table("activity_source")
    with op.batch_alter_table("activity_apart", schema=None) as batch_op:
        batch_op.drop_index("ix_activity_apart_other")

    op.drop_table("activity_apart")
