"""``/api/v1/search`` and ``/api/v1/dashboard``: the same dicts as their pages."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from wpstrack import dashboard, search, visibility
from wpstrack.web.api.common import ERROR_RESPONSES
from wpstrack.web.deps import ConnDep, OptionalUser

router = APIRouter(tags=["search"], responses=ERROR_RESPONSES)


def search_results(conn: Any, q: str, public: bool, limit: int = 50) -> dict[str, Any]:
    """The search page's dict: the query and its hits."""
    return {"q": q, "results": search.search(conn, q, public=public, limit=limit)}


@router.get("/search")
def search_api(
    conn: ConnDep,
    user: OptionalUser,
    q: Annotated[str, Query(max_length=200)] = "",
    limit: Annotated[int, Query(ge=1, le=search.MAX_RESULTS)] = 50,
) -> dict[str, Any]:
    return search_results(conn, q, visibility.is_public(user), limit)


@router.get("/dashboard", tags=["dashboard"])
def dashboard_api(conn: ConnDep, user: OptionalUser, plan: str | None = None) -> dict[str, Any]:
    """The dashboard's figures; ``plan``: only what that plan's government carries out or
    funds."""
    return dashboard.dashboard(conn, public=visibility.is_public(user), plan=plan or None)
