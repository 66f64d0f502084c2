"""Indicator entry as monitors expect it (plan period types, validation rules, approval,
history) and contributions' DAC purpose code and recipient country

Columns are added with plain ``ADD COLUMN`` (no batch table rebuild): on SQLite a rebuild
drops and recreates ``plan``, and the drop would cascade to every plan item. The allowed
values of ``period_type`` and ``status`` are checked by the domain
(``wpstrack.plans.periods``, ``wpstrack.indicators.values``), which every write goes through.

Revision ID: 0016
Revises: 0011
Create Date: 2026-12-06 09:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "plan",
        sa.Column(
            "period_type", sa.String(length=16), server_default="calendar_year", nullable=False
        ),
    )
    op.add_column("plan", sa.Column("fiscal_year_start", sa.Integer(), nullable=True))
    op.add_column("indicator", sa.Column("min_value", sa.Float(), nullable=True))
    op.add_column("indicator", sa.Column("max_value", sa.Float(), nullable=True))
    op.add_column(
        "indicator",
        sa.Column("parts_sum_to_total", sa.Boolean(), server_default="0", nullable=False),
    )
    op.add_column(
        "indicator_value",
        sa.Column("status", sa.String(length=10), server_default="entered", nullable=False),
    )
    op.add_column("indicator_value", sa.Column("approved_by", sa.String(length=120)))
    op.add_column("indicator_value", sa.Column("approved_at", sa.DateTime(timezone=True)))
    op.add_column("contribution", sa.Column("purpose_code", sa.String(length=5)))
    op.add_column("contribution", sa.Column("recipient_country", sa.String(length=2)))
    op.create_table(
        "indicator_value_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=120), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replaced_by", sa.String(length=120), nullable=True),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["value_id"],
            ["indicator_value.id"],
            name=op.f("fk_indicator_value_revision_value_id_indicator_value"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_value_revision")),
    )
    op.create_index("ix_indicator_value_revision_value", "indicator_value_revision", ["value_id"])


def downgrade() -> None:
    op.drop_index("ix_indicator_value_revision_value", table_name="indicator_value_revision")
    op.drop_table("indicator_value_revision")
    # DROP COLUMN (SQLite 3.35+) in place, for the same reason as above.
    for table, column in (
        ("contribution", "recipient_country"),
        ("contribution", "purpose_code"),
        ("indicator_value", "approved_at"),
        ("indicator_value", "approved_by"),
        ("indicator_value", "status"),
        ("indicator", "parts_sum_to_total"),
        ("indicator", "max_value"),
        ("indicator", "min_value"),
        ("plan", "fiscal_year_start"),
        ("plan", "period_type"),
    ):
        op.drop_column(table, column)
