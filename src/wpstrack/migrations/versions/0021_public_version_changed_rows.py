"""The public version moves on PostgreSQL only when a statement changed a row

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 18:30:00.000000

Migration 0019 bumps ``public_version`` once per statement on the tables that always reach
the public (reference data, plans, indicators, funding...). PostgreSQL fires a statement
trigger also for a statement that changes no row, and merging a format copy into a draft
runs such statements (``UPDATE contribution ... WHERE activity_id = <the draft>``, none
there): under an ingesting writer every joined copy threw away the public's kept dashboard,
facets and searches (bench/load.py on PostgreSQL: dashboard p95 5-8 s). SQLite's triggers
are per row and never fired for them.

The statement triggers now read the rows the statement changed (transition tables, one
trigger per event, as PostgreSQL requires) and bump only when there is one. TRUNCATE has no
transition table and still bumps. Nothing changes on SQLite.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Migration 0019's tables written to the public on any change (its ALWAYS), as of 0019.
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
# The transition table each trigger names ``changed``: the rows inserted, updated or deleted.
EVENTS = {"insert": "NEW", "update": "NEW", "delete": "OLD"}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE FUNCTION public_version_bump_changed() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN IF EXISTS (SELECT 1 FROM changed) THEN {BUMP}; END IF; RETURN NULL; END $$"
    )
    for table in ALWAYS:
        op.execute(f"DROP TRIGGER public_version_{table} ON {table}")
        for event, rows in EVENTS.items():
            op.execute(
                f"CREATE TRIGGER public_version_{table}_{event} AFTER {event.upper()} ON {table} "
                f"REFERENCING {rows} TABLE AS changed "
                "FOR EACH STATEMENT EXECUTE FUNCTION public_version_bump_changed()"
            )
        op.execute(
            f"CREATE TRIGGER public_version_{table}_truncate AFTER TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION public_version_bump()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in ALWAYS:
        for event in (*EVENTS, "truncate"):
            op.execute(f"DROP TRIGGER public_version_{table}_{event} ON {table}")
        op.execute(
            f"CREATE TRIGGER public_version_{table} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION public_version_bump()"
        )
    op.execute("DROP FUNCTION public_version_bump_changed()")
