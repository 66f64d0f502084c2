"""Ingestion: files become stored documents, machine extractions and activity drafts.

The caller walks the paths (:func:`iter_files`), cuts them into batches and gives each
batch to :func:`ingest_batch` inside its own transaction, so a corpus is streamed: only one
batch of documents is in memory at a time, and a failure loses at most one batch.

Each file is first prepared (read and extracted, nothing written: :func:`prepare`), then
stored (:func:`store`); a batch prepares all its files before storing any, so that on SQLite
the transaction holds the write lock only while its rows are inserted.

A document is identified by the sha256 of its bytes. The same bytes ingested again are
reported as already present and change nothing, also when two uploads or two runs store
them at the same moment: the database's unique index decides (``ON CONFLICT DO NOTHING``).
A file the reader refuses (empty, binary, undecodable, too large, unsupported) is recorded
as a ``document`` row with status ``rejected`` and its reason, and the batch goes on; the
same refusal of the same bytes is not recorded twice. A readable document on which the
extractor raises is recorded as rejected with reason ``extraction_failed``, so that
ingesting it again after a fix retries it.

Each ingested document gets one ``extraction`` row per extracted value (with its character
span, method and confidence, ``source='machine'``) and one ``activity`` in status ``draft``
with its participants and links (resolutions, pillars, topics), written by
:mod:`wpstrack.register`, which owns the activity aggregate. Nothing here commits.

A document's publisher is the one its own metadata states (:attr:`ReadDocument.publisher`);
the ``publisher`` a user gives for a batch or an upload fills in only for documents that
state none. The user's value is said once for many files, the document's for itself: a
folder of one ministry's releases often holds a joint statement or a partner's page that
names its own publisher, and a batch default must not re-attribute it.
"""

from __future__ import annotations

import functools
import hashlib
import math
import os
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import StatementError

from wpstrack import audit, copies, events, schema, search_index
from wpstrack.db import now
from wpstrack.documents import (
    DocumentRejected,
    looks_like_html,
)
from wpstrack.errors import NotFound
from wpstrack.ingest_work import Prepared, Source, extract_content
from wpstrack.ingest_work import title_of as _title
from wpstrack.limits import ReadLimits, resolve_limits
from wpstrack.register import Lookups, draft_values, link_rows, participant_rows
from wpstrack.register import create_draft as create_draft

INGESTED, DUPLICATE, REJECTED = "ingested", "already present", "rejected"
SKIPPED = "skipped"  # found in a folder but not a release: never read, never stored
# The suffixes of the formats releases come in. Inside a folder, a file with one of these is
# taken (the reader still checks its content); any other file is taken only when its first
# bytes show a release format, so a gold file, a manifest or a spreadsheet of metadata
# lying next to the releases (``gold.jsonl``, ``index.csv``) is never stored as a release.
RELEASE_SUFFIXES = frozenset({".txt", ".text", ".htm", ".html", ".xhtml", ".pdf", ".docx"})
SNIFF_BYTES = 4096
PUBLISHER_MAX = 200  # characters: the width of ``document.publisher``
T = TypeVar("T")


@dataclass(frozen=True)
class Outcome:
    """What happened to one file."""

    path: str
    status: str  # INGESTED | DUPLICATE | REJECTED
    document_id: int | None = None
    reason: str | None = None  # rejection code
    detail: str | None = None


@dataclass
class Summary:
    """Counts over a whole run; rejected files are kept by path, the rest only counted."""

    ingested: int = 0
    duplicates: int = 0
    rejected: list[Outcome] = field(default_factory=list)
    skipped: list[Outcome] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        if outcome.status == INGESTED:
            self.ingested += 1
        elif outcome.status == DUPLICATE:
            self.duplicates += 1
        elif outcome.status == SKIPPED:
            self.skipped.append(outcome)
        else:
            self.rejected.append(outcome)

    def as_dict(self) -> dict[str, Any]:
        reasons = Counter(o.reason for o in self.rejected)
        return {
            "ingested": self.ingested,
            "already_present": self.duplicates,
            "rejected": len(self.rejected),
            "rejected_by_reason": dict(sorted(reasons.items(), key=lambda kv: str(kv[0]))),
            "rejected_files": [
                {"path": o.path, "reason": o.reason, "detail": o.detail} for o in self.rejected
            ],
            "skipped": len(self.skipped),
            "skipped_files": [{"path": o.path, "detail": o.detail} for o in self.skipped],
        }


