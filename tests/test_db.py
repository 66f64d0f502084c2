"""The migrations match the schema, round-trip, and the SQLite pragmas are on."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from wpstrack.db import downgrade, make_engine, schema_is_current, upgrade
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
