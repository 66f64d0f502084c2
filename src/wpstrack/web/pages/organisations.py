"""Organisation pages: the list with its filters, and one organisation with its aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from wpstrack import organisations
from wpstrack.i18n import _
from wpstrack.organisations import Organisation, OrganisationFilter
from wpstrack.pagination import Page
from wpstrack.web import downloads
from wpstrack.web.deps import ConnDep
from wpstrack.web.downloads import FormatParam
from wpstrack.web.templating import render

router = APIRouter(prefix="/organisations")


@router.get("")
def organisations_page(
    request: Request,
    conn: ConnDep,
    filters: Annotated[OrganisationFilter, Query()],
    cursor: str | None = None,
    format: FormatParam = "html",
) -> Response:
    def fetch(cursor: str | None, limit: int | None = None) -> Page[Organisation]:
        return organisations.list_organisations(conn, filters, cursor, limit)

    if format != "html":
        return downloads.paged(format, cursor, fetch, Organisation, "organisations")
    page = fetch(cursor)
    types = organisations.organisation_types(conn)
    context = {"title": _("Organisations"), "page": page, "filters": filters, "types": types}
    return render(request, "organisations.html", context)


@router.get("/{code}")
def organisation_page(request: Request, conn: ConnDep, code: str) -> Response:
    org = organisations.get_organisation(conn, code)
    return render(request, "organisation.html", {"title": org.name, "org": org})
