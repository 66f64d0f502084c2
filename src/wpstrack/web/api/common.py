"""Conventions every API router shares: pages, cursors, CSV, versions and the error envelope."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, Literal, TypeVar

from fastapi import Depends, Query, Response
from pydantic import BaseModel

from wpstrack.errors import InvalidInput
from wpstrack.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page

T = TypeVar("T")


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: Any = None
    request_id: str | None = None  # also in the X-Request-ID header and the server log


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
    format: Literal["json", "csv"]


async def page_query(
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    format: Annotated[
        Literal["json", "csv"], Query(description="csv: the whole list as one CSV download")
    ] = "json",
) -> PageQuery:
    return PageQuery(cursor, limit, format)


PageParams = Annotated[PageQuery, Depends(page_query)]

Fetch = Callable[[str | None, int], Page[Any]]
# A cell starting with one of these is a formula to a spreadsheet: documents are hostile.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_response(items: Sequence[BaseModel], model: type[BaseModel], name: str) -> Response:
    """``items`` as a CSV download, one column per field of ``model``."""
    rows = [item.model_dump(mode="json") for item in items]
    return csv_rows(rows, name, list(model.model_fields))


def csv_rows(
    rows: Sequence[dict[str, Any]], name: str, columns: list[str] | None = None
) -> Response:
    """Plain ``rows`` as a CSV download; the columns are the first row's keys if not given."""
    buffer = io.StringIO()
    fieldnames = columns if columns is not None else list(rows[0]) if rows else []
    writer = csv.DictWriter(buffer, fieldnames=fieldnames)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})
    disposition = f'attachment; filename="{name}.csv"'
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": disposition},
    )


def list_response(params: PageQuery, fetch: Fetch, model: type[BaseModel], name: str) -> Any:
    """One page as JSON, or with ``format=csv`` every page as one CSV file."""
    if params.format == "json":
        return PageOut.of(fetch(params.cursor, params.limit))
    items: list[BaseModel] = []
    cursor: str | None = None
    while True:
        page = fetch(cursor, MAX_LIMIT)
        items.extend(page.items)
        if not (cursor := page.next_cursor):
            return csv_response(items, model, name)


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
