"""``/api/v1/activities``: the register, like the activities pages.

Anyone may read; anonymous callers see published activities only. Editors (and admins)
edit and publish; reviewers and above link activities to plan items and set roles. Edits name the
version they read in ``If-Match``; without it, publish and link apply to the current one.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Response
from pydantic import BaseModel

from wpstrack import activities, actors, events, facets, visibility
from wpstrack.activities import ActivityDetail, ActivityFilter, ActivitySummary, ActivityUpdate
from wpstrack.events import Candidate
from wpstrack.users import User
from wpstrack.web.api.common import (
    ERROR_RESPONSES,
    PageOut,
    PageParams,
    etag,
    list_response,
    parse_if_match,
)
from wpstrack.web.deps import ConnDep, CurrentUser, OptionalUser, require_role

router = APIRouter(prefix="/activities", tags=["activities"], responses=ERROR_RESPONSES)
Editor = Annotated[User, require_role("editor")]
Reviewer = Annotated[User, require_role("reviewer", "editor")]
IfMatch = Annotated[str | None, Header()]


class LinkIn(BaseModel):
    """The plan item (measure) to link the activity to."""

    plan_item_id: int


def _optional_version(if_match: str | None) -> int | None:
    return None if if_match is None else parse_if_match(if_match)


def _tagged(detail: ActivityDetail, response: Response) -> ActivityDetail:
    response.headers["ETag"] = etag(detail.version)
    return detail


@router.get("", response_model=PageOut[ActivitySummary])
def list_activities(
    conn: ConnDep,
    user: OptionalUser,
    filters: Annotated[ActivityFilter, Query()],
    page: PageParams,
) -> Any:
    def fetch(cursor: str | None, limit: int) -> Any:
        return activities.list_activities(
            conn, filters, cursor, limit, public_only=visibility.is_public(user)
        )

    return list_response(page, fetch, ActivitySummary, "activities")


@router.get("/facets", response_model=facets.Facets)
def activity_facets(
    conn: ConnDep, user: OptionalUser, filters: Annotated[ActivityFilter, Query()]
) -> facets.Facets:
    """Counts by type, year, pillar, organisation and language of the activities the same
    filters list (anonymous callers count published ones only)."""
    return facets.facets(conn, filters, public_only=visibility.is_public(user))


@router.get("/{activity_id}", response_model=ActivityDetail)
def get_activity(
    conn: ConnDep, user: OptionalUser, activity_id: int, response: Response
) -> ActivityDetail:
    """One activity with each value's provenance (document, span, method, decisions)."""
    detail = activities.get_activity(conn, activity_id, public_only=visibility.is_public(user))
    return _tagged(detail, response)


@router.patch("/{activity_id}", response_model=ActivityDetail)
def update_activity(
    conn: ConnDep,
    user: Editor,
    activity_id: int,
    changes: ActivityUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> ActivityDetail:
    """Change fields; ``If-Match`` must carry the ETag you read (a stale one gets 409)."""
    version = parse_if_match(if_match)
    detail = activities.update_activity(
        conn, user.username, activity_id, changes, expected_version=version
    )
    return _tagged(detail, response)


@router.post("/{activity_id}/publish", response_model=ActivityDetail)
def publish(
    conn: ConnDep, user: Editor, activity_id: int, response: Response, if_match: IfMatch = None
) -> ActivityDetail:
    """Publish a reviewed activity: anonymous visitors see it from now on."""
    version = _optional_version(if_match)
    detail = activities.set_published(
        conn, user.username, activity_id, True, expected_version=version
    )
    return _tagged(detail, response)


@router.post("/{activity_id}/unpublish", response_model=ActivityDetail)
def unpublish(
    conn: ConnDep, user: Editor, activity_id: int, response: Response, if_match: IfMatch = None
) -> ActivityDetail:
    version = _optional_version(if_match)
    detail = activities.set_published(
        conn, user.username, activity_id, False, expected_version=version
    )
    return _tagged(detail, response)


@router.post("/{activity_id}/links", response_model=ActivityDetail)
def link(
    conn: ConnDep,
    user: Reviewer,
    activity_id: int,
    data: LinkIn,
    response: Response,
    if_match: IfMatch = None,
) -> ActivityDetail:
    """Link the activity to a plan item; linking twice changes nothing."""
    version = _optional_version(if_match)
    detail = activities.link_plan_item(
        conn, user.username, activity_id, data.plan_item_id, expected_version=version
    )
    return _tagged(detail, response)


@router.delete("/{activity_id}/links/{plan_item_id}", response_model=ActivityDetail)
def unlink(
    conn: ConnDep,
    user: Reviewer,
    activity_id: int,
    plan_item_id: int,
    response: Response,
    if_match: IfMatch = None,
) -> ActivityDetail:
    version = _optional_version(if_match)
    detail = activities.unlink_plan_item(
        conn, user.username, activity_id, plan_item_id, expected_version=version
    )
    return _tagged(detail, response)


class Candidates(BaseModel):
    """The activities that may report the same event as ``activity_id``, best first."""

    activity_id: int
    candidates: list[Candidate]


@router.get("/{activity_id}/candidates", response_model=Candidates)
def candidates(conn: ConnDep, _user: CurrentUser, activity_id: int) -> Candidates:
    """Activities that may report the same event, with the evidence (review: logged in)."""
    return Candidates(activity_id=activity_id, candidates=events.candidates(conn, activity_id))


@router.put("/{activity_id}/roles", response_model=ActivityDetail)
def set_roles(
    conn: ConnDep,
    user: Reviewer,
    activity_id: int,
    data: actors.RolesIn,
    response: Response,
    if_match: IfMatch = None,
) -> ActivityDetail:
    """Set participants' roles (participant id -> role) and the acting government or
    organisation; roles: principal (lead / host), implementer, funder, recipient,
    participant, mentioned."""
    version = _optional_version(if_match)
    actors.set_roles(conn, user.username, activity_id, data, expected_version=version)
    return _tagged(activities.get_activity(conn, activity_id), response)


@router.post("/{activity_id}/participants", response_model=ActivityDetail)
def add_participant(
    conn: ConnDep,
    user: Reviewer,
    activity_id: int,
    data: actors.ParticipantIn,
    response: Response,
    if_match: IfMatch = None,
) -> ActivityDetail:
    """Add an organisation (code) or a government (country code) with its role."""
    version = _optional_version(if_match)
    actors.add_participant(conn, user.username, activity_id, data, expected_version=version)
    return _tagged(activities.get_activity(conn, activity_id), response)
