"""Funding pages: the contribution register with its filters, totals and falling-funding
flags; one contribution; and the import of a contribution file with a dry run."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from wpstrack import funding, reference
from wpstrack.errors import InvalidInput, MissingRate
from wpstrack.funding import Contribution, ContributionFilter
from wpstrack.i18n import _
from wpstrack.pagination import Page
from wpstrack.web import downloads
from wpstrack.web.deps import ConnDep, CurrentUser, require_role
from wpstrack.web.downloads import FormatParam
from wpstrack.web.templating import render
from wpstrack.web.uploads import uploaded_table

router = APIRouter(prefix="/funding")


def _figures(conn: ConnDep, filters: ContributionFilter) -> dict[str, Any]:
    """Totals by pillar and the falling-funding flags, in the default reporting currency;
    amounts in currencies without a rate are left out and named (never guessed)."""
    try:
        summary = funding.summarise(conn, "pillar", filters=filters, partial=True)
        trends = funding.funding_trends(conn, filters=filters, partial=True)
    except (InvalidInput, MissingRate) as exc:
        return {"summary": None, "falling": [], "problem": exc.message}
    falling = [
        (trend, point)
        for trend in (*trends.recipients, *trends.pillars)
        for point in trend.points
        if point.falling
    ]
    return {"summary": summary, "falling": falling, "problem": None}


@router.get("")
def funding_page(
    request: Request,
    conn: ConnDep,
    _user: CurrentUser,
    filters: Annotated[ContributionFilter, Query()],
    cursor: str | None = None,
    format: FormatParam = "html",
) -> Response:
    def fetch(cursor: str | None, limit: int | None = None) -> Page[Contribution]:
        return funding.list_contributions(conn, filters, cursor, limit)

    if format != "html":
        return downloads.paged(format, cursor, fetch, Contribution, "contributions")
    context = {
        "title": _("Funding"),
        "page": fetch(cursor),
        "filters": filters,
        "markers": funding.GENDER_MARKERS,
        **_figures(conn, filters),
    }
    return render(request, "funding.html", context)


@router.post("/import", dependencies=[require_role("editor")])
async def import_page(request: Request, conn: ConnDep, user: CurrentUser) -> Response:
    """Check (dry run) or import a contribution file; the page lists every row's outcome."""
    context: dict[str, Any] = {"title": _("Import contributions"), "report": None, "problem": None}
    try:
        data, name, dry_run = await uploaded_table(request)
        context["report"] = funding.import_contributions(
            conn, data, name, dry_run=dry_run, actor=user.username
        )
    except InvalidInput as exc:
        context["problem"] = exc.message
        return render(request, "funding_import.html", context, status_code=422)
    return render(request, "funding_import.html", context)


@router.get("/import", dependencies=[require_role("editor")])
def import_form(request: Request) -> Response:
    context = {"title": _("Import contributions"), "report": None, "problem": None}
    return render(request, "funding_import.html", context)


@router.get("/{contribution_id}")
def contribution_page(
    request: Request, conn: ConnDep, _user: CurrentUser, contribution_id: int
) -> Response:
    item = funding.get_contribution(conn, contribution_id)
    title = f"{item.donor_name} → {item.recipient_name}"
    context = {"title": title, "c": item, "purposes": reference.dac_purposes()}
    return render(request, "contribution.html", context)
