"""Ingestion: files become stored documents, machine extractions and activity drafts.

The caller walks the paths (:func:`iter_files`), cuts them into batches and gives each
batch to :func:`ingest_batch` inside its own transaction, so a corpus is streamed: only one
batch of documents is in memory at a time, and a failure loses at most one batch.

A document is identified by the sha256 of its bytes. The same bytes ingested again are
reported as already present and change nothing. A file the reader refuses (empty, binary,
undecodable, too large, unsupported) is recorded as a ``document`` row with status
``rejected`` and its reason, and the batch goes on; the same refusal of the same bytes is not
recorded twice. A readable document on which the extractor raises is recorded as rejected
with reason ``extraction_failed``, so that ingesting it again after a fix retries it.

Each ingested document gets one ``extraction`` row per extracted value (with its character
span, method and confidence, ``source='machine'``) and one ``activity`` in status ``draft``
with its participants and links (resolutions, pillars, topics). Nothing here commits.

A document's publisher is the one its own metadata states (:attr:`ReadDocument.publisher`);
the ``publisher`` a user gives for a batch or an upload fills in only for documents that
state none. The user's value is said once for many files, the document's for itself: a
folder of one ministry's releases often holds a joint statement or a partner's page that
names its own publisher, and a batch default must not re-attribute it.
"""

from __future__ import annotations

import hashlib
import math
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.exc import StatementError

from wpstrack import schema
from wpstrack.db import now
from wpstrack.documents import (
    DocumentRejected,
    ReadDocument,
    extract_record,
    first_line,
    read_bytes,
)
from wpstrack.errors import NotFound
from wpstrack.limits import NUMBER_RANGES, ReadLimits, resolve_limits
from wpstrack.reference import resolve_organisation

INGESTED, DUPLICATE, REJECTED = "ingested", "already present", "rejected"
PUBLISHER_MAX = 200  # characters: the width of ``document.publisher``
PARTICIPANT_ROLES = {"principal_actors": "principal", "other_participants": "participant"}


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

    def add(self, outcome: Outcome) -> None:
        if outcome.status == INGESTED:
            self.ingested += 1
        elif outcome.status == DUPLICATE:
            self.duplicates += 1
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
        }


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Every file under ``paths`` in a stable order; hidden files and folders are skipped."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                parts = child.relative_to(path).parts
                if child.is_file() and not any(p.startswith(".") for p in parts):
                    yield child
        else:
            yield path


def batched(items: Iterable[Path], size: int) -> Iterator[list[Path]]:
    """Consecutive lists of at most ``size`` items."""
    batch: list[Path] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass
class _Lookups:
    """Reference ids resolved once per batch instead of once per value."""

    organisations: dict[str, int]
    resolutions: set[int]
    pillars: set[str]
    places: dict[tuple[str, str | None], int | None] = field(default_factory=dict)

    @classmethod
    def load(cls, conn: Connection) -> _Lookups:
        org = schema.organisation
        return cls(
            organisations={code: id_ for code, id_ in conn.execute(select(org.c.code, org.c.id))},
            resolutions=set(conn.execute(select(schema.resolution.c.number)).scalars()),
            pillars=set(conn.execute(select(schema.pillar.c.code)).scalars()),
        )

    def organisation_id(self, name: Any) -> int | None:
        code = resolve_organisation(str(name)) if name else None
        return self.organisations.get(code) if code else None

    def place_id(self, conn: Connection, city: str | None, country: str | None) -> int | None:
        """The most populous city of that name (in that country), else the country."""
        key = ((city or "").casefold(), country)
        if key not in self.places:
            found = self._city(conn, city, country) if city else None
            if found is None and country:
                place = schema.place
                found = conn.execute(
                    select(place.c.id).where(
                        place.c.kind == "country", place.c.country == country.upper()
                    )
                ).scalar()
            self.places[key] = found
        return self.places[key]

    @staticmethod
    def _city(conn: Connection, city: str, country: str | None) -> int | None:
        place = schema.place
        query = (
            select(place.c.id)
            .where(place.c.kind == "city", func.lower(place.c.name) == city.casefold())
            .order_by(place.c.population.desc())
            .limit(1)
        )
        if country:
            query = query.where(place.c.country == country.upper())
        return conn.execute(query).scalar()


