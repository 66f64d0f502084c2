"""``/api/v1/funding``: the contribution register, its totals and falling-funding trends,
and imports of contribution files with a dry run. Readable by logged-in users (the register
holds amounts a ministry may not have published yet); importing needs an editor."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request

from wpstrack import funding
from wpstrack.funding import Contribution, ContributionFilter
from wpstrack.pagination import Page
from wpstrack.web.api.common import ERROR_RESPONSES, PageOut, PageParams, list_response
from wpstrack.web.deps import ConnDep, CurrentUser, require_role
from wpstrack.web.uploads import uploaded_table

router = APIRouter(prefix="/funding", tags=["funding"], responses=ERROR_RESPONSES)

Filters = Annotated[ContributionFilter, Query()]


@router.get("/contributions", response_model=PageOut[Contribution])
def list_contributions(
    conn: ConnDep, _user: CurrentUser, filters: Filters, page: PageParams
) -> Any:
    """The register by date, filtered; amounts are exact decimals with their currency."""

    def fetch(cursor: str | None, limit: int) -> Page[Contribution]:
        return funding.list_contributions(conn, filters, cursor, limit)

    return list_response(page, fetch, Contribution, "contributions")


@router.get("/contributions/{contribution_id}", response_model=Contribution)
def get_contribution(conn: ConnDep, _user: CurrentUser, contribution_id: int) -> Any:
    """One contribution."""
    return funding.get_contribution(conn, contribution_id)


@router.get("/summary")
def get_summary(
    conn: ConnDep,
    _user: CurrentUser,
    filters: Filters,
    by: Literal["recipient", "donor", "pillar", "year", "marker"] = "recipient",
    currency: Annotated[str, Query(min_length=3, max_length=3)] = funding.DEFAULT_CURRENCY,
    partial: bool = True,
) -> Any:
    """Totals in one reporting currency (with the user's exchange rates), grouped by one
    dimension; commitments and disbursements are never added together. Amounts without a
    rate are left out and listed in ``missing_rates``; ``partial=false`` refuses instead."""
    return funding.summarise(conn, by=by, currency=currency, filters=filters, partial=partial)


@router.get("/trends")
def get_trends(
    conn: ConnDep,
    _user: CurrentUser,
    currency: Annotated[str, Query(min_length=3, max_length=3)] = funding.DEFAULT_CURRENCY,
    transaction_type: Literal["commitment", "disbursement"] = "commitment",
    threshold: Annotated[Decimal, Query(ge=0, lt=1)] = funding.DEFAULT_THRESHOLD,
    partial: bool = True,
) -> Any:
    """Year-on-year change per recipient and pillar, with falling funding flagged; amounts
    without a rate are left out and listed (``partial=false`` refuses instead)."""
    return funding.funding_trends(
        conn,
        currency=currency,
        transaction_type=transaction_type,
        threshold=threshold,
        partial=partial,
    )


@router.post("/contributions/import", dependencies=[require_role("editor")])
async def import_contributions(
    request: Request, conn: ConnDep, user: CurrentUser, allow_unresolved: bool = False
) -> dict[str, Any]:
    """Import a CSV/XLSX of contributions (multipart field ``file``; form field
    ``dry_run=true`` checks only). A real run with any bad row stores nothing (422)."""
    data, name, dry_run = await uploaded_table(request)
    report = funding.import_contributions(
        conn,
        data,
        name,
        dry_run=dry_run,
        allow_unresolved=allow_unresolved,
        actor=user.username,
    )
    return report.as_json()
