"""``/api/v1/indicators``, ``/api/v1/matrix`` and ``/api/v1/exports``: monitoring figures.

Indicators and the matrix are readable by anyone, like the plans they belong to; an
anonymous reader's matrix counts published entries only (as search does). Refreshing computed
indicators needs an editor or a reviewer; exports of whole tables need a logged-in user.
The dicts returned here are the ones the pages render.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, BeforeValidator, Field

from wpstrack import exports, indicators, plans, sdmx, visibility
from wpstrack.matrix import MatrixFilter, download, matrix
from wpstrack.web.api.common import ERROR_RESPONSES
from wpstrack.web.deps import ConnDep, CurrentUser, OptionalUser, require_role
from wpstrack.web.uploads import uploaded_table

router = APIRouter(prefix="/indicators", tags=["indicators"], responses=ERROR_RESPONSES)
matrix_router = APIRouter(prefix="/matrix", tags=["matrix"], responses=ERROR_RESPONSES)
exports_router = APIRouter(prefix="/exports", tags=["exports"], responses=ERROR_RESPONSES)
sdmx_router = APIRouter(prefix="/sdmx", tags=["exports"], responses=ERROR_RESPONSES)


# The matrix filter is also a GET form, which sends its unused fields empty: an empty year is
# "any year". The bounds sit on the inner type so that they apply to a year, not to None.
Year = Annotated[int, Field(ge=1900, le=2200)]
BlankIsNone = BeforeValidator(lambda value: None if value == "" else value)


def matrix_filter(
    plan: Annotated[str | None, BlankIsNone, Query(description="plan code")] = None,
    organisation: Annotated[list[str] | None, Query(description="organisation codes")] = None,
    organisation_type: Annotated[
        list[str] | None, Query(description="organisation types (government, ministry, ...)")
    ] = None,
    pillar: Annotated[list[str] | None, Query(description="pillar codes")] = None,
    topic: Annotated[list[str] | None, Query(description="topics")] = None,
    country: Annotated[
        list[str] | None, Query(description="ISO 3166 codes of where the work happens")
    ] = None,
    type: Annotated[list[str] | None, Query(description="activity types")] = None,
    date_from: Annotated[date | None, BlankIsNone, Query()] = None,
    date_to: Annotated[date | None, BlankIsNone, Query()] = None,
    year_from: Annotated[Year | None, BlankIsNone, Query()] = None,
    year_to: Annotated[Year | None, BlankIsNone, Query()] = None,
    funding: bool = False,
    currency: Annotated[str, Query(min_length=3, max_length=3)] = "USD",
) -> MatrixFilter:
    """The matrix filters from the query string (repeat a parameter or separate by commas)."""
    return MatrixFilter(
        plan=plan,
        organisation=organisation or [],
        organisation_type=organisation_type or [],
        pillar=pillar or [],
        topic=topic or [],
        country=country or [],
        type=type or [],
        date_from=date_from,
        date_to=date_to,
        year_from=year_from,
        year_to=year_to,
        funding=funding,
        currency=currency,
    )


MatrixQuery = Annotated[MatrixFilter, Depends(matrix_filter)]


@router.get("")
def all_indicators(conn: ConnDep) -> dict[str, Any]:
    """Every plan's indicators with latest value and progress, plan by plan."""
    codes = [p["code"] for p in plans.plan_summaries(conn)]
    return {"plans": [{"plan": c, "items": indicators.overview(conn, c)} for c in codes]}


@router.get("/{plan}")
def list_indicators(conn: ConnDep, plan: str) -> dict[str, Any]:
    """Every indicator of the plan: latest value, progress and when it was last refreshed."""
    return {"plan": plan, "items": indicators.overview(conn, plan)}


class ValueEntry(BaseModel):
    """One value of a period's entry."""

    indicator: str = Field(min_length=1, max_length=40)
    value: float
    sex: Literal["total", "f", "m"] = "total"
    source: str | None = Field(default=None, max_length=2000)
    note: str | None = Field(default=None, max_length=2000)


class PeriodEntry(BaseModel):
    """A period's values, stored all together or not at all."""

    values: list[ValueEntry] = Field(max_length=2000)


@router.get("/{plan}/periods")
def list_periods(conn: ConnDep, plan: str) -> dict[str, Any]:
    """The plan's periods with how many values are entered and approved in each."""
    return {"plan": plan, "items": indicators.plan_periods(conn, plan)}


@router.get("/{plan}/periods/{period}", dependencies=[require_role("editor")])
def get_period_entry(conn: ConnDep, plan: str, period: str) -> dict[str, Any]:
    """The period's entry form: each indicator, the parts it takes, stored values and status."""
    return indicators.entry_form(conn, plan, period)


