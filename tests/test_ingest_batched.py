"""The writer's batched path (ingest.store_many) writes what storing one document at a time
writes: the same rows with the same ids, and a refused document rolls back alone."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, DateTime, Engine, event, select

from test_ingest import RELEASE
from wpstrack import ingest_work, japanese, register, schema, search_index
from wpstrack.db import make_engine, upgrade
from wpstrack.ingest import (
    DUPLICATE,
    INGESTED,
    REJECTED,
    Outcome,
    ingest_batch,
    ingest_file,
    store_many,
)
from wpstrack.limits import ReadLimits
from wpstrack.reference.sync import sync_reference

OTHER = (
    "June 3, 2024\n"
    "State Minister Tsuge met the Special Representative on Sexual Violence in Conflict\n\n"
    "On June 3, State Minister for Foreign Affairs TSUGE Yoshifumi received Ms. Pramila "
    "Patten in Tokyo and discussed support for survivors under the WPS agenda.\n"
)


JAPANESE = (
    "令和6年6月3日\n"
    "上川外務大臣とパッテン国連事務総長特別代表との会談\n\n"
    "6月3日、上川陽子外務大臣は、東京においてプラミラ・パッテン紛争下の性的暴力担当国連事務総長"
    "特別代表と会談を行い、女性・平和・安全保障（WPS）の推進について意見交換しました。\n"
)


def write_batch(folder: Path, *, bad: bool = False) -> list[Path]:
    """A batch with every case the writer tells apart: new documents, a format copy of one
    (joined to its activity), the same bytes twice, the same refusal twice, and with
    ``bad`` a document whose extraction the database refuses."""
    folder.mkdir()
    files = {
        "a-release.txt": RELEASE,
        "b-release.html": f"<html><body><article><p>{RELEASE}</p></article></body></html>",
        "c-empty.txt": "",
        "d-other.txt": OTHER,
        "e-again.txt": RELEASE,
        "f-empty.txt": "",
        "g-other-near.txt": OTHER + "Photo: Ministry of Foreign Affairs.\n",
        "h-japanese.txt": JAPANESE,
    }
    if bad:
        files["c-bad.txt"] = OTHER + "BAD\n"
    paths = []
    for name, content in sorted(files.items()):
        path = folder / name
        path.write_text(content, encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture()
def two_databases(databases: Any) -> Iterator[tuple[Engine, Engine]]:
    """Two new databases, migrated and with the reference data: one for each path."""
    engines = (make_engine(databases.new_url()), make_engine(databases.new_url()))
    for engine in engines:
        with engine.begin() as conn:
            upgrade(conn)
            sync_reference(conn)
    yield engines
    for engine in engines:
        engine.dispose()


def _clean(value: Any) -> Any:
    """A value without the instants it was written at (they differ between two runs)."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if k != "at" and not k.endswith("_at")}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def dump(conn: Connection) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table in key order, timestamps left out."""
    rows = {}
    for table in schema.metadata.sorted_tables:
        if table.name in schema.SEEDED:  # moved by triggers per statement, not per row
            continue
        columns = [c for c in table.c if not isinstance(c.type, DateTime)]
        order = list(table.primary_key.columns) or columns
        found = conn.execute(select(*columns).order_by(*order))
        rows[table.name] = [_clean(dict(r._mapping)) for r in found]
    return rows


def _ingest_each(engine: Engine, paths: list[Path]) -> list[Outcome]:
    with engine.begin() as conn:
        return [ingest_file(conn, path, actor="tester") for path in paths]


def _ingest_batched(engine: Engine, paths: list[Path]) -> list[Outcome]:
    with engine.begin() as conn:
        return ingest_batch(conn, paths, actor="tester")


def test_a_batch_writes_the_rows_of_storing_each_document_alone(
    two_databases: tuple[Engine, Engine], tmp_path: Path
) -> None:
    paths = write_batch(tmp_path / "releases")
    single, batched = two_databases
    one_by_one = _ingest_each(single, paths)
    together = _ingest_batched(batched, paths)
    assert together == one_by_one
    statuses = [o.status for o in together]
    assert statuses.count(INGESTED) == 5 and statuses.count(DUPLICATE) == 1
    assert statuses.count(REJECTED) == 2
    assert any(o.detail and "format copy" in o.detail for o in together), together
    with single.connect() as a, batched.connect() as b:
        expected, got = dump(a), dump(b)
    assert got.keys() == expected.keys()
    for table in expected:
        assert got[table] == expected[table], table
    assert len(got["document"]) == 6 and len(got["audit_event"]) > 10
    assert any(d["search_words"] for d in got["document"])


