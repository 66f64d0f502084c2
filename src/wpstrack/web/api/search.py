"""``/api/v1/search`` and ``/api/v1/dashboard``: the same dicts as their pages."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from wpstrack import dashboard, facets, search, visibility
from wpstrack.activities import ActivityFilter
from wpstrack.web.api.common import ERROR_RESPONSES
from wpstrack.web.deps import ConnDep, OptionalUser

router = APIRouter(tags=["search"], responses=ERROR_RESPONSES)


def search_results(
    conn: Any, q: str, public: bool, limit: int = 50, *, with_facets: bool = True
) -> dict[str, Any]:
    """The search page's dict: the query, its hits and the facets of the matching activities
    (each facet links to the activity list narrowed to it, the query kept)."""
    found: dict[str, Any] = {"q": q, "results": search.search(conn, q, public=public, limit=limit)}
    if with_facets and q.strip():
        counts = facets.facets(conn, ActivityFilter(q=q), public_only=public)
        found["facets"] = counts.model_dump()
    return found


@router.get("/search")
def search_api(
    conn: ConnDep,
    user: OptionalUser,
    q: Annotated[str, Query(max_length=200)] = "",
    limit: Annotated[int, Query(ge=1, le=search.MAX_RESULTS)] = 50,
    with_facets: Annotated[bool, Query(alias="facets")] = False,
) -> dict[str, Any]:
    """Hits best first; ``facets=true`` adds the counts the search page shows beside them."""
    return search_results(conn, q, visibility.is_public(user), limit, with_facets=with_facets)


@router.get("/dashboard", tags=["dashboard"])
def dashboard_api(
    conn: ConnDep,
    user: OptionalUser,
    plan: str | None = None,
    period: Annotated[str | None, Query(max_length=20)] = None,
    pillar: Annotated[str | None, Query(max_length=40)] = None,
) -> dict[str, Any]:
    """The dashboard's figures; ``plan``: only what that plan's government carries out or
    funds (and its indicators); ``period``: a year, or one of the plan's periods;
    ``pillar``: a pillar code. The page's ``?format=csv&figure=NAME`` gives one figure's
    table."""
    return dashboard.dashboard(
        conn, public=visibility.is_public(user), plan=plan, period=period, pillar=pillar
    )
