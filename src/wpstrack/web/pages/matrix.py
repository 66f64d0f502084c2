"""``/matrix``: who does what where, with a filter form, a map, tables and downloads."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from starlette.responses import Response

from wpstrack import organisations, plans, visibility
from wpstrack.i18n import _
from wpstrack.matrix import country_map, matrix
from wpstrack.web.api.indicators import MatrixQuery, matrix_download
from wpstrack.web.deps import ConnDep, OptionalUser
from wpstrack.web.templating import render

router = APIRouter(prefix="/matrix")
MAX_ROWS = 500  # more is unreadable on a page; the downloads have every cell


@router.get("")
def matrix_page(
    request: Request, conn: ConnDep, user: OptionalUser, filters: MatrixQuery
) -> Response:
    data = matrix(conn, filters, public=visibility.is_public(user), max_rows=MAX_ROWS)
    context = {
        "title": _("Who does what where"),
        "m": data,
        "map": country_map(data["by_country"], _("Activities by country where the work happens")),
        "plans": [p["code"] for p in plans.plan_summaries(conn)],
        "organisation_types": ["government", *organisations.organisation_types(conn)],
    }
    return render(request, "matrix.html", context)


@router.get(".{fmt}")
def matrix_file(
    conn: ConnDep,
    user: OptionalUser,
    filters: MatrixQuery,
    fmt: Literal["csv", "xlsx"],
    table: Literal["cells", "countries"] = "cells",
) -> Response:
    data = matrix(conn, filters, public=visibility.is_public(user))
    return matrix_download(data, fmt, table)
