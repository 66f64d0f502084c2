"""The side of ingestion that needs no database: content read and extracted, in a worker.

An extraction worker (:mod:`wpstrack.ingest_run`: a local process or a Dask worker) loads
this module to unpickle its task and nothing of the writer's: no SQLAlchemy, Alembic, schema,
audit log or search index. Those cost a worker about 30 MB of its peak memory, which is
bounded (400 MB) because it is paid once per core.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from wpstrack import copies
from wpstrack.documents import (
    DocumentRejected,
    ReadDocument,
    extract_record,
    first_line,
    read_bytes,
)
from wpstrack.extract.warm_up import memory_zone
from wpstrack.japanese import has_japanese
from wpstrack.limits import ReadLimits


@dataclass(frozen=True)
class Source:
    """Where content came from: a file, or an upload (whose name is never used as a path)."""

    label: str  # reported in the outcome
    source: str  # stored in ``document.source``
    filename: str
    digest: str  # sha256 of the whole content
    size: int


@dataclass(frozen=True)
class Prepared:
    """Content read and extracted, not yet written: :func:`wpstrack.ingest.prepare` then
    :func:`wpstrack.ingest.store`.

    ``existing`` is the id of the document already holding these bytes when it was looked
    up; ``rejection`` says why the content cannot be ingested (then ``read`` is None).
    ``words`` holds the search words (:func:`wpstrack.search_index.text_words`) of the
    Japanese texts the writer will store (the text, its title, the draft's summary and
    city), cut where the document was extracted: the writer then never loads the analyser
    (about 150 MB) nor spends its time on cutting. ``marks`` holds the text's fingerprint
    and shingles (:func:`wpstrack.copies.marks`) for the same reason: the single writer
    compares each new release with those of its day, and folding and shingling it there
    made every worker wait on it (None: not computed, as for content loaded from Parquet).
    """

    origin: Source
    raw: bytes | None
    existing: int | None = None
    read: ReadDocument | None = None
    record: dict[str, Any] | None = None
    rejection: DocumentRejected | None = None
    words: dict[str, str] | None = None
    marks: tuple[str | None, copies.Shingles] | None = field(default=None, compare=False)


def title_of(read: ReadDocument, record: dict[str, Any]) -> str | None:
    """The title the format declares, else the extractor's headline, else the first line
    when it reads as a headline (never a site's name or a whole first paragraph)."""
    from wpstrack.extract.header import is_headline

    found = record.get("title")
    if read.title:
        return read.title
    if isinstance(found, str) and found.strip():
        return found
    line = first_line(read.text)
    return line if line and is_headline(line) else None


def search_words(read: ReadDocument, record: dict[str, Any]) -> dict[str, str]:
    """The search words of each Japanese text of the document and its draft that the
    writer stores (see :attr:`Prepared.words`); empty for a document without Japanese."""
    texts = (read.text, title_of(read, record), record.get("summary"), record.get("city"))
    wanted = {t for t in texts if isinstance(t, str) and has_japanese(t)}
    if not wanted:
        return {}
    from wpstrack.search_index import text_words  # only where Japanese is cut anyway

    return {text: text_words(text) for text in sorted(wanted)}


def extract_content(raw: bytes | None, origin: Source, *, limits: ReadLimits) -> Prepared:
    """Read and extract content without a database: the part of
    :func:`wpstrack.ingest.prepare` that extraction workers run, bounded by ``limits``
    there too.

    A refusal, and any error of the extractor, becomes the rejection of this one content,
    so that a broken file never ends its batch.
    """
    try:
        if raw is None:
            limit = f"{origin.size} bytes is over the limit of {limits.max_bytes}"
            raise DocumentRejected("too_large", limit)
        read = read_bytes(raw, filename=origin.filename, limits=limits)
        record = extract_record(read, limits)
        words = search_words(read, record)
        marks = copies.marks(read.text)
    except DocumentRejected as exc:
        return Prepared(origin, raw, rejection=exc)
    except Exception as exc:  # a failing component must not end the batch: retry it later
        detail = f"the extractor failed ({type(exc).__name__}: {exc})"[:500]
        return Prepared(origin, raw, rejection=DocumentRejected("extraction_failed", detail))
    return Prepared(origin, raw, read=read, record=record, words=words, marks=marks)


@dataclass(frozen=True)
class Job:
    """Content read by the main process, to be extracted by a worker."""

    origin: Source
    raw: bytes | None  # None when over the byte limit (the worker records the refusal)


def extract_jobs(jobs: list[Job], limits: ReadLimits) -> list[Prepared]:
    """The worker's task: each job read and extracted, its raw bytes left out (the main
    process keeps them, so they cross to the worker once and never back).

    A chunk is extracted in a memory zone, so that a worker's memory does not grow with the
    words of the corpus it reads (:func:`wpstrack.extract.warm_up.memory_zone` says why and
    when that is safe): its first chunk warms the process up.
    """
    with memory_zone():
        return [
            replace(extract_content(job.raw, job.origin, limits=limits), raw=None) for job in jobs
        ]
