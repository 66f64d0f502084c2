"""``/api/v1/organisations``: readable by anyone, like the organisations page."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from wpstrack import organisations
from wpstrack.organisations import Organisation, OrganisationDetail, OrganisationFilter
from wpstrack.web.api.common import ERROR_RESPONSES, PageOut, PageParams, list_response
from wpstrack.web.deps import ConnDep

router = APIRouter(prefix="/organisations", tags=["organisations"], responses=ERROR_RESPONSES)


@router.get("", response_model=PageOut[Organisation])
def list_organisations(
    conn: ConnDep, filters: Annotated[OrganisationFilter, Query()], page: PageParams
) -> Any:
    def fetch(cursor: str | None, limit: int) -> Any:
        return organisations.list_organisations(conn, filters, cursor, limit)

    return list_response(page, fetch, Organisation, "organisations")


@router.get("/{code}", response_model=OrganisationDetail)
def get_organisation(conn: ConnDep, code: str) -> OrganisationDetail:
    return organisations.get_organisation(conn, code)
