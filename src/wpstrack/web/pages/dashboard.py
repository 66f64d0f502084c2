"""The dashboard, which is also the home page, and the search page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from wpstrack import charts, dashboard, matrix, plans, visibility
from wpstrack.fields import code_label
from wpstrack.i18n import _, format_month
from wpstrack.web import downloads
from wpstrack.web.api.search import search_results
from wpstrack.web.deps import ConnDep, OptionalUser
from wpstrack.web.downloads import FormatParam
from wpstrack.web.templating import local_name, render

router = APIRouter()


def dashboard_charts(figures: dict) -> dict:
    """The dashboard's figures drawn as SVG charts, labelled in the page's language, and the
    map of where work happens."""
    activities = _("Activities")
    return {
        "map": matrix.country_map(
            figures["by_country"], _("Activities by country where the work happens")
        ),
        "by_month": charts.line_chart(
            _("Activities by month"),
            [(format_month(m["month"]), m["count"]) for m in figures["by_month"]],
            value_label=activities,
            time_label=_("Month of the activity"),
            unit=_("activities"),
        ),
        "by_type": charts.bar_chart(
            _("Activities by type"),
            [(code_label("event_type", t["type"]), t["count"]) for t in figures["by_type"]],
            value_label=activities,
            category_label=_("Type"),
            unit=_("activities"),
        ),
        "by_pillar": charts.bar_chart(
            _("Activities by pillar"),
            [(local_name(p), p["count"]) for p in figures["by_pillar"]],
            value_label=activities,
            category_label=_("Pillar"),
            unit=_("activities"),
        ),
    }


@router.get("/")
@router.get("/dashboard")
def dashboard_page(
    request: Request, conn: ConnDep, user: OptionalUser, plan: str | None = None
) -> Response:
    public = visibility.is_public(user)
    figures = dashboard.dashboard(conn, public=public, plan=plan or None)
    context = {
        "title": _("Dashboard"),
        "figures": figures,
        "charts": dashboard_charts(figures),
        "plans": [p["code"] for p in plans.plan_summaries(conn)],
    }
    return render(request, "dashboard.html", context)


@router.get("/search")
def search_page(
    request: Request,
    conn: ConnDep,
    user: OptionalUser,
    q: Annotated[str, Query(max_length=200)] = "",
    format: FormatParam = "html",
) -> Response:
    found = search_results(conn, q, visibility.is_public(user))
    if format != "html":
        return downloads.whole(format, found["results"], "search")
    return render(request, "search.html", {"title": _("Search"), **found})
