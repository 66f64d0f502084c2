"""The report's narratives: what editors write per plan, period and section

One new table, appended to and never updated: each save of a section's text is a row with
its author and time, so the report shows the latest and the editor page the history.

Revision ID: 0017
Revises: 0013
Create Date: 2026-12-06 12:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_narrative",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=False),
        sa.Column("section", sa.String(length=40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=120), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plan.id"],
            name=op.f("fk_report_narrative_plan_id_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_narrative")),
    )
    op.create_index(
        "ix_report_narrative_plan_period",
        "report_narrative",
        ["plan_id", "period", "section"],
    )


def downgrade() -> None:
    op.drop_index("ix_report_narrative_plan_period", table_name="report_narrative")
    op.drop_table("report_narrative")
