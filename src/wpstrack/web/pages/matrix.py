"""``/matrix``: who does what where, with a filter form, an HTML table and a CSV download."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from wpstrack import visibility
from wpstrack.i18n import _
from wpstrack.matrix import matrix, matrix_csv
from wpstrack.web.api.indicators import MatrixQuery
from wpstrack.web.deps import ConnDep, OptionalUser
from wpstrack.web.templating import render

router = APIRouter(prefix="/matrix")
MAX_ROWS = 500  # more is unreadable on a page; the CSV download has every cell


@router.get("")
def matrix_page(
    request: Request, conn: ConnDep, user: OptionalUser, filters: MatrixQuery
) -> Response:
    data = matrix(conn, filters, public=visibility.is_public(user), max_rows=MAX_ROWS)
    return render(request, "matrix.html", {"title": _("Who does what where"), "m": data})


@router.get(".csv")
def matrix_download(conn: ConnDep, user: OptionalUser, filters: MatrixQuery) -> Response:
    data = matrix(conn, filters, public=visibility.is_public(user))
    return Response(
        matrix_csv(data),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="matrix.csv"'},
    )
