"""Indicator pages: a plan's indicators with progress, one indicator's time series as SVG,
its history, and the entry form where a period's values are entered and approved."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from wpstrack import charts, indicators, plans
from wpstrack.errors import InvalidInput
from wpstrack.i18n import _
from wpstrack.plans import periods
from wpstrack.web import downloads
from wpstrack.web.deps import ConnDep, CurrentUser, require_role
from wpstrack.web.downloads import FormatParam
from wpstrack.web.templating import render
from wpstrack.web.uploads import uploaded_table

router = APIRouter(prefix="/indicators")


def series_chart(data: dict[str, Any]) -> Any:
    """The indicator's values over time as a line chart (targets are in the table beside)."""
    return charts.line_chart(
        f"{data['code']}: {data['name']}",
        [(p["period"], p["value"]) for p in data["series"]],
        value_label=data["unit"],
        time_label=_("Period"),
        unit=data["unit"],
    )


@router.get("/{plan}")
def indicators_page(
    request: Request, conn: ConnDep, plan: str, format: FormatParam = "html"
) -> Response:
    items = indicators.overview(conn, plan)
    if format != "html":
        return downloads.whole(format, items, "indicators")
    context = {
        "title": _("Indicators of %(plan)s", plan=plan),
        "plan": plan,
        "items": items,
        "fictional": plan in plans.fictional_codes(conn),
    }
    return render(request, "indicators.html", context)


def _entry_context(conn: ConnDep, plan: str, period: str | None) -> dict[str, Any]:
    """The entry form's data: the plan's periods to choose from and, once one is chosen,
    each indicator with the values stored for it."""
    stored = plans.read_plan(conn, plan)
    choices = periods.plan_periods(
        stored.period_type,
        stored.period_start,
        stored.period_end,
        stored.fiscal_year_start or 1,
    )
    form = indicators.entry_form(conn, plan, period) if period else None
    return {
        "title": _("Enter indicator values of %(plan)s", plan=plan),
        "plan": plan,
        "period_type": stored.period_type,
        "example": periods.example(stored.period_type),
        "choices": [c.label for c in choices],
        "form": form,
        "problems": [],
        "submitted": {},
        "report": None,
    }


@router.get("/{plan}/entry", dependencies=[require_role("editor")])
def entry_page(request: Request, conn: ConnDep, plan: str, period: str | None = None) -> Response:
    """Pick a period, then enter or correct its values and approve them."""
    try:
        context = _entry_context(conn, plan, period or None)
    except InvalidInput as exc:
        context = _entry_context(conn, plan, None)
        context["problems"] = [exc.message]
        return render(request, "indicator_entry.html", context, status_code=422)
    return render(request, "indicator_entry.html", context)


def _entries(form: Any) -> tuple[list[indicators.EntryIn], dict[str, str]]:
    """The filled-in cells of the entry form (``value:CODE:SEX``); blank cells are left
    alone, so a form can be saved part by part."""
    entries, submitted = [], {}
    for name, raw in form.multi_items():
        if not isinstance(raw, str) or not name.startswith("value:"):
            continue
        submitted[name] = raw
        _, code, sex = [*name.split(":", 2), "total"][:3]
        if not raw.strip():
            continue
        try:
            number = float(raw.replace(",", "").strip())
        except ValueError:
            number = float("nan")  # named as "not a finite number" with the others
        source = str(form.get(f"source:{code}") or "").strip() or None
        note = str(form.get(f"note:{code}") or "").strip() or None
        entries.append(indicators.EntryIn(code, number, sex, source, note))
    return entries, submitted


@router.post("/{plan}/entry", dependencies=[require_role("editor")])
async def entry_submit(request: Request, conn: ConnDep, user: CurrentUser, plan: str) -> Response:
    """Store the period's values all at once, or show every problem and store nothing."""
    form = await request.form()
    period = str(form.get("period") or "")
    entries, submitted = _entries(form)
    try:
        if form.get("action") == "approve":
            indicators.approve_period(conn, plan, period, actor=user.username)
        else:
            indicators.record_period(conn, plan, period, entries, actor=user.username)
    except indicators.EntryRejected as exc:
        context = _entry_context(conn, plan, period)
        context.update(problems=exc.problems, submitted=submitted)
        return render(request, "indicator_entry.html", context, status_code=422)
    except InvalidInput as exc:
        context = _entry_context(conn, plan, None)
        context["problems"] = [exc.message]
        return render(request, "indicator_entry.html", context, status_code=422)
    label = indicators.plan_period(conn, plan, period).label
    return RedirectResponse(f"/indicators/{plan}/entry?period={label}", status_code=303)


@router.post("/{plan}/import", dependencies=[require_role("editor")])
async def import_submit(request: Request, conn: ConnDep, user: CurrentUser, plan: str) -> Response:
    """Check (dry run) or import a values file; the page shows the outcome row by row."""
    context = _entry_context(conn, plan, None)
    try:
        data, name, dry_run = await uploaded_table(request)
        report = indicators.import_values(
            conn, plan, data, name, dry_run=dry_run, actor=user.username
        )
    except InvalidInput as exc:
        context["problems"] = exc.problems or [exc.message]
        return render(request, "indicator_entry.html", context, status_code=422)
    context["report"] = report
    return render(request, "indicator_entry.html", context)


@router.get("/{plan}/{code}")
def indicator_page(request: Request, conn: ConnDep, plan: str, code: str) -> Response:
    data = indicators.series(conn, plan, code)
    context = {
        "title": f"{code}: {data['name']}",
        "ind": data,
        "chart": series_chart(data),
        "history": indicators.history(conn, plan, code),
    }
    return render(request, "indicator.html", context)


@router.post("/{plan}/refresh", dependencies=[require_role("editor", "reviewer")])
def refresh_page(conn: ConnDep, user: CurrentUser, plan: str) -> Response:
    indicators.refresh(conn, plan, user.username)
    return RedirectResponse(f"/indicators/{plan}", status_code=303)