def _read_file(path: Path, max_bytes: int | None) -> tuple[bytes | None, str, int]:
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
) -> list[Outcome]:
    """Read, store and extract each file of one batch (in the caller's transaction);
    ``publisher`` is for the files whose metadata names none."""
    lookups = _Lookups.load(conn)
    limits = resolve_limits(limits, max_bytes)
    outcomes = []
    for path in paths:
        try:
            outcome = ingest_file(conn, path, lookups, limits=limits, publisher=publisher)
            outcomes.append(outcome)
        except OSError as exc:
            outcomes.append(Outcome(str(path), REJECTED, None, "unreadable", exc.strerror))
    return outcomes


def ingest_file(
    conn: Connection,
    path: Path,
    lookups: _Lookups | None = None,
    *,
    max_bytes: int | None = None,
    publisher: str | None = None,
    limits: ReadLimits | None = None,
) -> Outcome:
    """Ingest one file: store it (or its rejection), its extractions and its draft."""
    limits = resolve_limits(limits, max_bytes)
    raw, digest, size = _read_file(path, limits.max_bytes)
    source = Source(str(path), str(path.resolve()), path.name, digest, size)
    return ingest_content(conn, raw, source, lookups, limits=limits, publisher=publisher)


@dataclass(frozen=True)
class Source:
    """Where content came from: a file, or an upload (whose name is never used as a path)."""

    label: str  # reported in the outcome
    source: str  # stored in ``document.source``
    filename: str
    digest: str  # sha256 of the whole content
    size: int


def ingest_content(
    conn: Connection,
    raw: bytes | None,
    origin: Source,
    lookups: _Lookups | None = None,
    *,
    max_bytes: int | None = None,
    publisher: str | None = None,
    limits: ReadLimits | None = None,
) -> Outcome:
    """Ingest content already read (``raw`` is None when it was over the byte limit).

    ``publisher`` is stored for a document whose own metadata names no publisher. The
    document's rows are written under a savepoint: when the database refuses one of them,
    only this document is rolled back and recorded as rejected (``storage_failed``), and the
    rest of the batch is kept.
    """
    limits = resolve_limits(limits, max_bytes)
    lookups = lookups or _Lookups.load(conn)
    path = Path(origin.label)  # named in the outcome; never opened here
    digest, size = origin.digest, origin.size
    doc = schema.document
    existing = conn.execute(
        select(doc.c.id).where(doc.c.content_hash == digest, doc.c.status == INGESTED)
    ).scalar()
    if existing is not None:
        return Outcome(origin.label, DUPLICATE, existing)
    base = {
        "source": origin.source,
        "filename": origin.filename[:300],
        "content_hash": digest,
        "size_bytes": size,
        "ingested_at": now(),
    }
    try:
        if raw is None:
            limit = f"{size} bytes is over the limit of {limits.max_bytes}"
            raise DocumentRejected("too_large", limit)
        read = read_bytes(raw, filename=origin.filename, limits=limits)
        record = extract_record(read, limits)
    except DocumentRejected as exc:
        return _record_rejection(conn, path, base | {"raw": raw}, exc)
    except Exception as exc:  # a failing component must not end the batch: retry it later
        detail = f"the extractor failed ({type(exc).__name__}: {exc})"[:500]
        failure = DocumentRejected("extraction_failed", detail)
        return _record_rejection(conn, path, base | {"raw": raw}, failure)
    stated = publisher_name(read.publisher) or publisher_name(publisher)
    try:
        with conn.begin_nested():
            row = base | {"raw": raw, "publisher": stated}
            document_id = _insert_document(conn, row, read, record)
            store_extractions(conn, document_id, record)
            create_draft(conn, document_id, record, lookups, title=_title(read, record))
    # The driver's errors, and Python values it cannot bind (sqlite3 raises OverflowError
    # for an int over 64 bits, outside SQLAlchemy's wrapping).
    except (StatementError, OverflowError) as exc:
        return _record_rejection(conn, path, base | {"raw": raw}, _storage_failure(exc))
    return Outcome(origin.label, INGESTED, document_id)


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


def _title(read: ReadDocument, record: dict[str, Any]) -> str | None:
    """The title the format declares, else the extractor's headline, else the first line."""
    found = record.get("title")
    if read.title:
        return read.title
    if isinstance(found, str) and found.strip():
        return found
    return first_line(read.text)


def _insert_document(
    conn: Connection, row: dict[str, Any], read: ReadDocument, record: dict[str, Any]
) -> int:
    doc = schema.document
    published = read.published_on or _as_date(record.get("release_date"))
    values = row | {
        "media_type": read.media_type,
        "encoding": read.encoding,
        "language": record.get("language") or read.language,
        "title": _title(read, record),
        "published_on": published,
        "text": read.text,
        "status": INGESTED,
    }
    return int(conn.execute(doc.insert().values(**values).returning(doc.c.id)).scalar_one())


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


