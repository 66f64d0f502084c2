"""Plan pages: the list of plans and one plan's tree with its indicators."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from wpstrack import visibility
from wpstrack.funding import funding_overview
from wpstrack.i18n import _
from wpstrack.web import downloads
from wpstrack.web.api.plans import plan_detail, plan_list
from wpstrack.web.deps import ConnDep, OptionalUser
from wpstrack.web.downloads import FormatParam
from wpstrack.web.templating import render

router = APIRouter(prefix="/plans")


@router.get("")
def plans_page(request: Request, conn: ConnDep, format: FormatParam = "html") -> Response:
    plans = plan_list(conn)
    if format != "html":
        return downloads.whole(format, plans, "plans")
    return render(request, "plans.html", {"title": _("Action plans"), "plans": plans})


@router.get("/{code}")
def plan_page(
    request: Request, conn: ConnDep, user: OptionalUser, code: str, context: bool = False
) -> Response:
    plan = plan_detail(conn, code, public_only=visibility.is_public(user), context=context)
    # What the plan's government gives or what goes to its items, falls flagged, as on the
    # dashboard filtered by this plan (the same function).
    funding = funding_overview(conn, plan=plan.code)
    values = {"title": plan.title, "plan": plan, "context": context, "funding": funding}
    return render(request, "plan.html", values)
