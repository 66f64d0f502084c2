"""Ingestion over worker processes, a Dask cluster and Parquet stores the same rows, once."""

from __future__ import annotations

import json
import os
import pickle
import random
import signal
import subprocess
import sys
import time
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from sqlalchemy import event, func, inspect, select
from typer.testing import CliRunner

from wpstrack import ingest_parquet, ingest_run, ingest_work, schema
from wpstrack.cli import app
from wpstrack.db import make_engine
from wpstrack.documents import DocumentRejected
from wpstrack.errors import WorkerLost
from wpstrack.ingest_run import ingested_ids
from wpstrack.limits import ReadLimits

runner = CliRunner()
GOOD = 12  # releases of the development corpus in the folder
BROKEN = 3  # files in it that are refused: empty, random bytes, over the character limit
# A character limit under the longest file and over every release, so that one refusal of a
# per-document limit happens where the extraction runs: in a worker.
LIMITS = {"WPSTRACK_MAX_DOCUMENT_CHARS": "20000"}
# The rows a run stores; ids are compared too (results are written in the order of the
# files whatever the workers), only the times of writing (``*_at``) differ between runs.
TABLES = (
    "document",
    "extraction",
    "activity",
    "activity_participant",
    "activity_link",
    "activity_source",
)


@pytest.fixture(scope="module")
def folder(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Twelve releases and three broken files (empty; random bytes; too long) among them."""
    folder = tmp_path_factory.mktemp("parallel") / "releases"
    folder.mkdir()
    releases = sorted(p for p in corpus_dir.glob("dev-*.txt") if p.stat().st_size > 0)
    for path in releases[:GOOD]:
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "dev-003b-empty.txt").write_bytes(b"")
    noise = random.Random(7).randbytes(3000)
    (folder / "dev-007b-noise.txt").write_bytes(noise.decode("latin-1").encode("utf-8"))
    (folder / "dev-009b-long.txt").write_bytes(releases[0].read_bytes() * 30)
    return folder


def run(url: str, data_dir: Path, *args: str) -> dict[str, Any]:
    env = {"WPSTRACK_DATABASE_URL": url, "WPSTRACK_DATA_DIR": str(data_dir), **LIMITS}
    result = runner.invoke(app, [*args, "--json"], env=env)
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.stdout))


def snapshot(url: str) -> dict[str, list[Any]]:
    """Every stored row of the tables a run writes, by id, without the times of writing."""
    engine = make_engine(url)
    rows: dict[str, list[Any]] = {}
    with engine.connect() as conn:
        for name in TABLES:
            table = schema.metadata.tables[name]
            columns = [c for c in table.c if not c.name.endswith("_at")]
            rows[name] = list(conn.execute(select(*columns).order_by(table.c.id)))
    engine.dispose()
    return rows


def table_names(url: str) -> list[str]:
    engine = make_engine(url)
    try:
        return inspect(engine).get_table_names()
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def one_worker(
    databases: Any, folder: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, list[Any]]:
    """The rows of an ingest in this process (``--workers 1``), to compare the others with."""
    url = databases.new_url()
    summary = run(url, tmp_path_factory.mktemp("one"), "ingest", str(folder), "--workers", "1")
    assert summary["ingested"] == GOOD
    return snapshot(url)


def assert_broken_files_rejected_and_the_rest_stored(rows: dict[str, list[Any]]) -> None:
    documents = {r.filename: r for r in rows["document"]}
    assert documents["dev-003b-empty.txt"].status == "rejected"
    assert documents["dev-003b-empty.txt"].reject_reason.startswith("empty:")
    assert documents["dev-007b-noise.txt"].reject_reason.startswith("binary:")
    assert documents["dev-009b-long.txt"].reject_reason.startswith("too_long:")
    assert sum(r.status == "ingested" for r in rows["document"]) == GOOD
    assert len(rows["activity"]) == GOOD and len(rows["extraction"]) > GOOD


@pytest.mark.slow
def test_two_worker_processes_store_the_same_rows_as_one(
    databases: Any, folder: Path, tmp_path: Path, one_worker: dict[str, Any]
) -> None:
    url = databases.new_url()
    summary = run(url, tmp_path, "ingest", str(folder), "--workers", "2")
    assert summary["ingested"] == GOOD
    assert summary["rejected_by_reason"] == {"binary": 1, "empty": 1, "too_long": 1}
    rows = snapshot(url)
    assert_broken_files_rejected_and_the_rest_stored(rows)
    assert rows == one_worker


@pytest.mark.slow
def test_a_dask_cluster_of_two_workers_stores_the_same_rows(
    databases: Any, folder: Path, tmp_path: Path, one_worker: dict[str, Any]
) -> None:
    from distributed import LocalCluster

    url = databases.new_url()
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        address = str(cluster.scheduler_address)
        summary = run(url, tmp_path, "ingest", str(folder), "--scheduler", address)
    assert summary["ingested"] == GOOD
    assert snapshot(url) == one_worker


def test_parquet_partitions_then_load_equal_a_direct_ingest_and_load_once(
    databases: Any, folder: Path, tmp_path: Path, one_worker: dict[str, Any]
) -> None:
    parquet = tmp_path / "parquet"
    url = databases.new_url()
    written = run(url, tmp_path, "ingest", str(folder), "--to-parquet", str(parquet))
    assert (written["ingested"], written["rejected"]) == (GOOD, BROKEN)
    assert table_names(url) == []  # --to-parquet does not touch the database
    assert run(url, tmp_path, "load", str(parquet))["ingested"] == GOOD
    assert snapshot(url) == one_worker
    again = run(url, tmp_path, "load", str(parquet))
    assert (again["ingested"], again["already_present"]) == (0, GOOD)
    assert snapshot(url) == one_worker


def test_a_rerun_into_the_same_parquet_folder_writes_only_what_is_missing(
    folder: Path, tmp_path: Path
) -> None:
    parquet = tmp_path / "parquet"
    url = f"sqlite:///{tmp_path / 'unused.db'}"
    run(url, tmp_path, "ingest", str(folder), "--to-parquet", str(parquet))
    (parquet / ".part-000001.parquet.partial").write_bytes(b"a crashed write")
    again = run(url, tmp_path, "ingest", str(folder), "--to-parquet", str(parquet))
    assert (again["ingested"], again["already_present"]) == (0, GOOD + BROKEN)
    assert [p.name for p in ingest_parquet.partitions(parquet)] == ["part-000000.parquet"]
    assert ingest_parquet.count_rows(parquet) == GOOD + BROKEN
    assert not (tmp_path / "unused.db").exists()


def test_every_parquet_column_is_documented() -> None:
    doc = ingest_parquet.__doc__ or ""
    assert [name for name in ingest_parquet.COLUMNS.names if f"``{name}``" not in doc] == []


def test_parquet_partitions_have_the_documented_columns(folder: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'unused.db'}"
    run(url, tmp_path, "ingest", str(folder), "--to-parquet", str(tmp_path / "p"))
    table = pq.read_table(tmp_path / "p" / "part-000000.parquet")
    assert table.schema.names == ingest_parquet.COLUMNS.names
    rows = {r["filename"]: r for r in table.to_pylist()}
    assert rows["dev-003b-empty.txt"]["status"] == "rejected"
    assert rows["dev-003b-empty.txt"]["reason"] == "empty"
    record = json.loads(rows["dev-000.txt"]["record"])
    assert record["spans"] and all("start" in span for span in record["spans"])


def test_a_rerun_skips_stored_content_by_hash_before_extracting_it(
    fresh_database_url: str, folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(fresh_database_url, tmp_path, "ingest", str(folder))
    extracted: list[str] = []
    real = ingest_work.extract_content

    def counted(raw: bytes | None, origin: Any, **options: Any) -> Any:
        extracted.append(origin.filename)
        return real(raw, origin, **options)

    monkeypatch.setattr(ingest_work, "extract_content", counted)
    again = run(fresh_database_url, tmp_path, "ingest", str(folder))
    assert again["already_present"] == GOOD
    # Only the refused files are read again (a refusal is retried, as before).
    assert sorted(extracted) == ["dev-003b-empty.txt", "dev-007b-noise.txt", "dev-009b-long.txt"]


def test_the_look_up_by_hash_uses_the_index(fresh_database_url: str, folder: Path) -> None:
    """The plan of the statement a chunk's look-up runs, with a chunk's number of hashes:
    with the status in the query and eight hashes, SQLite read every stored document by
    the status index, for each chunk (the test asked two hashes, and passed)."""
    if not fresh_database_url.startswith("sqlite"):
        pytest.skip("the plan is read from SQLite's EXPLAIN QUERY PLAN")
    run(fresh_database_url, folder.parent, "ingest", str(folder))
    engine = make_engine(fresh_database_url)
    doc = schema.document
    ran: list[tuple[str, Any]] = []

    def seen(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        ran.append((statement, parameters))

    with engine.connect() as conn:
        digests = [r.content_hash for r in conn.execute(select(doc.c.content_hash))]
        asked = [*digests, *(f"{n:064x}" for n in range(ingest_run.CHUNK_DOCS))]
        event.listen(engine, "before_cursor_execute", seen)
        assert len(ingested_ids(conn, asked[-ingest_run.CHUNK_DOCS :])) == 0
        event.remove(engine, "before_cursor_execute", seen)
        assert len(ingested_ids(conn, digests)) == GOOD
        ((statement, parameters),) = ran
        plan = " ".join(
            str(r[-1]) for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
        )
    engine.dispose()
    assert "content_hash" in plan and "status" not in plan, plan


# The ingest command, slowed down in its writer so that a kill lands in the middle of a run.
SLOW_INGEST = """
import sys, time
from wpstrack import ingest_run
real = ingest_run.store_many
def slow(conn, batch, *args, **kwargs):
    time.sleep(0.3 * len(batch))
    return real(conn, batch, *args, **kwargs)
ingest_run.store_many = slow
from wpstrack.cli import app
app(sys.argv[1:])
"""


def _ingested(url: str) -> int:
    engine = make_engine(url)
    doc = schema.document
    try:
        with engine.connect() as conn:
            query = select(func.count()).where(doc.c.status == "ingested")
            return int(conn.execute(query).scalar_one())
    except Exception:  # the schema is not created yet
        return 0
    finally:
        engine.dispose()


@pytest.mark.slow
def test_a_kill_9_mid_run_and_a_rerun_leave_every_document_exactly_once(
    fresh_database_url: str, folder: Path, tmp_path: Path, one_worker: dict[str, Any]
) -> None:
    env = os.environ | {
        "WPSTRACK_DATABASE_URL": fresh_database_url,
        "WPSTRACK_DATA_DIR": str(tmp_path),
        "WPSTRACK_INGEST_BATCH_SIZE": "2",
        **LIMITS,
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    command = [sys.executable, "-c", SLOW_INGEST, "ingest", str(folder), "--workers", "2"]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 120
        while _ingested(fresh_database_url) < 4:
            assert process.poll() is None, process.communicate()[1].decode()[-2000:]
            assert time.monotonic() < deadline, "no document was stored in two minutes"
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # its worker processes too
        process.communicate()
    assert process.returncode == -signal.SIGKILL
    stored = _ingested(fresh_database_url)
    assert 4 <= stored < GOOD, "the kill came after the run had finished"
    again = run(fresh_database_url, tmp_path, "ingest", str(folder))
    assert (again["ingested"], again["already_present"]) == (GOOD - stored, stored)
    rows = snapshot(fresh_database_url)
    assert_broken_files_rejected_and_the_rest_stored(rows)
    hashes = [r.content_hash for r in rows["document"] if r.status == "ingested"]
    assert len(hashes) == len(set(hashes)) == GOOD
    # Each document has its rows once: the extractions and drafts of a direct run, by hash.
    assert _per_hash(rows) == _per_hash(one_worker)


def _per_hash(rows: dict[str, list[Any]]) -> dict[str, tuple[int, int]]:
    hash_of = {r.id: r.content_hash for r in rows["document"]}
    counts: dict[str, tuple[int, int]] = {}
    for digest in hash_of.values():
        extractions = sum(hash_of[e.document_id] == digest for e in rows["extraction"])
        drafts = sum(hash_of[a.document_id] == digest for a in rows["activity"])
        counts[digest] = (extractions, drafts)
    return counts


def test_a_rejection_crosses_to_the_writer_process_with_its_reason() -> None:
    refused = pickle.loads(pickle.dumps(DocumentRejected("too_long", "300001 characters")))
    assert (refused.reason, refused.detail) == ("too_long", "300001 characters")


def test_workers_and_a_scheduler_together_are_refused(folder: Path) -> None:
    result = runner.invoke(app, ["ingest", str(folder), "--workers", "2", "--scheduler", "x"])
    assert result.exit_code == 2
    assert "not both" in result.stderr


def test_a_dead_worker_ends_the_run_with_a_coded_error_that_says_to_rerun() -> None:
    dead: Future[list[Any]] = Future()
    dead.set_exception(BrokenProcessPool("a child process terminated abruptly"))
    with pytest.raises(WorkerLost, match="run the same command again") as caught:
        list(ingest_run._joined([], dead))
    assert caught.value.code == "W060"


def test_a_publisher_with_to_parquet_is_refused_as_it_belongs_to_the_load(
    folder: Path, tmp_path: Path
) -> None:
    args = ["ingest", str(folder), "--to-parquet", str(tmp_path / "p"), "--publisher", "MOFA"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "wpstrack load DIR --publisher" in result.stderr
    assert not (tmp_path / "p").exists()


def test_an_unreachable_scheduler_is_a_clear_error(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingest_run, "CONNECT_SECONDS", 2)
    env = {"WPSTRACK_DATA_DIR": str(tmp_path)}
    args = ["ingest", str(folder), "--scheduler", "tcp://127.0.0.1:9"]
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 2, result.output
    assert "cannot reach the Dask scheduler at 'tcp://127.0.0.1:9'" in result.stderr


def test_extraction_in_chunks_warms_the_process_up_once_before_its_first_chunk(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``--workers 1`` warms up at its first chunk, as a worker does at its start (which
    builds the tables before any memory zone, and gives back what their sources took)."""
    from wpstrack.extract import warm_up as warming

    calls: list[int] = []

    def counted_warm_up() -> None:
        calls.append(1)
        monkeypatch.setattr(warming, "_warm", True)

    monkeypatch.setattr(warming, "_warm", False)
    monkeypatch.setattr(warming, "warm_up", counted_warm_up)
    extractor = ingest_run.make_extractor(1)
    for _ in range(3):
        assert extractor.submit([], ReadLimits()).result() == []
    assert calls == [1]


def _jobs(tag: str) -> list[ingest_work.Job]:
    """Made-up releases whose names, bodies and numbers no other test uses."""
    jobs = []
    for n in range(4):
        text = (
            f"Minister Zq{tag}{n}x of Japan met Ms. Yw{tag}{n}v, Director of the Org{tag}{n} "
            f"Foundation, in Geneva on 3 March 2024 (reference {tag}-{n}-77{n}).\n"
        )
        name = f"release-{tag}-{n}.txt"
        origin = ingest_work.Source(name, f"/{name}", name, f"{tag}{n}", len(text))
        jobs.append(ingest_work.Job(origin, text.encode()))
    return jobs


def test_a_chunk_leaves_none_of_its_words_in_the_extractors_vocabularies() -> None:
    """spaCy keeps every word it meets for the life of a process: a worker reading a million
    releases kept all their names and numbers. A chunk is extracted in a memory zone: the
    vocabularies are as large after it as before, and the records are the same as outside."""
    from wpstrack.extract.matchers import phrase_tokenizer
    from wpstrack.extract.pipeline import default_pipeline

    ingest_work.extract_jobs(_jobs("warm"), ReadLimits())  # the first chunk warms up
    stores = (default_pipeline().vocab.strings, phrase_tokenizer().vocab.strings)
    before = [len(strings) for strings in stores]
    zoned = ingest_work.extract_jobs(_jobs("zoned"), ReadLimits())
    assert [len(strings) for strings in stores] == before
    assert [p.record["organisations"] for p in zoned if p.record] == [
        [f"Orgzoned{n} Foundation"] for n in range(4)
    ]
    outside = [
        ingest_work.extract_content(job.raw, job.origin, limits=ReadLimits())
        for job in _jobs("zoned")
    ]
    assert [p.record for p in zoned] == [p.record for p in outside]


def test_the_vocabularies_are_built_anew_once_zones_have_taken_enough_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A zone's end frees its words but leaves their places in spaCy's hash tables, which
    grew with every new word a worker met (54 MB for 960,000 of them). Past
    ``RENEW_AFTER`` words the next chunk starts on new vocabularies, and gives the same
    records as the old ones did."""
    from wpstrack.extract import warm_up as warming
    from wpstrack.extract.pipeline import default_pipeline

    warming.renew()  # whatever other tests took: new vocabularies, warmed up
    built = default_pipeline()
    kept = ingest_work.extract_jobs(_jobs("renewal"), ReadLimits())
    assert default_pipeline() is built  # far under the bound
    monkeypatch.setattr(warming, "RENEW_AFTER", 5)  # that chunk took more new words
    renewed = ingest_work.extract_jobs(_jobs("renewal"), ReadLimits())
    assert default_pipeline() is not built
    assert [p.record for p in renewed] == [p.record for p in kept]
    assert len(default_pipeline().vocab) == len(built.vocab)  # the warm-up's and one chunk's


def test_a_matcher_first_used_inside_a_memory_zone_keeps_its_label_after_it() -> None:
    """After a renewal the warm-up meets its titles in the caches and builds no phrase
    matcher: the first is built inside a chunk's zone, and spaCy dropped its label at the
    zone's end (E018 at its next match, in the suite's calibration tests)."""
    from wpstrack.extract import warm_up as warming
    from wpstrack.extract.matchers import is_government_office

    warming.warm_up()
    warming.renew()
    with warming.memory_zone():
        assert is_government_office("Deputy Minister of Ocean Affairs and Zq Planning")
    assert is_government_office("Vice-Minister of Ocean Affairs and Yw Fisheries")