@router.put("/{plan}/periods/{period}", dependencies=[require_role("editor")])
def put_period_entry(
    conn: ConnDep, user: CurrentUser, plan: str, period: str, body: PeriodEntry
) -> dict[str, Any]:
    """Enter or correct a period's values under the plan's rules; a 422 lists every problem
    (``error.details.problems``) and stores nothing."""
    entries = [
        indicators.EntryIn(v.indicator, v.value, v.sex, v.source, v.note) for v in body.values
    ]
    outcome = indicators.record_period(conn, plan, period, entries, actor=user.username)
    return {"plan": plan, "period": indicators.plan_period(conn, plan, period).label, **outcome}


@router.post("/{plan}/periods/{period}/approve", dependencies=[require_role("editor")])
def approve_period_entry(
    conn: ConnDep, user: CurrentUser, plan: str, period: str
) -> dict[str, Any]:
    """Approve the period's entered values: the annual report counts approved values only."""
    count = indicators.approve_period(conn, plan, period, actor=user.username)
    return {
        "plan": plan,
        "period": indicators.plan_period(conn, plan, period).label,
        "approved": count,
    }


@router.post("/{plan}/import", dependencies=[require_role("editor")])
async def import_values_file(
    request: Request, conn: ConnDep, user: CurrentUser, plan: str
) -> dict[str, Any]:
    """Import a CSV/XLSX of values (multipart field ``file``; ``dry_run=true`` checks only).
    The report lists every row's outcome; a real run with any bad row stores nothing (422
    with every rejected row in ``error.details.problems``)."""
    data, name, dry_run = await uploaded_table(request)
    report = indicators.import_values(conn, plan, data, name, dry_run=dry_run, actor=user.username)
    return report.as_json()


@router.get("/{plan}/{code}/history")
def get_indicator_history(conn: ConnDep, plan: str, code: str) -> list[dict[str, Any]]:
    """Every version of the indicator's values: current ones and the corrections they replaced."""
    return indicators.history(conn, plan, code)


# After the /{plan}/periods routes, which this one would otherwise take for an indicator.
@router.get("/{plan}/{code}")
def get_indicator(conn: ConnDep, plan: str, code: str) -> dict[str, Any]:
    """One indicator with its time series, targets and progress per period."""
    return indicators.series(conn, plan, code)


@router.post("/{plan}/refresh", dependencies=[require_role("editor", "reviewer")])
def refresh_indicators(conn: ConnDep, user: CurrentUser, plan: str) -> dict[str, Any]:
    """Recompute the plan's computed indicators from the register now."""
    return {"plan": plan, "refreshed": indicators.refresh(conn, plan, user.username)}


def matrix_download(data: dict[str, Any], fmt: str, table: str) -> Response:
    """A matrix table as a download (shared by the page and the API)."""
    name = f"matrix-{table}.{exports.EXTENSIONS[fmt]}" if table != "cells" else f"matrix.{fmt}"
    return Response(
        download(data, fmt, table),
        media_type=exports.MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@matrix_router.get("")
def get_matrix(
    conn: ConnDep,
    user: OptionalUser,
    filters: MatrixQuery,
    format: Literal["json", "csv", "xlsx"] = "json",
    table: Literal["cells", "countries"] = "cells",
) -> Any:
    """Who does what where; ``format=csv`` or ``xlsx`` downloads one line per cell, or with
    ``table=countries`` the entries per country that the map draws."""
    data = matrix(conn, filters, public=visibility.is_public(user))
    if format == "json":
        return data
    return matrix_download(data, format, table)


@exports_router.get("/{table}")
def download_export(
    conn: ConnDep,
    _user: CurrentUser,
    # The values are listed in the API description; exports.export refuses others with a
    # coded error (an enum type here would answer FastAPI's uncoded 422 instead).
    table: Annotated[str, Path(json_schema_extra={"enum": list(exports.TABLES)})],
    format: Annotated[str, Query(json_schema_extra={"enum": list(exports.FORMATS)})] = "csv",
    plan: str | None = None,
    include_drafts: Annotated[
        bool, Query(description="Every activity, not only the published ones.")
    ] = False,
) -> Response:
    """The whole table as a download in the format asked for (published activities unless
    ``include_drafts`` asks for every entry)."""
    options = exports.Options(plan=plan, public=not include_drafts)
    data = exports.export(conn, table, format, options)
    name = exports.filename(table, format)
    return Response(
        data,
        media_type=exports.MEDIA_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@sdmx_router.get("/structure", response_class=Response)
def sdmx_structure(conn: ConnDep) -> Response:
    """The SDMX-ML 2.1 structure message of the indicator open data (the dataflow named in
    the SDMX-CSV's ``STRUCTURE_ID``, its data structure definition, concepts and code
    lists), public like the plans it describes."""
    data = sdmx.structure_message(conn)
    return Response(
        data,
        media_type=sdmx.MEDIA_TYPE,
        headers={"Content-Disposition": 'inline; filename="wpstrack-sdmx-structure.xml"'},
    )