def iter_files(paths: Iterable[Path], skipped: list[Outcome] | None = None) -> Iterator[Path]:
    """The release files under ``paths`` in a stable order (that of ``sorted(rglob("*"))``).

    A file named in ``paths`` is always taken: the user chose it, and the reader says why it
    cannot be read. Inside a folder, hidden files and folders are passed over silently and
    files that are not releases (:func:`not_a_release`) are appended to ``skipped``.
    """
    for path in paths:
        if not path.is_dir():
            yield path
            continue
        for child in _walk(path):
            why = not_a_release(child)
            if why is None:
                yield child
            elif skipped is not None:
                skipped.append(Outcome(str(child), SKIPPED, None, "not_a_release", why))


def _walk(folder: Path) -> Iterator[Path]:
    """The files under ``folder``, not hidden, in sorted path order, one folder at a time.

    Sorting each folder's names and descending in place gives the order of sorting every
    path (paths compare part by part) while holding one folder's names per level. Listing a
    whole corpus first held 280 bytes per file for the whole run: 5.6 MB for 20,000 files,
    280 MB for a million. Links to folders are not followed, as ``rglob`` does not; an
    unreadable folder is passed over.
    """
    try:
        with os.scandir(folder) as scan:
            # (name, is a folder): a link to a folder is neither a folder here nor a file.
            entries = sorted(
                (entry.name, entry.is_dir(follow_symlinks=False))
                for entry in scan
                if not entry.name.startswith(".")
                and (entry.is_dir(follow_symlinks=False) or entry.is_file())
            )
    except PermissionError:
        return
    for name, is_folder in entries:
        if is_folder:
            yield from _walk(folder / name)
        else:
            yield folder / name


def not_a_release(path: Path) -> str | None:
    """Why a file found in a folder is not taken as a release, or None to take it.

    Release suffixes are taken; another file only when its content is PDF, Word or HTML.
    Plain text under another suffix is left out: data and metadata files (JSON lines, CSV,
    YAML, notes) are text too, and only the suffix tells them from a release.
    """
    suffix = path.suffix.lower()
    if suffix in RELEASE_SUFFIXES:
        return None
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
        if head.lstrip()[:5] == b"%PDF-" or looks_like_html(head.decode("utf-8", "replace")):
            return None
        if head.startswith(b"PK\x03\x04") and _holds_word_document(path):
            return None
    except OSError as exc:
        return f"cannot be opened ({exc.strerror})"
    kind = f"a {suffix} file" if suffix else "a file without a suffix"
    return f"{kind} whose content is not a release format (text, HTML, PDF, DOCX)"


