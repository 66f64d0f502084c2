"""The dashboard, which is also the home page, and the search page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from starlette.responses import Response

from wpstrack import charts, dashboard, matrix, plans, reference, visibility
from wpstrack.fields import code_label
from wpstrack.i18n import _, format_month
from wpstrack.web import downloads
from wpstrack.web.api.common import csv_rows
from wpstrack.web.api.search import search_results
from wpstrack.web.deps import ConnDep, OptionalUser
from wpstrack.web.downloads import FormatParam
from wpstrack.web.templating import local_name, render

router = APIRouter()


def dashboard_charts(figures: dict) -> dict:
    """The dashboard's figures drawn as SVG charts, labelled in the page's language, and the
    map of where work happens."""
    activities = _("Activities")
    currency = figures["funding"]["currency"]
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
        "indicators": charts.bar_chart(
            _("Progress of the indicators from baseline to target"),
            [
                (f"{i['plan']} {i['code']}", i["progress"])
                for i in figures["indicators"]
                if i["progress"] is not None
            ],
            value_label=_("Progress (%)"),
            category_label=_("Indicator"),
            unit="%",
        ),
        **{
            f"funding_{by}": charts.bar_chart(
                title,
                [(g["label"], float(g["commitment"])) for g in figures["funding"][by]],
                value_label=_("Commitments (%(currency)s)", currency=currency),
                category_label=label,
                unit=currency,
            )
            for by, title, label in (
                ("by_partner", _("Commitments by partner"), _("Partner")),
                ("by_pillar", _("Commitments by pillar"), _("Pillar")),
            )
        },
    }


def table_headings() -> dict[str, str]:
    """The heading of each column of the figures' tables, in the page's language (the CSV
    keeps the column names of ``dashboard.TABLES``)."""
    return {
        "month": _("Month"),
        "count": _("Activities"),
        "activities": _("Activities"),
        "type": _("Type"),
        "code": _("Code"),
        "name": _("Name"),
        "country": _("Country"),
        "plan": _("Plan"),
        "pillar": _("Pillar"),
        "unit": _("Unit"),
        "baseline": _("Baseline"),
        "period": _("Period"),
        "value": _("Value"),
        "target": _("Target"),
        "progress": _("Progress (%)"),
        "key": _("Code"),
        "label": _("Name"),
        "commitment": _("Commitments"),
        "disbursement": _("Disbursements"),
        "currency": _("Currency"),
        "contributions": _("Contributions"),
        "dimension": _("Of"),
        "year": _("Year"),
        "amount": _("Commitments"),
        "previous": _("Year before"),
        "change_pct": _("Change (%)"),
    }


FigureParam = Annotated[
    str | None, Query(description="with format=csv or json: the rows of one figure's table")
]


@router.get("/")
@router.get("/dashboard")
def dashboard_page(
    request: Request,
    conn: ConnDep,
    user: OptionalUser,
    plan: str | None = None,
    period: Annotated[str | None, Query(max_length=20)] = None,
    pillar: Annotated[str | None, Query(max_length=40)] = None,
    format: FormatParam = "html",
    figure: FigureParam = None,
) -> Response:
    public = visibility.is_public(user)
    figures = dashboard.dashboard(conn, public=public, plan=plan, period=period, pillar=pillar)
    if format != "html":
        if figure is None:
            return JSONResponse(jsonable_encoder(figures))
        rows = dashboard.table_rows(figures, figure)
        if format == "csv":  # the header too when there is no row
            columns = [column for column, _ in dashboard.TABLES[figure]]
            return csv_rows(rows, f"dashboard-{figure}", columns)
        return downloads.whole(format, rows, f"dashboard-{figure}")
    context = {
        "title": _("Dashboard"),
        "figures": figures,
        "charts": dashboard_charts(figures),
        "tables": {name: dashboard.table_rows(figures, name) for name in dashboard.TABLES},
        "headings": table_headings(),
        "plans": [p["code"] for p in plans.plan_summaries(conn)],
        "pillars": reference.pillars(),
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
