"""Extraction results as Parquet partitions: ``ingest --to-parquet DIR`` and ``load DIR``.

A corpus run can extract without a database (on a cluster, say) and load the results later
through the same writer as a direct ingest (:func:`wpstrack.ingest_run.write_batches`), so
the stored rows are the same: exactly once by content hash, rejections included.

One row per file, in partitions ``part-000000.parquet``, ``part-000001.parquet``, … of at
most :data:`PARTITION_ROWS` rows. A partition is written to a temporary name and renamed
when complete, so a crash never leaves half a partition; a rerun into the same folder skips
the content already written there (any status), so it resumes where the crash left off.

Columns (see :data:`COLUMNS`): ``path`` (the file as named in the run), ``source`` (its
absolute path, stored in ``document.source``), ``filename``, ``content_hash`` (sha256 hex of
the bytes), ``size_bytes``, ``raw`` (the bytes; null over the byte limit), ``status``
(``ingested`` or ``rejected``), ``reason`` and ``detail`` (the rejection's code and text),
then what the reader found: ``media_type``, ``encoding``, ``language``, ``title``,
``published_on``, ``publisher`` (as the document itself states it), ``text`` (the clean
text spans point into), ``main_text`` (a web page's main content), and ``record`` (the
extraction record as JSON: fields, spans with character offsets, warnings).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import Engine

from wpstrack.documents import DocumentRejected, ReadDocument
from wpstrack.errors import InvalidInput
from wpstrack.ingest import INGESTED, REJECTED, Outcome, Prepared, Source, Summary, batched
from wpstrack.ingest_run import ingested_ids, write_batches

PARTITION_ROWS = 1000
BATCH_ROWS = 64  # rows read at a time when loading

COLUMNS = pa.schema(
    [
        ("path", pa.string()),
        ("source", pa.string()),
        ("filename", pa.string()),
        ("content_hash", pa.string()),
        ("size_bytes", pa.int64()),
        ("raw", pa.large_binary()),
        ("status", pa.string()),
        ("reason", pa.string()),
        ("detail", pa.string()),
        ("media_type", pa.string()),
        ("encoding", pa.string()),
        ("language", pa.string()),
        ("title", pa.string()),
        ("published_on", pa.date32()),
        ("publisher", pa.string()),
        ("text", pa.large_string()),
        ("main_text", pa.large_string()),
        ("record", pa.large_string()),
    ]
)


def partitions(folder: Path) -> list[Path]:
    """The complete partitions of ``folder``, in the order they were written."""
    return sorted(folder.glob("part-*.parquet"))


def written_hashes(folder: Path) -> set[str]:
    """The content hashes already written to ``folder`` (only that column is read)."""
    found: set[str] = set()
    for part in partitions(folder):
        found.update(pq.read_table(part, columns=["content_hash"]).column(0).to_pylist())
    return found


def written_or_seen(folder: Path) -> Callable[[list[str]], dict[str, int | None]]:
    """The look-up :func:`wpstrack.ingest_run.extracted` skips content with: what ``folder``
    holds already (a resumed run) and what this run has taken before (a second copy)."""
    seen = written_hashes(folder)

    def known(digests: list[str]) -> dict[str, int | None]:
        found: dict[str, int | None] = {d: None for d in digests if d in seen}
        seen.update(digests)
        return found

    return known


def _row(item: Prepared) -> dict[str, Any]:
    origin, read, record = item.origin, item.read, item.record
    row: dict[str, Any] = {
        "path": origin.label,
        "source": origin.source,
        "filename": origin.filename,
        "content_hash": origin.digest,
        "size_bytes": origin.size,
        "raw": item.raw,
    }
    if read is None or record is None:
        rejection = item.rejection or DocumentRejected("unreadable")
        return row | {"status": REJECTED, "reason": rejection.reason, "detail": rejection.detail}
    return row | {
        "status": INGESTED,
        "media_type": read.media_type,
        "encoding": read.encoding,
        "language": read.language,
        "title": read.title,
        "published_on": read.published_on,
        "publisher": read.publisher,
        "text": read.text,
        "main_text": read.main_text,
        "record": json.dumps(record, ensure_ascii=False),
    }


def write_partitions(
    folder: Path,
    items: Iterable[Prepared | Outcome],
    *,
    rows: int = PARTITION_ROWS,
    advance: Any = None,
) -> Summary:
    """Write prepared content as partitions of ``folder``; outcomes (unreadable files,
    content already written) are only counted."""
    folder.mkdir(parents=True, exist_ok=True)
    number = len(partitions(folder))
    summary = Summary()
    for chunk in batched(items, max(1, rows)):
        prepared = [i for i in chunk if isinstance(i, Prepared)]
        if prepared:
            table = pa.Table.from_pylist([_row(p) for p in prepared], schema=COLUMNS)
            while (folder / f"part-{number:06d}.parquet").exists():
                number += 1
            final = folder / f"part-{number:06d}.parquet"
            partial = folder / f".{final.name}.partial"
            pq.write_table(table, partial, compression="zstd")
            os.replace(partial, final)  # complete or absent, never half
            number += 1
        for item in chunk:
            summary.add(item if isinstance(item, Outcome) else _written(item))
        if advance is not None:
            advance(len(chunk))
    return summary


def _written(item: Prepared) -> Outcome:
    label = item.origin.label
    if item.read is not None and item.record is not None:
        return Outcome(label, INGESTED, None, detail="written to Parquet")
    rejection = item.rejection or DocumentRejected("unreadable")
    return Outcome(label, REJECTED, None, rejection.reason, rejection.detail)


def read_partitions(folder: Path) -> Iterator[Prepared]:
    """The prepared content of every row of ``folder``'s partitions, in order."""
    parts = partitions(folder)
    if not parts:
        raise InvalidInput(f"{folder} holds no Parquet partitions (part-*.parquet)")
    for part in parts:
        for batch in pq.ParquetFile(part).iter_batches(batch_size=BATCH_ROWS):
            for row in batch.to_pylist():
                yield _prepared(row)


