"""Admin pages: users and the audit log. Every route here needs the admin role."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from wpstrack import audit, users
from wpstrack.audit import AuditEvent, AuditFilter
from wpstrack.i18n import _
from wpstrack.pagination import Page
from wpstrack.users import UserUpdate
from wpstrack.web import downloads
from wpstrack.web.deps import AdminUser, ConnDep, require_role
from wpstrack.web.downloads import FormatParam
from wpstrack.web.sessions import log_in
from wpstrack.web.templating import render

router = APIRouter(prefix="/admin", dependencies=[require_role("admin")])


def _users_page(
    request: Request, conn: ConnDep, cursor: str | None = None, status: int = 200, **notice: object
) -> Response:
    page = users.list_users(conn, cursor=cursor)
    context = {"title": _("Users"), "page": page, "roles": users.ROLES, "created": None}
    return render(request, "admin_users.html", {**context, "reset": None, **notice}, status)


@router.get("/users")
def users_page(request: Request, conn: ConnDep, cursor: str | None = None) -> Response:
    return _users_page(request, conn, cursor)


@router.post("/users")
def add_user(
    request: Request,
    conn: ConnDep,
    admin: AdminUser,
    username: Annotated[str, Form(max_length=80)],
    role: Annotated[str, Form()],
) -> Response:
    data = users.user_in(username, role)
    user, password = users.add_user(conn, data, actor=admin.username)
    created = {"username": user.username, "password": password}
    return _users_page(request, conn, status=201, created=created)


@router.post("/users/{username}/password")
def reset_password(request: Request, conn: ConnDep, admin: AdminUser, username: str) -> Response:
    """Give the user a generated password, shown once here; their sessions end."""
    user, password = users.reset_password(conn, username, actor=admin.username)
    if user.id == admin.id:  # resetting one's own password ended this session too
        log_in(request, admin.id, users.session_version(conn, admin.id))
    reset = {"username": user.username, "password": password}
    return _users_page(request, conn, reset=reset)


@router.post("/users/{username}")
def update_user(
    conn: ConnDep,
    admin: AdminUser,
    username: str,
    role: Annotated[str, Form()],
    version: Annotated[int, Form()],
    is_active: Annotated[str | None, Form()] = None,
) -> Response:
    changes = UserUpdate.model_validate({"role": role, "is_active": is_active == "on"})
    users.update_user(conn, username, changes, admin.username, expected_version=version)
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/audit")
def audit_page(
    request: Request,
    conn: ConnDep,
    filters: Annotated[AuditFilter, Query()],
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    format: FormatParam = "html",
) -> Response:
    def fetch(cursor: str | None, size: int | None = limit) -> Page[AuditEvent]:
        return audit.list_events(conn, filters, cursor=cursor, limit=size)

    if format != "html":
        return downloads.paged(format, cursor, fetch, AuditEvent, "audit")
    page = fetch(cursor)
    context = {"title": _("Audit log"), "page": page, "filters": filters}
    return render(request, "admin_audit.html", context)
