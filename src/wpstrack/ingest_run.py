"""Ingestion at corpus scale: workers read and extract, one writer stores in batches.

A run has three parts, so that extraction (the slow, CPU-bound part) spreads over cores or
machines while the database keeps a single writer:

1. The main process walks the files and reads each one's bytes and sha256 (cheap next to
   extraction). It looks the hashes of a chunk up in one query (``IN`` over the indexed
   ``document.content_hash``); content already ingested is reported as already present and
   never sent to a worker. That is what makes a run resumable: after a crash, or a
   ``kill -9``, the rerun skips everything the committed batches stored, without reading
   it as text or extracting it again.
2. The remaining content goes to an :class:`Extractor` in chunks: in this process
   (``workers=1``, the default: the cheapest for small folders, the web upload and tests),
   in local worker processes (``workers=N``), or on a Dask distributed cluster
   (``scheduler=ADDRESS``). A worker turns bytes into text and an extraction record with
   :func:`wpstrack.ingest_work.extract_content` (a module without the writer's imports),
   under the same per-document limits as before (:mod:`wpstrack.limits`); a file it refuses
   comes back as a rejection with its reason and the chunk goes on. The bytes stay in the
   main process (the writer stores them); only text and records come back. Each worker
   builds the spaCy pipeline once.
3. Results are taken in the order of the files (the same ids and the same joining of
   format copies whatever the number of workers) and written in batches of
   ``ingest_batch_size``, one transaction each, by :func:`wpstrack.ingest.store_many`: its
   ``ON CONFLICT DO NOTHING`` on the unique hash keeps each content exactly once also when
   two runs store it at the same moment.

At most :attr:`Extractor.slots` chunks (and about :data:`MAX_PENDING_BYTES` of raw bytes)
are in flight, so memory stays flat however large the corpus.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, select

from wpstrack import schema
from wpstrack.db import transaction
from wpstrack.errors import ConfigError, WorkerLost
from wpstrack.extract.warm_up import warm_up
from wpstrack.ingest import (
    DUPLICATE,
    INGESTED,
    REJECTED,
    Outcome,
    Summary,
    batched,
    read_file,
    store_many,
)
from wpstrack.ingest_work import Job, Prepared, Source, extract_jobs
from wpstrack.limits import ReadLimits
from wpstrack.register import Lookups

CHUNK_DOCS = 8  # documents per task sent to a worker: amortises the hand-over, keeps balance
MAX_PENDING_BYTES = 64 * 2**20  # raw bytes held for chunks in flight before waiting
CONNECT_SECONDS = 20  # to reach a Dask scheduler before giving up


class Extractor(Protocol):
    """Where chunks are extracted; ``submit`` returns a future of the prepared list."""

    slots: int  # chunks kept in flight
    workers: int

    def submit(self, jobs: list[Job], limits: ReadLimits) -> Any: ...

    def close(self) -> None: ...


class InProcess:
    """Extraction in the calling process, one chunk at a time (``--workers 1``).

    The first chunk warms the process up as a worker's start does (:func:`extract_jobs`),
    which gives back the memory the tables' sources took: the one process also holds the
    writer and, at the first Japanese release, its dictionary.
    """

    slots = 1
    workers = 1

    def submit(self, jobs: list[Job], limits: ReadLimits) -> Future[list[Prepared]]:
        done: Future[list[Prepared]] = Future()
        done.set_result(extract_jobs(jobs, limits))
        return done

    def close(self) -> None:
        pass


class LocalWorkers:
    """``workers`` worker processes on this machine.

    Started with ``spawn``: the CLI holds threads (the progress bar's) and a database pool,
    which a forked child must not inherit.
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.slots = 2 * workers  # one chunk computing and one waiting per worker
        self.pool = ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("spawn"), initializer=warm_up
        )

    def submit(self, jobs: list[Job], limits: ReadLimits) -> Future[list[Prepared]]:
        return self.pool.submit(extract_jobs, jobs, limits)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


class DaskWorkers:
    """The workers of a Dask distributed cluster (its scheduler's address).

    The bytes travel with each task, so the workers need no access to the files; wpstrack
    must be installed where they run. A worker lost mid-task is retried by the scheduler.
    """

    def __init__(self, address: str) -> None:
        from distributed import Client

        try:
            self.client = Client(address, set_as_default=False, timeout=CONNECT_SECONDS)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ConfigError(f"cannot reach the Dask scheduler at {address!r}: {exc}") from exc
        threads = sum(self.client.nthreads().values())
        self.workers = max(1, len(self.client.nthreads()))
        self.slots = max(2, 2 * threads)

    def submit(self, jobs: list[Job], limits: ReadLimits) -> Any:
        return self.client.submit(extract_jobs, jobs, limits, pure=False)

    def close(self) -> None:
        self.client.close()


def make_extractor(workers: int = 1, scheduler: str | None = None) -> Extractor:
    """The extractor a run asks for: a Dask cluster, worker processes, or this process."""
    if scheduler:
        return DaskWorkers(scheduler)
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    return InProcess() if workers == 1 else LocalWorkers(workers)


def ingested_ids(conn: Connection, digests: Iterable[str]) -> dict[str, int]:
    """The id of each hash already ingested, in one indexed query.

    The status is told apart here, not in the query: with ``status = 'ingested'`` beside
    eight hashes, SQLite (with no statistics, as after ``init``) chose the index on the
    status, which every stored document shares, and read them all for each chunk: the
    writer's look-ups grew with the corpus (37 % of its time at 30,000 documents). By hash
    alone it reads the few rows each hash has.
    """
    doc = schema.document
    wanted = sorted(set(digests))
    if not wanted:
        return {}
    rows = conn.execute(
        select(doc.c.content_hash, doc.c.id, doc.c.status).where(doc.c.content_hash.in_(wanted))
    )
    return {digest: int(id_) for digest, id_, status in rows if status == INGESTED}


