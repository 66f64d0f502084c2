"""Review: machine extractions become register entries through a reviewer's decisions.

The queue is every document whose activity is still a draft. A reviewer decides on each
extracted value (accept, correct, reject) and on the record as a whole. Every decision is a
NEW ``extraction`` row with ``source='human'``, its author, its decision and the id of the
machine row it decides on (``decides_id``): the machine row is never changed, so what the
extractor proposed and what people decided can always be told apart.

Accepting a record applies the chosen values to the activity (the last correction, else the
machine value, unless rejected), sets it to ``reviewed`` and logs it in the audit log; the
values nobody decided on are accepted with it, as rows of their own. The browser, the API
and ``wpstrack review`` all call these functions, so a review is recorded alike whichever
shell made it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Connection, func, select

from wpstrack import activities, audit, events, fields, ingest, register, roles, schema
from wpstrack.audit import UtcDateTime
from wpstrack.db import now
from wpstrack.errors import Conflict, InvalidInput, NotFound
from wpstrack.extract.model import EVENT_TYPES, TOPIC_PILLARS
from wpstrack.pagination import Page, paginate
from wpstrack.provenance import ProvenanceValue
from wpstrack.provenance import highlight as highlight

DECISIONS: dict[str, str] = {"accept": "accepted", "correct": "corrected", "reject": "rejected"}
# Extraction field -> activity column it fills when the record is accepted.
ACTIVITY_COLUMNS = {str(f.extracted_as): str(f.activity_column) for f in fields.column_fields()}
# Fields whose values become participants and links (rebuilt when a reviewer touched them).
LIST_FIELDS = tuple(str(f.extracted_as) for f in fields.child_fields() if f.reviewable)
WHEN_FIELDS = ("date", "start_time_local", "timezone")


class QueueItem(BaseModel):
    """A document waiting for review, with its draft."""

    id: int
    title: str | None
    published_on: date | None
    ingested_at: UtcDateTime
    activity_id: int
    activity_type: str
    activity_date: date | None
    version: int
    values: int
    min_confidence: float | None


class Extraction(BaseModel):
    """An extraction row as stored: a machine value or a reviewer's decision."""

    id: int
    document_id: int
    field: str
    value: Any
    start: int | None
    end: int | None
    method: str
    confidence: float | None
    source: str
    decision: str | None
    author: str | None
    created_at: UtcDateTime
    decides_id: int | None


@dataclass
class BulkResult:
    """What ``accept_all`` did: documents accepted, drafts left for a person, and (with a
    confidence floor) the values accepted on their own and those left for review."""

    accepted: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    values_accepted: int = 0
    values_left: int = 0


def _queue_select() -> Any:
    doc, act, ext = schema.document, schema.activity, schema.extraction
    counts = (
        select(
            ext.c.document_id,
            func.count().label("n"),
            # A value without a confidence is not a confident one.
            func.min(func.coalesce(ext.c.confidence, 0.0)).label("low"),
        )
        .where(ext.c.source == "machine")
        .group_by(ext.c.document_id)
        .subquery()
    )
    return (
        select(
            doc.c.id,
            doc.c.title,
            doc.c.published_on,
            doc.c.ingested_at,
            act.c.id.label("activity_id"),
            act.c.type.label("activity_type"),
            act.c.date.label("activity_date"),
            act.c.version,
            func.coalesce(counts.c.n, 0).label("values"),
            counts.c.low.label("min_confidence"),
        )
        .join(act, act.c.document_id == doc.c.id)
        .outerjoin(counts, counts.c.document_id == doc.c.id)
        .where(act.c.status == "draft")
    )


def review_queue(
    conn: Connection, cursor: str | None = None, limit: int | None = None
) -> Page[QueueItem]:
    """Documents whose activity is a draft, oldest first, one page at a time."""
    rows, next_cursor = paginate(conn, _queue_select(), [schema.document.c.id], cursor, limit)
    return Page([QueueItem.model_validate(dict(r)) for r in rows], next_cursor)