def _prepared(row: dict[str, Any]) -> Prepared:
    origin = Source(
        row["path"], row["source"], row["filename"], row["content_hash"], row["size_bytes"]
    )
    if row["status"] != INGESTED:
        reason = row["reason"] or "unreadable"
        return Prepared(origin, row["raw"], rejection=DocumentRejected(reason, row["detail"]))
    read = ReadDocument(
        text=row["text"],
        media_type=row["media_type"],
        encoding=row["encoding"],
        language=row["language"],
        title=row["title"],
        sha256=row["content_hash"],
        size_bytes=row["size_bytes"],
        published_on=row["published_on"],
        publisher=row["publisher"],
        main_text=row["main_text"],
    )
    return Prepared(origin, row["raw"], read=read, record=json.loads(row["record"]))


def load_folder(
    engine: Engine,
    folder: Path,
    *,
    batch_size: int,
    publisher: str | None = None,
    actor: str | None = None,
    advance: Any = None,
) -> Summary:
    """Store the partitions of ``folder`` through the ingest writer; content already in the
    database (a second load, a crashed one) is found by hash and reported as present."""

    def with_existing(items: Iterator[Prepared]) -> Iterator[Prepared]:
        for chunk in batched(items, BATCH_ROWS):
            with engine.connect() as conn:
                found = ingested_ids(conn, [p.origin.digest for p in chunk])
            for item in chunk:
                known = found.get(item.origin.digest)
                yield item if known is None else replace(item, raw=None, existing=known)

    stream = with_existing(read_partitions(folder))
    return write_batches(
        engine, stream, batch_size=batch_size, publisher=publisher, actor=actor, advance=advance
    )


def count_rows(folder: Path) -> int:
    """How many rows the partitions of ``folder`` hold (from their footers)."""
    return sum(pq.ParquetFile(part).metadata.num_rows for part in partitions(folder))
