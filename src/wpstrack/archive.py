"""The document archive: the list with status and rejection reason, one document with its
highlighted spans, and uploads from the browser or the API.

Uploads go through the same path as ``wpstrack ingest`` (:func:`wpstrack.ingest.ingest_content`):
the reader decides the type from the content, refuses what it cannot read, and the refusal
is kept as a ``rejected`` document with its reason. An uploaded file's name is only a label:
it is reduced to a plain base name for display and never joins a file-system path. Content
over the size limit is hashed while it streams and never held whole in memory.

Anonymous visitors see the documents behind published activities only; rejected documents
and drafts are for logged-in users.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date
from typing import Any, BinaryIO, Literal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Connection, Select, select

from wpstrack import activities, ingest, review, schema, visibility
from wpstrack.audit import UtcDateTime
from wpstrack.errors import NotFound
from wpstrack.limits import ReadLimits, resolve_limits
from wpstrack.pagination import ListFilter, Page, paginate

CHUNK = 64 * 1024
MAX_NAME = 200
_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>:\"|?*]+")


class DocumentSummary(BaseModel):
    """A document in the list."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    filename: str | None
    title: str | None
    status: str
    reject_reason: str | None
    media_type: str | None
    language: str | None
    published_on: date | None
    ingested_at: UtcDateTime
    activity_id: int | None
    activity_status: str | None


class DocumentFilter(ListFilter):
    """Narrow the list by status or by words in the file name or title."""

    status: Literal["ingested", "rejected"] | None = None
    q: str | None = None


class UploadResult(BaseModel):
    """What became of one uploaded file."""

    filename: str
    status: str  # ingested | already present | rejected
    document_id: int | None
    reason: str | None
    detail: str | None


def safe_filename(name: str | None) -> str:
    """A display name for an uploaded file: its last path part, without control characters
    or characters that mean something to a shell or a file system."""
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", name or ""))[-1]
    cleaned = _UNSAFE.sub("_", base).strip(" .")
    return cleaned[:MAX_NAME] or "upload"


def _list_query(filters: DocumentFilter, public_only: bool) -> Select[Any]:
    doc, act = schema.document, schema.activity

    def first_activity(column: Any) -> Any:  # LATERAL is not in SQLite: scalar subqueries
        src = schema.activity_source  # the event it is a source of, merged ones included
        return (
            select(column)
            .join(src, src.c.activity_id == act.c.id)
            .where(src.c.document_id == doc.c.id)
            .order_by(act.c.id)
            .limit(1)
            .scalar_subquery()
        )

    stmt = select(
        doc.c.id,
        doc.c.filename,
        doc.c.title,
        doc.c.status,
        doc.c.reject_reason,
        doc.c.media_type,
        doc.c.language,
        doc.c.published_on,
        doc.c.ingested_at,
        first_activity(act.c.id).label("activity_id"),
        first_activity(act.c.status).label("activity_status"),
    )
    stmt = stmt.where(visibility.documents(public_only))
    if filters.status:
        stmt = stmt.where(doc.c.status == filters.status)
    if filters.q and filters.q.strip():
        q = filters.q.strip()
        stmt = stmt.where(
            doc.c.filename.icontains(q, autoescape=True) | doc.c.title.icontains(q, autoescape=True)
        )
    return stmt


def list_documents(
    conn: Connection,
    filters: DocumentFilter | None = None,
    cursor: str | None = None,
    limit: int | None = None,
    *,
    public_only: bool = True,
) -> Page[DocumentSummary]:
    """Documents, newest first, one page at a time."""
    stmt = _list_query(filters or DocumentFilter(), public_only)
    rows, next_cursor = paginate(conn, stmt, [schema.document.c.id], cursor, limit, descending=True)
    return Page([DocumentSummary.model_validate(dict(r)) for r in rows], next_cursor)


def document_detail(conn: Connection, document_id: int, *, public_only: bool = True) -> dict:
    """A document with its text cut into highlighted spans, its values and its activity."""
    doc = schema.document
    visible = conn.execute(
        select(doc.c.id).where(doc.c.id == document_id, visibility.documents(public_only))
    ).scalar()
    if visible is None:
        raise NotFound(f"no document with id {document_id}")
    view = ingest.document_view(conn, document_id)
    values = activities.provenance(conn, document_id)
    text = view["document"].get("text") or ""
    return {
        "document": view["document"],
        "activity": view["activity"],
        "values": [v.model_dump(mode="json") for v in values],
        "segments": review.highlight(text, values),
    }


def _read_limited(stream: BinaryIO, max_bytes: int) -> tuple[bytes | None, str, int]:
    """The content (None when over ``max_bytes``), its sha256 and its size, read in chunks."""
    digest, kept, size = hashlib.sha256(), bytearray(), 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if size <= max_bytes:
            kept.extend(chunk)
        else:
            kept.clear()
    return (bytes(kept) if size <= max_bytes else None), digest.hexdigest(), size


def prepare_upload(
    conn: Connection, name: str | None, stream: BinaryIO, *, limits: ReadLimits
) -> ingest.Prepared:
    """Read and extract one uploaded file, writing nothing (see :func:`store_upload`)."""
    filename = safe_filename(name)
    raw, digest, size = _read_limited(stream, limits.max_bytes or 0)
    origin = ingest.Source(filename, f"upload:{filename}", filename, digest, size)
    return ingest.prepare(conn, raw, origin, limits=limits)


def store_upload(
    conn: Connection, prepared: ingest.Prepared, *, actor: str | None, publisher: str | None
) -> UploadResult:
    """Store a prepared upload and log who uploaded it."""
    filename = prepared.origin.filename
    outcome = ingest.store(conn, prepared, publisher=publisher, actor=actor, action="upload")
    return UploadResult(
        filename=filename,
        status=outcome.status,
        document_id=outcome.document_id,
        reason=outcome.reason,
        detail=outcome.detail,
    )


def upload_all(
    conn: Connection,
    files: list[tuple[str | None, BinaryIO]],
    *,
    max_bytes: int,
    actor: str | None,
    publisher: str | None = None,
    limits: ReadLimits | None = None,
) -> list[UploadResult]:
    """Ingest uploaded ``(name, stream)`` pairs: all are read and extracted before the first
    write, so the transaction holds SQLite's write lock only while rows are inserted."""
    limits = resolve_limits(limits, max_bytes)
    prepared = [prepare_upload(conn, name, stream, limits=limits) for name, stream in files]
    return [store_upload(conn, p, actor=actor, publisher=publisher) for p in prepared]


def upload(
    conn: Connection,
    name: str | None,
    stream: BinaryIO,
    *,
    max_bytes: int,
    actor: str | None,
    publisher: str | None = None,
    limits: ReadLimits | None = None,
) -> UploadResult:
    """Ingest one uploaded file (read, type-checked, extracted) and log who uploaded it;
    ``publisher`` is for a file whose own metadata names none, as in ``wpstrack ingest``."""
    (result,) = upload_all(
        conn,
        [(name, stream)],
        max_bytes=max_bytes,
        actor=actor,
        publisher=publisher,
        limits=limits,
    )
    return result
