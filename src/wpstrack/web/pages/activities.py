"""Activity register pages: the list with its filters, and one activity with provenance.

Anonymous visitors see published activities only. Editors (and admins) edit and publish;
reviewers and above link activities to plan items and set roles. Every form carries the
version it was rendered from, so an edit based on an old page gets 409 and changes nothing.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel
from starlette.responses import Response

from wpstrack import activities, actors, facets, visibility
from wpstrack.activities import ActivityFilter, ActivitySummary, ActivityUpdate
from wpstrack.i18n import _
from wpstrack.pagination import Page
from wpstrack.users import User, has_role
from wpstrack.web import downloads
from wpstrack.web.deps import ConnDep, OptionalUser, require_role
from wpstrack.web.downloads import FormatParam
from wpstrack.web.templating import render

router = APIRouter(prefix="/activities")
Editor = Annotated[User, require_role("editor")]
Reviewer = Annotated[User, require_role("reviewer", "editor")]


class ActivityForm(BaseModel):
    """The edit form as posted: every field a string, an empty one clears the value."""

    version: int
    type: str
    title: str = ""
    date: str = ""
    start_time_local: str = ""
    timezone: str = ""
    tz_stated: str = ""
    duration_minutes: str = ""
    city: str = ""
    country: str = ""
    acting_country: str = ""
    summary: str = ""

    def changes(self) -> ActivityUpdate:
        fields = self.model_dump(exclude={"version"})
        return ActivityUpdate.model_validate({k: v.strip() or None for k, v in fields.items()})


def _detail(activity_id: int, fragment: str = "", back: str = "") -> Response:
    # A form on the review page returns there (only to a review page: no open redirect).
    if re.fullmatch(r"/review/\d+", back):
        return RedirectResponse(f"{back}{fragment}", status_code=303)
    return RedirectResponse(f"/activities/{activity_id}{fragment}", status_code=303)


@router.get("")
def activities_page(
    request: Request,
    conn: ConnDep,
    user: OptionalUser,
    filters: Annotated[ActivityFilter, Query()],
    cursor: str | None = None,
    format: FormatParam = "html",
) -> Response:
    public = visibility.is_public(user)

    def fetch(cursor: str | None, limit: int | None = None) -> Page[ActivitySummary]:
        return activities.list_activities(conn, filters, cursor, limit, public_only=public)

    if format != "html":
        return downloads.paged(format, cursor, fetch, ActivitySummary, "activities")
    page = fetch(cursor)
    choices = activities.filter_choices(conn, public_only=public)
    counts = facets.facets(conn, filters, public_only=public)
    context = {"title": _("Activities"), "page": page, "filters": filters, **choices}
    context["facets"] = counts.model_dump()
    return render(request, "activities.html", context)


@router.get("/{activity_id}")
def activity_page(
    request: Request, conn: ConnDep, user: OptionalUser, activity_id: int
) -> Response:
    detail = activities.get_activity(conn, activity_id, public_only=visibility.is_public(user))
    measures = activities.plan_measures(conn)
    context = {
        "title": detail.title or _("Activity %(id)s", id=activity_id),
        "activity": detail,
        "can_edit": user is not None and has_role(user, "editor"),
        "can_link": user is not None and has_role(user, "reviewer", "editor"),
        "measures": measures if user is not None else [],
        "item_labels": {m.id: f"{m.plan_code} {m.code}" for m in measures},
        "types": activities.EVENT_TYPES,
    }
    return render(request, "activity.html", context)


@router.post("/{activity_id}")
def edit(
    conn: ConnDep, user: Editor, activity_id: int, form: Annotated[ActivityForm, Form()]
) -> Response:
    activities.update_activity(
        conn, user.username, activity_id, form.changes(), expected_version=form.version
    )
    return _detail(activity_id)


@router.post("/{activity_id}/publish")
def publish(
    conn: ConnDep, user: Editor, activity_id: int, version: Annotated[int, Form()]
) -> Response:
    activities.set_published(conn, user.username, activity_id, True, expected_version=version)
    return _detail(activity_id)


@router.post("/{activity_id}/unpublish")
def unpublish(
    conn: ConnDep, user: Editor, activity_id: int, version: Annotated[int, Form()]
) -> Response:
    activities.set_published(conn, user.username, activity_id, False, expected_version=version)
    return _detail(activity_id)


@router.post("/{activity_id}/links")
def link(
    conn: ConnDep,
    user: Reviewer,
    activity_id: int,
    plan_item_id: Annotated[int, Form()],
    version: Annotated[int, Form()],
) -> Response:
    activities.link_plan_item(
        conn, user.username, activity_id, plan_item_id, expected_version=version
    )
    return _detail(activity_id, "#links")


@router.post("/{activity_id}/links/{plan_item_id}/delete")
def unlink(
    conn: ConnDep,
    user: Reviewer,
    activity_id: int,
    plan_item_id: int,
    version: Annotated[int, Form()],
) -> Response:
    activities.unlink_plan_item(
        conn, user.username, activity_id, plan_item_id, expected_version=version
    )
    return _detail(activity_id, "#links")


@router.post("/{activity_id}/roles")
def set_role(
    conn: ConnDep,
    user: Reviewer,
    activity_id: int,
    participant_id: Annotated[int, Form()],
    role: Annotated[str, Form()],
    version: Annotated[int, Form()],
    back: Annotated[str, Form()] = "",
) -> Response:
    data = actors.RolesIn(roles={participant_id: role})
    actors.set_roles(conn, user.username, activity_id, data, expected_version=version)
    return _detail(activity_id, "#roles", back)


@router.post("/{activity_id}/acting")
def set_acting(
    conn: ConnDep,
    user: Reviewer,
    activity_id: int,
    version: Annotated[int, Form()],
    acting_country: Annotated[str, Form()] = "",
    acting_organisation: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "",
) -> Response:
    data = actors.RolesIn(acting_country=acting_country, acting_organisation=acting_organisation)
    actors.set_roles(conn, user.username, activity_id, data, expected_version=version)
    return _detail(activity_id, "#roles", back)


@router.post("/{activity_id}/participants")
def add_participant(
    conn: ConnDep,
    user: Reviewer,
    activity_id: int,
    role: Annotated[str, Form()],
    version: Annotated[int, Form()],
    organisation: Annotated[str, Form()] = "",
    country: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "",
) -> Response:
    data = actors.ParticipantIn(
        role=role, organisation=organisation.strip() or None, country=country.strip() or None
    )
    actors.add_participant(conn, user.username, activity_id, data, expected_version=version)
    return _detail(activity_id, "#roles", back)
