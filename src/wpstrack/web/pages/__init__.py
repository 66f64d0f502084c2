"""The HTML pages: one router per area, all behind the CSRF check and the user lookup.

Putting both on the parent router means no form can forget its CSRF check and every
layout knows who is logged in.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends

from wpstrack.web.deps import optional_user
from wpstrack.web.pages import (
    activities,
    admin,
    auth,
    dashboard,
    documents,
    funding,
    indicators,
    matrix,
    narratives,
    organisations,
    people,
    plans,
    reports,
    review,
)
from wpstrack.web.sessions import verify_csrf


def pages_router() -> APIRouter:
    """Every page route, with the shared CSRF and user dependencies."""
    router = APIRouter(dependencies=[Depends(verify_csrf), Depends(optional_user)])
    modules = (dashboard, auth, documents, plans, organisations, people, admin, review)
    for module in (*modules, activities):
        router.include_router(module.router)
    for module in (indicators, matrix, funding):
        router.include_router(module.router)
    router.include_router(reports.router)
    router.include_router(narratives.router)
    return router