Known = Callable[[list[str]], dict[str, int | None]]


def _read_chunk(paths: list[Path], limits: ReadLimits, known: Known) -> list[Job | Outcome]:
    """Each file read and hashed, or the outcome it already has (unreadable, present)."""
    read: list[Job | Outcome] = []
    for path in paths:
        try:
            raw, digest, size = read_file(path, limits.max_bytes)
        except OSError as exc:
            read.append(Outcome(str(path), REJECTED, None, "unreadable", exc.strerror))
            continue
        read.append(Job(Source(str(path), str(path.resolve()), path.name, digest, size), raw))
    found = known([j.origin.digest for j in read if isinstance(j, Job)])
    return [
        Outcome(j.origin.label, DUPLICATE, found[j.origin.digest])
        if isinstance(j, Job) and j.origin.digest in found
        else j
        for j in read
    ]


def extracted(
    files: Iterable[Path],
    extractor: Extractor,
    limits: ReadLimits,
    known: Known,
    *,
    ahead: int = 0,
) -> Iterator[Prepared | Outcome]:
    """Every file prepared (raw bytes included) or its outcome, in the order of ``files``.

    ``ahead`` is how many results the consumer takes before it stops to write them (its
    batch): that many more documents are kept in flight, so the workers go on extracting
    while the writer writes.
    """
    pending: deque[tuple[list[Job | Outcome], Any]] = deque()
    held = 0  # raw bytes of the chunks in flight
    window = extractor.slots + (-(-ahead // CHUNK_DOCS) if extractor.workers > 1 else 0)
    for paths in batched(files, CHUNK_DOCS):
        entries = _read_chunk(paths, limits, known)
        jobs = [e for e in entries if isinstance(e, Job)]
        pending.append((entries, extractor.submit(jobs, limits) if jobs else None))
        held += sum(len(j.raw or b"") for j in jobs)
        while len(pending) > window or (held > MAX_PENDING_BYTES and pending):
            entries, future = pending.popleft()
            held -= sum(len(e.raw or b"") for e in entries if isinstance(e, Job))
            yield from _joined(entries, future)
    while pending:
        yield from _joined(*pending.popleft())


def _joined(entries: list[Job | Outcome], future: Any) -> Iterator[Prepared | Outcome]:
    results = iter(_result(future) if future is not None else ())
    for entry in entries:
        yield entry if isinstance(entry, Outcome) else replace(next(results), raw=entry.raw)


def _result(future: Any) -> list[Prepared]:
    """A chunk's results; a dead worker ends the run with a coded error saying how to resume
    (what the writer committed stays, and the rerun skips it)."""
    lost: tuple[type[BaseException], ...] = (BrokenProcessPool,)
    if "distributed" in sys.modules:  # loaded by DaskWorkers, and only then
        lost += (sys.modules["distributed"].KilledWorker,)
    try:
        return list(future.result())
    except lost as exc:
        raise WorkerLost(
            f"an extraction worker died ({type(exc).__name__}: {exc}); the batches already "
            "written are kept: run the same command again to go on from there"
        ) from exc


def store_all(
    conn: Connection,
    items: list[Prepared | Outcome],
    *,
    publisher: str | None = None,
    actor: str | None = None,
    places: dict[tuple[str, str | None], int | None] | None = None,
) -> list[Outcome]:
    """Store one batch of prepared content in the caller's transaction.

    ``places`` is the run's cache of place look-ups (:meth:`Lookups.place_id`), carried from
    batch to batch: the gazetteer does not change during a run, while organisations are read
    again for each batch (a reviewer may add one meanwhile).
    """
    lookups = Lookups.load(conn)
    if places is not None:
        lookups.places = places
    prepared = [item for item in items if not isinstance(item, Outcome)]
    stored = iter(store_many(conn, prepared, lookups, publisher=publisher, actor=actor))
    return [item if isinstance(item, Outcome) else next(stored) for item in items]


def write_batches(
    engine: Engine,
    items: Iterable[Prepared | Outcome],
    *,
    batch_size: int,
    publisher: str | None = None,
    actor: str | None = None,
    advance: Callable[[int], None] | None = None,
) -> Summary:
    """The single writer: ``items`` stored in batches, one committed transaction each.

    It commits (unlike a domain function) because a run is streamed: a crash loses at most
    the batch being written, and the rerun's hash look-up skips everything committed.
    """
    summary = Summary()
    places: dict[tuple[str, str | None], int | None] = {}
    for batch in batched(items, max(1, batch_size)):
        with transaction(engine) as conn:
            outcomes = store_all(conn, batch, publisher=publisher, actor=actor, places=places)
        for outcome in outcomes:
            summary.add(outcome)
        if advance is not None:
            advance(len(batch))
    return summary


def ingest_files(
    engine: Engine,
    files: Iterable[Path],
    extractor: Extractor,
    *,
    limits: ReadLimits,
    batch_size: int,
    publisher: str | None = None,
    actor: str | None = None,
    advance: Callable[[int], None] | None = None,
) -> Summary:
    """Ingest ``files`` into the database: extracted by ``extractor``, stored in batches."""

    def known(digests: list[str]) -> dict[str, int | None]:
        with engine.connect() as conn:
            return dict(ingested_ids(conn, digests))

    stream = extracted(files, extractor, limits, known, ahead=batch_size)
    return write_batches(
        engine, stream, batch_size=batch_size, publisher=publisher, actor=actor, advance=advance
    )
