"""Roles and actors: whose activity it is, governments as participants, work locations,
person merges

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 09:20:00.000000

``activity.acting_country`` / ``acting_organisation_id`` say whose activity it is (a plan
counts its own government's), ``activity_participant.country`` a government named in a role
("funded by Japan"), ``activity_link.country`` a country where the work happens (kind
``location``), and ``person_merge`` the reviewers' "same person" decisions. Existing
activities take their acting government from the country of the organisation their
document's publisher names, where the reference table knows one.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from wpstrack import search_index

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FK = "fk_activity_acting_organisation_id_organisation"


def _keep_search_triggers() -> None:
    """Re-create the search triggers on ``activity`` after SQLite's batch copy dropped them
    (PostgreSQL alters the table in place and keeps them)."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        search_index.install(bind)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # In place, never a batch copy: dropping the old ``activity`` while foreign keys are
        # on (and the pragma cannot change inside the migration's transaction) would cascade
        # to every participant, link and source row. SQLite takes a REFERENCES clause in
        # ADD COLUMN when the column's default is NULL.
        op.execute("ALTER TABLE activity ADD COLUMN acting_country VARCHAR(2)")
        op.execute(
            "ALTER TABLE activity ADD COLUMN acting_organisation_id INTEGER"
            f" CONSTRAINT {_FK} REFERENCES organisation (id) ON DELETE SET NULL"
        )
    else:
        with op.batch_alter_table("activity", schema=None) as batch_op:
            batch_op.add_column(sa.Column("acting_country", sa.String(length=2), nullable=True))
            batch_op.add_column(sa.Column("acting_organisation_id", sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                _FK, "organisation", ["acting_organisation_id"], ["id"], ondelete="SET NULL"
            )
    op.create_index("ix_activity_acting_country", "activity", ["acting_country"], unique=False)
    with op.batch_alter_table("activity_participant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("country", sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column("role_by", sa.String(length=80), nullable=True))
    with op.batch_alter_table("activity_link", schema=None) as batch_op:
        batch_op.add_column(sa.Column("country", sa.String(length=2), nullable=True))
    op.create_table(
        "person_merge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name_key", sa.String(length=300), nullable=False),
        sa.Column("into_key", sa.String(length=300), nullable=False),
        sa.Column("merged_by", sa.String(length=80), nullable=True),
        sa.Column("merged_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_merge")),
        sa.UniqueConstraint("name_key", name=op.f("uq_person_merge_name_key")),
    )
    with op.batch_alter_table("person_merge", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_merge_into_key"), ["into_key"], unique=False)
    # Before this revision people were principals or participants and organisations were
    # mentioned: the role says what each row names.
    op.execute(
        "UPDATE activity_participant SET kind = CASE WHEN role = 'mentioned'"
        " THEN 'organisation' ELSE 'person' END"
    )
    # An activity drafted before this revision belongs to its publisher's government.
    op.execute(
        "UPDATE activity SET acting_country = ("
        " SELECT organisation.country FROM document"
        " JOIN organisation_alias ON lower(organisation_alias.alias) = lower(document.publisher)"
        " JOIN organisation ON organisation.id = organisation_alias.organisation_id"
        " WHERE document.id = activity.document_id AND organisation.country IS NOT NULL"
        " ORDER BY organisation.id LIMIT 1)"
        " WHERE acting_country IS NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("person_merge", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_merge_into_key"))
    op.drop_table("person_merge")
    with op.batch_alter_table("activity_link", schema=None) as batch_op:
        batch_op.drop_column("country")
    with op.batch_alter_table("activity_participant", schema=None) as batch_op:
        batch_op.drop_column("role_by")
        batch_op.drop_column("country")
        batch_op.drop_column("kind")
    op.drop_index("ix_activity_acting_country", table_name="activity")
    sqlite = op.get_bind().dialect.name == "sqlite"
    # SQLite cannot drop a column that holds a foreign key, so it takes a batch copy, which
    # (foreign keys being on) empties the tables that cascade from ``activity``: downgrading
    # below 0013 is for an empty or a throw-away database there. Take a backup first.
    with op.batch_alter_table("activity", schema=None) as batch_op:
        if not sqlite:  # SQLite reflects the key added in place without its name
            batch_op.drop_constraint(_FK, type_="foreignkey")
        batch_op.drop_column("acting_organisation_id")
        batch_op.drop_column("acting_country")
    _keep_search_triggers()
