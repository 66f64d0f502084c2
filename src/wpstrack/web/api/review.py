"""``/api/v1/review``: the review queue and decisions, like the review pages.

Every logged-in user reads the queue; reviewers, editors and admins decide. A decision on a
value is a new row (``201`` with that row): the machine value is never overwritten.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Response
from pydantic import BaseModel

from wpstrack import activities, events, review
from wpstrack.activities import ActivityDetail, ProvenanceValue
from wpstrack.audit import UtcDateTime
from wpstrack.events import Candidate
from wpstrack.review import Extraction, QueueItem
from wpstrack.users import User
from wpstrack.web.api.common import (
    ERROR_RESPONSES,
    PageOut,
    PageParams,
    etag,
    list_response,
    parse_if_match,
)
from wpstrack.web.deps import ConnDep, CurrentUser, require_role

router = APIRouter(prefix="/review", tags=["review"], responses=ERROR_RESPONSES)
Reviewer = Annotated[User, require_role("reviewer", "editor")]
IfMatch = Annotated[str | None, Header()]


class ReviewDocument(BaseModel):
    """The document under review, with its clean text (spans index into it)."""

    id: int
    title: str | None
    filename: str | None
    publisher: str | None
    language: str | None
    published_on: dt.date | None
    ingested_at: UtcDateTime
    text: str | None


class ReviewItem(BaseModel):
    """A document, its draft, every extracted value with the decisions on it, and the
    activities that may report the same event."""

    document: ReviewDocument
    activity: ActivityDetail | None
    values: list[ProvenanceValue]
    candidates: list[Candidate]
    previous: int | None
    next: int | None


class Correction(BaseModel):
    """The corrected value (a string, a number or an object, in the field's shape)."""

    value: Any = None


class NewValue(BaseModel):
    """A value the extractor missed."""

    field: str
    value: Any


def _version(if_match: str | None) -> int | None:
    return None if if_match is None else parse_if_match(if_match)


@router.get("", response_model=PageOut[QueueItem])
def queue(conn: ConnDep, _user: CurrentUser, page: PageParams) -> Any:
    """Documents whose activity is still a draft, oldest first."""
    return list_response(page, lambda c, n: review.review_queue(conn, c, n), QueueItem, "review")


class MergeIn(BaseModel):
    """Activity ``source`` reports the same event as ``into``: it is joined into ``into``."""

    into: int
    source: int


class ApartIn(BaseModel):
    """Two activities that are different events."""

    activity: int
    other: int


@router.post("/merge", response_model=ActivityDetail)
def merge(conn: ConnDep, user: Reviewer, data: MergeIn, if_match: IfMatch = None) -> Any:
    """Join ``source`` into ``into`` (If-Match: ``into``'s version); the kept activity."""
    events.merge(conn, user.username, data.into, data.source, expected_version=_version(if_match))
    return activities.get_activity(conn, data.into)


@router.post("/apart", status_code=204)
def apart(conn: ConnDep, user: Reviewer, data: ApartIn) -> Response:
    """Remember two activities as different events: not offered as matches again."""
    events.keep_apart(conn, user.username, data.activity, data.other)
    return Response(status_code=204)


@router.get("/{document_id}", response_model=ReviewItem)
def item(conn: ConnDep, _user: CurrentUser, document_id: int) -> ReviewItem:
    view = review.review_item(conn, document_id)
    return ReviewItem(
        document=ReviewDocument.model_validate(view["document"]),
        activity=view["activity"],
        values=view["values"],
        candidates=view["candidates"],
        previous=view["neighbours"]["previous"],
        next=view["neighbours"]["next"],
    )


@router.post("/{document_id}/accept", response_model=ActivityDetail)
def accept(
    conn: ConnDep, user: Reviewer, document_id: int, response: Response, if_match: IfMatch = None
) -> ActivityDetail:
    """Apply the decisions to the draft and set it reviewed (409 if If-Match is stale)."""
    stored = review.accept_record(
        conn, user.username, document_id, expected_version=_version(if_match)
    )
    response.headers["ETag"] = etag(int(stored["version"]))
    return activities.get_activity(conn, int(stored["id"]))


@router.post("/{document_id}/reject", status_code=204)
def reject(conn: ConnDep, user: Reviewer, document_id: int, if_match: IfMatch = None) -> Response:
    """The document reports no activity: its draft is removed, the decision kept."""
    review.reject_record(conn, user.username, document_id, expected_version=_version(if_match))
    return Response(status_code=204)


@router.post("/{document_id}/values", status_code=201, response_model=Extraction)
def add_value(conn: ConnDep, user: Reviewer, document_id: int, data: NewValue) -> Extraction:
    return review.add_value(conn, user.username, document_id, data.field, data.value)


@router.post("/values/{extraction_id}/{verb}", status_code=201, response_model=Extraction)
def decide(
    conn: ConnDep,
    user: Reviewer,
    extraction_id: int,
    verb: Literal["accept", "correct", "reject"],
    data: Correction | None = None,
) -> Extraction:
    """Accept, correct (body ``{"value": ...}``) or reject one machine value."""
    value = data.value if data is not None else None
    return review.decide(conn, user.username, extraction_id, verb, value)
