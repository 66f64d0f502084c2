"""The public version: a number that moves with every write an anonymous visitor could see

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 12:45:00.000000

The public's kept figures, facets and searches (``wpstrack.db.kept_until_write``) were
thrown away at every commit, so an ingestion writing drafts twice a second made every public
page recompute its figures twice a second (bench/load.py). Triggers move
``public_version.version`` instead, on the writes that can change a public page:

- ``activity``: a row that is or was published;
- ``activity_link``, ``activity_participant``, ``activity_source``: a row of a published
  activity;
- ``document``: an update or delete of a document behind a published activity (a new
  document is behind none yet);
- every other table, on any write, except the private ones below: reference data, plans,
  indicators, funding, people and organisations all show on public pages.

Private (no trigger): users, tokens, login attempts, audit events, extraction proposals,
report narratives (the report is for logged-in users),
search index tables (their rows follow the tables above), Alembic's own and this one.
Written by hand: triggers are not in schema.py; ``tests/test_public_version.py`` checks that
every table of schema.py is covered or listed as private.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The tables written as of this revision, by how a write to them reaches the public.
ACTIVITY_CHILDREN = ("activity_link", "activity_participant", "activity_source")
ALWAYS = (
    "resolution",
    "pillar",
    "organisation",
    "organisation_alias",
    "place",
    "person",
    "position",
    "plan",
    "plan_item",
    "plan_item_organisation",
    "indicator",
    "indicator_target",
    "indicator_value",
    "indicator_value_revision",
    "activity_apart",
    "person_merge",
    "contribution",
    "exchange_rate",
)
BUMP = "UPDATE public_version SET version = version + 1"
PUBLISHED = "EXISTS (SELECT 1 FROM activity WHERE activity.id = {row}.activity_id AND activity.is_published)"
BEHIND = (
    "(EXISTS (SELECT 1 FROM activity WHERE activity.document_id = {row}.id AND activity.is_published)"
    " OR EXISTS (SELECT 1 FROM activity_source JOIN activity ON activity.id = activity_source.activity_id"
    " WHERE activity_source.document_id = {row}.id AND activity.is_published))"
)
OPERATIONS = {"insert": ("NEW",), "update": ("OLD", "NEW"), "delete": ("OLD",)}


def _condition(table: str, rows: tuple[str, ...]) -> str | None:
    """The SQL condition under which a row write to ``table`` moves the version (None:
    always)."""
    if table == "activity":
        return " OR ".join(f"{row}.is_published" for row in rows)
    if table in ACTIVITY_CHILDREN:
        return " OR ".join(PUBLISHED.format(row=row) for row in rows)
    if table == "document":
        return " OR ".join(BEHIND.format(row=row) for row in rows if row == "OLD") or "0 = 1"
    return None


def _sqlite_triggers() -> list[str]:
    out = []
    for table in ("activity", "document", *ACTIVITY_CHILDREN, *ALWAYS):
        for operation, rows in OPERATIONS.items():
            condition = _condition(table, rows)
            if condition == "0 = 1":
                continue
            when = f" WHEN {condition}" if condition else ""
            out.append(
                f"CREATE TRIGGER public_version_{table}_{operation} AFTER {operation.upper()} "
                f"ON {table} FOR EACH ROW{when} BEGIN {BUMP}; END"
            )
    return out


def _postgresql_statements() -> list[str]:
    out = [
        "CREATE FUNCTION public_version_bump() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN {BUMP}; RETURN NULL; END $$"
    ]
    for table in ("activity", "document", *ACTIVITY_CHILDREN):
        checks = []
        for operation, rows in OPERATIONS.items():
            condition = _condition(table, rows)
            if condition != "0 = 1":
                checks.append(f"(TG_OP = '{operation.upper()}' AND ({condition}))")
        out.append(
            f"CREATE FUNCTION public_version_{table}() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN IF {' OR '.join(checks)} THEN {BUMP}; END IF; RETURN NULL; END $$"
        )
        out.append(
            f"CREATE TRIGGER public_version_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION public_version_{table}()"
        )
    for table in ALWAYS:  # once per statement: a reference import writes thousands of rows
        out.append(
            f"CREATE TRIGGER public_version_{table} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION public_version_bump()"
        )
    return out


def upgrade() -> None:
    op.create_table(
        "public_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_version")),
    )
    op.execute("INSERT INTO public_version (id, version) VALUES (1, 0)")
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in _postgresql_statements() if postgresql else _sqlite_triggers():
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in ("activity", "document", *ACTIVITY_CHILDREN, *ALWAYS):
            op.execute(f"DROP TRIGGER IF EXISTS public_version_{table} ON {table}")
        for table in ("activity", "document", *ACTIVITY_CHILDREN):
            op.execute(f"DROP FUNCTION IF EXISTS public_version_{table}()")
        op.execute("DROP FUNCTION IF EXISTS public_version_bump()")
    else:
        for table in ("activity", "document", *ACTIVITY_CHILDREN, *ALWAYS):
            for operation in OPERATIONS:
                op.execute(f"DROP TRIGGER IF EXISTS public_version_{table}_{operation}")
    op.drop_table("public_version")
