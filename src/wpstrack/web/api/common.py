"""Conventions every API router shares: pages, cursors, versions and the error envelope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel

from wpstrack.errors import InvalidInput
from wpstrack.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page

T = TypeVar("T")


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: Any = None


class ErrorEnvelope(BaseModel):
    """Every error the API returns has this shape."""

    error: ErrorDetail


class PageOut(BaseModel, Generic[T]):
    """One page of a list; pass ``next_cursor`` back as ``cursor`` for the next page."""

    items: list[T]
    next_cursor: str | None

    @classmethod
    def of(cls, page: Page[Any]) -> PageOut[Any]:
        return cls(items=page.items, next_cursor=page.next_cursor)


@dataclass
class PageQuery:
    cursor: str | None
    limit: int


def page_query(
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> PageQuery:
    return PageQuery(cursor, limit)


PageParams = Annotated[PageQuery, Depends(page_query)]

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorEnvelope, "description": text}
    for status, text in {
        401: "Not authenticated: send Authorization: Bearer <token>",
        403: "Your role does not allow this",
        404: "No such record",
        409: "Conflict: stale version or duplicate",
        422: "Invalid input",
    }.items()
}


def etag(version: int) -> str:
    """The ETag of a record at ``version``."""
    return f'"{version}"'


def parse_if_match(value: str | None) -> int:
    """The version named by an ``If-Match`` header; edits must name the version they read."""
    if value is None or not value.strip():
        raise InvalidInput("send If-Match with the ETag (version) you read", "If-Match")
    raw = value.strip().removeprefix("W/").strip('"')
    if not raw.isdigit():
        raise InvalidInput('If-Match must be an ETag this API issued, such as "3"', "If-Match")
    return int(raw)
