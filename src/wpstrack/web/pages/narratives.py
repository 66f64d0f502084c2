"""The narrative editor: per plan and period, each section of the report with its text.

Editors (and admins) write the executive summary and a text per pillar here; each save is
a new version, the earlier ones listed under the form. One form per section, so saving one
section never adds an unchanged version of the others.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import Connection, select
from starlette.responses import Response

from wpstrack import narratives, schema
from wpstrack.errors import InvalidInput
from wpstrack.i18n import _
from wpstrack.web.deps import ConnDep, CurrentUser, require_role
from wpstrack.web.templating import render

router = APIRouter(prefix="/reports")


def _context(conn: Connection, plan: str, period: str) -> dict[str, Any]:
    page = narratives.editor_page(conn, plan, period)
    p = schema.pillar
    names = {r.code: (r.name, r.name_ja) for r in conn.execute(select(p))}
    return {
        "title": _("Narratives of the %(plan)s report for %(period)s", plan=plan, period=period),
        "plan": page["plan"],
        "period": page["period"],
        "sections": page["items"],
        "pillar_names": names,
        "problems": [],
        "submitted": {},
    }


@router.get("/narratives", dependencies=[require_role("editor")])
def narratives_choose(conn: ConnDep, plan: str, period: str) -> Response:
    """The report page's "write the narratives" form (plan and period) opens the editor."""
    narratives.editor_page(conn, plan, period)  # an unknown plan or period is refused here
    label = narratives.period_label(period)
    return RedirectResponse(f"/reports/{plan}/{label}/narratives", status_code=303)


@router.get("/{plan}/{period}/narratives", dependencies=[require_role("editor")])
def narratives_page(request: Request, conn: ConnDep, plan: str, period: str) -> Response:
    """Each section of the report with a box for its text and the versions saved so far."""
    return render(request, "narratives.html", _context(conn, plan, period))


@router.post("/{plan}/{period}/narratives", dependencies=[require_role("editor")])
async def narrative_submit(
    request: Request, conn: ConnDep, user: CurrentUser, plan: str, period: str
) -> Response:
    """Save one section's text as a new version, or show why nothing was stored."""
    form = await request.form()
    section, text = str(form.get("section") or ""), str(form.get("text") or "")
    try:
        saved = narratives.save(conn, plan, period, section, text, user.username)
    except InvalidInput as exc:
        context = _context(conn, plan, period)
        context.update(problems=[exc.message], submitted={section: text})
        return render(request, "narratives.html", context, status_code=422)
    return RedirectResponse(
        f"/reports/{plan}/{saved.period}/narratives#section-{saved.section}", status_code=303
    )
