"""Indicator pages: a plan's indicators with progress, one indicator's time series as SVG."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from wpstrack import charts, indicators
from wpstrack.web import downloads
from wpstrack.web.deps import ConnDep, CurrentUser, require_role
from wpstrack.web.downloads import FormatParam
from wpstrack.web.templating import render

router = APIRouter(prefix="/indicators")


def series_chart(data: dict[str, Any]) -> Any:
    """The indicator's values over time as a line chart (targets are in the table beside)."""
    return charts.line_chart(
        f"{data['code']}: {data['name']}",
        [(p["period"], p["value"]) for p in data["series"]],
        value_label=data["unit"],
        time_label="Period",
        unit=data["unit"],
    )


@router.get("/{plan}")
def indicators_page(
    request: Request, conn: ConnDep, plan: str, format: FormatParam = "html"
) -> Response:
    items = indicators.overview(conn, plan)
    if format != "html":
        return downloads.whole(format, items, "indicators")
    context = {"title": f"Indicators of {plan}", "plan": plan, "items": items}
    return render(request, "indicators.html", context)


@router.get("/{plan}/{code}")
def indicator_page(request: Request, conn: ConnDep, plan: str, code: str) -> Response:
    data = indicators.series(conn, plan, code)
    context = {"title": f"{code}: {data['name']}", "ind": data, "chart": series_chart(data)}
    return render(request, "indicator.html", context)


@router.post("/{plan}/refresh", dependencies=[require_role("editor", "reviewer")])
def refresh_page(conn: ConnDep, user: CurrentUser, plan: str) -> Response:
    indicators.refresh(conn, plan, user.username)
    return RedirectResponse(f"/indicators/{plan}", status_code=303)