def store_extractions(conn: Connection, document_id: int, record: dict[str, Any]) -> int:
    """One machine ``extraction`` row per span of the record; returns how many."""
    created = now()
    rows = [
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
    if rows:
        conn.execute(schema.extraction.insert(), rows)
    return len(rows)


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _as_instant(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value)) if value else None
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


def _plausible(name: str, value: Any) -> int | None:
    """A whole number within the field's plausible range, else None: a record built by
    other means than the extractor's state (which drops them with a warning) is held to
    the same range before it reaches an integer column."""
    low, high = NUMBER_RANGES[name]
    if isinstance(value, int | float) and math.isfinite(value) and low <= value <= high:
        return round(value)
    return None


def _text(value: Any, limit: int) -> str | None:
    return str(value)[:limit] if value not in (None, "") else None


def create_draft(
    conn: Connection,
    document_id: int,
    record: dict[str, Any],
    lookups: _Lookups | None = None,
    *,
    title: str | None = None,
) -> int:
    """An activity draft from an extraction record, with participants and links."""
    lookups = lookups or _Lookups.load(conn)
    created = now()
    country = _text(record.get("country"), 2)
    values = {
        "document_id": document_id,
        "type": record.get("event_type") or "other",
        "title": title,
        "status": "draft",
        "date": _as_date(record.get("date")),
        "start_time_local": _text(record.get("start_time_local"), 5),
        "timezone": _text(record.get("timezone") or record.get("iana_zone"), 64),
        "tz_stated": _text(record.get("tz_stated"), 16),
        "start_time_jst": _text(record.get("start_time_jst"), 16),
        "start_utc": _as_instant(record.get("start_utc")),
        "duration_minutes": _plausible("duration_minutes", record.get("duration_minutes")),
        "place_id": lookups.place_id(conn, record.get("city"), country),
        "city": _text(record.get("city"), 200),
        "country": country,
        "created_at": created,
        "updated_at": created,
    }
    act = schema.activity
    activity_id = int(conn.execute(act.insert().values(**values).returning(act.c.id)).scalar_one())
    participants = _participants(activity_id, record, lookups)
    if participants:
        conn.execute(schema.activity_participant.insert(), participants)
    links = _links(activity_id, record, lookups)
    if links:
        conn.execute(schema.activity_link.insert(), links)
    return activity_id


def _participants(
    activity_id: int, record: dict[str, Any], lookups: _Lookups
) -> list[dict[str, Any]]:
    rows = []
    for field_name, role in PARTICIPANT_ROLES.items():
        for person in record.get(field_name) or ():
            person = person if isinstance(person, dict) else {"name": person}
            affiliation = person.get("organisation_or_country")
            rows.append(
                {
                    "activity_id": activity_id,
                    "name": _text(person.get("name"), 300),
                    "title": _text(person.get("title"), 300),
                    "affiliation": _text(affiliation, 300),
                    "organisation_id": lookups.organisation_id(affiliation),
                    "gender": _text(person.get("gender"), 1),
                    "role": role,
                }
            )
    for name in record.get("organisations") or ():
        rows.append(
            {
                "activity_id": activity_id,
                "name": _text(name, 300),
                "title": None,
                "affiliation": None,
                "organisation_id": lookups.organisation_id(name),
                "gender": None,
                "role": "mentioned",
            }
        )
    return rows


def _links(activity_id: int, record: dict[str, Any], lookups: _Lookups) -> list[dict[str, Any]]:
    """Links to reference rows that exist (an unknown resolution stays in the extractions)."""
    rows: list[dict[str, Any]] = []
    # Every row names every column: an executemany needs the same keys in each row.
    base: dict[str, Any] = {
        "activity_id": activity_id,
        "resolution_number": None,
        "pillar_code": None,
        "topic": None,
    }
    for number in record.get("resolutions") or ():
        if int(number) in lookups.resolutions:
            rows.append(base | {"kind": "resolution", "resolution_number": int(number)})
    for code in record.get("pillars") or ():
        if code in lookups.pillars:
            rows.append(base | {"kind": "pillar", "pillar_code": code})
    for topic in record.get("topics") or ():
        rows.append(base | {"kind": "topic", "topic": str(topic)[:40]})
    return rows


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
    act = schema.activity
    activity = conn.execute(
        select(act).where(act.c.document_id == document_id).order_by(act.c.id)
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
