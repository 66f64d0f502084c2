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
    organisations,
    plans,
    review,
)
from wpstrack.web.sessions import verify_csrf


def pages_router() -> APIRouter:
    """Every page route, with the shared CSRF and user dependencies."""
    router = APIRouter(dependencies=[Depends(verify_csrf), Depends(optional_user)])
    for module in (dashboard, auth, documents, plans, organisations, admin, review, activities):
        router.include_router(module.router)
    return router