def neighbours(conn: Connection, document_id: int) -> dict[str, int | None]:
    """The previous and next documents in the queue around ``document_id``."""
    doc = schema.document
    base = _queue_select().with_only_columns(doc.c.id)
    before = conn.execute(base.where(doc.c.id < document_id).order_by(doc.c.id.desc())).first()
    after = conn.execute(base.where(doc.c.id > document_id).order_by(doc.c.id)).first()
    return {"previous": before[0] if before else None, "next": after[0] if after else None}


def _draft(conn: Connection, document_id: int) -> dict[str, Any]:
    act = schema.activity
    row = (
        conn.execute(select(act).where(act.c.document_id == document_id).order_by(act.c.id))
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound(f"document {document_id} has no activity to review")
    if row["status"] != "draft":
        raise Conflict(f"the activity of document {document_id} was already reviewed")
    return dict(row)


# --- one review item ------------------------------------------------------------------------


def review_item(conn: Connection, document_id: int) -> dict[str, Any]:
    """Everything the review page shows: document, draft, values, highlights, measures."""
    view = ingest.document_view(conn, document_id)
    draft = view.get("activity")
    values = activities.provenance(conn, document_id)
    return {
        "document": view["document"],
        "activity": activities.get_activity(conn, draft["id"]) if draft else None,
        # Activities that may report the same event, with the evidence (merge or keep apart).
        "candidates": events.candidates(conn, draft["id"]) if draft else [],
        "values": values,
        "segments": highlight(view["document"].get("text") or "", values),
        "measures": activities.plan_measures(conn),
        "neighbours": neighbours(conn, document_id),
        "event_types": list(EVENT_TYPES),
    }


def _coerce(field_name: str, raw: Any, original: Any) -> Any:
    """A corrected value in the shape of the field (forms send strings)."""
    if isinstance(raw, str):
        raw = raw.strip()
        if raw == "":
            raise InvalidInput(
                "a correction needs a value (reject the value to drop it)", field_name
            )
    entry = fields.field_of(field_name)
    kind = entry.type if entry is not None else "json"
    if kind == "int":
        try:
            return int(raw)
        except (TypeError, ValueError) as exc:
            raise InvalidInput(f"{raw!r} is not a whole number", field_name) from exc
    if kind in ("date", "datetime"):
        parse = date.fromisoformat if kind == "date" else datetime.fromisoformat
        try:
            return parse(str(raw)).isoformat()
        except ValueError as exc:
            shape = "YYYY-MM-DD" if kind == "date" else "YYYY-MM-DDTHH:MM+00:00"
            raise InvalidInput(f"{raw!r} is not a {kind} {shape}", field_name) from exc
    if field_name == "event_type" and raw not in EVENT_TYPES:
        raise InvalidInput(f"{raw!r} is not one of {', '.join(EVENT_TYPES)}", field_name)
    if fields.kind_of(field_name) == "country":
        code = str(raw).upper()
        if len(code) != 2 or not code.isalpha():
            raise InvalidInput(f"{raw!r} is not a two-letter ISO country code", field_name)
        return code
    if fields.kind_of(field_name) == "role" and isinstance(raw, str) and raw not in roles.CODES:
        raise InvalidInput(f"{raw!r} is not one of {', '.join(roles.CODES)}", field_name)
    if isinstance(original, dict) and isinstance(raw, str):
        # A one-line form corrects the part of a value its kind names (fields.EDITABLE_PART).
        key = fields.editable_part(field_name)
        return {**original, key: raw}
    return raw


def _machine_row(conn: Connection, extraction_id: int) -> dict[str, Any]:
    ext = schema.extraction
    row = conn.execute(select(ext).where(ext.c.id == extraction_id)).mappings().first()
    if row is None:
        raise NotFound(f"no extracted value {extraction_id}")
    if row["source"] != "machine":
        raise InvalidInput("decide on the machine value, not on a reviewer's row", "extraction")
    return dict(row)


def decide(
    conn: Connection,
    actor: str | None,
    extraction_id: int,
    verb: str,
    value: Any = None,
    *,
    document_id: int | None = None,
) -> Extraction:
    """Accept, correct or reject one machine value: a new human row, the machine row kept.

    ``document_id``, when given, is the document the caller showed: a value of another
    document is not found rather than decided on unseen.
    """
    if verb not in DECISIONS:
        raise InvalidInput(f"the decision must be one of {', '.join(DECISIONS)}", "decision")
    row = _machine_row(conn, extraction_id)
    if document_id is not None and row["document_id"] != document_id:
        raise NotFound(f"document {document_id} has no extracted value {extraction_id}")
    _draft(conn, row["document_id"])
    decided = _coerce(row["field"], value, row["value"]) if verb == "correct" else row["value"]
    values = {
        "document_id": row["document_id"],
        "field": row["field"],
        "value": decided,
        "start": row["start"],
        "end": row["end"],
        "method": "review",
        "confidence": None,
        "source": "human",
        "decision": DECISIONS[verb],
        "author": actor,
        "created_at": now(),
        "decides_id": extraction_id,
    }
    return Extraction.model_validate(
        audit.insert(conn, actor, schema.extraction, values, action=verb)
    )


def add_value(
    conn: Connection, actor: str | None, document_id: int, field_name: str, value: Any
) -> Extraction:
    """A value the extractor missed, entered by a reviewer (a human row of its own)."""
    reviewable = [f.extracted_as for f in fields.reviewable_fields()]
    if field_name not in reviewable:
        known = ", ".join(str(name) for name in reviewable)
        raise InvalidInput(f"{field_name!r} is not a reviewable field ({known})", "field")
    _draft(conn, document_id)
    values = {
        "document_id": document_id,
        "field": field_name,
        "value": _coerce(field_name, value, None),
        "method": "review",
        "source": "human",
        "decision": "corrected",
        "author": actor,
        "created_at": now(),
    }
    return Extraction.model_validate(
        audit.insert(conn, actor, schema.extraction, values, action="correct")
    )


# --- the record -----------------------------------------------------------------------------


def chosen_values(values: list[ProvenanceValue]) -> dict[str, list[Any]]:
    """Per field, the values the register takes: every value not rejected, as decided."""
    chosen: dict[str, list[Any]] = {}
    for v in values:
        chosen.setdefault(v.field, [])
        if v.decision != "rejected":
            chosen[v.field].append(v.current)
    return chosen


def _activity_values(values: list[ProvenanceValue], activity: dict[str, Any]) -> dict[str, Any]:
    """The activity columns a reviewer decided on; the rest keep the draft's values.

    The draft was made from the same machine values, so only a decision can change it (a
    document's own title, preferred over the extracted headline, survives acceptance).
    """
    chosen = chosen_values(values)
    touched = {v.field for v in values if v.decisions or v.source == "human"}
    out: dict[str, Any] = {}
    for f in fields.column_fields():
        if f.extracted_as in touched and f.activity_column:
            first = chosen[f.extracted_as][0] if chosen[f.extracted_as] else None
            out[f.activity_column] = fields.fit(f, first)
    if touched & set(WHEN_FIELDS) and "start_utc" not in touched:
        merged = activity | out
        out["start_utc"] = activities.start_instant(
            merged["date"], merged["start_time_local"], merged["timezone"]
        )
    if "type" in out and out["type"] not in EVENT_TYPES:
        out["type"] = "other"  # the column is never empty
    return out


def _decided_lists(values: list[ProvenanceValue]) -> dict[str, Any]:
    """Participants and resolution, pillar and topic values as decided, as a record."""
    chosen = chosen_values(values)
    record: dict[str, Any] = {name: _unique(chosen.get(name, [])) for name in LIST_FIELDS}
    record["pillars"] = [TOPIC_PILLARS[t] for t in record["topics"] if t in TOPIC_PILLARS]
    # The roles the organisations rebuilt here take (wpstrack.register.participant_rows).
    for f in fields.FIELDS:
        if f.kind == "role" and f.extracted_as:
            record[f.extracted_as] = _unique(chosen.get(f.extracted_as, []))
    return record


def _unique(items: list[Any]) -> list[Any]:
    seen: dict[str, Any] = {}
    for item in items:
        seen.setdefault(json.dumps(item, sort_keys=True, default=str), item)
    return list(seen.values())


def _accept_undecided(
    conn: Connection,
    actor: str | None,
    document_id: int,
    values: list[ProvenanceValue],
    method: str = "review.record",
) -> int:
    """Record the machine values of ``values`` nobody decided on as accepted, one row each
    (``method`` says why: with the record, or for their confidence); returns how many."""
    created = now()
    rows = [
        {
            "document_id": document_id,
            "field": v.field,
            "value": v.value,
            "start": v.start,
            "end": v.end,
            "method": method,
            "confidence": None,
            "source": "human",
            "decision": "accepted",
            "author": actor,
            "created_at": created,
            "decides_id": v.id,
        }
        for v in values
        if v.source == "machine" and not v.decisions
    ]
    if rows:
        conn.execute(schema.extraction.insert(), rows)
        after = {"accepted": [r["decides_id"] for r in rows], "method": method}
        audit.record(conn, actor, "accept", "extraction", f"document:{document_id}", None, after)
    return len(rows)


def accept_record(
    conn: Connection,
    actor: str | None,
    document_id: int,
    *,
    expected_version: int | None = None,
) -> dict[str, Any]:
    """Apply the decided values to the draft and set it ``reviewed``; returns the activity."""
    activity = _draft(conn, document_id)
    values = activities.provenance(conn, document_id)
    changes = _activity_values(values, activity)
    children = None
    if any(v.field in LIST_FIELDS and (v.decisions or v.source == "human") for v in values):
        children = _decided_lists(values)
    stored = register.accept(
        conn, actor, activity["id"], changes, children, expected_version=expected_version
    )
    _accept_undecided(conn, actor, document_id, values)
    return stored


def reject_record(
    conn: Connection,
    actor: str | None,
    document_id: int,
    *,
    expected_version: int | None = None,
) -> None:
    """Decide that a document reports no activity: the draft goes, the decision stays."""
    activity = _draft(conn, document_id)
    audit.delete(conn, actor, schema.activity, activity["id"], expected_version=expected_version)
    values = {
        "document_id": document_id,
        "field": "activity",
        "value": {"activity_id": activity["id"], "title": activity["title"]},
        "method": "review.record",
        "source": "human",
        "decision": "rejected",
        "author": actor,
        "created_at": now(),
    }
    audit.insert(conn, actor, schema.extraction, values, action="reject")


def accept_all(
    conn: Connection, actor: str | None, min_confidence: float | None = None
) -> BulkResult:
    """Accept every draft in the queue; with ``min_confidence``, accept the values that are
    at least that confident (a value without a confidence counts as 0) and leave the rest
    for review: a draft is accepted whole only when no undecided value is below the floor.

    The confidences are calibrated (:mod:`wpstrack.extract.calibrate`): among values at 0.9
    or more, at least nine in ten were right on every gold set.
    """
    result = BulkResult()
    cursor: str | None = None
    while True:
        page = review_queue(conn, cursor, 200)
        for item in page.items:
            if min_confidence is not None and not _accept_sure(
                conn, actor, item.id, min_confidence, result
            ):
                result.skipped.append(item.id)
                continue
            accept_record(conn, actor, item.id)
            result.accepted.append(item.id)
        if not (cursor := page.next_cursor):
            return result


def _accept_sure(
    conn: Connection, actor: str | None, document_id: int, floor: float, result: BulkResult
) -> bool:
    """Accept the undecided machine values of a draft at or above ``floor``; True when no
    undecided one is left below it (the draft may then be accepted whole)."""
    undecided = [
        v
        for v in activities.provenance(conn, document_id)
        if v.source == "machine" and not v.decisions
    ]
    sure = [v for v in undecided if (v.confidence or 0.0) >= floor]
    result.values_accepted += _accept_undecided(conn, actor, document_id, sure, "review.confidence")
    left = len(undecided) - len(sure)
    result.values_left += left
    return left == 0