def test_a_refused_document_rolls_back_alone_and_the_batch_is_stored(
    two_databases: tuple[Engine, Engine], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = ingest_work.extract_record

    def out_of_range(document: Any, *limits: Any) -> dict[str, Any]:
        record = real(document, *limits)
        if "BAD" in document.text:  # a span offset no integer column holds
            record["spans"].append({"field": "title", "value": "x", "start": 10**20, "end": 1})
        return record

    monkeypatch.setattr(ingest_work, "extract_record", out_of_range)
    paths = write_batch(tmp_path / "releases", bad=True)
    single, batched = two_databases
    one_by_one = _ingest_each(single, paths)
    together = _ingest_batched(batched, paths)
    shown = [(o.path, o.status, o.reason, o.detail) for o in together]
    assert shown == [(o.path, o.status, o.reason, o.detail) for o in one_by_one]
    refused = [o for o in together if o.reason == "storage_failed"]
    assert [Path(o.path).name for o in refused] == ["c-bad.txt"]
    with single.connect() as a, batched.connect() as b:
        expected, got = dump(a), dump(b)
    # PostgreSQL's sequences keep the ids the rolled-back batch took: compare by content.
    for table in ("document", "extraction", "activity", "activity_source", "audit_event"):
        assert len(got[table]) == len(expected[table]), table
    bad_id = refused[0].document_id
    assert not [e for e in got["extraction"] if e["document_id"] == bad_id]
    assert not [a for a in got["activity"] if a["document_id"] == bad_id]
    stored = sorted((d["content_hash"], d["status"], d["reject_reason"]) for d in got["document"])
    assert stored == sorted(
        (d["content_hash"], d["status"], d["reject_reason"]) for d in expected["document"]
    )


def test_the_writer_stores_the_search_words_its_worker_cut(
    two_databases: tuple[Engine, Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Japanese document's search words are cut where it was extracted: the single writer
    loads no analyser (about 150 MB) and stores what it would have cut itself."""
    raw = JAPANESE.encode()
    origin = ingest_work.Source("ja.txt", "ja.txt", "ja.txt", hashlib.sha256(raw).hexdigest(), 9)
    prepared = ingest_work.extract_content(raw, origin, limits=ReadLimits())
    assert prepared.read is not None and prepared.record is not None
    title = ingest_work.title_of(prepared.read, prepared.record)
    expected = search_index.row_words("document", {"title": title, "text": prepared.read.text})
    values = register.column_values(prepared.record) | {"title": title}
    expected_draft = search_index.row_words("activity", values)
    assert expected and expected_draft

    def refuse(text: str | None) -> str:
        if text and japanese.has_japanese(text):
            raise AssertionError(f"the writer cut {text[:20]!r}")
        return ""

    monkeypatch.setattr(search_index, "text_words", refuse)
    engine = two_databases[0]
    with engine.begin() as conn:
        [outcome] = store_many(conn, [prepared])
        assert outcome.status == INGESTED
        doc, act = schema.document, schema.activity
        words = conn.execute(select(doc.c.search_words).where(doc.c.id == outcome.document_id))
        assert words.scalar_one() == expected
        drafted = select(act.c.search_words).where(act.c.document_id == outcome.document_id)
        assert conn.execute(drafted).scalar_one() == expected_draft


def test_a_batch_of_documents_that_copy_nothing_inserts_its_drafts_together(
    two_databases: tuple[Engine, Engine], tmp_path: Path
) -> None:
    """Drafts whose join cannot find a target (no shared fingerprint, no activity within a
    day) go in one statement per table, and their joins are not asked."""
    folder = tmp_path / "releases"
    folder.mkdir()
    paths = []
    for year in range(2001, 2007):  # years apart: nothing to join
        path = folder / f"release-{year}.txt"
        path.write_text(OTHER.replace("2024", str(year)), encoding="utf-8")
        paths.append(path)
    engine = two_databases[0]
    inserts: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO ACTIVITY"):
            inserts.append(statement.split("(")[0].split()[-1])

    event.listen(engine, "before_cursor_execute", count)
    outcomes = _ingest_batched(engine, paths)
    assert [o.status for o in outcomes] == [INGESTED] * len(paths)
    assert inserts.count("activity") == 1, inserts
    assert inserts.count("activity_source") == 1, inserts
    with engine.connect() as conn:
        assert len(conn.execute(select(schema.activity.c.id)).all()) == len(paths)
