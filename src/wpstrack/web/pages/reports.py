"""The report button: a form choosing plan, period and format, and the download it sends.

The report lists reviewed activities that are not yet published, so it is for logged-in
users only. Downloading is a GET without side effects: a link can be bookmarked or shared
with a colleague who has an account.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from starlette.responses import Response

from wpstrack import funding, reports
from wpstrack.i18n import _
from wpstrack.plans.store import plan_summaries
from wpstrack.web.deps import ConnDep, CurrentUser
from wpstrack.web.templating import render

router = APIRouter(prefix="/reports")


@router.get("")
def reports_page(
    request: Request, conn: ConnDep, user: CurrentUser, plan: str | None = None
) -> Response:
    context = {
        "title": _("Annual implementation report"),
        "plans": plan_summaries(conn),
        "chosen": plan,
        "period": str(date.today().year - 1),  # the last full year: the usual report
        "formats": reports.FORMATS,
        "currency": funding.DEFAULT_CURRENCY,
    }
    return render(request, "reports.html", context)


@router.get("/download")
def report_download(
    conn: ConnDep,
    user: CurrentUser,
    plan: str,
    period: str,
    format: str = "pdf",
    currency: str = funding.DEFAULT_CURRENCY,
    edition: str = "en",
) -> Response:
    fmt = reports.check_format(format)
    report = reports.build_report(conn, plan, period, currency=currency, language=edition)
    name = reports.file_name(report, fmt)
    return Response(
        reports.render(report, fmt),
        media_type=reports.MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
