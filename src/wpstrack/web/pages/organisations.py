"""Organisation pages: the list with its filters, and one organisation with its aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from wpstrack import organisations
from wpstrack.organisations import OrganisationFilter
from wpstrack.web.deps import ConnDep
from wpstrack.web.templating import render

router = APIRouter(prefix="/organisations")


@router.get("")
def organisations_page(
    request: Request,
    conn: ConnDep,
    filters: Annotated[OrganisationFilter, Query()],
    cursor: str | None = None,
) -> Response:
    page = organisations.list_organisations(conn, filters, cursor=cursor)
    types = organisations.organisation_types(conn)
    context = {"title": "Organisations", "page": page, "filters": filters, "types": types}
    return render(request, "organisations.html", context)


@router.get("/{code}")
def organisation_page(request: Request, conn: ConnDep, code: str) -> Response:
    org = organisations.get_organisation(conn, code)
    return render(request, "organisation.html", {"title": org.name, "org": org})
