"""Every list page as CSV and JSON: the rows that page shows to that visitor.

A list page takes ``?format=csv`` or ``?format=json`` and answers with its own rows instead
of HTML: the route calls the same domain function with the same filters and the same
visibility, so a download cannot show more (or other) rows than the page. CSV is the whole
list, every page of it; JSON is the page asked for (``cursor``) with its ``next_cursor``,
as ``/api/v1`` lists are. Lists without pages give every row in both formats.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any, Literal

from fastapi import Query
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.responses import Response

from wpstrack.pagination import DEFAULT_LIMIT, Page
from wpstrack.web.api.common import PageQuery, csv_rows, list_response

Format = Literal["html", "csv", "json"]
FormatParam = Annotated[
    Format, Query(description="csv: the whole list; json: this page of it; html: the page")
]


def paged(
    fmt: Format,
    cursor: str | None,
    fetch: Callable[[str | None, int], Page[Any]],
    model: type[BaseModel],
    name: str,
) -> Response:
    """A paged list page's rows (``fetch`` is the page's own query)."""
    if fmt == "html":
        raise ValueError("paged() serves downloads only")  # a caller bug, not bad input
    found = list_response(PageQuery(cursor, DEFAULT_LIMIT, fmt), fetch, model, name)
    if isinstance(found, Response):
        return found
    return JSONResponse(jsonable_encoder(found))


def whole(fmt: Format, rows: Sequence[BaseModel | dict[str, Any]], name: str) -> Response:
    """A list page without pages: every row, as CSV or as a JSON list under ``items``."""
    plain = [r.model_dump(mode="json") if isinstance(r, BaseModel) else r for r in rows]
    if fmt == "json":
        return JSONResponse(jsonable_encoder({"items": plain}))
    return csv_rows(plain, name)
