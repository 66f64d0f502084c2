"""The migrations match the schema, round-trip, and the SQLite pragmas are on."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

from wpstrack.db import (
    SCHEMA_HEAD,
    alembic_config,
    downgrade,
    make_engine,
    schema_is_current,
    schema_revision,
    upgrade,
)
from wpstrack.schema import metadata
from wpstrack.search_index import keep_in_autogenerate


def _diff(engine: Engine) -> list:
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": keep_in_autogenerate}
        )
        found = compare_metadata(context, metadata)
    if engine.dialect.name == "sqlite":
        found = _without_inline_foreign_keys(found)
    return found


def _without_inline_foreign_keys(found: list) -> list:
    """SQLite reflects a REFERENCES clause added by ``ALTER TABLE ... ADD COLUMN`` without
    its name and ON DELETE, so autogenerate sees it as another key. Migration 0013 adds one
    that way on purpose (a batch copy of ``activity`` would cascade-delete its children):
    an unnamed key on the same columns and table as the model's is the same key."""

    def shape(fk: Any) -> tuple:
        return (
            fk.table.name,
            tuple(c.name for c in fk.columns),
            fk.referred_table.name,
        )

    removed = {shape(d[1]) for d in found if d[0] == "remove_fk" and d[1].name is None}
    added = {shape(d[1]) for d in found if d[0] == "add_fk"}
    same = removed & added
    return [d for d in found if not (d[0] in ("remove_fk", "add_fk") and shape(d[1]) in same)]


def test_upgrade_head_on_empty_database_matches_models(fresh_database_url: str) -> None:
    engine = make_engine(fresh_database_url)
    with engine.begin() as conn:
        upgrade(conn)
        assert schema_is_current(conn)
    assert _diff(engine) == []
    engine.dispose()


def test_downgrade_then_upgrade_round_trips(fresh_database_url: str) -> None:
    engine = make_engine(fresh_database_url)
    with engine.begin() as conn:
        upgrade(conn)
    with engine.begin() as conn:
        downgrade(conn, "base")
    with engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
    with engine.begin() as conn:
        upgrade(conn)
    assert _diff(engine) == []
    engine.dispose()


def test_sqlite_runs_with_wal_and_foreign_keys(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    engine.dispose()


def test_the_schema_head_is_alembics_head() -> None:
    # A new migration must move SCHEMA_HEAD too, or every command would find the schema behind.
    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == SCHEMA_HEAD


def test_the_revision_is_read_as_alembic_reads_it(fresh_database_url: str) -> None:
    engine = make_engine(fresh_database_url)
    revisions = [r.revision for r in ScriptDirectory.from_config(alembic_config()).walk_revisions()]
    with engine.begin() as conn:
        assert schema_revision(conn) is None  # no alembic_version table yet
        assert not schema_is_current(conn)
    for revision in reversed(revisions[:3]):  # the newest three, oldest first
        with engine.begin() as conn:
            upgrade(conn, revision)
        with engine.connect() as conn:
            assert schema_revision(conn) == MigrationContext.configure(conn).get_current_revision()
            assert schema_revision(conn) == revision
            assert schema_is_current(conn) == (revision == SCHEMA_HEAD)
    with engine.begin() as conn:
        downgrade(conn, "base")
    with engine.connect() as conn:
        assert schema_revision(conn) is None  # the table stays, empty
    engine.dispose()


def test_commands_do_not_load_alembic_until_they_migrate() -> None:
    """Alembic, Mako and the lexers Mako loads cost every command a quarter of a second
    of its start and 7 MB; only a migration needs them."""
    code = (
        "import sys, wpstrack.cli; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'alembic', 'mako'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
