"""``/api/v1/people`` and ``/api/v1/organisations/{code}/activities``: who took part, when."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from wpstrack import people, visibility
from wpstrack.people import PersonSummary
from wpstrack.users import User
from wpstrack.web.api.common import ERROR_RESPONSES, PageOut, PageParams, list_response
from wpstrack.web.deps import ConnDep, OptionalUser, require_role

router = APIRouter(tags=["people"], responses=ERROR_RESPONSES)
Reviewer = Annotated[User, require_role("reviewer", "editor")]


class MergeIn(BaseModel):
    """The id of the other person (their address), who is the same person as this one."""

    other: int


@router.get("/people", response_model=PageOut[PersonSummary])
def list_people(
    conn: ConnDep,
    user: OptionalUser,
    page: PageParams,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> Any:
    def fetch(cursor: str | None, limit: int) -> Any:
        return people.list_people(conn, q, cursor, limit, public_only=visibility.is_public(user))

    return list_response(page, fetch, PersonSummary, "people")


@router.get("/people/{person_id}")
def get_person(conn: ConnDep, user: OptionalUser, person_id: int) -> dict[str, Any]:
    return people.person_view(conn, person_id, public_only=visibility.is_public(user))


@router.post("/people/{person_id}/merge")
def merge_person(conn: ConnDep, user: Reviewer, person_id: int, data: MergeIn) -> dict[str, Any]:
    """Record that person ``other`` is this person (another spelling or language)."""
    people.merge_people(conn, user.username, person_id, data.other)
    return people.person_view(conn, person_id, public_only=False)


@router.get("/organisations/{code}/activities", tags=["organisations"])
def organisation_activities(conn: ConnDep, user: OptionalUser, code: str) -> dict[str, Any]:
    return people.organisation_view(conn, code, public_only=visibility.is_public(user))