def _holds_word_document(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of at most ``size`` items."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def read_file(path: Path, max_bytes: int | None) -> tuple[bytes | None, str, int]:
    """The file's bytes (None when over the limit: never loaded), its hash and size."""
    size = path.stat().st_size
    if max_bytes is not None and size > max_bytes:
        with path.open("rb") as handle:
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
        return None, digest, size
    raw = path.read_bytes()
    return raw, hashlib.sha256(raw).hexdigest(), size


def ingest_batch(
    conn: Connection,
    paths: Iterable[Path],
    *,
    max_bytes: int | None = None,
    publisher: str | None = None,
    limits: ReadLimits | None = None,
    actor: str | None = None,
) -> list[Outcome]:
    """Read, store and extract each file of one batch (in the caller's transaction);
    ``publisher`` is for the files whose metadata names none; ``actor`` is logged.

    Every file is read and extracted before the first row is written. On SQLite the
    transaction takes the database's one write lock at its first write and keeps it until
    commit, so extraction (the slow part) must not happen in between: other writers, the
    web app's included, wait only for the inserts.
    """
    lookups = Lookups.load(conn)
    limits = resolve_limits(limits, max_bytes)
    prepared: list[Prepared | Outcome] = []
    for path in paths:
        try:
            raw, digest, size = read_file(path, limits.max_bytes)
        except OSError as exc:
            prepared.append(Outcome(str(path), REJECTED, None, "unreadable", exc.strerror))
            continue
        origin = Source(str(path), str(path.resolve()), path.name, digest, size)
        prepared.append(prepare(conn, raw, origin, limits=limits))
    ready = [item for item in prepared if not isinstance(item, Outcome)]
    stored = iter(store_many(conn, ready, lookups, publisher=publisher, actor=actor))
    return [item if isinstance(item, Outcome) else next(stored) for item in prepared]


def ingest_file(
    conn: Connection,
    path: Path,
    lookups: Lookups | None = None,
    *,
    max_bytes: int | None = None,
    publisher: str | None = None,
    limits: ReadLimits | None = None,
    actor: str | None = None,
) -> Outcome:
    """Ingest one file: store it (or its rejection), its extractions and its draft."""
    limits = resolve_limits(limits, max_bytes)
    raw, digest, size = read_file(path, limits.max_bytes)
    source = Source(str(path), str(path.resolve()), path.name, digest, size)
    return ingest_content(
        conn, raw, source, lookups, limits=limits, publisher=publisher, actor=actor
    )


def prepare(
    conn: Connection,
    raw: bytes | None,
    origin: Source,
    *,
    max_bytes: int | None = None,
    limits: ReadLimits | None = None,
) -> Prepared:
    """Read and extract content, writing nothing (``raw`` is None when over the byte limit).

    Bytes already ingested are not read again. The look-up is only a shortcut: another
    writer may store the same bytes before :func:`store`, which the database then refuses.
    """
    doc = schema.document
    existing = conn.execute(
        select(doc.c.id).where(doc.c.content_hash == origin.digest, doc.c.status == INGESTED)
    ).scalar()
    if existing is not None:
        return Prepared(origin, None, existing=existing)
    return extract_content(raw, origin, limits=resolve_limits(limits, max_bytes))


def store(
    conn: Connection,
    prepared: Prepared,
    lookups: Lookups | None = None,
    *,
    publisher: str | None = None,
    actor: str | None = None,
    action: str = "ingest",
) -> Outcome:
    """Write prepared content: the document with its extractions and draft, or its rejection.

    A new document or rejection is logged as ``action`` by ``actor`` (its draft and
    extractions with it); a duplicate writes nothing and logs nothing.

    ``publisher`` is stored for a document whose own metadata names no publisher. When
    another writer stored the same bytes first, nothing is written and the outcome is
    ``already present``, however the two interleaved. The document's rows are written under
    a savepoint: when the database refuses one of them, only this document is rolled back
    and recorded as rejected (``storage_failed``), and the rest of the batch is kept.
    """
    origin = prepared.origin
    if prepared.existing is not None:
        return Outcome(origin.label, DUPLICATE, prepared.existing)
    base = {
        "source": origin.source,
        "filename": origin.filename[:300],
        "content_hash": origin.digest,
        "size_bytes": origin.size,
        "ingested_at": now(),
        "raw": prepared.raw,
    }
    path = Path(origin.label)  # named in the outcome; never opened here
    read, record = prepared.read, prepared.record
    if read is None or record is None:
        rejection = prepared.rejection or DocumentRejected("unreadable")
        return _log_outcome(
            conn, actor, action, origin, _record_rejection(conn, path, base, rejection)
        )
    lookups = lookups or Lookups.load(conn)  # reads: before the write lock is taken
    stated = publisher_name(read.publisher) or publisher_name(publisher)
    joined: int | None = None  # the activity a format copy joined
    try:
        with conn.begin_nested():
            document_id = _insert_document(conn, base | {"publisher": stated}, prepared)
            if document_id is not None:
                store_extractions(conn, document_id, record, actor=actor)
                title = _title(read, record)
                draft = create_draft(
                    conn, document_id, record, lookups, title=title, actor=actor, publisher=stated
                )
                joined = events.join_format_copy(conn, actor, draft, document_id)
    # The driver's errors, and Python values it cannot bind (sqlite3 raises OverflowError
    # for an int over 64 bits, outside SQLAlchemy's wrapping).
    except (StatementError, OverflowError) as exc:
        failed = _record_rejection(conn, path, base, _storage_failure(exc))
        return _log_outcome(conn, actor, action, origin, failed)
    if document_id is None:
        return Outcome(origin.label, DUPLICATE, _ingested_id(conn, origin.digest))
    copy = f"a format copy of activity {joined}, joined to it" if joined is not None else None
    ingested = Outcome(origin.label, INGESTED, document_id, detail=copy)
    return _log_outcome(conn, actor, action, origin, ingested)


def store_many(
    conn: Connection,
    batch: list[Prepared],
    lookups: Lookups | None = None,
    *,
    publisher: str | None = None,
    actor: str | None = None,
    action: str = "ingest",
) -> list[Outcome]:
    """Write a batch of prepared content as :func:`store` writes each, in fewer statements.

    The single writer of a parallel run is busy for the whole run, and statements were most
    of its time (about fifteen a document). Here the batch's documents go in one insert,
    their extraction rows in another and their audit events in a third
    (:func:`audit.deferred`); the drafts, their sources, participants and links go in runs
    of documents that cannot be format copies (:class:`_Drafts`), and only a document that
    may be one has its join asked. The rows, their ids and the outcomes are those of storing
    the documents one by one.

    When the database refuses a row, the batch is rolled back and stored again one document
    at a time by :func:`store`, so that only the refused document is rejected
    (``storage_failed``) and the others are kept.
    """
    lookups = lookups or Lookups.load(conn)
    try:
        with conn.begin_nested(), audit.deferred(conn):
            return _store_together(conn, batch, lookups, publisher, actor, action)
    except (StatementError, OverflowError):  # as in store: refused, or not bindable
        return [
            store(conn, item, lookups, publisher=publisher, actor=actor, action=action)
            for item in batch
        ]


def _store_together(
    conn: Connection,
    batch: list[Prepared],
    lookups: Lookups,
    publisher: str | None,
    actor: str | None,
    action: str,
) -> list[Outcome]:
    """:func:`store_many`'s batch in one go, in the caller's savepoint."""
    doc = schema.document
    stamp = now()
    rows: list[dict[str, Any]] = []  # the document rows to insert, in the batch's order
    queued: set[tuple[str, str | None]] = set()  # the slots of ``rows``
    rejected = {p.origin.digest for p in batch if p.existing is None and p.read is None}
    known: dict[tuple[str, str | None], int] = {}  # rejections stored before this batch
    if rejected:
        found = conn.execute(
            select(doc.c.content_hash, doc.c.reject_reason, doc.c.id)
            .where(doc.c.content_hash.in_(sorted(rejected)), doc.c.status == REJECTED)
            .order_by(doc.c.id.desc())
        )
        known = {(digest, reason): int(id_) for digest, reason, id_ in found}
    # Each item with its slot, (hash, None) for a document and (hash, reason) for a refusal
    # (None when already present), and its publisher.
    plan: list[tuple[Prepared, tuple[str, str | None] | None, str | None]] = []
    for item in batch:
        origin = item.origin
        if item.existing is not None:
            plan.append((item, None, None))
            continue
        stated = None
        row: dict[str, Any] = {
            "source": origin.source,
            "filename": origin.filename[:300],
            "content_hash": origin.digest,
            "size_bytes": origin.size,
            "ingested_at": stamp,
            "raw": item.raw,
        }
        if item.read is not None and item.record is not None:
            stated = publisher_name(item.read.publisher) or publisher_name(publisher)
            row |= _document_values(item) | {
                "publisher": stated,
                "reject_reason": None,
            }
            row["search_words"] = row_words("document", row, item.words)
            key: tuple[str, str | None] = (origin.digest, None)
        else:
            rejection = item.rejection or DocumentRejected("unreadable")
            reason = f"{rejection.reason}: {rejection.detail}"
            row |= dict.fromkeys(_DOCUMENT_READ, None) | {
                "publisher": None,
                "status": REJECTED,
                "reject_reason": reason,
                "search_words": None,
            }
            key = (origin.digest, reason)
        if key not in queued and key not in known:  # the first of the same bytes or refusal
            queued.add(key)
            rows.append(row)
        plan.append((item, key, stated))
    ids: dict[tuple[str, str | None], int] = dict(known)
    marks: dict[tuple[str, str | None], str | None] = {
        (r["content_hash"], None): r["fingerprint"] for r in rows if r["status"] == INGESTED
    }
    drafts = _Drafts(conn, lookups, actor, stamp)
    drafts.read_marks(rows)
    if rows:
        # A row another writer's copy kept out (ON CONFLICT DO NOTHING) returns nothing.
        inserted = conn.execute(_insert_many(conn.dialect.name), rows)
        ids |= {(digest, reason): int(id_) for id_, digest, reason in inserted}
    # The extraction rows of the batch's new documents, in the batch's order, in one statement.
    spans: dict[int, list[dict[str, Any]]] = {}
    for item, slot, _ in plan:
        if slot is not None and slot[1] is None and slot in ids and ids[slot] not in spans:
            spans[ids[slot]] = extraction_rows(ids[slot], item.record or {}, stamp)
    every = [row for rows_of in spans.values() for row in rows_of]
    if every:
        conn.execute(schema.extraction.insert(), every)
    done: set[tuple[str, str | None]] = set()  # the slots this batch stored
    for item, slot, stated in plan:
        origin = item.origin
        if slot is None:
            drafts.then(lambda o=origin, i=item: Outcome(o.label, DUPLICATE, i.existing))
            continue
        if slot[1] is not None:  # a rejection: new, stored before, or earlier in the batch
            rejection = item.rejection or DocumentRejected("unreadable")
            refused = Outcome(origin.label, REJECTED, ids[slot], rejection.reason, rejection.detail)
            drafts.then(lambda o=origin, r=refused: _log_outcome(conn, actor, action, o, r))
            continue
        if slot not in ids or slot in done:  # stored by another writer, or earlier in the batch
            present = ids[slot] if slot in ids else _ingested_id(conn, origin.digest)
            drafts.then(lambda o=origin, p=present: Outcome(o.label, DUPLICATE, p))
            continue
        done.add(slot)
        document_id = ids[slot]
        read, record = item.read, item.record
        assert read is not None and record is not None
        mark = marks.get(slot)
        drafts.add(item, document_id, mark, spans[document_id], stated, action)
    return drafts.finish()


class _Drafts:
    """The drafts of a batch's new documents, inserted a run of documents at a time.

    :func:`create_draft` and :func:`events.join_format_copy` write three statements and
    read six for every document. A document whose join cannot find a target (no document
    stored before it, in the database or earlier in the batch, has its fingerprint, and no
    activity is dated within a day of its draft's) is joined to nothing: its draft is
    inserted with the others of its run (one statement per table) and the join is not
    asked. A document that might be a format copy ends its run and its join is asked as
    before, once the drafts before it are stored and before those after it are: it sees
    what it saw when each document was stored in turn, and the draft a join deletes is the
    newest (SQLite gives its id to the next, as it did). The rows, their ids and the audit
    events, in their order, are those of storing the documents one by one.
    """

    def __init__(
        self, conn: Connection, lookups: Lookups, actor: str | None, stamp: datetime
    ) -> None:
        self.conn, self.lookups, self.actor, self.stamp = conn, lookups, actor, stamp
        self.marks: set[str] = set()  # fingerprints of documents stored before the batch
        self.entries: list[Any] = []  # drafts, and outcomes to report, in the batch's order
        self.pending: list[Any] = []  # entries waiting for their run to be inserted
        self.run: list[dict[str, Any]] = []  # the drafts of the current run
        self.outcomes: list[Outcome] = []

    def read_marks(self, rows: list[dict[str, Any]]) -> None:
        """The fingerprints the batch's documents share with stored ones, read before the
        batch's documents are inserted (so that only stored documents answer)."""
        doc = schema.document
        marks = sorted({r["fingerprint"] for r in rows if r.get("fingerprint")})
        if marks:
            found = select(doc.c.fingerprint).where(doc.c.fingerprint.in_(marks)).distinct()
            self.marks = set(self.conn.execute(found).scalars())

    def then(self, report: Any) -> None:
        """An outcome to log and report in its place (a duplicate, a rejection)."""
        self.entries.append(report)

    def add(
        self,
        item: Prepared,
        document_id: int,
        mark: str | None,
        spans: list[dict[str, Any]],
        publisher: str | None,
        action: str,
    ) -> None:
        """A new document's draft, in its place."""
        read, record = item.read, item.record
        assert read is not None and record is not None
        title = _title(read, record)
        values = draft_values(self.conn, document_id, record, self.lookups, title, publisher)
        values |= {"created_at": self.stamp, "updated_at": self.stamp}
        draft = {"item": item, "values": values, "mark": mark, "spans": spans, "action": action}
        self.entries.append(draft)

    def finish(self) -> list[Outcome]:
        """Store the drafts and return the outcomes of the batch, in its order."""
        drafts = [e for e in self.entries if isinstance(e, dict)]
        days = {v for d in drafts if isinstance(v := d["values"].get("date"), date)}
        near = {day + timedelta(days=n) for day in days for n in (-1, 0, 1)}
        act = schema.activity
        dated: set[date] = set()
        if near:
            found = select(act.c.date).where(act.c.date.in_(sorted(near))).distinct()
            dated = set(self.conn.execute(found).scalars())
        for entry in self.entries:
            if not isinstance(entry, dict):
                self.pending.append(entry)
                continue
            mark, day = entry["mark"], entry["values"].get("date")
            close = isinstance(day, date) and any(
                day + timedelta(days=n) in dated for n in (-1, 0, 1)
            )
            entry["join"] = (mark is not None and mark in self.marks) or close
            self.run.append(entry)
            self.pending.append(entry)
            if entry["join"]:  # the last of its run: its join sees none of the later drafts
                self._flush()
            if mark is not None:
                self.marks.add(mark)
            if isinstance(day, date):
                dated.add(day)
        self._flush()
        return self.outcomes

    def _flush(self) -> None:
        """Insert the run's drafts, then log and report what waits, in order."""
        conn, actor = self.conn, self.actor
        act = schema.activity
        run, self.run = self.run, []
        if run:
            # One statement for the run (insertmanyvalues: VALUES of many rows, numbered in
            # their order), its rows told apart by their document, each draft's own.
            statement = act.insert().returning(act.c.document_id, act.c.id)
            rows = [d["values"] | {"search_words": self._words(d)} for d in run]
            found = {doc: id_ for doc, id_ in conn.execute(statement, rows)}
            sources, participants, links = [], [], []
            for draft in run:
                record = draft["item"].record
                draft["id"] = int(found[draft["values"]["document_id"]])
                draft["participants"] = participant_rows(draft["id"], record, self.lookups)
                draft["links"] = link_rows(draft["id"], record, self.lookups)
                participants.extend(draft["participants"])
                links.extend(draft["links"])
                document_id = draft["values"]["document_id"]
                sources.append(
                    {"activity_id": draft["id"], "document_id": document_id, "how": "ingest"}
                    | {"added_by": actor, "added_at": draft["values"]["created_at"]}
                )
            conn.execute(schema.activity_source.insert(), sources)
            if participants:
                conn.execute(schema.activity_participant.insert(), participants)
            if links:
                conn.execute(schema.activity_link.insert(), links)
        pending, self.pending = self.pending, []
        for entry in pending:
            self.outcomes.append(self._report(entry) if isinstance(entry, dict) else entry())

    @staticmethod
    def _words(draft: dict[str, Any]) -> str | None:
        return row_words("activity", draft["values"], draft["item"].words)

    def _report(self, draft: dict[str, Any]) -> Outcome:
        conn, actor = self.conn, self.actor
        item, values = draft["item"], draft["values"]
        document_id = values["document_id"]
        _log_extractions(conn, actor, document_id, draft["spans"])
        counts = {"participants": len(draft["participants"]), "links": len(draft["links"])}
        audit.record(conn, actor, "draft", "activity", draft["id"], None, values | counts)
        joined = None
        if draft["join"]:
            joined = events.join_format_copy(conn, actor, draft["id"], document_id)
        copy = f"a format copy of activity {joined}, joined to it" if joined is not None else None
        ingested = Outcome(item.origin.label, INGESTED, document_id, detail=copy)
        return _log_outcome(conn, actor, draft["action"], item.origin, ingested)


def row_words(table: str, values: dict[str, Any], known: dict[str, str] | None) -> str | None:
    """:func:`search_index.row_words` of a row, taking the words of each text from ``known``
    (cut by the worker that extracted the document: :attr:`Prepared.words`) and cutting
    only a text it lacks (one a column's width shortened)."""
    known = known or {}
    found = []
    for column in search_index.WORD_SOURCES[table]:
        value = values.get(column)
        found.append(known[value] if value in known else search_index.text_words(value))
    return " ".join(w for w in found if w) or None


def ingest_content(
    conn: Connection,
    raw: bytes | None,
    origin: Source,
    lookups: Lookups | None = None,
    *,
    max_bytes: int | None = None,
    publisher: str | None = None,
    limits: ReadLimits | None = None,
    actor: str | None = None,
    action: str = "ingest",
) -> Outcome:
    """Ingest content already read (``raw`` is None when it was over the byte limit).

    ``publisher`` is stored for a document whose own metadata names no publisher; the
    document is logged as ``action`` by ``actor`` (see :func:`store`).
    """
    prepared = prepare(conn, raw, origin, max_bytes=max_bytes, limits=limits)
    return store(conn, prepared, lookups, publisher=publisher, actor=actor, action=action)


def _ingested_id(conn: Connection, digest: str) -> int:
    doc = schema.document
    found = conn.execute(
        select(doc.c.id).where(doc.c.content_hash == digest, doc.c.status == INGESTED)
    ).scalar_one()
    return int(found)


def _log_outcome(
    conn: Connection, actor: str | None, action: str, origin: Source, outcome: Outcome
) -> Outcome:
    """The audit event of one stored document or rejection (its raw bytes left out)."""
    after = {
        "filename": origin.filename,
        "source": origin.source,
        "content_hash": origin.digest,
        "status": outcome.status,
        "reason": outcome.reason,
    }
    audit.record(conn, actor, action, "document", outcome.document_id, None, after)
    return outcome


def _storage_failure(exc: StatementError | OverflowError) -> DocumentRejected:
    """The rejection of a document whose rows the database refused (a value out of range
    that no check caught), named by the driver's error class and message."""
    cause = getattr(exc, "orig", None) or exc
    detail = f"the database refused a value ({type(cause).__name__}: {cause})"
    return DocumentRejected("storage_failed", " ".join(detail.split())[:500])


def _record_rejection(
    conn: Connection, path: Path, row: dict[str, Any], exc: DocumentRejected
) -> Outcome:
    doc = schema.document
    reason = f"{exc.reason}: {exc.detail}"
    known = conn.execute(
        select(doc.c.id).where(
            doc.c.content_hash == row["content_hash"],
            doc.c.status == REJECTED,
            doc.c.reject_reason == reason,
        )
    ).scalar()
    if known is None:
        known = conn.execute(
            doc.insert().values(**row, status=REJECTED, reject_reason=reason).returning(doc.c.id)
        ).scalar_one()
    return Outcome(str(path), REJECTED, known, exc.reason, exc.detail)


def _insert_document(conn: Connection, row: dict[str, Any], prepared: Prepared) -> int | None:
    """The new document's id, or None when the same bytes are already ingested.

    The unique index on the hash of ingested documents decides, in the database: two
    uploads or two ``ingest`` runs of one file at the same moment both passed the look-up
    in :func:`prepare`, and ``ON CONFLICT DO NOTHING`` lets exactly one of them insert
    without an error or a rolled-back transaction for the other.
    """
    values = row | _document_values(prepared)
    found = conn.execute(_insert_once(conn.dialect.name), values).scalar()
    return None if found is None else int(found)


# The columns of an ingested document that come from reading it (NULL on a rejection).
_DOCUMENT_READ = (
    "media_type",
    "encoding",
    "language",
    "title",
    "published_on",
    "text",
    "fingerprint",
)


def _document_values(prepared: Prepared) -> dict[str, Any]:
    """The columns of an ingested document that its reading and extraction give.

    The text's shingles, computed with its extraction, are kept for comparing it with the
    releases of its day (:func:`wpstrack.events.join_format_copy`).
    """
    read, record = prepared.read, prepared.record
    assert read is not None and record is not None  # a document, not a rejection
    mark, shingles = prepared.marks or copies.marks(read.text)
    events.remember(mark, shingles)
    values = {
        "media_type": read.media_type,
        "encoding": read.encoding,
        "language": record.get("language") or read.language,
        "title": _title(read, record),
        "published_on": read.published_on or _as_date(record.get("release_date")),
        "text": read.text,
        "fingerprint": mark,
    }
    return values | {"status": INGESTED}


@functools.cache
def _insert_once(dialect: str) -> Any:
    """The document insert that yields to an ingested copy, built once per dialect with its
    values bound at execution: the single writer then reuses one compiled statement instead
    of building and compiling one per document (a tenth of its time in a profile)."""
    return _yielding_insert(dialect).returning(schema.document.c.id)


def _yielding_insert(dialect: str) -> Any:
    doc = schema.document
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(doc).on_conflict_do_nothing(
        index_elements=[doc.c.content_hash], index_where=text(f"status = '{INGESTED}'")
    )


@functools.cache
def _insert_many(dialect: str) -> Any:
    """:func:`_insert_once` for many rows at once (ingested and rejected: a rejection is not
    in the unique index, so it never conflicts), returning what tells the rows apart."""
    doc = schema.document
    return _yielding_insert(dialect).returning(doc.c.id, doc.c.content_hash, doc.c.reject_reason)


def _jsonable(value: Any) -> Any:
    """A value as JSON can store it: dates become ISO strings, tuples lists, others text."""
    if isinstance(value, float) and not math.isfinite(value):
        return None  # JSON has no infinity; PostgreSQL refuses the whole row
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def store_extractions(
    conn: Connection, document_id: int, record: dict[str, Any], *, actor: str | None = None
) -> int:
    """One machine ``extraction`` row per span of the record (one audit event for them all);
    returns how many."""
    rows = extraction_rows(document_id, record, now())
    if rows:
        conn.execute(schema.extraction.insert(), rows)
        _log_extractions(conn, actor, document_id, rows)
    return len(rows)


def _log_extractions(
    conn: Connection, actor: str | None, document_id: int, rows: list[dict[str, Any]]
) -> None:
    if rows:
        counted = {"rows": len(rows), "fields": sorted({r["field"] for r in rows})}
        audit.record(conn, actor, "extract", "extraction", f"document:{document_id}", None, counted)


def extraction_rows(
    document_id: int, record: dict[str, Any], created: datetime
) -> list[dict[str, Any]]:
    """The machine ``extraction`` rows of a record's spans, in the record's order."""
    return [
        {
            "document_id": document_id,
            "field": str(span["field"])[:40],
            "value": _jsonable(span.get("value")),
            "start": span.get("start"),
            "end": span.get("end"),
            "method": str(span.get("method") or "unknown")[:60],
            "confidence": span.get("confidence"),
            "source": "machine",
            "created_at": created,
        }
        for span in record.get("spans") or ()
    ]


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def publisher_name(value: str | None) -> str | None:
    """A publisher as stored: on one line, trimmed, cut after a whole word to fit the column
    (mid-word only when one word is longer than the column); None when blank."""
    name = " ".join(unicodedata.normalize("NFC", value or "").split())
    if len(name) > PUBLISHER_MAX:
        words = name[: PUBLISHER_MAX + 1].rsplit(" ", 1)[0]
        name = words if len(words) <= PUBLISHER_MAX else name[:PUBLISHER_MAX]
        name = name.rstrip(" ,;:-–—(")
    return name or None


def document_view(conn: Connection, document_id: int) -> dict[str, Any]:
    """A stored document with its activity draft and machine extractions, for display."""
    doc = schema.document
    row = conn.execute(
        select(doc)
        .where(doc.c.id == document_id)
        .with_only_columns(*(c for c in doc.c if c.name != "raw"))
    ).first()
    if row is None:
        raise NotFound(f"no document with id {document_id}")
    # The activity it is a source of: its own draft, or the event it was merged into.
    act, src = schema.activity, schema.activity_source
    activity = conn.execute(
        select(act)
        .join(src, src.c.activity_id == act.c.id)
        .where(src.c.document_id == document_id)
        .order_by(act.c.id)
    ).first()
    view: dict[str, Any] = {"document": dict(row._mapping), "activity": None}
    if activity is not None:
        part, link = schema.activity_participant, schema.activity_link
        view["activity"] = dict(activity._mapping)
        view["participants"] = [
            dict(r._mapping)
            for r in conn.execute(
                select(part).where(part.c.activity_id == activity.id).order_by(part.c.id)
            )
        ]
        view["links"] = [
            dict(r._mapping)
            for r in conn.execute(
                select(link).where(link.c.activity_id == activity.id).order_by(link.c.id)
            )
        ]
    ext = schema.extraction
    view["extractions"] = [
        dict(r._mapping)
        for r in conn.execute(
            select(ext).where(ext.c.document_id == document_id).order_by(ext.c.start, ext.c.id)
        )
    ]
    return view
