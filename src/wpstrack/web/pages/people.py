"""People pages, and an organisation's activities over time."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from wpstrack import charts, people, visibility
from wpstrack.i18n import _
from wpstrack.pagination import Page
from wpstrack.people import PersonSummary
from wpstrack.users import User, has_role
from wpstrack.web import downloads
from wpstrack.web.deps import ConnDep, OptionalUser, require_role
from wpstrack.web.downloads import FormatParam
from wpstrack.web.templating import render

router = APIRouter()
Reviewer = Annotated[User, require_role("reviewer", "editor")]


def _by_year(view: dict[str, Any], name: str) -> Any:
    return charts.bar_chart(
        _("Activities of %(name)s by year", name=name),
        [(y["year"], y["count"]) for y in view["by_year"]],
        value_label=_("Activities"),
        category_label=_("Year"),
        unit=_("activities"),
    )


@router.get("/people")
def people_page(
    request: Request,
    conn: ConnDep,
    user: OptionalUser,
    q: Annotated[str | None, Query(max_length=200)] = None,
    cursor: str | None = None,
    format: FormatParam = "html",
) -> Response:
    def fetch(cursor: str | None, limit: int | None = None) -> Page[PersonSummary]:
        return people.list_people(conn, q, cursor, limit, public_only=visibility.is_public(user))

    if format != "html":
        return downloads.paged(format, cursor, fetch, PersonSummary, "people")
    page = fetch(cursor)
    return render(request, "people.html", {"title": _("People"), "page": page, "q": q or ""})


@router.get("/people/{person_id}")
def person_page(request: Request, conn: ConnDep, user: OptionalUser, person_id: int) -> Response:
    view = people.person_view(conn, person_id, public_only=visibility.is_public(user))
    name = view["person"]["name"]
    can_merge = user is not None and has_role(user, "reviewer", "editor")
    context = {"title": name, "heading": name, "chart": _by_year(view, name), **view}
    context |= {"back": ("/people", _("People")), "can_merge": can_merge}
    return render(request, "timeline.html", context)


@router.post("/people/{person_id}/merge")
def merge_person(
    conn: ConnDep, user: Reviewer, person_id: int, other: Annotated[int, Form()]
) -> Response:
    people.merge_people(conn, user.username, person_id, other)
    return RedirectResponse(f"/people/{person_id}", status_code=303)


@router.get("/organisations/{code}/activities")
def organisation_page(request: Request, conn: ConnDep, user: OptionalUser, code: str) -> Response:
    view = people.organisation_view(conn, code, public_only=visibility.is_public(user))
    name = view["organisation"]["name"]
    back = (f"/organisations/{code}", name)
    context = {
        "title": _("%(name)s: activities", name=name),
        "heading": name,
        "chart": _by_year(view, name),
    }
    return render(request, "timeline.html", {**context, **view, "back": back})
