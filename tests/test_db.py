"""The migrations match the schema, round-trip, and the SQLite pragmas are on."""

from __future__ import annotations

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
        return compare_metadata(context, metadata)


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
