"""The public version (migration 0019): public figures survive drafts, never a publication.

An ingestion writes drafts all the time; what anonymous visitors see changes only when a
record is published, withdrawn or edited while published, or when reference data changes.
Triggers move ``public_version`` on exactly those writes, and the public's kept dashboard,
facets and searches (``wpstrack.db.kept_until_write(..., public=True)``) are kept under it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, event, select, text, update

from wpstrack import activities, dashboard, facets, ingest, schema, search
from wpstrack.activities import ActivityFilter
from wpstrack.db import PRIVATE_TABLES, make_engine, upgrade
from wpstrack.reference.sync import sync_reference

DEV = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dev"


def _version(conn: Connection) -> int:
    return int(conn.execute(select(schema.public_version.c.version)).scalar_one())


@pytest.fixture()
def engine(fresh_database_url: str) -> Iterator[Engine]:
    engine = make_engine(fresh_database_url)
    with engine.begin() as conn:
        upgrade(conn)
        sync_reference(conn)
    yield engine
    engine.dispose()


def _ingest(engine: Engine, name: str) -> int:
    with engine.begin() as conn:
        outcome = ingest.ingest_file(conn, DEV / name)
        assert outcome.document_id is not None
        act = schema.activity
        return int(
            conn.execute(
                select(act.c.id).where(act.c.document_id == outcome.document_id)
            ).scalar_one()
        )


def _publish(engine: Engine, activity_id: int) -> None:
    with engine.begin() as conn:
        act = schema.activity
        conn.execute(update(act).where(act.c.id == activity_id).values(status="reviewed"))
        activities.set_published(conn, "tester", activity_id, True)


def test_every_table_moves_the_public_version_or_is_listed_private(engine: Engine) -> None:
    """A table added later without a trigger fails here: its writes would leave the public's
    pages stale."""
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            rows = conn.execute(
                text("SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger'")
            )
        else:
            rows = conn.execute(
                text(
                    "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c"
                    " ON c.oid = t.tgrelid WHERE t.tgname LIKE 'public_version_%'"
                )
            )
        covered = set(rows.scalars())
    tables = set(schema.metadata.tables)
    assert tables - covered - PRIVATE_TABLES == set()
    assert covered & PRIVATE_TABLES == set()
    assert tables | {"alembic_version"} >= PRIVATE_TABLES


def test_drafts_leave_the_public_version_and_the_public_figures_alone(engine: Engine) -> None:
    with engine.connect() as conn:
        before = _version(conn)
    _ingest(engine, "dev-000.txt")
    with engine.connect() as conn:
        assert _version(conn) == before


def test_a_format_copy_joined_to_a_draft_leaves_the_public_version(
    engine: Engine, tmp_path: Path
) -> None:
    """Joining a copy merges two drafts; its statements on always-public tables (moving the
    draft's contributions: none) change no row. PostgreSQL fired its statement triggers for
    them anyway until migration 0021, so every joined copy threw the public's kept figures
    away under an ingesting writer (bench/load.py)."""
    copy = tmp_path / "dev-001-copy.txt"
    copy.write_bytes((DEV / "dev-001.txt").read_bytes() + b"\n(a copy of the release)\n")
    _ingest(engine, "dev-001.txt")
    with engine.connect() as conn:
        before = _version(conn)
    with engine.begin() as conn:
        outcome = ingest.ingest_file(conn, copy)
    assert "format copy" in (outcome.detail or "")
    with engine.begin() as conn:
        money = schema.contribution
        conn.execute(update(money).where(money.c.id == -1).values(activity_id=money.c.activity_id))
        conn.execute(schema.exchange_rate.delete().where(schema.exchange_rate.c.rate < 0))
        assert _version(conn) == before
        conn.execute(update(schema.pillar).values(sort_order=schema.pillar.c.sort_order))
        assert _version(conn) > before


@pytest.mark.parametrize(
    "write",
    [
        "publish",
        "withdraw",
        "edit a published title",
        "add a link to a published activity",
        "remove a participant of a published activity",
        "edit a document behind a published activity",
        "rename an organisation",
    ],
)
def test_writes_the_public_sees_move_the_public_version(engine: Engine, write: str) -> None:
    published = _ingest(engine, "dev-000.txt")
    _publish(engine, published)
    act, link, part = schema.activity, schema.activity_link, schema.activity_participant
    with engine.connect() as conn:
        before = _version(conn)
    with engine.begin() as conn:
        if write == "publish":
            _draft = _ingest(engine, "dev-001.txt")
            conn.execute(update(act).where(act.c.id == _draft).values(status="reviewed"))
            activities.set_published(conn, "tester", _draft, True)
        elif write == "withdraw":
            activities.set_published(conn, "tester", published, False)
        elif write == "edit a published title":
            conn.execute(update(act).where(act.c.id == published).values(title="Another title"))
        elif write == "add a link to a published activity":
            conn.execute(
                link.insert().values(activity_id=published, kind="topic", topic="mediation")
            )
        elif write == "remove a participant of a published activity":
            first = conn.execute(
                select(part.c.id).where(part.c.activity_id == published).limit(1)
            ).scalar_one()
            conn.execute(part.delete().where(part.c.id == first))
        elif write == "edit a document behind a published activity":
            doc_id = conn.execute(
                select(act.c.document_id).where(act.c.id == published)
            ).scalar_one()
            doc = schema.document
            conn.execute(update(doc).where(doc.c.id == doc_id).values(title="Retitled"))
        else:
            org = schema.organisation
            first_org = conn.execute(select(org.c.id).limit(1)).scalar_one()
            conn.execute(update(org).where(org.c.id == first_org).values(name="Renamed"))
    with engine.connect() as conn:
        assert _version(conn) > before


def _reads(engine: Engine) -> list[str]:
    queries: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: queries.append(a[2]))
    return queries


PUBLIC_VIEWS: dict[str, Callable[[Connection], Any]] = {
    "dashboard": lambda conn: dashboard.dashboard(conn, public=True),
    "facets": lambda conn: facets.facets(conn, ActivityFilter(), public_only=True),
    "search": lambda conn: search.search(conn, "women", public=True),
}


@pytest.mark.parametrize("view", list(PUBLIC_VIEWS))
def test_public_views_are_kept_through_drafts_and_renewed_by_a_publication(
    engine: Engine, view: str
) -> None:
    show = PUBLIC_VIEWS[view]
    _publish(engine, _ingest(engine, "dev-000.txt"))
    queries = _reads(engine)

    def request() -> Any:
        with engine.connect() as conn:  # one request, one transaction, as the web app
            return show(conn)

    first = request()
    draft = _ingest(engine, "dev-001.txt")  # a draft that mentions women, peace and security
    queries.clear()
    assert request() == first
    assert not any("activity" in q for q in queries)  # kept: only the version was read

    _publish(engine, draft)
    second = request()
    assert second != first
    with engine.connect() as conn:  # and it is what the register says now
        keeper_free = make_engine(str(conn.engine.url.render_as_string(hide_password=False)))
    try:
        with keeper_free.connect() as other:
            assert second == show(other)
    finally:
        keeper_free.dispose()


def test_logged_in_views_still_see_drafts_at_once(engine: Engine) -> None:
    def request() -> dict[str, Any]:
        with engine.connect() as conn:
            return dashboard.dashboard(conn, public=False)

    first = request()
    _ingest(engine, "dev-000.txt")
    assert request()["activities"] == first["activities"] + 1
