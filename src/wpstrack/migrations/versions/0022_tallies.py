"""Tallies: the register's figures kept up to date in the transaction of each write

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 23:30:00.000000

The unfiltered dashboard, 3W matrix and activity-list facets recounted the register after
every write (4.6-5.3 s at 1,000,000 activities, bench/RESULTS.md "Scale"). ``activity_tally``
holds what each activity adds to each figure, ``tally`` their sums, and ``tally_dirty`` the
activities whose contribution may have changed since (``wpstrack.tallies``).

Triggers fill ``tally_dirty`` from every write that can change a contribution, whatever code
path makes it: an activity's counted columns, its participants and links, the name, code or
type of an organisation it names, the language of its document. SQLite's are per row;
PostgreSQL's per statement over the changed rows (transition tables), so a bulk load costs
one insert per statement. The tallies of the existing register are built here, one
INSERT ... SELECT per figure.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from wpstrack import tallies

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The columns of ``activity``, ``organisation`` and ``document`` some figure reads
# (wpstrack.tallies.contributions); other updates (a title, a summary) mark nothing.
COLUMNS = {
    "activity": (
        "type",
        "status",
        "date",
        "country",
        "acting_country",
        "acting_organisation_id",
        "is_published",
        "document_id",
    ),
    "organisation": ("code", "name", "acronym", "type"),
    "document": ("language",),
}
CHILDREN = ("activity_participant", "activity_link")
# Activities naming organisations ``{ids}`` (the partial index's condition lets SQLite use it).
OF_ORGANISATIONS = (
    "SELECT activity_id FROM activity_participant WHERE organisation_id > 0"
    " AND organisation_id IN ({ids}) UNION SELECT id FROM activity"
    " WHERE acting_organisation_id IN ({ids})"
)
OF_DOCUMENTS = "SELECT id FROM activity WHERE document_id IN ({ids})"

# SQLite, per row: the ids to mark, from NEW and OLD (updates only when COLUMNS changed).
SQLITE = {
    ("activity", "insert"): "SELECT NEW.id",
    ("activity", "update"): "SELECT NEW.id",
    ("activity", "delete"): "SELECT OLD.id",
    **{(t, "insert"): "SELECT NEW.activity_id" for t in CHILDREN},
    **{(t, "update"): "SELECT NEW.activity_id UNION SELECT OLD.activity_id" for t in CHILDREN},
    **{(t, "delete"): "SELECT OLD.activity_id" for t in CHILDREN},
    ("organisation", "update"): OF_ORGANISATIONS.format(ids="NEW.id"),
    ("organisation", "delete"): OF_ORGANISATIONS.format(ids="OLD.id"),
    ("document", "update"): OF_DOCUMENTS.format(ids="NEW.id"),
}
# PostgreSQL, per statement: the same from the transition tables ``new_rows``, ``old_rows``;
# ``{changed}``: the ids of the updated rows whose COLUMNS changed.
CHANGED = "SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE {differs}"
POSTGRESQL = {
    ("activity", "insert"): "SELECT id FROM new_rows",
    ("activity", "update"): "{changed}",
    ("activity", "delete"): "SELECT id FROM old_rows",
    **{(t, "insert"): "SELECT activity_id FROM new_rows" for t in CHILDREN},
    **{
        (t, "update"): "SELECT activity_id FROM new_rows UNION SELECT activity_id FROM old_rows"
        for t in CHILDREN
    },
    **{(t, "delete"): "SELECT activity_id FROM old_rows" for t in CHILDREN},
    ("organisation", "update"): OF_ORGANISATIONS.format(ids="{changed}"),
    ("organisation", "delete"): OF_ORGANISATIONS.format(ids="SELECT id FROM old_rows"),
    ("document", "update"): OF_DOCUMENTS.format(ids="{changed}"),
}
REFERENCING = {
    "insert": "NEW TABLE AS new_rows",
    "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "OLD TABLE AS old_rows",
}


def _sqlite_triggers() -> list[str]:
    out = []
    for (table, event), marked in SQLITE.items():
        columns = COLUMNS.get(table, ()) if event == "update" else ()
        when = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)
        out.append(
            f"CREATE TRIGGER tally_dirty_{table}_{event} AFTER {event.upper()} ON {table} "
            f"FOR EACH ROW{f' WHEN {when}' if when else ''} "
            f"BEGIN INSERT OR IGNORE INTO tally_dirty (activity_id) {marked}; END"
        )
    return out


def _postgresql_statements() -> list[str]:
    out = []
    for (table, event), marked in POSTGRESQL.items():
        differs = " OR ".join(f"o.{c} IS DISTINCT FROM n.{c}" for c in COLUMNS.get(table, ()))
        ids = marked.format(changed=CHANGED.format(differs=differs))
        function = f"tally_dirty_{table}_{event}"
        out.append(
            f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"INSERT INTO tally_dirty (activity_id) SELECT DISTINCT m.id FROM ({ids}) AS m(id) "
            "ON CONFLICT DO NOTHING; RETURN NULL; END $$"
        )
        out.append(
            f"CREATE TRIGGER {function} AFTER {event.upper()} ON {table} "
            f"REFERENCING {REFERENCING[event]} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )
    return out


def upgrade() -> None:
    op.create_table(
        "tally_dirty",
        sa.Column("activity_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("activity_id", name=op.f("pk_tally_dirty")),
    )
    op.create_table(
        "activity_tally",
        sa.Column("activity_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("figure", sa.String(length=16), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("activity_id", "figure", "key", name=op.f("pk_activity_tally")),
    )
    op.create_table(
        "tally",
        sa.Column("scope", sa.String(length=8), nullable=False),
        sa.Column("figure", sa.String(length=16), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "figure", "key", name=op.f("pk_tally")),
    )
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in _postgresql_statements() if postgresql else _sqlite_triggers():
        op.execute(statement)
    tallies.rebuild(op.get_bind())


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table, event in SQLITE:
        if postgresql:
            op.execute(f"DROP TRIGGER IF EXISTS tally_dirty_{table}_{event} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS tally_dirty_{table}_{event}()")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS tally_dirty_{table}_{event}")
    for table in ("tally", "activity_tally", "tally_dirty"):
        op.drop_table(table)
